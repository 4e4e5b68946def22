"""Typed demo parameters: declaration, coercion, validation and stepping.

Parameters arrive from three places with different shapes: Python keyword
arguments, deck files (TOML numbers and strings) and the command line
(always strings such as ``"0.3"`` or ``"8x16"``). Every one of them goes
through :meth:`Param.coerce`, so a demo function only ever sees clean,
in-bounds values of the declared type. This module must stay free of NumPy
so that listing demos stays instant.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

ParamKind = Literal["int", "float", "choice", "shape", "bool"]

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


class DemoError(ValueError):
    """Raised for any bad request to the engine: unknown demo, bad parameter, bad value.

    A single error type lets the CLI and the TUI catch one thing and show its
    message, which is always written to be read by a learner.
    """


@dataclass(frozen=True)
class Param:
    """One declared parameter of a demo.

    ``step`` is what the TUI's ``[``/``]`` keys add or subtract; when
    ``log_step`` is true the value is multiplied or divided by ``step``
    instead, which suits quantities spanning decades (eps, learning rates).
    For ``shape`` parameters ``min``/``max`` bound each of the two sides.
    """

    name: str
    kind: ParamKind
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    step: float = 1
    choices: tuple[str, ...] = ()
    log_step: bool = False

    def bounds_text(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "shape":
            return f"two integers (rows, cols), each between {_fmt(self.min)} and {_fmt(self.max)}"
        return f"between {_fmt(self.min)} and {_fmt(self.max)}"

    def describe(self) -> str:
        """One line for listings: name, type, default and bounds."""
        return (
            f"{self.name} ({self.kind}, default {format_value(self.default)}; {self.bounds_text()})"
        )

    # ------------------------------------------------------------------ coercion
    def coerce(self, value: Any, demo: str = "") -> Any:
        """Return ``value`` converted to this parameter's type, or raise DemoError."""
        where = f"parameter {self.name!r}" + (f" of demo {demo!r}" if demo else "")
        try:
            out = _CONVERTERS[self.kind](self, value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise DemoError(
                f"{where} must be {_KIND_WORDS[self.kind]} ({self.bounds_text()}); got {value!r}"
            ) from exc
        self._check_bounds(out, where, value)
        return out

    def _check_bounds(self, out: Any, where: str, raw: Any) -> None:
        if self.kind == "choice":
            if out not in self.choices:
                raise DemoError(f"{where} must be one of {', '.join(self.choices)}; got {raw!r}")
            return
        if self.kind == "bool":
            return
        items = out if self.kind == "shape" else (out,)
        for item in items:
            if (self.min is not None and item < self.min) or (
                self.max is not None and item > self.max
            ):
                raise DemoError(f"{where} must be {self.bounds_text()}; got {raw!r}")

    # ------------------------------------------------------------------ stepping
    def step_value(self, value: Any, direction: int) -> Any:
        """Move ``value`` one step up (direction > 0) or down, staying in bounds.

        Choices cycle (wrapping around) and booleans toggle, because the TUI
        offers only two keys; numbers clamp at their bounds.
        """
        sign = 1 if direction > 0 else -1
        if self.kind == "choice":
            idx = self.choices.index(value) if value in self.choices else 0
            return self.choices[(idx + sign) % len(self.choices)]
        if self.kind == "bool":
            return not value
        if self.kind == "shape":
            return tuple(self._step_number(v, sign) for v in value)
        return self._step_number(value, sign)

    def _step_number(self, value: float, sign: int) -> Any:
        if self.log_step and value > 0:
            new = value * self.step if sign > 0 else value / self.step
        elif self.log_step:
            new = self.min if self.min and self.min > 0 else self.step
        else:
            new = value + sign * self.step
        if self.min is not None:
            new = max(self.min, new)
        if self.max is not None:
            new = min(self.max, new)
        if self.kind in ("int", "shape"):
            return int(round(new))
        return float(f"{new:.10g}")


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else format_value(x)


def format_value(value: Any) -> str:
    """Short display form: 0.5, 1e-05, 8x16, inverted, true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _to_int(param: Param, value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("bool is not an int")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"[+-]?\d+", value):
            value = float(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not an integer")
    return int(value)


def _to_float(param: Param, value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    out = float(value.strip() if isinstance(value, str) else value)
    if not math.isfinite(out):
        raise ValueError("not finite")
    return out


def _to_choice(param: Param, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value.strip().lower()


def _to_shape(param: Param, value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        parts = [p for p in re.split(r"[x×,\s()\[\]]+", value.strip().lower()) if p]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise TypeError("not a pair")
    if len(parts) != 2:
        raise ValueError("need two sides")
    rows, cols = (_to_int(param, p) for p in parts)
    return (rows, cols)


def _to_bool(param: Param, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError("not a boolean")


_CONVERTERS = {
    "int": _to_int,
    "float": _to_float,
    "choice": _to_choice,
    "shape": _to_shape,
    "bool": _to_bool,
}

_KIND_WORDS = {
    "int": "an integer",
    "float": "a number",
    "choice": "a name",
    "shape": "a pair of integers like 8x16",
    "bool": "true or false",
}


# ---------------------------------------------------------------- constructors
def int_param(name: str, default: int, lo: int, hi: int, step: int = 1, help: str = "") -> Param:
    """Declare an integer parameter in [lo, hi]."""
    return Param(name, "int", default, help, lo, hi, step)


def float_param(
    name: str,
    default: float,
    lo: float,
    hi: float,
    step: float,
    help: str = "",
    log_step: bool = False,
) -> Param:
    """Declare a real parameter in [lo, hi]; ``log_step`` steps multiplicatively."""
    return Param(name, "float", float(default), help, lo, hi, step, log_step=log_step)


def choice_param(name: str, default: str, choices: tuple[str, ...], help: str = "") -> Param:
    """Declare a parameter taking one of a few names."""
    return Param(name, "choice", default, help, choices=choices)


def shape_param(
    name: str, default: tuple[int, int], lo: int, hi: int, step: int = 1, help: str = ""
) -> Param:
    """Declare a (rows, cols) pair, each side in [lo, hi]."""
    return Param(name, "shape", tuple(default), help, lo, hi, step)


def bool_param(name: str, default: bool, help: str = "") -> Param:
    """Declare an on/off parameter."""
    return Param(name, "bool", default, help)
