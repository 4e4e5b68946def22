"""Check a store and repair what can be repaired without losing anything.

Checks: SQLite's ``integrity_check`` and ``foreign_key_check``, the schema revision, rows whose
parent is missing, and review states against the review log (the log is the record; a state is
what the latest answer left).

What ``fix=True`` does, and why it is safe:

* schema behind head: the normal upgrade (which backs up first);
* a row whose card, deck or quiz attempt is missing: a placeholder parent is made with the same
  id (a retired card in a "recovered" deck, an empty attempt), so no history is deleted;
* a card with answers but no review state, or a state that differs from the latest answer's
  ``state_after``: the state is rebuilt from that answer;
* ``interval_before`` missing on an answer that has ``state_before``: copied from it.

Damage found by ``integrity_check`` is never "repaired": the hint is to restore a backup.
Before any fix on SQLite, a ``before-doctor`` backup is taken.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from flashdl.store.db import Store

OK, PROBLEM, FIXED, SKIPPED = "ok", "problem", "fixed", "skipped"
RECOVERED_DECK = "recovered"
STATE_FIELDS = ("repetitions", "ef_hundredths", "interval", "due", "needs_redrill", "lapses")


@dataclasses.dataclass
class Finding:
    check: str
    status: str
    detail: str = ""
    hint: str = ""


@dataclasses.dataclass
class Report:
    findings: list[Finding] = dataclasses.field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == PROBLEM]

    def add(self, check: str, status: str, detail: str = "", hint: str = "") -> None:
        self.findings.append(Finding(check, status, detail, hint))


def _ids(ids: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _integrity(conn: Connection, report: Report) -> bool:
    import sqlite3

    raw = conn.connection.dbapi_connection
    try:
        rows = [r[0] for r in raw.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # too damaged to even check
        rows = [str(exc)]
    if rows == ["ok"]:
        report.add("integrity check", OK)
        return True
    report.add("integrity check", PROBLEM, "; ".join(rows[:3]) + (" ..." if len(rows) > 3 else ""),
               "the file is damaged: restore a backup (`flashdl backups`, `flashdl restore FILE`)")
    return False


def _foreign_key_check(conn: Connection, report: Report) -> None:
    import sqlite3

    raw = conn.connection.dbapi_connection
    try:
        rows = raw.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        report.add("foreign key check", PROBLEM, str(exc))
        return
    if not rows:
        report.add("foreign key check", OK)
        return
    tables = sorted({f"{table} -> {parent}" for table, _rowid, parent, _fk in rows})
    report.add("foreign key check", PROBLEM, f"{len(rows)} broken reference(s): {', '.join(tables)}",
               "see the orphaned rows below; --fix reattaches them")


def _references() -> list[tuple[str, str, str, str]]:
    """(child table, column, parent table, parent key) for every reference in the schema."""
    from flashdl.store.models import Base

    refs = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            refs.append((table.name, fk.parent.name, fk.column.table.name, fk.column.name))
    return refs


def _orphans(conn: Connection) -> dict[tuple[str, str, str], list[int]]:
    """Missing parent ids per (child, column, parent)."""
    from sqlalchemy import text

    found = {}
    for child, column, parent, key in _references():
        missing = [r[0] for r in conn.execute(text(
            f"SELECT DISTINCT c.{column} FROM {child} c WHERE c.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column}) ORDER BY 1"
        ))]
        if missing:
            found[(child, column, parent)] = missing
    return found


def _recovered_deck(conn: Connection) -> int:
    from sqlalchemy import insert, select

    from flashdl.store.models import Deck, utcnow

    deck_id = conn.scalar(select(Deck.id).where(Deck.key == RECOVERED_DECK))
    if deck_id is None:
        now = utcnow()
        deck_id = conn.execute(insert(Deck).values(
            key=RECOVERED_DECK, name="Recovered by flashdl doctor",
            description="Placeholders for cards that were missing; their history is kept.",
            origin="import", created_at=now, updated_at=now,
        ).returning(Deck.id)).scalar_one()
    return deck_id


def _fix_orphans(conn: Connection, orphans: dict[tuple[str, str, str], list[int]]) -> list[str]:
    """Give every orphan its parent back; one placeholder per missing id, whoever points to it."""
    from sqlalchemy import insert, update

    from flashdl.store.models import Card, QuizAttempt, utcnow

    missing: dict[str, set[int]] = {}
    for (_child, _column, parent), ids in orphans.items():
        missing.setdefault(parent, set()).update(ids)
    done = []
    now = utcnow()
    if "decks" in missing:
        ids = sorted(missing["decks"])
        deck_id = _recovered_deck(conn)
        conn.execute(update(Card).where(Card.deck_id.in_(ids)).values(deck_id=deck_id))
        done.append(f"moved the cards of {len(ids)} missing deck(s) to the deck '{RECOVERED_DECK}'")
    if "cards" in missing:
        ids = sorted(missing["cards"])
        deck_id = _recovered_deck(conn)
        for card_id in ids:
            conn.execute(insert(Card).values(
                id=card_id, deck_id=deck_id, key=f"missing-card-{card_id}",
                front=f"(card {card_id} was missing)", back="", tags=[], kind="basic",
                source="flashdl doctor", position=card_id, suspended=False, retired=True,
                created_at=now, updated_at=now,
            ))
        done.append(f"made {len(ids)} retired placeholder card(s) ({_ids(ids)}) in the deck "
                    f"'{RECOVERED_DECK}' for history whose card was missing")
    if "quiz_attempts" in missing:
        ids = sorted(missing["quiz_attempts"])
        for attempt_id in ids:
            conn.execute(insert(QuizAttempt).values(
                id=attempt_id, started_at=now, decks=[], types=[], question_count=0,
                correct_count=0, update_schedule=False,
            ))
        done.append(f"made {len(ids)} placeholder quiz attempt(s) for orphaned answers")
    return done


FSRS_FIELDS = ("interval", "due", "lapses", "stability", "difficulty")


def _state_dict(row: Any, scheduler: str = "sm2") -> dict[str, Any]:
    if scheduler == "fsrs":
        return {name: getattr(row, name) for name in FSRS_FIELDS}
    return {
        "repetitions": row.repetitions, "ef_hundredths": row.ef_hundredths,
        "interval": row.interval, "due": row.due, "needs_redrill": bool(row.needs_redrill),
        "lapses": row.lapses,
    }


def _logged_state(state_after: dict[str, Any], scheduler: str = "sm2") -> dict[str, Any] | None:
    if scheduler == "fsrs":
        from flashdl.scheduler.fsrs import FSRSState

        try:
            state = FSRSState.from_dict(state_after)
        except (KeyError, TypeError, ValueError):
            return None
        return {"interval": state.interval, "due": state.due, "lapses": state.lapses,
                "stability": state.stability, "difficulty": state.difficulty}
    try:
        return {
            "repetitions": int(state_after["repetitions"]),
            "ef_hundredths": int(state_after["ef_hundredths"]),
            "interval": int(state_after["interval"]),
            "due": dt.date.fromisoformat(str(state_after["due"])),
            "needs_redrill": bool(state_after.get("needs_redrill", False)),
            "lapses": int(state_after.get("lapses", 0)),
        }
    except (KeyError, TypeError, ValueError):
        return None


def _review_states(conn: Connection, report: Report, fix: bool) -> None:
    """Each answered card's state equals what its latest answer left, for answers taken by the
    scheduler in use (a card whose latest answer was taken by the other scheduler, or imported,
    got its state from a replay of the log when the learner switched or imported)."""
    from sqlalchemy import func, insert, select, update

    from flashdl.store.models import ReviewLog, ReviewState, SchedulerSettings
    from flashdl.store.scheduling import NEW_SM2_COLUMNS, SETTINGS_ID

    scheduler = conn.execute(select(SchedulerSettings.name).where(
        SchedulerSettings.id == SETTINGS_ID)).scalar() or "sm2"
    latest = select(ReviewLog.card_id, func.max(ReviewLog.id).label("log_id")).group_by(
        ReviewLog.card_id
    ).subquery()
    rows = conn.execute(
        select(ReviewLog.card_id, ReviewLog.state_after, ReviewLog.reviewed_at,
               ReviewState.card_id.label("has_state"),
               *(getattr(ReviewState, name) for name in {*STATE_FIELDS, *FSRS_FIELDS}))
        .join(latest, latest.c.log_id == ReviewLog.id)
        .outerjoin(ReviewState, ReviewState.card_id == ReviewLog.card_id)
        .where(ReviewLog.scheduler == scheduler)
    ).all()
    missing, differing, unreadable = [], [], []
    for row in rows:
        logged = (_logged_state(row.state_after, scheduler)
                  if isinstance(row.state_after, dict) else None)
        if logged is None:
            unreadable.append(row.card_id)
        elif row.has_state is None:
            missing.append((row.card_id, logged, row.reviewed_at))
        elif _state_dict(row, scheduler) != logged:
            differing.append((row.card_id, logged, row.reviewed_at))
    if unreadable:
        report.add("review log", PROBLEM,
                   f"{len(unreadable)} card(s) whose latest answer has no readable state "
                   f"({_ids(unreadable)})", "restore a backup, or undo those answers")
    for label, items in (("answered cards have a state", missing),
                         ("states match the latest answer", differing)):
        ids = [card_id for card_id, _, _ in items]
        if not items:
            report.add(label, OK)
        elif not fix:
            what = "card(s) without one" if items is missing else "state(s) differ"
            report.add(label, PROBLEM, f"{len(items)} {what} ({_ids(ids)})",
                       "--fix rebuilds them from the latest answer")
        else:
            for card_id, logged, when in items:
                if items is missing:
                    conn.execute(insert(ReviewState).values(
                        card_id=card_id, last_review=when,
                        **({**NEW_SM2_COLUMNS, "needs_redrill": False, **logged})))
                else:
                    conn.execute(update(ReviewState).where(ReviewState.card_id == card_id)
                                 .values(last_review=when, **logged))
            report.add(label, FIXED, f"rebuilt {len(items)} from the latest answer ({_ids(ids)})")


def _interval_before(conn: Connection, report: Report, fix: bool) -> None:
    from sqlalchemy import select, update

    from flashdl.store.models import ReviewLog

    rows = conn.execute(select(ReviewLog.id, ReviewLog.state_before).where(
        ReviewLog.state_before.is_not(None), ReviewLog.interval_before.is_(None))).all()
    if not rows:
        report.add("interval_before of answers", OK)
        return
    if not fix:
        report.add("interval_before of answers", PROBLEM,
                   f"{len(rows)} answer(s) lack it (statistics by interval miss them)",
                   "--fix copies it from state_before")
        return
    fixed = 0
    for log_id, before in rows:
        if isinstance(before, dict) and isinstance(before.get("interval"), int):
            conn.execute(update(ReviewLog).where(ReviewLog.id == log_id)
                         .values(interval_before=before["interval"]))
            fixed += 1
    report.add("interval_before of answers", FIXED if fixed == len(rows) else PROBLEM,
               f"copied it from state_before for {fixed} of {len(rows)} answer(s)")


def diagnose(store: Store, *, fix: bool = False,
             backup: Callable[[], object] | None = None) -> Report:
    """Run every check on an open store (opened with ``migrate=False``); repair if ``fix``.

    ``backup`` is called once, before the first repair of data (an upgrade backs up by itself).
    """
    from flashdl.store import migrate

    report = Report()
    if store.is_sqlite:
        with store.engine.connect() as conn:
            intact = _integrity(conn, report)
            _foreign_key_check(conn, report)
        if not intact:
            report.add("other checks", SKIPPED, "the file is damaged")
            return report
    else:
        report.add("integrity check", SKIPPED, "PostgreSQL checks its own pages")
        report.add("foreign key check", SKIPPED, "PostgreSQL enforces them")

    revision = migrate.current_revision(store)
    if revision == migrate.SCHEMA_HEAD:
        report.add("schema", OK, f"at {revision}")
    elif revision is not None and revision not in migrate.known_revisions():
        report.add("schema", PROBLEM, f"{revision} is from a newer flashdl",
                   "upgrade flashdl; nothing else was checked")
        return report
    elif fix:
        migrate.ensure_schema(store)  # backs the database up before upgrading
        report.add("schema", FIXED, f"upgraded from {revision or 'nothing'} to {migrate.SCHEMA_HEAD}")
    else:
        report.add("schema", PROBLEM, f"at {revision or 'no schema'}, not {migrate.SCHEMA_HEAD}",
                   "--fix upgrades it (after a backup); so does any other flashdl command")
        report.add("other checks", SKIPPED, "they need the newest schema")
        return report

    if not fix:
        _data_checks(store, report, fix=False)
        return report
    probe = Report()
    _data_checks(store, probe, fix=False)
    if probe.problems:
        if backup is not None:
            backup()
        _data_checks(store, report, fix=True)
    else:
        report.findings += probe.findings
    broken_keys = [f for f in report.findings if f.check == "foreign key check" and f.status == PROBLEM]
    if broken_keys:  # the repairs above may have resolved them: look again
        again = Report()
        with store.engine.connect() as conn:
            _foreign_key_check(conn, again)
        if not again.problems:
            broken_keys[0].status, broken_keys[0].detail = FIXED, "by the repairs of orphaned rows"
            broken_keys[0].hint = ""
    return report


def _data_checks(store: Store, report: Report, *, fix: bool) -> None:
    """Orphans, then review states against the log, then ``interval_before``."""
    with store.engine.connect().execution_options(flashdl_readonly=True) as conn:
        orphans = _orphans(conn)
    if not orphans:
        report.add("orphaned rows", OK)
    elif not fix:
        for (child, column, parent), ids in orphans.items():
            report.add("orphaned rows", PROBLEM,
                       f"{child}.{column} points to {len(ids)} missing {parent} ({_ids(ids)})",
                       "--fix makes placeholders so no history is lost")
    else:
        with store.engine.begin() as conn:
            for done in _fix_orphans(conn, orphans):
                report.add("orphaned rows", FIXED, done)
    if fix:
        with store.engine.begin() as conn:
            _review_states(conn, report, fix=True)
            _interval_before(conn, report, fix=True)
    else:
        with store.engine.connect().execution_options(flashdl_readonly=True) as conn:
            _review_states(conn, report, fix=False)
            _interval_before(conn, report, fix=False)
