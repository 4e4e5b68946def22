"""The learner's scheduler (SM-2 or FSRS) as one object the answer path, the grade bar and the
replay all call. Pure: the store reads and writes it (``flashdl.store.scheduling``).

Every answer is logged on SM-2's 0-5 grade scale, whichever scheduler took it; FSRS's four
buttons are grades 1, 3, 4 and 5 of it (:data:`flashdl.scheduler.fsrs.GRADE_FOR_RATING`). So a
history can be replayed through either scheduler, and statistics read one scale.

FSRS is imported only when the choice is FSRS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Union

from flashdl.scheduler.sm2 import QUALITY_LABELS, SM2State
from flashdl.scheduler.sm2 import review as sm2_review

if TYPE_CHECKING:
    from flashdl.scheduler.fsrs import FSRSParams, FSRSState

SCHEDULERS = ("sm2", "fsrs")
SCHEDULER_NAMES = {"sm2": "SM-2", "fsrs": "FSRS-6"}

State = Union["SM2State", "FSRSState"]


@dataclasses.dataclass(frozen=True)
class GradeButton:
    """One answer button: the key that presses it, the grade it logs, its label."""

    key: str
    grade: int
    label: str


SM2_BUTTONS = tuple(GradeButton(str(q), q, QUALITY_LABELS[q]) for q in range(6))
#: Anki's buttons: key 1 Again, 2 Hard, 3 Good, 4 Easy (grades 1, 3, 4, 5).
FSRS_BUTTONS = (
    GradeButton("1", 1, "Again"),
    GradeButton("2", 3, "Hard"),
    GradeButton("3", 4, "Good"),
    GradeButton("4", 5, "Easy"),
)


@dataclasses.dataclass(frozen=True)
class SchedulerChoice:
    """Which scheduler schedules, and FSRS's settings (kept while SM-2 is in use)."""

    name: str = "sm2"
    desired_retention: float = 0.9
    #: fitted by ``flashdl scheduler optimize``; None: the library's default weights
    weights: tuple[float, ...] | None = None
    fuzz: bool = False

    def __post_init__(self) -> None:
        if self.name not in SCHEDULERS:
            raise ValueError(f"unknown scheduler {self.name!r} (known: {', '.join(SCHEDULERS)})")

    @property
    def is_fsrs(self) -> bool:
        return self.name == "fsrs"

    @property
    def display_name(self) -> str:
        return SCHEDULER_NAMES[self.name]

    @functools.cached_property
    def _fsrs_params(self) -> FSRSParams:
        from flashdl.scheduler.fsrs import FSRSParams

        return FSRSParams(weights=self.weights, desired_retention=self.desired_retention, fuzz=self.fuzz)

    def fsrs_params(self) -> FSRSParams:
        """FSRS's parameters (ValueError if the stored ones are out of range)."""
        return self._fsrs_params

    @property
    def buttons(self) -> tuple[GradeButton, ...]:
        return FSRS_BUTTONS if self.is_fsrs else SM2_BUTTONS

    @property
    def default_grade(self) -> int:
        """What Space/Enter answer after the reveal: 4 under SM-2, Good under FSRS (also 4)."""
        return 4

    # -- scheduling -----------------------------------------------------------------------------

    def own_state(self, state: State | None, today: dt.date) -> State | None:
        """``state`` as this scheduler's (an SM-2 state met by FSRS is converted, as Anki does
        for a card without usable history)."""
        if state is None or not self.is_fsrs:
            return state
        from flashdl.scheduler.fsrs import FSRSState, state_from_sm2

        if isinstance(state, FSRSState):
            return state
        return state_from_sm2(state.ef_hundredths, state.interval, state.due, state.lapses,
                              self.fsrs_params())

    def review(self, state: State | None, grade: int, today: dt.date, *, card_id: int = 0) -> State:
        """The state after logging ``grade`` (0-5) on ``today``."""
        if not self.is_fsrs:
            if state is not None and not isinstance(state, SM2State):
                raise TypeError("SM-2 cannot continue from an FSRS state; replay the log instead")
            return sm2_review(state or SM2State.new(today), grade, today)
        from flashdl.scheduler.fsrs import rating_for_grade
        from flashdl.scheduler.fsrs import review as fsrs_review

        return fsrs_review(self.own_state(state, today), int(rating_for_grade(grade)), today,
                           self.fsrs_params(), fuzz_seed=card_id)

    def outcomes(self, state: State | None, today: dt.date, *, card_id: int = 0) -> dict[int, State]:
        """What each button would do: ``{grade: state after}`` (one library call under FSRS)."""
        if not self.is_fsrs:
            start = state or SM2State.new(today)
            return {b.grade: sm2_review(start, b.grade, today) for b in SM2_BUTTONS}
        from flashdl.scheduler.fsrs import GRADE_FOR_RATING, next_states

        states = next_states(self.own_state(state, today), today, self.fsrs_params(), fuzz_seed=card_id)
        return {GRADE_FOR_RATING[rating]: after for rating, after in states.items()}



def state_from_dict(data: dict[str, Any]) -> State:
    """A logged state: FSRS's has a stability, SM-2's an ease."""
    if "stability" in data:
        from flashdl.scheduler.fsrs import FSRSState

        return FSRSState.from_dict(data)
    return SM2State.from_dict(data)


def again_today(state: State, today: dt.date) -> bool:
    """True when an answer leaves the card to be shown again today (a lapse, Again, or SM-2's
    same-day repeat after a 3): the study session puts it back into the queue."""
    return state.due <= today or state.needs_redrill


def interval_text(state: State, today: dt.date) -> str:
    """What a grade button says it will do: ``today``, ``1d``, ``6d``, ``2.3mo``, ``1.2y``;
    ``↻`` marks an SM-2 answer that also asks for one more repeat today."""
    from flashdl.render.dates import interval_label

    days = (state.due - today).days
    text = interval_label(days)
    return f"↻{text}" if state.needs_redrill and days > 0 else text
