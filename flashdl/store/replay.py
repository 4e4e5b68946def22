"""Switching schedulers: every card's state recomputed from the review log, in one transaction.

``flashdl scheduler use`` calls :func:`switch_scheduler`: a backup first (SQLite), then, in one
write transaction, the new choice is stored and the log is read once, card by card in time
order, through :func:`flashdl.scheduler.replay.replay`; the states are written back in bulk. An
error or Ctrl-C before the commit leaves the store as it was. The log itself is never changed:
switching back replays it again and gives back exactly the states from before.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashdl.scheduler.replay import LoggedAnswer, replay

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.scheduler.choice import SchedulerChoice
    from flashdl.store.db import Store

Progress = Callable[[int], None]
#: rows fetched (and states written) per round trip
BATCH = 20_000


@dataclasses.dataclass(frozen=True)
class SwitchReport:
    choice: SchedulerChoice
    previous: SchedulerChoice
    cards: int
    answers: int
    seconds: float
    backup: Path | None


def log_size(store: Store) -> tuple[int, int]:
    """(answers in the log, cards with a state): what a switch will go through."""
    from sqlalchemy import func, select

    from flashdl.store.models import ReviewLog, ReviewState

    with store.read() as session:
        return (session.scalar(select(func.count()).select_from(ReviewLog)) or 0,
                session.scalar(select(func.count()).select_from(ReviewState)) or 0)


def _histories(session: Session, card_ids: Sequence[int] | None) -> Iterable[tuple[int, list[LoggedAnswer]]]:
    """(card id, its answers oldest first), card after card, reading the log in batches."""
    from sqlalchemy import select

    from flashdl.store.models import ReviewLog

    stmt = select(ReviewLog.card_id, ReviewLog.review_day, ReviewLog.grade,
                  ReviewLog.state_before, ReviewLog.state_after).order_by(
        ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
    if card_ids is not None:
        stmt = stmt.where(ReviewLog.card_id.in_(list(card_ids)))
    current: int | None = None
    answers: list[LoggedAnswer] = []
    for card_id, day, grade, before, after in session.execute(
        stmt, execution_options={"yield_per": BATCH}
    ):
        if card_id != current:
            if current is not None:
                yield current, answers
            current, answers = card_id, []
        answers.append(LoggedAnswer(day, grade, before, after))
    if current is not None:
        yield current, answers


def replay_cards(
    session: Session,
    choice: SchedulerChoice,
    card_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Recompute the state of ``card_ids`` (every card when None) under ``choice`` and write it.

    Returns (cards, answers replayed). ``progress`` is told how many answers were done."""
    from sqlalchemy import select, update

    from flashdl.store.models import ReviewState
    from flashdl.store.scheduling import NEW_SM2_COLUMNS, sm2_from_row, state_columns

    stmt = select(ReviewState.card_id, ReviewState.repetitions, ReviewState.ef_hundredths,
                  ReviewState.interval, ReviewState.due, ReviewState.needs_redrill,
                  ReviewState.lapses)
    if card_ids is not None:
        stmt = stmt.where(ReviewState.card_id.in_(list(card_ids)))
    stored = {row.card_id: sm2_from_row(row) for row in session.execute(stmt)}
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    cards = answers_done = pending = 0

    def flush() -> None:
        if updates:
            session.execute(update(ReviewState), updates)
            updates.clear()
        if inserts:
            session.execute(ReviewState.__table__.insert(), inserts)
            inserts.clear()

    for card_id, answers in _histories(session, card_ids):
        had_row = card_id in stored
        state = replay(answers, choice, card_id=card_id, stored=stored.pop(card_id, None))
        if state is None:
            continue
        values = {"card_id": card_id, **state_columns(state)}
        if had_row:
            updates.append(values)
        else:  # a logged card whose state row was lost: made again from the log
            inserts.append({**NEW_SM2_COLUMNS, **values})
        cards += 1
        answers_done += len(answers)
        pending += len(answers)
        if len(updates) + len(inserts) >= BATCH:
            flush()
        if progress and pending >= 10_000:
            progress(pending)
            pending = 0
    # cards with a state but nothing in the log (imported with scheduling, no history)
    for card_id, sm2_state in stored.items():
        state = replay((), choice, card_id=card_id, stored=sm2_state)
        if state is not None:
            updates.append({"card_id": card_id, **state_columns(state)})
            cards += 1
        if len(updates) >= BATCH:
            flush()
    flush()
    if progress and pending:
        progress(pending)
    return cards, answers_done


def switch_scheduler(
    store: Store,
    choice: SchedulerChoice,
    *,
    progress: Progress | None = None,
    optimized_reviews: int | None = None,
) -> SwitchReport:
    """Make ``choice`` the learner's scheduler and recompute every card's state from the log:
    a backup first (SQLite), then one transaction."""
    from flashdl.store.scheduling import load_choice, save_choice

    started = time.monotonic()
    backup = None
    if store.sqlite_path is not None:
        from flashdl import config
        from flashdl.store.backup import backup_sqlite
        from flashdl.store.importer import store_has_user_data

        if store_has_user_data(store):
            backup = backup_sqlite(store.sqlite_path, config.backups_dir(), "before-scheduler-switch")
    with store.write() as session:
        previous = load_choice(session)
        save_choice(session, choice, optimized_reviews=optimized_reviews)
        cards, answers = replay_cards(session, choice, progress=progress)
    return SwitchReport(choice=choice, previous=previous, cards=cards, answers=answers,
                        seconds=time.monotonic() - started, backup=backup)
