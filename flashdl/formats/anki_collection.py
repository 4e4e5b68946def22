"""Reading the SQLite collection inside an ``.apkg`` (schema 11 and the current schema 18).

The database comes from an untrusted file, so it is opened from a private temporary copy,
read-only (``mode=ro``), with ``trusted_schema=OFF`` (no SQL functions run from views or
triggers it defines), after ``PRAGMA quick_check``, and with a time limit on every query. The
tables flashdl reads must be real tables, not views.

Schema 11 (``collection.anki2`` / ``.anki21``) keeps note types and decks as JSON in ``col``;
schema 18 (``collection.anki21b``) has ``notetypes``/``fields``/``templates``/``decks`` tables
whose configs are protobuf blobs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flashdl.formats import protobuf_wire
from flashdl.formats.anki_notes import NoteType
from flashdl.formats.records import FormatError, ImportedReview, ImportedSchedule
from flashdl.scheduler.sm2 import EF_FLOOR, EF_START, MAX_INTERVAL

SQLITE_MAGIC = b"SQLite format 3\x00"
QUERY_SECONDS = 60
_REQUIRED_TABLES = ("col", "notes", "cards")


def _unicase(left: str, right: str) -> int:
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


@dataclasses.dataclass(frozen=True)
class AnkiCard:
    card_id: int
    note_id: int
    deck_id: int
    ordinal: int
    ctype: int
    queue: int
    due: int
    interval: int
    factor: int
    reps: int
    lapses: int
    guid: str
    notetype_id: int
    tags: tuple[str, ...]
    fields: list[str]


class AnkiCollection:
    """An Anki collection opened safely for reading. Every failure is a FormatError."""

    def __init__(self, db_path: Path, source: Path) -> None:
        self.source = source
        with db_path.open("rb") as handle:
            if handle.read(16) != SQLITE_MAGIC:
                raise FormatError(source, "collection", "the collection inside is not an SQLite database")
        uri = f"file:{urllib.parse.quote(str(db_path.resolve()))}?mode=ro"
        try:
            self.conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        # Anki's schema 18 declares its name columns with its own "unicase" collation.
        self.conn.create_collation("unicase", _unicase)
        deadline = time.monotonic() + QUERY_SECONDS
        self.conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        try:
            self.conn.execute("PRAGMA trusted_schema=OFF")
            self.conn.execute("PRAGMA query_only=ON")
            self.conn.execute("PRAGMA cell_size_check=ON")
            check = [row[0] for row in self.conn.execute("PRAGMA quick_check(5)")]
            if check != ["ok"]:
                detail = next((line for row in check for line in str(row).splitlines()
                               if line.strip() and not line.startswith("***")), "quick_check failed")
                raise FormatError(source, "collection", f"the collection is corrupt ({detail})")
            kinds = dict(self.conn.execute("SELECT name, type FROM sqlite_master"))
            for table in _REQUIRED_TABLES:
                if kinds.get(table) != "table":
                    raise FormatError(source, "collection",
                                      f"not an Anki collection (no {table!r} table)")
            self.modern = kinds.get("notetypes") == "table"
            self.has_revlog = kinds.get("revlog") == "table"
            if self.modern and any(kinds.get(t) != "table" for t in ("fields", "templates", "decks")):
                raise FormatError(source, "collection", "not an Anki collection (incomplete schema)")
            row = self.conn.execute("SELECT crt, models, decks FROM col LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            self.close()
            raise self._error(exc) from exc
        except FormatError:
            self.close()
            raise
        if row is None:
            self.close()
            raise FormatError(source, "collection", "the collection has no 'col' row")
        self._col = row

    def _error(self, exc: BaseException) -> FormatError:
        text = str(exc)
        if "interrupted" in text:
            text = f"reading it took longer than {QUERY_SECONDS} s"
        return FormatError(self.source, "collection", f"cannot read the collection: {text}")

    def close(self) -> None:
        self.conn.close()

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def creation_date(self) -> dt.date:
        try:
            return dt.datetime.fromtimestamp(int(self._col[0])).date()
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            raise FormatError(self.source, "collection", "the collection's creation time is invalid") from exc

    def notetypes(self) -> dict[int, NoteType]:
        if self.modern:
            return self._modern_notetypes()
        models = self._json(self._col[1], "note types")
        result: dict[int, NoteType] = {}
        for model_id, model in models.items():
            try:
                fields = tuple(str(f["name"]) for f in sorted(model["flds"], key=lambda f: f["ord"]))
                templates = tuple(
                    (str(t["qfmt"]), str(t["afmt"]))
                    for t in sorted(model["tmpls"], key=lambda t: t["ord"])
                )
                result[int(model_id)] = NoteType(
                    str(model["name"]), fields, templates, is_cloze=model.get("type") == 1
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise FormatError(self.source, f"note type {model_id}", "is malformed") from exc
        return result

    def _modern_notetypes(self) -> dict[int, NoteType]:
        fields: dict[int, list[str]] = {}
        for ntid, name in self._query("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
            fields.setdefault(int(ntid), []).append(str(name))
        templates: dict[int, list[tuple[str, str]]] = {}
        for ntid, config in self._query("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
            parsed = self._proto(config, f"template of note type {ntid}")
            templates.setdefault(int(ntid), []).append(
                (protobuf_wire.first_text(parsed, 1), protobuf_wire.first_text(parsed, 2))
            )
        result: dict[int, NoteType] = {}
        for ntid, name, config in self._query("SELECT id, name, config FROM notetypes"):
            kind = protobuf_wire.first_int(self._proto(config, f"note type {ntid}"), 1)
            result[int(ntid)] = NoteType(
                str(name), tuple(fields.get(int(ntid), ())),
                tuple(templates.get(int(ntid), ())), is_cloze=kind == 1,
            )
        return result

    def decks(self) -> dict[int, str]:
        if self.modern:
            return {int(i): str(n).replace("\x1f", "::")
                    for i, n in self._query("SELECT id, name FROM decks")}
        decks = self._json(self._col[2], "decks")
        try:
            return {int(i): str(d["name"]) for i, d in decks.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError(self.source, "collection", "the deck list is malformed") from exc

    def deck_keys(self) -> dict[int, str]:
        """Anki deck id -> the flashdl deck key a flashdl export recorded for it (valid keys
        only; packages from anywhere else have none)."""
        from flashdl.formats.toml_deck import ID_PATTERN

        if self.modern:
            return {}
        keys = {}
        for deck_id, entry in self._json(self._col[2], "decks").items():
            key = entry.get("flashdlKey") if isinstance(entry, dict) else None
            if isinstance(key, str) and ID_PATTERN.match(key):
                try:
                    keys[int(deck_id)] = key
                except ValueError:
                    continue
        return keys

    def cards(self) -> Iterator[AnkiCard]:
        sql = (
            "SELECT c.id, c.nid, CASE WHEN c.odid != 0 THEN c.odid ELSE c.did END, c.ord,"
            " c.type, c.queue, CASE WHEN c.odid != 0 AND c.odue != 0 THEN c.odue ELSE c.due END,"
            " c.ivl, c.factor, c.reps, c.lapses, n.guid, n.mid, n.tags, n.flds"
            " FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.id, c.ord"
        )
        try:
            for row in self.conn.execute(sql):
                try:
                    yield AnkiCard(*(int(v) for v in row[:11]), guid=str(row[11]),
                                   notetype_id=int(row[12]), tags=tuple(str(row[13]).split()),
                                   fields=str(row[14]).split("\x1f"))
                except (TypeError, ValueError) as exc:
                    raise FormatError(self.source, f"card {row[0]!r}", "has malformed values") from exc
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def revlog(self) -> dict[int, list[ImportedReview]]:
        """Every card's answers, oldest first, mapped to flashdl's log (see :func:`anki_review`)."""
        if not self.has_revlog:
            return {}
        result: dict[int, list[ImportedReview]] = {}
        for row in self._query("SELECT id, cid, ease, lastIvl, time, type FROM revlog ORDER BY cid, id"):
            try:
                review = anki_review(*(int(v) for v in row[:1]), *(int(v) for v in row[2:]),
                                     first=int(row[1]) not in result)
            except (TypeError, ValueError, OverflowError, OSError) as exc:
                raise FormatError(self.source, f"review {row[0]!r}", "has malformed values") from exc
            if review is not None:
                result.setdefault(int(row[1]), []).append(review)
        return result

    def _json(self, text: Any, what: str) -> dict[str, Any]:
        try:
            value = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise FormatError(self.source, "collection", f"the {what} are not valid JSON") from exc
        if not isinstance(value, dict):
            raise FormatError(self.source, "collection", f"the {what} are malformed")
        return value

    def _proto(self, blob: Any, what: str) -> dict[int, list[int | bytes]]:
        try:
            return protobuf_wire.decode(bytes(blob))
        except (TypeError, ValueError) as exc:
            raise FormatError(self.source, what, "has a malformed configuration") from exc


def anki_schedule(card: AnkiCard, created: dt.date, today: dt.date) -> ImportedSchedule | None:
    """Anki's review state as SM-2 state (``--with-scheduling``); None for new/learning cards.

    Anki's ease is in permille (2500 = EF 2.5), its interval in days, and a review card's due is
    a day number counted from the collection's creation. SM-2 only distinguishes 0, 1 and "2 or
    more" successful repetitions, so a graduated card gets 1 (interval under 6 days: next interval
    6) or 2 (next interval = interval x EF). A relearning card starts again from 0.
    """
    if card.ctype not in (2, 3):
        return None
    ef = max(EF_FLOOR, round(card.factor / 10)) if card.factor > 0 else EF_START
    interval = max(1, min(card.interval, MAX_INTERVAL))
    if card.ctype == 3 and card.queue == 1:  # relearning, due is a timestamp
        try:
            due = dt.datetime.fromtimestamp(card.due).date()
        except (ValueError, OverflowError, OSError):
            due = today
    else:
        due = created + dt.timedelta(days=max(-MAX_INTERVAL, min(card.due, 3 * MAX_INTERVAL)))
    offset = max(-MAX_INTERVAL, min((due - today).days, MAX_INTERVAL))
    repetitions = 0 if card.ctype == 3 else (2 if interval >= 6 else 1)
    return ImportedSchedule(repetitions=repetitions, ef_hundredths=ef, interval=interval,
                            due_offset_days=offset, lapses=max(0, card.lapses))


#: Anki's day starts at 4 a.m. (its default "next day starts at"): a review at 1 a.m. counts for
#: the day before, as it did in Anki.
ANKI_ROLLOVER = dt.timedelta(hours=4)
#: Anki's answer buttons (revlog ``ease``) on flashdl's 0-5 grades, as FSRS's buttons are logged:
#: 1 Again -> 1, 2 Hard -> 3, 3 Good -> 4, 4 Easy -> 5 (``flashdl.scheduler.fsrs.GRADE_FOR_RATING``).
#: This reads Anki 2.1's v2/v3 schedulers, where learning cards also have four buttons.
ANKI_EASE_GRADES = {1: 1, 2: 3, 3: 4, 4: 5}
#: revlog ``type``: 0 learning, 1 review, 2 relearning, 3 filtered deck, 4 manual, 5 rescheduled
ANKI_ANSWER_TYPES = (0, 1, 2, 3)


def anki_review(
    revlog_id: int, ease: int, last_interval: int, time_ms: int, kind: int, *, first: bool
) -> ImportedReview | None:
    """One Anki revlog row as an answer in flashdl's review log; None for rows that are not
    answers (manual rescheduling, "set due date", ease 0).

    ``lastIvl`` is the interval before the answer: days when positive, seconds (a learning
    step) when negative, which is 0 whole days. Anki caps ``time`` at 60 s by default."""
    grade = ANKI_EASE_GRADES.get(ease)
    if grade is None or kind not in ANKI_ANSWER_TYPES:
        return None
    moment = dt.datetime.fromtimestamp(revlog_id / 1000)  # local time, as Anki counts days
    return ImportedReview(
        external_id=revlog_id,
        reviewed_at_ms=revlog_id,
        day=(moment - ANKI_ROLLOVER).date(),
        grade=grade,
        duration_ms=max(0, min(time_ms, 24 * 3600 * 1000)),
        interval_before=None if first else max(0, min(last_interval, MAX_INTERVAL)),
    )
