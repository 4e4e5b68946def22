"""An exercise's data and its grading: the one place a typed exercise answer is judged.

The study screen's exercise panel and the quiz's exercise questions both call
:meth:`Exercise.judge` (or :meth:`Exercise.check`, its yes/no form), so an answer is read and
compared the same way everywhere: plain numbers or arithmetic (:mod:`flashdl.engine.answers`),
each within the exercise's tolerance. Text that cannot be read is *unreadable*, not wrong: the
caller asks again with the verdict's hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flashdl.engine.answers import read_answer


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


@dataclass(frozen=True)
class Verdict:
    """The judgement of one typed answer.

    ``readable`` false means the text was not numbers or arithmetic (or had the wrong count of
    them): ``hint`` says what to type instead, and the answer must not be graded.
    """

    readable: bool
    correct: bool
    values: tuple[float, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Exercise:
    """One numeric question.

    ``answer`` is a tuple of floats (one or several numbers, in the order the
    prompt asks for them); an answer is right when it gives exactly that many
    numbers, each within ``tolerance`` of its counterpart. ``data`` holds the
    question's inputs by name (e.g. ``{"p": 0.2}``) so a quiz can show them in
    its own way and a test can recompute the answer independently.
    """

    demo: str
    prompt: str
    answer: tuple[float, ...]
    worked: str
    tolerance: Tolerance = field(default_factory=Tolerance)
    seed: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def judge(self, text: str) -> Verdict:
        """Read ``text`` (numbers or arithmetic) and compare it with the answer; never raises."""
        try:
            reading = read_answer(text)
            if not reading.readable:
                return Verdict(False, False, hint=reading.problem)
            wanted = len(self.answer)
            if len(reading.values) != wanted:
                got = len(reading.values)
                return Verdict(
                    False,
                    False,
                    reading.values,
                    f"This question wants {_count(wanted)}, separated by commas; "
                    f"that answer has {_count(got)}.",
                )
            correct = all(
                self.tolerance.accepts(g, a)
                for g, a in zip(reading.values, self.answer, strict=True)
            )
            return Verdict(True, correct, reading.values)
        except Exception:  # noqa: BLE001 - a checker must never crash the study screen or quiz
            return Verdict(False, False, hint="That answer could not be read. Type a number.")

    def check(self, text: str) -> bool:
        """True if ``text`` gives the answer within tolerance; False (never an error) otherwise."""
        return self.judge(text).correct


def _count(n: int) -> str:
    return "one number" if n == 1 else f"{n} numbers"
