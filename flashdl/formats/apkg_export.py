"""Writing decks as an Anki package (``.apkg``) with genanki, so learners can take cards to Anki.

Fields are HTML made from the cards' Markdown (:mod:`flashdl.formats.markdown_html`), so Anki
shows emphasis, lists, code blocks, tables and MathJax as flashdl does. Notes are rebuilt from
cards (:func:`plan_notes`):

- the cloze cards of one note (keys ``<note>-c1``, ``<note>-c2``...) become ONE Anki Cloze note
  with ``{{c1::...}}``, ``{{c2::...}}``, so Anki makes the same cards;
- a card and its reverse (keys ``<note>`` and ``<note>-2``, front and back swapped) become one
  "Basic (and reversed card)" note;
- every other card is a Basic note.

Each note type has a third field, ``flashdl``, that no template shows: a small JSON record of each
card's kind, demo and source, and its Markdown text. Anki shows it only in its editor; flashdl
reads it back (:func:`note_meta`), so a flashdl -> Anki -> flashdl trip restores demonstrate
and exercise cards with their demos, and the exact text of every card not edited in Anki.

The note guid is the flashdl card key (the note's key for a cloze note), so a second export
updates the notes in Anki instead of duplicating them, and importing the package back into
flashdl finds the same cards. Media that cards refer to is packed from the media folder.

Each deck's flashdl key rides along in its Anki deck entry (``flashdlKey``, which Anki keeps and
never shows), so importing the package back into the same store finds the same decks.

With scheduling, every card that has an SM-2 state becomes an Anki review card with the same
interval, ease (EF x 1000) and due date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flashdl.formats.markdown_html import markdown_to_html
from flashdl.formats.records import CARD_KINDS, CardRecord, DeckRecord

BASIC_MODEL_ID = 1_607_392_311
REVERSED_MODEL_ID = 1_607_392_312
CLOZE_MODEL_ID = 1_607_392_313
#: The hidden field flashdl writes and reads back.
META_FIELD = "flashdl"
META_LIMIT = 1_000_000
_CLOZE_KEY = re.compile(r"^(?P<base>.+)-c(?P<number>\d+)$")
_BASIC_AFMT = "{{FrontSide}}\n\n<hr id=answer>\n\n"
#: The field of an Anki deck entry that holds the flashdl deck key (read by ``anki_collection``).
DECK_KEY_FIELD = "flashdlKey"


def _models() -> dict[str, Any]:
    import genanki

    meta = {"name": META_FIELD}
    basic = genanki.Model(
        BASIC_MODEL_ID, "flashdl Basic",
        fields=[{"name": "Front"}, {"name": "Back"}, meta],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": _BASIC_AFMT + "{{Back}}"}],
    )
    reversed_ = genanki.Model(
        REVERSED_MODEL_ID, "flashdl Basic (and reversed card)",
        fields=[{"name": "Front"}, {"name": "Back"}, meta],
        templates=[
            {"name": "Card 1", "qfmt": "{{Front}}", "afmt": _BASIC_AFMT + "{{Back}}"},
            {"name": "Card 2", "qfmt": "{{Back}}", "afmt": _BASIC_AFMT + "{{Front}}"},
        ],
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "flashdl Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}, meta],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}"}],
        model_type=genanki.Model.CLOZE,
    )
    return {"basic": basic, "reversed": reversed_, "cloze": cloze}


@dataclasses.dataclass(frozen=True)
class ClozeParts:
    """A flashdl cloze card taken apart: the note text is ``prefix + answer + suffix``."""

    number: int
    prefix: str
    answer: str
    hint: str
    suffix: str
    extra: str


def cloze_parts(card: CardRecord) -> ClozeParts | None:
    """The gap of a cloze card, lined up with its emphasised answer on the back (None if the
    two cannot be lined up).

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
    hint_end = close - 1 if front[close - 1] == "\\" else close  # ``[...\](`` from HTML
    hint, suffix = front[gap + 1:hint_end], front[close + 1:]
    rest = back[gap + 2:]
    end = rest.find("**" + suffix)
    extra = ""
    while end >= 0:
        extra = rest[end + 2 + len(suffix):]
        if end > 0 and (not extra or extra.startswith(("\n", "\\\n"))):
            break
        end = rest.find("**" + suffix, end + 1)
    if end <= 0:
        return None
    match = _CLOZE_KEY.match(card.key)
    number = int(match.group("number")) if match else 1
    extra = extra[1:] if extra.startswith("\\\n") else extra
    return ClozeParts(number, front[:gap], rest[:end], "" if hint == "..." else hint, suffix,
                      extra.strip())


