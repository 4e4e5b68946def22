"""The scheduler in the store: the learner's choice (one row) and cards' states in its shape.

``review_states`` holds the state of the scheduler in use (see :class:`~flashdl.store.models.
ReviewState`). Reading a row gives an :class:`~flashdl.scheduler.sm2.SM2State` or, under FSRS,
an :class:`~flashdl.scheduler.fsrs.FSRSState`; writing one sets exactly the columns that
scheduler owns, so SM-2's ease and repetition count survive a stay under FSRS.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flashdl.scheduler.choice import SchedulerChoice
from flashdl.scheduler.sm2 import EF_START, SM2State

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.scheduler.choice import State

SETTINGS_ID = 1


def load_choice(session: Session) -> SchedulerChoice:
    """The learner's scheduler (SM-2 when none was ever chosen)."""
    from flashdl.store.models import SchedulerSettings

    row = session.get(SchedulerSettings, SETTINGS_ID)
    if row is None:
        return SchedulerChoice()
    weights = tuple(float(w) for w in row.weights) if row.weights else None
    return SchedulerChoice(
        name=row.name, desired_retention=float(row.desired_retention), weights=weights,
        fuzz=bool(row.fuzz),
    )


def save_choice(
    session: Session,
    choice: SchedulerChoice,
    *,
    optimized_reviews: int | None = None,
) -> None:
    """Store ``choice``; ``optimized_reviews`` records a fit of new weights."""
    from flashdl.store.models import SchedulerSettings, utcnow

    row = session.get(SchedulerSettings, SETTINGS_ID)
    if row is None:
        row = SchedulerSettings(id=SETTINGS_ID)
        session.add(row)
    row.name = choice.name
    row.desired_retention = choice.desired_retention
    row.weights = list(choice.weights) if choice.weights is not None else None
    row.fuzz = choice.fuzz
    row.changed_at = utcnow()
    if optimized_reviews is not None:
        row.optimized_reviews = optimized_reviews
        row.optimized_at = row.changed_at
    elif choice.weights is None:
        row.optimized_reviews = None
        row.optimized_at = None
    session.flush()


def optimization_info(session: Session) -> tuple[dt.datetime | None, int | None]:
    """When the weights were fitted and on how many answers (None, None: never)."""
    from flashdl.store.models import SchedulerSettings

    row = session.get(SchedulerSettings, SETTINGS_ID)
    return (None, None) if row is None else (row.optimized_at, row.optimized_reviews)


def sm2_from_row(row: Any) -> SM2State:
    """The SM-2 state in a ``review_states`` row (under FSRS: ease and count SM-2 left, with
    the interval and due date of the scheduler in use)."""
    return SM2State(
        repetitions=row.repetitions,
        ef_hundredths=row.ef_hundredths,
        interval=row.interval,
        due=row.due,
        needs_redrill=bool(row.needs_redrill),
        lapses=row.lapses,
    )


def state_from_row(row: Any, choice: SchedulerChoice) -> State:
    """The card's state as ``choice`` sees it. An FSRS store's card with no memory state yet
    (imported with scheduling but no history) reads as SM-2; FSRS converts it on its answer."""
    if choice.is_fsrs and row.stability is not None:
        from flashdl.scheduler.fsrs import FSRSState

        return FSRSState(
            stability=float(row.stability), difficulty=float(row.difficulty),
            interval=row.interval, due=row.due, lapses=row.lapses,
        )
    return sm2_from_row(row)


def state_columns(state: State) -> dict[str, Any]:
    """The ``review_states`` columns ``state`` sets (an FSRS state leaves SM-2's ease alone)."""
    if isinstance(state, SM2State):
        return {
            "repetitions": state.repetitions, "ef_hundredths": state.ef_hundredths,
            "interval": state.interval, "due": state.due, "needs_redrill": state.needs_redrill,
            "lapses": state.lapses, "stability": None, "difficulty": None,
        }
    return {
        "interval": state.interval, "due": state.due, "needs_redrill": False,
        "lapses": state.lapses, "stability": state.stability, "difficulty": state.difficulty,
    }


#: what a card first answered under FSRS gets in SM-2's columns: a new card's
NEW_SM2_COLUMNS = {"repetitions": 0, "ef_hundredths": EF_START}


def logged_state(state: State, row: Any | None = None) -> dict[str, Any]:
    """``state`` as the review log stores it. An FSRS ``state_before`` also carries the SM-2
    ease and count of the row, so SM-2 can resume from them when the card has no SM-2 answer in
    its log (a card imported with scheduling and first answered under FSRS)."""
    data = state.to_dict()
    if row is not None and not isinstance(state, SM2State):
        data["repetitions"] = row.repetitions
        data["ef_hundredths"] = row.ef_hundredths
    return data
