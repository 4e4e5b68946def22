"""Switching schedulers: every card's state recomputed from the review log, in one transaction.

``flashdl scheduler use`` calls :func:`switch_scheduler`: a backup first (SQLite), then, in one
write transaction, the new choice is stored and the log is read once, card by card in time
order, through :func:`flashdl.scheduler.replay.replay`; the states are written back in bulk. An
error or Ctrl-C before the commit leaves the store as it was. The log itself is never changed:
switching back replays it again and gives back exactly the states from before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashdl.scheduler.replay import LoggedAnswer, replay_many

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
    """(card id, its answers oldest first), card after card, reading the log in batches.

    Days and logged states are fetched as the driver gives them (text on SQLite) and converted
    only where needed: a million rows of JSON decoded for nothing cost seconds."""
    from sqlalchemy import String, select, type_coerce

    from flashdl.store.models import ReviewLog

    stmt = select(ReviewLog.card_id, type_coerce(ReviewLog.review_day, String), ReviewLog.grade,
                  type_coerce(ReviewLog.state_before, String),
                  type_coerce(ReviewLog.state_after, String)).order_by(
        ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
    connection = session.connection()
    rows: Iterable[Any]
    if card_ids is not None:
        stmt = stmt.where(ReviewLog.card_id.in_(list(card_ids)))
        rows = connection.execute(stmt, execution_options={"yield_per": BATCH})
    elif connection.dialect.name == "sqlite":
        # the whole log: the driver's own cursor, in the same transaction, skips SQLAlchemy's
        # per-row work (a third of the time of a million-row switch)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.arraysize = BATCH
        rows = cursor.execute(
            "SELECT card_id, review_day, grade, state_before, state_after FROM review_log "
            "ORDER BY card_id, reviewed_at, id")
    else:
        rows = connection.execute(stmt, execution_options={"yield_per": BATCH})
    current: int | None = None
    answers: list[LoggedAnswer] = []
    as_date = dt.date.fromisoformat
    for card_id, day, grade, before, after in rows:
        if card_id != current:
            if current is not None:
                yield current, answers
            current, answers = card_id, []
        answers.append(LoggedAnswer(as_date(day) if isinstance(day, str) else day, grade,
                                    before, after))
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
    from sqlalchemy import bindparam, select, update

    from flashdl.store.models import ReviewState
    from flashdl.store.scheduling import NEW_SM2_COLUMNS, sm2_from_row, state_columns

    table = ReviewState.__table__
    connection = session.connection()

    stmt = select(ReviewState.card_id, ReviewState.repetitions, ReviewState.ef_hundredths,
                  ReviewState.interval, ReviewState.due, ReviewState.needs_redrill,
                  ReviewState.lapses)
    if card_ids is not None:
        stmt = stmt.where(ReviewState.card_id.in_(list(card_ids)))
    stored = {row.card_id: sm2_from_row(row) for row in connection.execute(stmt)}
    had_row = set(stored)
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    chunk: list[tuple[int, Sequence[LoggedAnswer], Any]] = []
    totals = [0, 0]  # cards, answers

    def compute() -> None:
        answers = sum(len(item[1]) for item in chunk)
        for (card_id, _, _), state in zip(chunk, replay_many(chunk, choice), strict=True):
            if state is None:
                continue
            values = state_columns(state)
            if card_id in had_row:
                values["row_id"] = card_id
                updates.append(values)
            else:  # a logged card whose state row was lost: made again from the log
                inserts.append({**NEW_SM2_COLUMNS, **values, "card_id": card_id})
            totals[0] += 1
        totals[1] += answers
        chunk.clear()
        # one statement per shape of row (SM-2 and FSRS states set different columns)
        for keys in {tuple(values) for values in updates}:
            same = [values for values in updates if tuple(values) == keys]
            connection.execute(
                update(table).where(table.c.card_id == bindparam("row_id")).values(
                    {key: bindparam(key) for key in keys if key != "row_id"}),
                same,
            )
        updates.clear()
        if inserts:
            connection.execute(table.insert(), inserts)
            inserts.clear()
        if progress and answers:
            progress(answers)

    size = 0
    for card_id, answers in _histories(session, card_ids):
        chunk.append((card_id, answers, stored.pop(card_id, None)))
        size += len(answers)
        if size >= BATCH:
            compute()
            size = 0
    # cards with a state but nothing in the log (imported with scheduling, no history)
    for card_id, sm2_state in stored.items():
        chunk.append((card_id, (), sm2_state))
        if len(chunk) >= BATCH:
            compute()
    compute()
    return totals[0], totals[1]


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
        from flashdl.store.queries import has_user_data

        if has_user_data(store):
            backup = backup_sqlite(store.sqlite_path, config.backups_dir(), "before-scheduler-switch")
    with store.write() as session:
        previous = load_choice(session)
        save_choice(session, choice, optimized_reviews=optimized_reviews)
        cards, answers = replay_cards(session, choice, progress=progress)
    return SwitchReport(choice=choice, previous=previous, cards=cards, answers=answers,
                        seconds=time.monotonic() - started, backup=backup)


def answer_histories(store: Store, progress: Progress | None = None) -> list[list[tuple[Any, int]]]:
    """Every card's (day, grade) answers, oldest first, imported ones included: what
    ``evaluate`` and ``optimize`` learn from."""
    from sqlalchemy import String, select, type_coerce

    from flashdl.store.models import ReviewLog

    histories: list[list[tuple[Any, int]]] = []
    current = None
    done = 0
    as_date = dt.date.fromisoformat
    with store.read() as session:
        rows = session.connection().execute(
            select(ReviewLog.card_id, type_coerce(ReviewLog.review_day, String), ReviewLog.grade)
            .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id),
            execution_options={"yield_per": BATCH},
        )
        for card_id, day, grade in rows:
            if card_id != current:
                histories.append([])
                current = card_id
            histories[-1].append((as_date(day) if isinstance(day, str) else day, grade))
            done += 1
            if progress and done % 10_000 == 0:
                progress(10_000)
    if progress and done % 10_000:
        progress(done % 10_000)
    return histories