def cloze_fields(card: CardRecord) -> tuple[str, str] | None:
    """(Text, Back Extra) as Anki HTML for one cloze card on its own, else None."""
    parts = cloze_parts(card)
    if parts is None:
        return None
    return _cloze_text([parts]), markdown_to_html(parts.extra) if parts.extra else ""


def _cloze_text(parts: Sequence[ClozeParts]) -> str:
    """The Cloze note's Text field for gaps that share one text (no two overlapping)."""
    plain = parts[0].prefix + parts[0].answer + parts[0].suffix
    inserts: list[tuple[int, int, str]] = []  # (position, order, Markdown to insert)
    for part in parts:
        start = len(part.prefix)
        hint = f"::{part.hint}" if part.hint else ""
        inserts.append((start, 1, f"{{{{c{part.number}::"))
        inserts.append((start + len(part.answer), 0, f"{hint}}}}}"))
    text = plain
    for position, _, piece in sorted(inserts, reverse=True):
        text = text[:position] + piece + text[position:]
    return markdown_to_html(text)


@dataclasses.dataclass
class NotePlan:
    """One Anki note to write: its note type, guid, fields (HTML) and the cards it stands for."""

    model: str
    guid: str
    fields: list[str]
    cards: list[CardRecord]
    #: per card, the name Anki's card has in the meta field ("1", "2", "c1"...)
    ordinals: list[str]


def _basic(card: CardRecord) -> NotePlan:
    return NotePlan("basic", card.key, [markdown_to_html(card.front), markdown_to_html(card.back)],
                    [card], ["1"])


def _merged_cloze(base: str, cards: list[CardRecord]) -> list[NotePlan]:
    parts = [cloze_parts(card) for card in cards]
    usable = [p for p in parts if p is not None]
    if len(cards) > 1 and len(usable) == len(cards):
        plains = {p.prefix + p.answer + p.suffix for p in usable}
        extras = {p.extra for p in usable}
        spans = sorted((len(p.prefix), len(p.prefix) + len(p.answer)) for p in usable)
        numbers = [p.number for p in usable]
        apart = all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
        if len(plains) == 1 and len(extras) == 1 and apart and len(set(numbers)) == len(numbers):
            extra = usable[0].extra
            fields = [_cloze_text(usable), markdown_to_html(extra) if extra else ""]
            return [NotePlan("cloze", base, fields, cards, [f"c{p.number}" for p in usable])]
    plans = []
    for card, part in zip(cards, parts, strict=True):
        if part is None:
            plans.append(_basic(card))
        else:
            extra = markdown_to_html(part.extra) if part.extra else ""
            plans.append(NotePlan("cloze", card.key, [_cloze_text([part]), extra], [card],
                                  [f"c{part.number}"]))
    return plans


def plan_notes(cards: Sequence[CardRecord]) -> list[NotePlan]:
    """Anki notes for a deck's cards, in the cards' order (see the module docstring)."""
    by_key = {card.key: card for card in cards}
    cloze_groups: dict[str, list[CardRecord]] = {}
    for card in cards:
        match = _CLOZE_KEY.match(card.key) if card.kind == "cloze" else None
        if match:
            cloze_groups.setdefault(match.group("base"), []).append(card)
    plans: list[NotePlan] = []
    done: set[str] = set()
    for card in cards:
        if card.key in done:
            continue
        match = _CLOZE_KEY.match(card.key) if card.kind == "cloze" else None
        if match:
            group = cloze_groups[match.group("base")]
            done.update(c.key for c in group)
            plans.extend(_merged_cloze(match.group("base"), group))
            continue
        if card.kind == "cloze":
            plans.extend(_merged_cloze(card.key, [card]))
            done.add(card.key)
            continue
        reverse = by_key.get(card.key + "-2")
        if (reverse is not None and reverse.key not in done and card.kind == reverse.kind == "basic"
                and (reverse.front, reverse.back) == (card.back, card.front)):
            done.update((card.key, reverse.key))
            plan = _basic(card)
            plans.append(NotePlan("reversed", card.key, plan.fields, [card, reverse], ["1", "2"]))
            continue
        done.add(card.key)
        plans.append(_basic(card))
    return plans


