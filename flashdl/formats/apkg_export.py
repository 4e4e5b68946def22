"""Writing decks as an Anki package (``.apkg``) with genanki, so learners can take cards to Anki.

Basic cards become Basic notes; cloze cards become Cloze notes when their ``[...]`` gap can be
matched against the emphasised answer on the back, otherwise Basic; demonstrate and exercise cards
export their text (Anki cannot run flashdl's demos). The note guid is the flashdl card key, so a
second export updates the notes in Anki instead of duplicating them, and importing the package
back into flashdl finds the same cards.

Each deck's flashdl key rides along in its Anki deck entry (``flashdlKey``, which Anki keeps and
never shows), so importing the package back into the same store finds the same decks.

With scheduling, every card that has an SM-2 state becomes an Anki review card with the same
interval, ease (EF x 1000) and due date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flashdl.formats.html_text import text_to_html
from flashdl.formats.records import CardRecord, DeckRecord

BASIC_MODEL_ID = 1_607_392_301
CLOZE_MODEL_ID = 1_607_392_302
_CLOZE_KEY = re.compile(r"-c(\d+)$")
#: The field of an Anki deck entry that holds the flashdl deck key (read by ``anki_collection``).
DECK_KEY_FIELD = "flashdlKey"


def _models() -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID, "flashdl Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"}],
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "flashdl Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}"}],
        model_type=genanki.Model.CLOZE,
    )
    return basic, cloze


def cloze_fields(card: CardRecord) -> tuple[str, str] | None:
    """(Text, Back Extra) for a cloze card whose gap and answer can be lined up, else None.

    flashdl stores a cloze card as front ``prefix [...] suffix`` (or ``[hint]``) and back
    ``prefix **answer** suffix``, optionally followed by a line break and extra text.
    """
    if card.kind != "cloze":
        return None
    front, back = card.front, card.back
    gap = len(os.path.commonprefix([front, back]))
    if not (front[gap:gap + 1] == "[" and back[gap:gap + 2] == "**"):
        return None
    close = front.find("]", gap)
    if close < 0:
        return None
    hint, suffix = front[gap + 1:close], front[close + 1:]
    rest = back[gap + 2:]
    end = rest.find("**" + suffix)
    while end >= 0:
        extra = rest[end + 2 + len(suffix):]
        if end > 0 and (not extra or extra.startswith("\n")):
            break
        end = rest.find("**" + suffix, end + 1)
    if end <= 0:
        return None
    answer = rest[:end]
    match = _CLOZE_KEY.search(card.key)
    number = int(match.group(1)) if match else 1
    hint_part = "" if hint == "..." else f"::{text_to_html(hint)}"
    text = (f"{text_to_html(front[:gap])}{{{{c{number}::{text_to_html(answer)}{hint_part}}}}}"
            f"{text_to_html(suffix)}")
    return text, text_to_html(extra.strip())


def _deck_id(key: str) -> int:
    return (1 << 30) + int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest()) % (1 << 30)


def _schedule(db: sqlite3.Connection, decks: Sequence[DeckRecord], today: dt.date) -> None:
    """Turn exported cards that have an SM-2 state into Anki review cards."""
    crt = db.execute("SELECT crt FROM col").fetchone()[0]
    created = dt.datetime.fromtimestamp(crt).date()
    for deck in decks:
        for card in deck.cards:
            schedule = card.schedule
            if schedule is None:
                continue
            due = today + dt.timedelta(days=schedule.due_offset_days)
            db.execute(
                "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?,"
                " lapses = ? WHERE nid IN (SELECT id FROM notes WHERE guid = ?)",
                ((due - created).days, max(1, schedule.interval), schedule.ef_hundredths * 10,
                 schedule.repetitions, schedule.lapses, card.key),
            )


def _mark_deck_keys(db: sqlite3.Connection, decks: Sequence[DeckRecord]) -> None:
    """Write each deck's flashdl key into its entry of the collection's deck list."""
    import json

    (raw,) = db.execute("SELECT decks FROM col").fetchone()
    entries = json.loads(raw)
    for deck in decks:
        entry = entries.get(str(_deck_id(deck.key)))
        if entry is not None:
            entry[DECK_KEY_FIELD] = deck.key
    db.execute("UPDATE col SET decks = ?", (json.dumps(entries),))


def write_apkg(decks: Sequence[DeckRecord], path: Path, *, today: dt.date | None = None) -> int:
    """Write ``decks`` to ``path`` (atomically); return the number of notes written."""
    import genanki

    basic, cloze = _models()
    packaged = []
    count = 0
    for deck in decks:
        anki_deck = genanki.Deck(_deck_id(deck.key), deck.name, description=deck.description)
        for card in deck.cards:
            tags = ["_".join(tag.split()) for tag in card.tags if tag.strip()]
            fields = cloze_fields(card)
            if fields is not None:
                note = genanki.Note(model=cloze, fields=list(fields), guid=card.key, tags=tags)
            else:
                note = genanki.Note(model=basic, guid=card.key, tags=tags,
                                    fields=[text_to_html(card.front), text_to_html(card.back)])
            anki_deck.add_note(note)
            count += 1
        packaged.append(anki_deck)
    package = genanki.Package(packaged)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, db_name = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    partial = path.with_name(path.name + ".partial")
    try:
        db = sqlite3.connect(db_name)
        try:
            cursor = db.cursor()
            stamp = dt.datetime.now().timestamp()
            package.write_to_db(cursor, stamp, iter(range(int(stamp * 1000), 1 << 62)))
            _mark_deck_keys(db, decks)
            _schedule(db, decks, today or dt.date.today())
            db.commit()
        finally:
            db.close()
        partial.unlink(missing_ok=True)  # a leftover; "x" below never writes through a link
        with open(partial, "xb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_name, "collection.anki2")
            archive.writestr("media", "{}")
        os.replace(partial, path)
    finally:
        Path(db_name).unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return count
