"""The demo registry: declarations, lookup with suggestions, validation and running.

Each demo family module declares its demos with :func:`demo` at import time.
Those modules import NumPy only inside the demo functions, so loading the
whole registry (for ``flashdl demo --list`` or a deck check) costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flashdl.engine.params import DemoError, Param
from flashdl.engine.result import DemoResult
from flashdl.suggest import did_you_mean

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy

    DemoFunc = Callable[[numpy.random.Generator, dict[str, Any]], DemoResult]
else:
    DemoFunc = Callable[..., DemoResult]

#: Modules that declare demos, loaded on first use of the registry.
FAMILIES: tuple[str, ...] = (
    "dropout",
    "normalization",
    "sparsity",
    "elastic",
    "initialization",
    "schedules",
    "optimizers",
    "generalization",
    "augmentation",
    "weight_decay",
    "dropout_rules",
)

MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Plot:
    """A display hint: one line plot built from a result's ``series``.

    ``x`` names a series used as the horizontal axis (otherwise the index);
    ``scatter`` lists (x series, y series) pairs drawn as points.
    """

    title: str
    y: tuple[str, ...] = ()
    x: str | None = None
    log_y: bool = False
    scatter: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DemoSpec:
    """Everything known about a demo before it runs.

    ``grids`` names 0/1 arrays best drawn as character grids; ``tables``
    names small arrays worth printing in full; ``plots`` says how to draw the
    series. These are hints for renderers, not part of the mathematics.
    """

    name: str
    title: str
    topics: tuple[str, ...]
    params: tuple[Param, ...]
    func: DemoFunc
    summary: str = ""
    grids: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    plots: tuple[Plot, ...] = ()
    constraint: Callable[[dict[str, Any]], str | None] | None = field(default=None, repr=False)

    def param(self, name: str) -> Param:
        """Return the declared parameter ``name`` or raise DemoError listing the valid ones."""
        for p in self.params:
            if p.name == name:
                return p
        valid = ", ".join(p.name for p in self.params) or "(none)"
        sentence = did_you_mean(name, [p.name for p in self.params], most=1)
        hint = f" {sentence}" if sentence else ""
        raise DemoError(
            f"demo {self.name!r} has no parameter {name!r}; valid parameters: {valid}.{hint}"
        )

    def defaults(self) -> dict[str, Any]:
        """The default value of every parameter."""
        return {p.name: p.default for p in self.params}


_REGISTRY: dict[str, DemoSpec] = {}
_loaded = False


def demo(
    name: str,
    title: str,
    topics: list[str] | tuple[str, ...],
    params: list[Param] | tuple[Param, ...],
    *,
    grids: tuple[str, ...] = (),
    tables: tuple[str, ...] = (),
    plots: tuple[Plot, ...] = (),
    constraint: Callable[[dict[str, Any]], str | None] | None = None,
) -> Callable[[DemoFunc], DemoFunc]:
    """Decorator registering ``func`` as the demo ``name``; the docstring becomes the summary."""

    def register(func: DemoFunc) -> DemoFunc:
        if name in _REGISTRY:
            raise RuntimeError(f"demo {name!r} registered twice")
        doc = (func.__doc__ or "").strip().split("\n\n")[0]
        _REGISTRY[name] = DemoSpec(
            name=name,
            title=title,
            topics=tuple(topics),
            params=tuple(params),
            func=func,
            summary=" ".join(doc.split()),
            grids=grids,
            tables=tables,
            plots=plots,
            constraint=constraint,
        )
        return func

    return register


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        for family in FAMILIES:
            importlib.import_module(f"flashdl.engine.{family}")
        _loaded = True


def all_specs() -> list[DemoSpec]:
    """Every registered demo, sorted by name."""
    _ensure_loaded()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def suggest(name: str, candidates: list[str]) -> str:
    """A ' Did you mean ...?' sentence for a mistyped name, or '' (:mod:`flashdl.suggest`)."""
    sentence = did_you_mean(name, candidates)
    return f" {sentence}" if sentence else ""


def lookup(name: str) -> DemoSpec:
    """Return the spec for ``name`` or raise DemoError suggesting close names."""
    _ensure_loaded()
    if not isinstance(name, str) or name not in _REGISTRY:
        names = sorted(_REGISTRY)
        raise DemoError(
            f"unknown demo {name!r}.{suggest(str(name), names)} "
            f"Run 'flashdl demo --list' to see all {len(names)} demos."
        )
    return _REGISTRY[name]


def validate(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Fill defaults, coerce each given value and check bounds and cross-parameter rules."""
    spec = lookup(name)
    given = dict(params or {})
    out = spec.defaults()
    for key, raw in given.items():
        out[key] = spec.param(key).coerce(raw, demo=name)
    if spec.constraint is not None:
        problem = spec.constraint(out)
        if problem:
            raise DemoError(f"demo {name!r}: {problem}")
    return out


def check_seed(seed: Any) -> int:
    """Seeds must be non-negative integers (strings of digits allowed from the CLI)."""
    try:
        if isinstance(seed, bool):
            raise TypeError
        value = int(seed.strip()) if isinstance(seed, str) else int(seed)
        if value != seed and not isinstance(seed, str):
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise DemoError(f"seed must be a non-negative integer; got {seed!r}") from exc
    if not 0 <= value <= MAX_SEED:
        raise DemoError(f"seed must be between 0 and {MAX_SEED}; got {seed!r}")
    return value


def run(name: str, seed: int = 0, params: dict[str, Any] | None = None) -> DemoResult:
    """Validate, seed a fresh ``numpy.random.default_rng`` and run the demo."""
    clean = validate(name, params)
    seed = check_seed(seed)
    import numpy as np

    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        outcome = _REGISTRY[name].func(rng, dict(clean))
    return outcome.completed(name, seed, clean)