def note_tags(plan: NotePlan) -> list[str]:
    """The note's tags in the cards' order (Anki tags have no spaces)."""
    return list(dict.fromkeys("_".join(tag.split()) for card in plan.cards for tag in card.tags
                              if tag.strip()))


def fields_digest(fields: Sequence[str]) -> str:
    """A digest of a note's visible fields: tells flashdl whether the note was edited in Anki."""
    return hashlib.blake2b("\x1f".join(fields).encode("utf-8"), digest_size=8).hexdigest()


def note_meta_json(plan: NotePlan) -> str:
    """The hidden record of a note (the ``flashdl`` field of an ``.apkg``, the last CSV column)."""
    cards: dict[str, Any] = {}
    for ordinal, card in zip(plan.ordinals, plan.cards, strict=True):
        entry: dict[str, Any] = {"front": card.front, "back": card.back}
        if card.kind not in ("basic", "cloze"):
            entry["kind"] = card.kind
        if card.demo_name:
            entry["demo"] = card.demo_name
            if card.demo_params:
                entry["params"] = card.demo_params
        if card.source:
            entry["source"] = card.source
        if card.tags:
            entry["tags"] = list(card.tags)
        cards[ordinal] = entry
    record = {"flashdl": 1, "fields": fields_digest(plan.fields), "cards": cards}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclasses.dataclass(frozen=True)
class CardMeta:
    """What the hidden ``flashdl`` field says about one card of a note."""

    kind: str | None
    demo_name: str | None
    demo_params: dict[str, Any] | None
    source: str
    #: the card's Markdown, when the note's fields are still as flashdl wrote them
    text: tuple[str, str] | None
    #: the card's tags as flashdl had them (Anki sorts tags and cannot hold spaces in one)
    tags: tuple[str, ...] = ()

    def tags_for(self, note_tags: Sequence[str]) -> tuple[str, ...] | None:
        """The card's own tags if the note still has exactly these (else None: Anki's win)."""
        exported = {"_".join(tag.split()) for tag in self.tags if tag.strip()}
        return self.tags if self.tags and exported == set(note_tags) else None


def note_meta(raw: str, fields: Sequence[str]) -> dict[str, CardMeta]:
    """Per card name ("1", "2", "c1"...), the hidden field of a flashdl export read back.

    The field comes from a file: anything malformed is ignored (the card is then read from its
    HTML like any other Anki card), and it never makes a card other than what the note makes.
    """
    import html

    if not raw or len(raw) > META_LIMIT:
        return {}
    try:
        record = json.loads(raw)
    except ValueError:  # re-saved by Anki's editor: entities and tags around the JSON
        try:
            record = json.loads(html.unescape(re.sub(r"<[^>]*>", "", raw)))
        except ValueError:
            return {}
    if not isinstance(record, dict) or record.get("flashdl") != 1:
        return {}
    cards = record.get("cards")
    if not isinstance(cards, dict):
        return {}
    unedited = record.get("fields") == fields_digest(fields)
    found: dict[str, CardMeta] = {}
    for name, entry in cards.items():
        if not isinstance(entry, dict):
            continue
        kind = entry.get("kind")
        demo, params = entry.get("demo"), entry.get("params")
        source, tags = entry.get("source", ""), entry.get("tags")
        front, back = entry.get("front"), entry.get("back")
        text = (front, back) if unedited and isinstance(front, str) and isinstance(back, str) \
            and front.strip() and back.strip() else None
        found[str(name)] = CardMeta(
            kind=kind if kind in CARD_KINDS else None,
            demo_name=demo if isinstance(demo, str) and demo else None,
            demo_params=params if isinstance(params, dict) else None,
            source=source if isinstance(source, str) else "",
            text=text,
            tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        )
    return found


