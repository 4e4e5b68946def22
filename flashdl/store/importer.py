"""``flashdl import`` against the store: every file of one call in ONE write transaction.

Parsing happens first and entirely outside the database, so a bad file never opens a
transaction. Then all decks are merged in a single ``store.write()``: an error, Ctrl-C or a
killed process before the commit leaves the store exactly as it was. ``--dry-run`` runs the very
same merge and rolls it back, so its report is what a real import would do.

Identity is ``(deck key, card key)`` (keys come from :mod:`flashdl.formats.keys`). A card that is
already there is updated in place (``--on-duplicate update``), left alone (``skip``) or added
again under a fresh key (``new``); its review state and history are never touched, so
re-importing a file is idempotent. New cards go in with bulk Core inserts: per-row ORM objects
cost seconds on a 100,000-card file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashdl.errors import UsageError
from flashdl.formats.keys import deck_key, unique_key
from flashdl.formats.records import CardRecord, DeckRecord, FormatError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.formats.parsed import ParsedFile
    from flashdl.store.db import Store

ON_DUPLICATE = ("update", "skip", "new")
CHUNK = 5_000
#: Over this many cards, the CLI shows a progress bar.
PROGRESS_THRESHOLD = 1_000

Progress = Callable[[int], None]


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    deck_name: str | None = None
    fmt: str = "auto"
    dry_run: bool = False
    on_duplicate: str = "update"
    skip_invalid: bool = False
    with_scheduling: bool = False
    sep: str | None = None
    row_sep: str | None = None


@dataclasses.dataclass
class DeckOutcome:
    key: str
    name: str
    sources: list[str]
    new_deck: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    scheduled: int = 0
    #: answers of review history imported (Anki's revlog), and those already there before
    answers_imported: int = 0
    answers_known: int = 0


@dataclasses.dataclass
class ImportReport:
    decks: list[DeckOutcome]
    dry_run: bool
    invalid: list[FormatError] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    media_copied: int = 0
    backup: Path | None = None

    def total(self, field: str) -> int:
        return sum(getattr(deck, field) for deck in self.decks)


class _RollBack(Exception):
    """Raised inside the transaction of a dry run, so that it is rolled back."""


@dataclasses.dataclass
class _PlannedDeck:
    record: DeckRecord
    sources: list[str]


def _plan(parsed: Sequence[ParsedFile], options: ImportOptions, report: ImportReport) -> list[_PlannedDeck]:
    """Decks to merge: renamed by ``--deck``, same-key decks from several files combined, and
    cards repeated within the import kept once (or, with ``--on-duplicate new``, kept apart)."""
    merged: dict[str, _PlannedDeck] = {}
    for item in parsed:
        for deck in item.decks:
            if options.deck_name:
                name = options.deck_name.strip()
                deck = dataclasses.replace(deck, key=deck_key(name), name=name)
            plan = merged.get(deck.key)
            if plan is None:
                merged[deck.key] = _PlannedDeck(deck, [str(item.path)])
                continue
            if str(item.path) not in plan.sources:
                plan.sources.append(str(item.path))
            plan.record = dataclasses.replace(
                plan.record,
                description=plan.record.description or deck.description,
                cards=plan.record.cards + deck.cards,
            )
    for plan in merged.values():
        first_seen: dict[str, CardRecord] = {}
        cards: list[CardRecord] = []
        for card in plan.record.cards:
            earlier = first_seen.get(card.key)
            if earlier is None:
                first_seen[card.key] = card
                cards.append(card)
            elif options.on_duplicate == "new":
                card = dataclasses.replace(card, key=unique_key(card.key, first_seen))
                first_seen[card.key] = card
                cards.append(card)
            else:
                report.warnings.append(
                    f"deck {plan.record.key!r}: {card.where or card.key} repeats "
                    f"{earlier.where or earlier.key} (same id or front); kept the first"
                )
        plan.record = dataclasses.replace(plan.record, cards=tuple(cards))
    return list(merged.values())


def _check_builtin_collisions(
    store: Store, plans: list[_PlannedDeck], *, deck_given: bool = False
) -> None:
    from sqlalchemy import select

    from flashdl.store.models import Deck

    with store.read() as session:
        builtin = set(session.scalars(select(Deck.key).where(Deck.origin == "builtin")))
    for plan in plans:
        if plan.record.key in builtin:
            raise UsageError(
                f"deck {plan.record.key!r} from {', '.join(plan.sources)} has the id of a "
                "built-in deck",
                hint=builtin_hint(deck_given),
            )


def builtin_hint(deck_given: bool) -> str:
    """What to do about a deck that collides with a built-in one, given whether --deck was used."""
    if deck_given:
        return "--deck names a built-in deck; choose a name that is not a built-in deck's"
    return "import it under another name with --deck NAME"


#: A ``before-import`` backup younger than this, with no answer logged after it, is reused.
IMPORT_BACKUP_REUSE = dt.timedelta(hours=1)


def recent_import_backup(store: Store, backups_dir: Path, *, now: dt.datetime | None = None
                         ) -> Path | None:
    """A ``before-import`` backup of this store younger than an hour with no answer (review or
    quiz) logged since it was taken, or None.

    Imports in a row (files one by one) then share one backup instead of writing a copy each
    time, and the guarantee holds: all review history is in the backup an import reports. What
    the reused backup may lack is decks imported since it, and those come from files that can be
    imported again.
    """
    from sqlalchemy import exists, select

    from flashdl import clock
    from flashdl.store.backup import list_backups
    from flashdl.store.models import QuizAnswer, ReviewLog

    if store.sqlite_path is None:
        return None
    now = now or clock.now()  # the clock the backup names were stamped with
    recent = [b for b in list_backups(backups_dir, store.sqlite_path)
              if b.reason == "before-import" and dt.timedelta(0) <= now - b.taken_at
              < IMPORT_BACKUP_REUSE and b.path.is_file()]
    if not recent:
        return None
    latest = recent[-1]
    since = latest.taken_at.astimezone(dt.UTC)
    with store.read() as session:
        answered = session.scalar(select(
            exists().where(ReviewLog.reviewed_at >= since)
            | exists().where(QuizAnswer.answered_at >= since)
        ))
    return None if answered else latest.path


CARD_COLUMNS = ("key", "front", "back", "tags", "kind", "demo_name", "demo_params", "source",
                "position", "content_hash")


def driver_converter(session: Session, table: Any, name: str) -> Callable[[Any], Any]:
    """Column ``name``'s own SQLAlchemy bind conversion, remembered per distinct value.

    What the driver receives is exactly what ``session.execute(insert(table), dicts)`` would send;
    but tags and timestamps repeat across an import, so each distinct value is converted once.
    """
    processor = table.c[name].type._cached_bind_processor(session.get_bind().dialect)
    if processor is None:
        return lambda value: value
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            # tags arrive as a tuple; the JSON column stores a list
            memo[value] = processor(list(value) if isinstance(value, tuple) else value)
            return memo[value]
        except TypeError:  # unhashable, e.g. a dict of demo parameters
            return processor(value)

    return convert


def bulk_insert(
    session: Session,
    table: Any,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    constants: dict[str, Any] | None = None,
    *,
    converted: Collection[str] = (),
) -> None:
    """``INSERT`` many rows in one DBAPI ``executemany``; ``constants`` are the same in every row.

    Values are converted by :func:`driver_converter` (columns listed in ``converted`` already
    were, by the caller), and the statement, compiled once for the dialect, goes straight to the
    driver: per-row ORM and Core bookkeeping is otherwise most of the cost of a 100,000-card
    import.
    """
    from sqlalchemy import column, insert
    from sqlalchemy import table as untyped_table

    if not rows:
        return
    constants = constants or {}
    fixed = tuple(driver_converter(session, table, name)(value) for name, value in constants.items())
    pending = [(i, driver_converter(session, table, name)) for i, name in enumerate(columns)
               if name not in converted
               and table.c[name].type._cached_bind_processor(session.get_bind().dialect)]
    if pending:
        rows = [_convert_row(row, pending) for row in rows]
    names = (*columns, *constants)
    compiled = insert(untyped_table(table.name, *(column(n) for n in names))).compile(
        dialect=session.get_bind().dialect
    )
    if compiled.positional:
        order = [names.index(n) for n in (compiled.positiontup or [])]
        if order == list(range(len(names))):
            params: list[Any] = [row + fixed for row in rows]
        else:
            params = [tuple((row + fixed)[i] for i in order) for row in rows]
    else:
        params = [dict(zip(names, row + fixed, strict=True)) for row in rows]
    session.connection().exec_driver_sql(str(compiled), params)


def _convert_row(row: tuple[Any, ...], pending: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    values = list(row)
    for index, convert in pending:
        values[index] = convert(values[index])
    return tuple(values)


def merge_deck(
    session: Session,
    deck: DeckRecord,
    *,
    on_duplicate: str = "update",
    with_scheduling: bool = False,
    today: dt.date,
    progress: Progress | None = None,
) -> DeckOutcome:
    """Insert or update one imported deck and its cards inside the caller's transaction."""
    from sqlalchemy import func, select, update

    from flashdl.store.models import Card, Deck, utcnow

    now = utcnow()
    outcome = DeckOutcome(deck.key, deck.name, [])
    row = session.scalar(select(Deck).where(Deck.key == deck.key))
    if row is None:
        row = Deck(key=deck.key, name=deck.name, description=deck.description, origin="import",
                   created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        outcome.new_deck = True
    elif row.origin != "import":
        raise UsageError(f"deck {deck.key!r} is a built-in deck", hint=builtin_hint(False))
    elif (row.name, row.description) != (deck.name, deck.description or row.description):
        row.name, row.description = deck.name, deck.description or row.description
        row.updated_at = now
    existing = {
        key: (card_id, digest, retired)
        for card_id, key, digest, retired in session.execute(
            select(Card.id, Card.key, Card.content_hash, Card.retired).where(Card.deck_id == row.id)
        )
    }
    highest = session.scalar(select(func.max(Card.position)).where(Card.deck_id == row.id))
    next_position = 0 if highest is None else highest + 1
    taken = set(existing)
    tags_value = driver_converter(session, Card.__table__, "tags")
    params_value = driver_converter(session, Card.__table__, "demo_params")
    new_rows: list[tuple[Any, ...]] = []  # in CARD_COLUMNS order, as the driver takes them
    updates: list[dict[str, Any]] = []
    schedules: dict[str, Any] = {}  # card key -> ImportedSchedule
    histories: dict[str, Any] = {}  # card key -> ImportedReview answers
    for record in deck.cards:
        found = existing.get(record.key)
        if found is not None and on_duplicate == "new":
            record = dataclasses.replace(record, key=unique_key(record.key, taken))
            found = None
        if found is None:
            taken.add(record.key)
            new_rows.append((record.key, record.front, record.back, tags_value(record.tags),
                             record.kind, record.demo_name, params_value(record.demo_params),
                             record.source, next_position, record.content_hash()))
            next_position += 1
            outcome.added += 1
        elif on_duplicate == "skip":
            outcome.skipped += 1
            continue
        else:
            card_id, digest, retired = found
            new_digest = record.content_hash()
            if new_digest == digest and not retired:
                outcome.unchanged += 1
            else:
                updates.append({
                    "id": card_id, "front": record.front, "back": record.back,
                    "tags": list(record.tags), "kind": record.kind,
                    "demo_name": record.demo_name, "demo_params": record.demo_params,
                    "source": record.source, "content_hash": new_digest, "retired": False,
                    "updated_at": now,
                })
                outcome.updated += 1
        if with_scheduling and record.schedule is not None:
            schedules[record.key] = record.schedule
        if with_scheduling and record.history:
            histories[record.key] = record.history
    constants = {"deck_id": row.id, "suspended": False, "retired": False,
                 "created_at": now, "updated_at": now}
    for start in range(0, len(new_rows), CHUNK):
        chunk = new_rows[start:start + CHUNK]
        bulk_insert(session, Card.__table__, CARD_COLUMNS, chunk, constants,
                    converted=("tags", "demo_params"))
        if progress:
            progress(len(chunk))
    for start in range(0, len(updates), CHUNK):
        session.execute(update(Card), updates[start:start + CHUNK])
    if progress:
        progress(len(deck.cards) - len(new_rows))
    scheduled: dict[int, Any] = {}
    if schedules:
        scheduled = _write_schedules(session, row.id, schedules, today)
        outcome.scheduled = len(scheduled)
    if histories:
        from flashdl.store.history_import import write_history

        outcome.answers_imported, outcome.answers_known = write_history(
            session, row.id, histories, scheduled)
    return outcome


def _write_schedules(
    session: Session, deck_id: int, schedules: dict[str, Any], today: dt.date
) -> dict[int, Any]:
    """ReviewState rows from imported scheduling, only for cards that have no history yet.
    Returns ``{card id: the SM-2 state written}``."""
    from sqlalchemy import select

    from flashdl.store.models import Card, ReviewLog, ReviewState

    ids = {
        key: card_id
        for card_id, key in session.execute(select(Card.id, Card.key).where(Card.deck_id == deck_id))
        if key in schedules
    }
    candidates = list(ids.values())
    with_history: set[int] = set()
    for start in range(0, len(candidates), CHUNK):
        part = candidates[start:start + CHUNK]
        with_history.update(session.scalars(select(ReviewState.card_id).where(ReviewState.card_id.in_(part))))
        with_history.update(session.scalars(select(ReviewLog.card_id).where(ReviewLog.card_id.in_(part))))
    from flashdl.scheduler.sm2 import SM2State

    columns = ("card_id", "repetitions", "ef_hundredths", "interval", "due", "lapses")
    written = {
        card_id: SM2State(s.repetitions, s.ef_hundredths, s.interval,
                          today + dt.timedelta(days=s.due_offset_days), False, s.lapses)
        for key, card_id in ids.items()
        if card_id not in with_history and (s := schedules[key]) is not None
    }
    rows = [(card_id, s.repetitions, s.ef_hundredths, s.interval, s.due, s.lapses)
            for card_id, s in written.items()]
    for start in range(0, len(rows), CHUNK):
        bulk_insert(session, ReviewState.__table__, columns, rows[start:start + CHUNK],
                    {"needs_redrill": False, "last_review": None})
    return written


def _copy_media(parsed: Sequence[ParsedFile], report: ImportReport) -> None:
    from flashdl import config

    media = [m for item in parsed for m in item.media]
    if not media:
        return
    folder = config.media_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        report.warnings.append(f"media not copied: cannot create {folder}: {exc.strerror}")
        return
    for item in media:
        target = folder / item.safe_name
        if target.exists():
            continue  # content-addressed: same name, same bytes
        partial = target.with_name(target.name + ".partial")
        try:
            shutil.copyfile(item.staged, partial)
            os.replace(partial, target)
            report.media_copied += 1
        except OSError as exc:
            partial.unlink(missing_ok=True)
            report.warnings.append(f"media {item.original_name!r} not copied: {exc.strerror}")


def import_paths(
    store: Store,
    paths: Sequence[Path],
    options: ImportOptions,
    *,
    today: dt.date,
    max_bytes: int | None = None,
    progress_factory: Callable[[int], tuple[Progress, Callable[[], None]]] | None = None,
) -> ImportReport:
    """Parse every file, then merge all of them in one transaction (rolled back on a dry run)."""
    from flashdl.formats.load import ReadOptions, read_deck_file

    if options.on_duplicate not in ON_DUPLICATE:
        raise UsageError(f"--on-duplicate must be one of {', '.join(ON_DUPLICATE)}")
    if options.deck_name is not None and not options.deck_name.strip():
        raise UsageError("--deck needs a non-empty name")
    read_options = ReadOptions(
        fmt=options.fmt, sep=options.sep, row_sep=options.row_sep,
        skip_invalid=options.skip_invalid, with_scheduling=options.with_scheduling,
        today=today, **({"max_bytes": max_bytes} if max_bytes is not None else {}),
    )
    parsed: list[ParsedFile] = []
    try:
        for path in paths:
            parsed.append(read_deck_file(Path(path), read_options))
        report = ImportReport(decks=[], dry_run=options.dry_run)
        for item in parsed:
            report.invalid.extend(item.skipped)
            report.warnings.extend(item.warnings)
        plans = _plan(parsed, options, report)
        _check_builtin_collisions(store, plans, deck_given=options.deck_name is not None)
        from flashdl.store.queries import has_user_data

        if not options.dry_run and store.sqlite_path is not None and has_user_data(store):
            from flashdl import config
            from flashdl.store.backup import backup_sqlite

            report.backup = recent_import_backup(store, config.backups_dir()) or backup_sqlite(
                store.sqlite_path, config.backups_dir(), "before-import")
        total = sum(len(plan.record.cards) for plan in plans)
        advance, finish = (progress_factory(total) if progress_factory and total > PROGRESS_THRESHOLD
                           else (None, lambda: None))
        try:
            with store.write() as session:
                for plan in plans:
                    outcome = merge_deck(
                        session, plan.record, on_duplicate=options.on_duplicate,
                        with_scheduling=options.with_scheduling, today=today, progress=advance,
                    )
                    outcome.sources = plan.sources
                    report.decks.append(outcome)
                if options.dry_run:
                    raise _RollBack
        except _RollBack:
            pass
        finally:
            finish()
        if not options.dry_run:
            _copy_media(parsed, report)
        return report
    finally:
        for item in parsed:
            item.cleanup()
