"""The value a demo returns, and its JSON form.

A result is data only: the renderers (Rich for the CLI, Textual for the TUI)
decide how to draw it, which keeps the demos testable against mathematics
rather than against screen output. NumPy is never imported here; arrays are
recognised by duck typing (``tolist``), so this module loads without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

#: Significant digits of a float in JSON output. Binary floating point leaves noise in the last
#: digits of results that are round in decimal (0.1 + 0.2 gives 0.30000000000000004); 12 digits
#: drop that noise yet keep far more than the 4 the screen shows, so numbers from ``--json``
#: still sum, compare and re-plot like the full-precision results (to about 1e-12, relative).
#: Rounding to the screen's 4 digits would make them useless for checking against PyTorch.
JSON_DIGITS = 12


@dataclass(frozen=True, eq=False)
class DemoResult:
    """The outcome of one demo run.

    ``values`` holds named NumPy arrays and scalars (the numbers a test or a
    learner can check); ``series`` holds named 1-D sequences meant for line
    plots. Equality is deliberately not defined (arrays have no single truth
    value); compare ``values`` entry by entry instead.
    """

    name: str
    seed: int
    params: dict[str, Any]
    values: dict[str, Any]
    explanation: str
    series: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def partial(
        cls, values: dict[str, Any], explanation: str, series: dict[str, Any] | None = None
    ) -> DemoResult:
        """Build the result inside a demo function; the registry fills name, seed and params."""
        return cls("", 0, {}, values, explanation, dict(series or {}))

    def completed(self, name: str, seed: int, params: dict[str, Any]) -> DemoResult:
        """Return a copy carrying the identity of the run that produced it."""
        return replace(self, name=name, seed=seed, params=dict(params))

    def to_json(self) -> dict[str, Any]:
        """A dict that ``json.dumps`` accepts: arrays become (nested) lists.

        Non-finite floats become ``None`` because strict JSON has no NaN.
        """
        return {
            "name": self.name,
            "seed": self.seed,
            "params": {k: to_jsonable(v) for k, v in self.params.items()},
            "values": {k: to_jsonable(v) for k, v in self.values.items()},
            "series": {k: to_jsonable(v) for k, v in self.series.items()},
            "explanation": self.explanation,
        }


def to_jsonable(value: Any) -> Any:
    """Convert NumPy arrays/scalars, tuples and non-finite floats to plain JSON values; floats
    are rounded to :data:`JSON_DIGITS` significant digits."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.{JSON_DIGITS}g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return str(value)
