"""Neutral card records: what every parser produces and every writer consumes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from flashdl.errors import FlashdlError

CARD_KINDS = ("basic", "demonstrate", "exercise", "cloze")
#: one encoder, reused: json.dumps(..., sort_keys=True) builds a new one per call (same output)
_HASH_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
_quote_json_string = json.encoder.encode_basestring  # what that encoder uses for a str


class FormatError(FlashdlError):
    """A file that cannot be read as a deck. The message names the file, the place and the fault."""

    exit_code = 2

    def __init__(self, path: object, where: str | None, problem: str, *, hint: str | None = None):
        self.path = str(path)
        self.where = where
        self.problem = problem
        location = f"{self.path}, {where}" if where else self.path
        super().__init__(f"{location}: {problem}", hint=hint)


@dataclasses.dataclass(frozen=True)
class ImportedSchedule:
    """Scheduling carried over from another application (``--with-scheduling``)."""

    repetitions: int
    ef_hundredths: int
    interval: int
    due_offset_days: int  # due = import day + offset (may be negative: overdue)
    lapses: int = 0


@dataclasses.dataclass(frozen=True)
class ImportedReview:
    """One answer given in another application (Anki's revlog), on flashdl's 0-5 grade scale."""

    external_id: int  # the other app's id of the answer (Anki: the revlog id, ms since 1970)
    reviewed_at_ms: int  # when, in ms since 1970 (UTC)
    day: dt.date  # the learner's day it counted for, in that app
    grade: int
    duration_ms: int
    interval_before: int | None  # days; None for a card's very first answer


@dataclasses.dataclass(frozen=True)
class CardRecord:
    key: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    kind: str = "basic"
    demo_name: str | None = None
    demo_params: dict[str, Any] | None = None
    source: str = ""
    schedule: ImportedSchedule | None = None
    #: answers given in the app it came from (``--with-scheduling``), oldest first; not content
    history: tuple[ImportedReview, ...] = dataclasses.field(default=(), compare=False, repr=False)
    #: where the record came from ("line 12", "note 3, card 2"), for error messages; not content
    where: str = dataclasses.field(default="", compare=False, repr=False)

    def content_hash(self) -> str:
        """A digest of everything a re-sync may update, to skip unchanged cards cheaply.

        The digest is of ``json.dumps([front, back, tags, kind, demo_name, demo_params, source],
        sort_keys=True, ensure_ascii=False)``. Cards without demo parameters (nearly all, and
        every card of a big import) build that exact text from C-encoded strings, which is
        several times faster than the general encoder.
        """
        if self.demo_params is None:
            quote = _quote_json_string
            payload = (
                f"[{quote(self.front)}, {quote(self.back)}, "
                f"[{', '.join(quote(tag) for tag in self.tags)}], {quote(self.kind)}, "
                f"{'null' if self.demo_name is None else quote(self.demo_name)}, null, "
                f"{quote(self.source)}]"
            )
        else:
            payload = _HASH_ENCODER.encode(
                [self.front, self.back, list(self.tags), self.kind, self.demo_name,
                 self.demo_params, self.source]
            )
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


@dataclasses.dataclass(frozen=True)
class DeckRecord:
    key: str
    name: str
    description: str
    cards: tuple[CardRecord, ...]
