"""flashdl's demo engine: small, seeded NumPy experiments that show a concept at work.

A flashcard can state that inverted dropout scales kept units by 1/(1-p);
the engine draws the mask and lets the learner see it, re-run it and change
p. Everything here is pure computation: no Textual, no database, and NumPy
is imported only when a demo or exercise actually runs, so listing demos
(and importing this package) stays cheap for the rest of the app.

Public API::

    list_demos() -> list[DemoSpec]
    get_demo(name) -> DemoSpec
    validate_params(name, params) -> dict
    run_demo(name, seed=0, **params) -> DemoResult
    list_exercises() -> list[str]
    make_exercise(name, seed=0, **params) -> Exercise
"""

from __future__ import annotations

from typing import Any

from flashdl.engine.exercises import Exercise, Tolerance, list_exercises, make_exercise
from flashdl.engine.params import DemoError, Param
from flashdl.engine.registry import DemoSpec, Plot, all_specs, lookup, run, validate
from flashdl.engine.result import DemoResult

__all__ = [
    "DemoError",
    "DemoResult",
    "DemoSpec",
    "Exercise",
    "Param",
    "Plot",
    "Tolerance",
    "get_demo",
    "list_demos",
    "list_exercises",
    "make_exercise",
    "run_demo",
    "validate_params",
]


def list_demos() -> list[DemoSpec]:
    """All demos, sorted by name (does not import NumPy)."""
    return all_specs()


def get_demo(name: str) -> DemoSpec:
    """The spec of demo ``name``; DemoError (with close names) if there is none."""
    return lookup(name)


def validate_params(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete ``params`` with defaults and coerce them (``"0.3"`` -> 0.3); DemoError if bad."""
    return validate(name, params)


def run_demo(name: str, seed: int = 0, **params: Any) -> DemoResult:
    """Run demo ``name`` with a fresh ``numpy.random.default_rng(seed)``.

    The same name, seed and parameters always give identical numbers.
    """
    return run(name, seed, params)
