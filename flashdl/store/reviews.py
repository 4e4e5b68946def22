"""Writing answers. Each answer is its own transaction, committed before this returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from flashdl.errors import FlashdlError, UsageError
from flashdl.scheduler.sm2 import SM2State, review

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.store.db import Store


@dataclasses.dataclass(frozen=True)
class Answer:
    log_id: int
    card_id: int
    grade: int
    before: SM2State | None
    after: SM2State


def _state_from_row(row: Any) -> SM2State:
    return SM2State(
        repetitions=row.repetitions,
        ef_hundredths=row.ef_hundredths,
        interval=row.interval,
        due=row.due,
        needs_redrill=row.needs_redrill,
        lapses=row.lapses,
    )


def load_state(session: Session, card_id: int) -> SM2State | None:
    from flashdl.store.models import ReviewState

    row = session.get(ReviewState, card_id)
    return None if row is None else _state_from_row(row)


def _write_state(session: Session, card_id: int, state: SM2State | None, when: dt.datetime | None) -> None:
    from sqlalchemy import delete, insert, update

    from flashdl.store.models import ReviewState

    if state is None:
        session.execute(delete(ReviewState).where(ReviewState.card_id == card_id))
        return
    values = dict(
        repetitions=state.repetitions,
        ef_hundredths=state.ef_hundredths,
        interval=state.interval,
        due=state.due,
        needs_redrill=state.needs_redrill,
        lapses=state.lapses,
        last_review=when,
    )
    result = session.execute(
        update(ReviewState).where(ReviewState.card_id == card_id).values(**values)
    )
    if result.rowcount == 0:
        session.execute(insert(ReviewState).values(card_id=card_id, **values))


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
    """Grade a card with SM-2 and log it, in one committed transaction."""
    from sqlalchemy import insert, select

    from flashdl.store.models import Card, ReviewLog, utcnow

    now = now or utcnow()
    with store.write() as session:
        # FOR UPDATE: on PostgreSQL, two processes answering one card take turns (SQLite's
        # BEGIN IMMEDIATE already serialises writers); otherwise both read the same state.
        if session.scalar(select(Card.id).where(Card.id == card_id).with_for_update()) is None:
            raise UsageError(f"there is no card with id {card_id}")
        before = load_state(session, card_id)
        after = review(before or SM2State.new(today), grade, today)
        _write_state(session, card_id, after, now)
        log_id = session.execute(
            insert(ReviewLog)
            .values(
                card_id=card_id,
                reviewed_at=now,
                review_day=today,
                grade=grade,
                duration_ms=max(0, int(duration_ms)),
                mode=mode,
                scheduler="sm2",
                state_before=None if before is None else before.to_dict(),
                interval_before=None if before is None else before.interval,
                state_after=after.to_dict(),
                session_id=session_id,
            )
            .returning(ReviewLog.id)
        ).scalar_one()
    return Answer(log_id=log_id, card_id=card_id, grade=grade, before=before, after=after)


def undo_answer(store: Store, log_id: int) -> int:
    """Take an answer back: the card's state is restored and the log row removed.

    Only a card's latest answer can be undone (anything else would rewrite history).
    Returns the card id.
    """
    from sqlalchemy import delete, func, select

    from flashdl.store.models import Card, ReviewLog

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
        before = None if row.state_before is None else SM2State.from_dict(row.state_before)
        previous_time = session.scalar(
            select(func.max(ReviewLog.reviewed_at)).where(
                ReviewLog.card_id == row.card_id, ReviewLog.id != log_id
            )
        )
        card_id = row.card_id
        _write_state(session, card_id, before, previous_time)
        session.execute(delete(ReviewLog).where(ReviewLog.id == log_id))
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
