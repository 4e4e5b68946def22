"""One study session's queue, re-drills and undo stack, as plain data.

The study screen shows ``session.current``, writes the learner's answer to the store, then tells
the session what happened (:meth:`StudySession.answer`, :meth:`StudySession.remove_current`).
The session decides what comes next: a card graded below 4 goes back into the queue a few
cards later (SM-2 asks for same-day repeats until the learner answers it with a 4 or 5), and
every step keeps the queue as it was before, so :meth:`StudySession.undo` can restore it exactly,
all the way back to the start.

Pure: no Textual, no store. Store tokens (a review-log id, a previous bury date) are carried
opaquely so the caller can take the step back in the store before the session forgets it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from typing import Literal

#: A card answered below this grade is shown again in the same session.
PASSING_GRADE = 4
#: How many other cards come between a missed card and its next showing (when there are any).
REDRILL_GAP = 3

StepKind = Literal["answer", "suspend", "bury"]


@dataclasses.dataclass(frozen=True)
class Step:
    """Something the learner did to the card at the head of the queue."""

    kind: StepKind
    card_id: int
    #: what the store needs to take the step back (answer: the review-log id; bury: the card's
    #: previous ``buried_until``); the session never looks inside
    token: object
    #: the queue before the step, head first
    queue_before: tuple[int, ...]
    grade: int | None = None
    duration_ms: int = 0
    #: True when the card was put back into the queue to be drilled again
    requeued: bool = False


@dataclasses.dataclass(frozen=True)
class SessionStats:
    """What the summary screen reports."""

    answers: int
    cards: int
    passed: int
    redrills: int
    suspended: int
    buried: int
    seconds: float

    @property
    def passed_share(self) -> float:
        """Share of answers graded 3 or better (0.0 when nothing was answered)."""
        return self.passed / self.answers if self.answers else 0.0


class StudySession:
    """The queue of card ids still to show, and the learner's steps so far."""

    def __init__(
        self,
        card_ids: Iterable[int],
        *,
        redrill_gap: int = REDRILL_GAP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if redrill_gap < 1:
            raise ValueError("redrill_gap must be at least 1")
        self._queue: list[int] = list(dict.fromkeys(card_ids))
        self._steps: list[Step] = []
        self._redrill_gap = redrill_gap
        self._clock = clock
        self._started = clock()

    @property
    def current(self) -> int | None:
        """The card to show now, or None when the session is done."""
        return self._queue[0] if self._queue else None

    @property
    def queue(self) -> tuple[int, ...]:
        """Every showing still to come, the current card first."""
        return tuple(self._queue)

    @property
    def remaining(self) -> int:
        return len(self._queue)

    @property
    def finished(self) -> bool:
        return not self._queue

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self._steps)

    @property
    def last_step(self) -> Step | None:
        """The step :meth:`undo` would take back."""
        return self._steps[-1] if self._steps else None

    def is_repeat(self, card_id: int) -> bool:
        """True if ``card_id`` was already answered in this session (it is being re-drilled)."""
        return any(s.kind == "answer" and s.card_id == card_id for s in self._steps)

    def _current_or_fail(self) -> int:
        if not self._queue:
            raise IndexError("the session has no card left")
        return self._queue[0]

    def answer(
        self, grade: int, *, token: object = None, duration_ms: int = 0, requeue: bool | None = None
    ) -> Step:
        """Record that the current card was graded ``grade`` and re-queue it if ``requeue`` (the
        scheduler wants it again today); when not told, a grade below 4 re-queues it (SM-2)."""
        if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
            raise ValueError(f"grade must be an integer from 0 to 5, got {grade!r}")
        card_id = self._current_or_fail()
        before = tuple(self._queue)
        self._queue.pop(0)
        requeued = grade < PASSING_GRADE if requeue is None else requeue
        if requeued:
            self._queue.insert(min(self._redrill_gap, len(self._queue)), card_id)
        step = Step("answer", card_id, token, before, grade, max(0, duration_ms), requeued)
        self._steps.append(step)
        return step

    def remove_current(self, kind: Literal["suspend", "bury"], *, token: object = None) -> Step:
        """Take the current card out of this session (it was suspended or buried)."""
        if kind not in ("suspend", "bury"):
            raise ValueError(f"unknown removal {kind!r}")
        card_id = self._current_or_fail()
        before = tuple(self._queue)
        self._queue = [c for c in self._queue if c != card_id]
        step = Step(kind, card_id, token, before)
        self._steps.append(step)
        return step

    def drop_current(self) -> None:
        """Forget the current card without a step to undo (it no longer exists in the store)."""
        card_id = self._current_or_fail()
        self._queue = [c for c in self._queue if c != card_id]
        for i, step in enumerate(self._steps):
            self._steps[i] = dataclasses.replace(
                step, queue_before=tuple(c for c in step.queue_before if c != card_id)
            )

    def undo(self) -> Step:
        """Forget the last step and put the queue back as it was before it. Returns the step,
        whose card is current again."""
        if not self._steps:
            raise IndexError("nothing to undo")
        step = self._steps.pop()
        self._queue = list(step.queue_before)
        return step

    def stats(self) -> SessionStats:
        answers = [s for s in self._steps if s.kind == "answer"]
        return SessionStats(
            answers=len(answers),
            cards=len({s.card_id for s in answers}),
            passed=sum(1 for s in answers if s.grade is not None and s.grade >= 3),
            redrills=sum(1 for s in answers if s.requeued),
            suspended=sum(1 for s in self._steps if s.kind == "suspend"),
            buried=sum(1 for s in self._steps if s.kind == "bury"),
            seconds=max(0.0, self._clock() - self._started),
        )
