"""Numeric exercises: a question with freshly computed numbers and a checkable answer.

A flashcard's answer is fixed text; an exercise draws new numbers from its
seed each time, so the learner has to do the computation rather than
remember the result. The generators live in
:mod:`flashdl.engine.exercise_bank`; this module holds the data type, the
answer parser and the registry.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flashdl.engine.params import DemoError, Param

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator


@dataclass(frozen=True)
class Tolerance:
    """How close a typed number must be to the answer.

    A number ``x`` matches ``a`` when ``|x - a| <= max(abs, rel * |a|)``:
    ``abs`` covers answers near zero, ``rel`` covers rounding of large or
    small magnitudes (the default 0.5% accepts three significant figures).
    """

    abs: float = 5e-4
    rel: float = 5e-3

    def accepts(self, given: float, answer: float) -> bool:
        """True when ``given`` is within tolerance of ``answer``."""
        return abs(given - answer) <= max(self.abs, self.rel * abs(answer))

    def describe(self) -> str:
        """Plain-text statement used in prompts and docs."""
        return f"within {self.abs:g} or {self.rel:.2%} of the answer, whichever is larger"


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")


def parse_numbers(text: str) -> list[float] | None:
    """Parse '1.25', '1/8', '-0.5, 2', '[1 2 3]' into floats; None if anything is not a number.

    Commas, semicolons and whitespace separate numbers; brackets are ignored;
    a token a/b is a fraction. Never raises.
    """
    if not isinstance(text, str):
        return None
    cleaned = text.strip().lower().replace("\u2212", "-")
    cleaned = re.sub(r"[\[\]()]", " ", cleaned)
    tokens = [t for t in re.split(r"[,;\s]+", cleaned) if t]
    if not tokens or len(tokens) > 64:
        return None
    out: list[float] = []
    for token in tokens:
        parts = token.split("/")
        if len(parts) > 2 or not all(_NUMBER.fullmatch(p) for p in parts):
            return None
        try:
            if len(parts) == 2:
                value = float(Fraction(parts[0]) / Fraction(parts[1]))
            else:
                value = float(parts[0])
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
        if not math.isfinite(value):
            return None
        out.append(value)
    return out


@dataclass(frozen=True)
class Exercise:
    """One numeric question.

    ``answer`` is a tuple of floats (one or several numbers, in the order the
    prompt asks for them); ``check`` accepts exactly that many numbers, each
    within ``tolerance`` of its counterpart. ``data`` holds the question's
    inputs by name (e.g. ``{"p": 0.2}``) so a quiz can show them in its own
    way and a test can recompute the answer independently.
    """

    demo: str
    prompt: str
    answer: tuple[float, ...]
    worked: str
    tolerance: Tolerance = field(default_factory=Tolerance)
    seed: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def check(self, text: str) -> bool:
        """True if ``text`` gives the answer within tolerance; False (never an error) otherwise."""
        try:
            given = parse_numbers(text)
            if given is None or len(given) != len(self.answer):
                return False
            return all(
                self.tolerance.accepts(g, a) for g, a in zip(given, self.answer, strict=True)
            )
        except Exception:  # noqa: BLE001 - a checker must never crash the quiz
            return False


ExerciseFunc = Callable[["Generator", dict[str, Any]], Exercise]


@dataclass(frozen=True)
class ExerciseSpec:
    """A registered exercise generator and its (optional) parameters."""

    demo: str
    func: ExerciseFunc
    params: tuple[Param, ...] = ()


_EXERCISES: dict[str, ExerciseSpec] = {}
_loaded = False


def exercise(demo: str, params: tuple[Param, ...] = ()) -> Callable[[ExerciseFunc], ExerciseFunc]:
    """Decorator registering an exercise generator for demo ``demo``."""

    def register(func: ExerciseFunc) -> ExerciseFunc:
        _EXERCISES[demo] = ExerciseSpec(demo, func, params)
        return func

    return register


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        importlib.import_module("flashdl.engine.exercise_bank")
        _loaded = True


def list_exercises() -> list[str]:
    """Names of the demos that can pose an exercise."""
    _ensure_loaded()
    return sorted(_EXERCISES)


def exercise_spec(name: str) -> ExerciseSpec:
    """The generator for ``name``; DemoError with suggestions if there is none."""
    from flashdl.engine.registry import suggest

    _ensure_loaded()
    if name not in _EXERCISES:
        names = sorted(_EXERCISES)
        raise DemoError(
            f"no exercise for {name!r}.{suggest(str(name), names)} "
            f"Exercises exist for: {', '.join(names)}."
        )
    return _EXERCISES[name]


def make_exercise(name: str, seed: int = 0, **params: Any) -> Exercise:
    """Pose a fresh exercise for demo ``name``; the question's numbers come from ``seed``."""
    from flashdl.engine.registry import check_seed

    spec = exercise_spec(name)
    clean = {p.name: p.default for p in spec.params}
    by_name = {p.name: p for p in spec.params}
    for key, raw in params.items():
        if key not in by_name:
            valid = ", ".join(by_name) or "(none)"
            raise DemoError(
                f"exercise {name!r} has no parameter {key!r}; valid parameters: {valid}"
            )
        clean[key] = by_name[key].coerce(raw, demo=name)
    seed = check_seed(seed)
    import numpy as np

    made = spec.func(np.random.default_rng(seed), clean)
    return Exercise(
        made.demo, made.prompt, made.answer, made.worked, made.tolerance, seed, dict(made.data)
    )