def card_meta_name(ordinal: int, is_cloze: bool) -> str:
    """The name a note's card has in the hidden record: "c1", "c2"... or "1", "2"."""
    return f"c{ordinal + 1}" if is_cloze else str(ordinal + 1)


def apply_card_meta(record: CardRecord, meta: CardMeta | None, is_cloze: bool) -> CardRecord:
    """``record`` (read from a note's visible fields) with what the hidden record says of it:
    kind, demo and source always; the exact Markdown and tags only while the note is unedited."""
    if meta is None:
        return record
    changes: dict[str, object] = {"source": meta.source}
    if meta.kind is not None and (meta.kind == "cloze") == is_cloze:
        changes["kind"] = meta.kind
    if meta.demo_name is not None:
        changes.update(demo_name=meta.demo_name, demo_params=meta.demo_params)
    if meta.text is not None:
        changes.update(front=meta.text[0], back=meta.text[1])
    tags = meta.tags_for(record.tags)
    if tags is not None:
        changes["tags"] = tags
    return dataclasses.replace(record, **changes)


def _deck_id(key: str) -> int:
    return (1 << 30) + int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest()) % (1 << 30)


def _schedule(db: sqlite3.Connection, plans: Sequence[NotePlan], today: dt.date) -> None:
    """Turn exported cards that have an SM-2 state into Anki review cards."""
    crt = db.execute("SELECT crt FROM col").fetchone()[0]
    created = dt.datetime.fromtimestamp(crt).date()
    for plan in plans:
        for ordinal, card in enumerate(plan.cards):
            schedule = card.schedule
            if schedule is None:
                continue
            due = today + dt.timedelta(days=schedule.due_offset_days)
            number = int(plan.ordinals[ordinal].lstrip("c")) - 1
            db.execute(
                "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?,"
                " lapses = ? WHERE ord = ? AND nid IN (SELECT id FROM notes WHERE guid = ?)",
                ((due - created).days, max(1, schedule.interval), schedule.ef_hundredths * 10,
                 schedule.repetitions, schedule.lapses, number, plan.guid),
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


def _media_files(plans: Sequence[NotePlan], media_dir: Path | None) -> list[Path]:
    """The media files the cards refer to that are in the media folder (names are never paths:
    only plain file names found directly inside the folder are packed)."""
    if media_dir is None or not media_dir.is_dir():
        return []
    from flashdl.render.card import media_names

    folder = media_dir.resolve()
    found: dict[str, Path] = {}
    for plan in plans:
        for card in plan.cards:
            for name in media_names(card.front) + media_names(card.back):
                if name in found or "/" in name or "\\" in name or name in (".", ".."):
                    continue
                path = (folder / name).resolve()
                if path.parent == folder and path.is_file():
                    found[name] = path
    return list(found.values())


def write_apkg(
    decks: Sequence[DeckRecord], path: Path, *, today: dt.date | None = None,
    media_dir: Path | None = None,
) -> int:
    """Write ``decks`` to ``path`` (atomically); return the number of notes written."""
    import genanki

    models = _models()
    packaged = []
    all_plans: list[NotePlan] = []
    for deck in decks:
        anki_deck = genanki.Deck(_deck_id(deck.key), deck.name, description=deck.description)
        plans = plan_notes(deck.cards)
        for plan in plans:
            tags = note_tags(plan)
            anki_deck.add_note(genanki.Note(
                model=models[plan.model], guid=plan.guid, tags=tags,
                fields=[*plan.fields, note_meta_json(plan)],
            ))
        all_plans.extend(plans)
        packaged.append(anki_deck)
    media = _media_files(all_plans, media_dir)
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
            _schedule(db, all_plans, today or dt.date.today())
            db.commit()
        finally:
            db.close()
        partial.unlink(missing_ok=True)  # a leftover; "x" below never writes through a link
        with open(partial, "xb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_name, "collection.anki2")
            archive.writestr("media", json.dumps({str(i): p.name for i, p in enumerate(media)}))
            for index, file in enumerate(media):
                archive.write(file, str(index))
        os.replace(partial, path)
    finally:
        Path(db_name).unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return len(all_plans)
