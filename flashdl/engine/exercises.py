"""The exercise registry: which demos pose a numeric question, and posing one.

A flashcard's answer is fixed text; an exercise draws new numbers from its
seed each time, so the learner has to do the computation rather than
remember the result. The generators live in
:mod:`flashdl.engine.exercise_bank` (loaded on first use), the data type and
its grading in :mod:`flashdl.engine.exercise_model`. The bank never imports
this module, so the two do not form an import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flashdl.engine.answers import read_answer
from flashdl.engine.exercise_model import Exercise, Tolerance, Verdict
from flashdl.engine.params import DemoError, Param

if TYPE_CHECKING:  # pragma: no cover
    from numpy.random import Generator

__all__ = [
    "Exercise",
    "ExerciseSpec",
    "Tolerance",
    "Verdict",
    "exercise_spec",
    "list_exercises",
    "make_exercise",
    "parse_numbers",
]


def parse_numbers(text: str) -> list[float] | None:
    """The numbers an answer gives (plain or as arithmetic); None if it cannot be read."""
    reading = read_answer(text)
    return list(reading.values) if reading.readable else None


ExerciseFunc = Callable[["Generator", dict[str, Any]], Exercise]


@dataclass(frozen=True)
class ExerciseSpec:
    """A registered exercise generator and its (optional) parameters."""

    demo: str
    func: ExerciseFunc
    params: tuple[Param, ...] = ()


_EXERCISES: dict[str, ExerciseSpec] = {}


def _ensure_loaded() -> None:
    if not _EXERCISES:
        from flashdl.engine.exercise_bank import GENERATORS

        for demo, (func, params) in GENERATORS.items():
            _EXERCISES[demo] = ExerciseSpec(demo, func, params)


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
