"""Writing answers. Each answer is its own transaction, committed before this returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from flashdl.errors import FlashdlError, UsageError
from flashdl.scheduler.choice import again_today, state_from_dict

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.scheduler.choice import SchedulerChoice, State
    from flashdl.store.db import Store


@dataclasses.dataclass(frozen=True)
class Answer:
    log_id: int
    card_id: int
    grade: int
    before: State | None
    after: State
    #: the scheduler wants the card again today (a lapse, Again, SM-2's repeat after a 3)
    again_today: bool = False


def load_state(session: Session, card_id: int, choice: SchedulerChoice | None = None) -> State | None:
    """The card's state under ``choice`` (default: the learner's scheduler); None if new."""
    from flashdl.store.models import ReviewState
    from flashdl.store.scheduling import load_choice, state_from_row

    row = session.get(ReviewState, card_id)
    if row is None:
        return None
    return state_from_row(row, choice or load_choice(session))


def write_state(session: Session, card_id: int, state: State | None, when: dt.datetime | None) -> None:
    """Set the card's row to ``state`` (None deletes it: the card is new again)."""
    from sqlalchemy import delete, insert, update

    from flashdl.store.models import ReviewState
    from flashdl.store.scheduling import NEW_SM2_COLUMNS, state_columns

    if state is None:
        session.execute(delete(ReviewState).where(ReviewState.card_id == card_id))
        return
    values = {**state_columns(state), "last_review": when}
    result = session.execute(
        update(ReviewState).where(ReviewState.card_id == card_id).values(**values)
    )
    if result.rowcount == 0:
        session.execute(insert(ReviewState).values(card_id=card_id, **{**NEW_SM2_COLUMNS, **values}))


def record_answer(
    store: Store,
    card_id: int,
    grade: int,
    *,
    today: dt.date,
    now: dt.datetime | None = None,
    duration_ms: int = 0,
    mode: str = "study",
    session_id: str | None = None,
) -> Answer:
    """Grade a card (0-5, FSRS's buttons being 1/3/4/5) with the learner's scheduler and log it,
    in one committed transaction.

    The steps, in order: lock the card, read the scheduler and the card's state, compute the new
    state, write state and log. A rule that reacts to an answer (a leech, say) belongs after the
    log row is written, inside the same transaction."""
    from sqlalchemy import insert, select

    from flashdl.store.models import Card, ReviewLog, ReviewState, utcnow
    from flashdl.store.scheduling import load_choice, logged_state, state_from_row

    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise UsageError(f"a grade is an integer from 0 to 5, got {grade!r}")
    now = now or utcnow()
    with store.write() as session:
        # FOR UPDATE: on PostgreSQL, two processes answering one card take turns (SQLite's
        # BEGIN IMMEDIATE already serialises writers); otherwise both read the same state.
        if session.scalar(select(Card.id).where(Card.id == card_id).with_for_update()) is None:
            raise UsageError(f"there is no card with id {card_id}")
        choice = load_choice(session)
        row = session.get(ReviewState, card_id)
        before = None if row is None else state_from_row(row, choice)
        after = choice.review(before, grade, today, card_id=card_id)
        answered_today = session.scalar(
            select(ReviewLog.id).where(ReviewLog.card_id == card_id, ReviewLog.review_day == today).limit(1)
        )
        before_dict = None if before is None else logged_state(before, row)
        write_state(session, card_id, after, now)
        log_id = session.execute(
            insert(ReviewLog)
            .values(
                card_id=card_id,
                reviewed_at=now,
                review_day=today,
                grade=grade,
                duration_ms=max(0, int(duration_ms)),
                mode=mode,
                scheduler=choice.name,
                state_before=before_dict,
                interval_before=None if before is None else before.interval,
                state_after=after.to_dict(),
                session_id=session_id,
                first_of_day=answered_today is None,
            )
            .returning(ReviewLog.id)
        ).scalar_one()
    return Answer(log_id=log_id, card_id=card_id, grade=grade, before=before, after=after,
                  again_today=again_today(after, today))


def undo_answer(store: Store, log_id: int) -> int:
    """Take an answer back: the card's state is restored and the log row removed.

    Only a card's latest answer can be undone (anything else would rewrite history). An answer
    taken by another scheduler than the one now in use (the learner switched since) is undone by
    replaying the card's remaining log. Returns the card id.
    """
    from sqlalchemy import delete, func, select

    from flashdl.store.models import Card, ReviewLog
    from flashdl.store.scheduling import load_choice

    with store.write() as session:
        row = session.get(ReviewLog, log_id)
        if row is None:
            raise FlashdlError(f"answer {log_id} is not in the review log; nothing to undo")
        session.execute(select(Card.id).where(Card.id == row.card_id).with_for_update())
        latest = session.scalar(
            select(func.max(ReviewLog.id)).where(ReviewLog.card_id == row.card_id)
        )
        if latest != log_id:
            raise FlashdlError(f"answer {log_id} is not the card's latest; undo the later ones first")
        choice = load_choice(session)
        previous_time = session.scalar(
            select(func.max(ReviewLog.reviewed_at)).where(
                ReviewLog.card_id == row.card_id, ReviewLog.id != log_id
            )
        )
        card_id = row.card_id
        same_scheduler = row.scheduler == choice.name
        before = None
        if same_scheduler and row.state_before is not None:
            before = state_from_dict(row.state_before)
        session.execute(delete(ReviewLog).where(ReviewLog.id == log_id))
        if same_scheduler:
            write_state(session, card_id, before, previous_time)
        else:
            from flashdl.store.replay import replay_cards

            replay_cards(session, choice, [card_id])
    return card_id


def set_suspended(store: Store, card_id: int, suspended: bool = True) -> None:
    from sqlalchemy import update

    from flashdl.store.models import Card

    with store.write() as session:
        session.execute(update(Card).where(Card.id == card_id).values(suspended=suspended))


def bury(store: Store, card_id: int, until: dt.date | None) -> None:
    """Hide a card until ``until`` (None unburies it)."""
    from sqlalchemy import update

    from flashdl.store.models import Card

    with store.write() as session:
        session.execute(update(Card).where(Card.id == card_id).values(buried_until=until))
