"""Anki packages (``.apkg``): the legacy ``collection.anki2``/``.anki21`` and the current
zstd-compressed ``collection.anki21b`` (announced by the ``meta`` entry).

Every card of every note becomes a flashdl card: Basic and Basic-and-reversed through their
templates, Cloze with one card per cloze number. Identity is Anki's note guid (plus the card's
template or cloze number), so re-importing a newer export of the same deck updates the cards.
Media a card refers to (``<img src>``, ``[sound:]``) is staged under a safe, content-addressed
name; the importer copies it into the media folder only once the import has committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path

from flashdl.formats import protobuf_wire
from flashdl.formats.anki_collection import AnkiCard, AnkiCollection, anki_schedule
from flashdl.formats.anki_notes import NoteType, render_card
from flashdl.formats.apkg_export import META_FIELD, apply_card_meta, card_meta_name, note_meta
from flashdl.formats.keys import deck_key, key_from_id, note_card_key
from flashdl.formats.parsed import MediaFile, ParsedFile, RecordErrors, group_decks, new_staging
from flashdl.formats.records import CardRecord, FormatError
from flashdl.formats.safe_zip import SafeZip

COLLECTION_NAMES = ("collection.anki21b", "collection.anki21", "collection.anki2")
LATEST_PACKAGE_VERSION = 3
_MEDIA_REF = re.compile(r"(\bsrc\s*=\s*[\"']?)([^\"'>\s]+)|(\[sound:)([^\]]+)(\])", re.IGNORECASE)
_SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def safe_media_name(original: str, data: bytes) -> str:
    """``<12 hex of the content>-<name with only [A-Za-z0-9._-]>``: unique, inert, flat."""
    stem = _SAFE_CHARS.sub("_", Path(original.replace("\\", "/")).name).lstrip("._")[-80:]
    digest = hashlib.blake2b(data, digest_size=6).hexdigest()
    if stem.startswith(digest + "-") and len(stem) > len(digest) + 1:
        return stem  # already flashdl's name for these bytes (a flashdl export read back)
    return f"{digest}-{stem or 'media'}"


def _package_version(archive: SafeZip, path: Path) -> int:
    if "meta" not in archive.names():
        return 0
    try:
        return protobuf_wire.first_int(protobuf_wire.decode(archive.read("meta", limit=4096)), 1)
    except ValueError as exc:
        raise FormatError(path, "member 'meta'", "is malformed") from exc


def _media_index(archive: SafeZip, path: Path, modern: bool) -> dict[str, tuple[str, int | None]]:
    """Media file name -> (archive member name, declared size if the format declares one)."""
    if "media" not in archive.names():
        return {}
    raw = archive.read("media", limit=64 * 1024 * 1024, zstd=modern)
    if not modern:
        try:
            mapping = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise FormatError(path, "member 'media'", "is not a valid media list") from exc
        if not isinstance(mapping, dict):
            raise FormatError(path, "member 'media'", "is not a valid media list")
        return {str(name): (str(member), None) for member, name in mapping.items()}
    try:
        entries = protobuf_wire.decode(raw).get(1, [])
        index: dict[str, tuple[str, int | None]] = {}
        for number, entry in enumerate(entries):
            if isinstance(entry, bytes):
                fields = protobuf_wire.decode(entry)
                member = str(protobuf_wire.first_int(fields, 255, number))
                size = protobuf_wire.first_int(fields, 2, -1)
                index[protobuf_wire.first_text(fields, 1)] = (member, size if size >= 0 else None)
        return index
    except ValueError as exc:
        raise FormatError(path, "member 'media'", "is not a valid media list") from exc


class _MediaStager:
    def __init__(
        self, archive: SafeZip, index: dict[str, tuple[str, int | None]], folder: Path, modern: bool
    ) -> None:
        self.archive, self.index, self.folder, self.modern = archive, index, folder, modern
        self.staged: dict[str, MediaFile] = {}
        self.missing: set[str] = set()

    def safe_name(self, reference: str) -> str | None:
        name = html.unescape(reference)
        if name not in self.index:
            from urllib.parse import unquote

            name = unquote(name)
        if name in self.staged:
            return self.staged[name].safe_name
        member, size = self.index.get(name, ("", None))
        if member not in self.archive.names():
            if "://" not in name and not name.startswith("data:"):
                self.missing.add(name)
            return None
        staged = self.folder / f"media-{len(self.staged)}"
        with staged.open("wb") as out:
            self.archive.copy_to(member, out, zstd=self.modern, limit=size)
        media = MediaFile(name, safe_media_name(name, staged.read_bytes()), staged)
        self.staged[name] = media
        return media.safe_name

    def rewrite(self, field: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(1) is not None:
                safe = self.safe_name(match.group(2))
                return match.group(1) + safe if safe else match.group(0)
            safe = self.safe_name(match.group(4))
            return f"{match.group(3)}{safe}{match.group(5)}" if safe else match.group(0)

        return _MEDIA_REF.sub(replace, field) if ("src" in field.lower() or "[sound:" in field) else field


def _with_meta(record: CardRecord, notetype: NoteType, card: AnkiCard) -> CardRecord:
    """The card as flashdl exported it, from the hidden ``flashdl`` field of its note."""
    if META_FIELD not in notetype.fields:
        return record
    index = notetype.fields.index(META_FIELD)
    if index >= len(card.fields):
        return record
    visible = [value for i, value in enumerate(card.fields) if i != index]
    meta = note_meta(card.fields[index], visible).get(card_meta_name(card.ordinal, notetype.is_cloze))
    return apply_card_meta(record, meta, notetype.is_cloze)


def read_apkg(
    data: bytes,
    path: Path | str,
    *,
    skip_invalid: bool = False,
    with_scheduling: bool = False,
    today: dt.date | None = None,
) -> ParsedFile:
    """Cards, decks and staged media from an Anki package. Raises FormatError only."""
    path = Path(path)
    today = today or dt.date.today()
    archive = SafeZip(data, path)
    staging = new_staging()
    try:
        version = _package_version(archive, path)
        names = archive.names()
        candidates = [n for n in COLLECTION_NAMES if n in names]
        if version >= LATEST_PACKAGE_VERSION:
            candidates = [n for n in candidates if n == "collection.anki21b"]
        if not candidates:
            raise FormatError(path, None, "no Anki collection inside (collection.anki2, "
                              ".anki21 or .anki21b)", hint="is this an Anki .apkg export?")
        db_path = Path(staging.name) / "collection.sqlite3"
        with db_path.open("wb") as out:
            archive.copy_to(candidates[0], out, zstd=candidates[0] == "collection.anki21b")
        collection = AnkiCollection(db_path, path)
        try:
            parsed = _read_collection(
                collection, archive, path, Path(staging.name),
                modern_media=version >= LATEST_PACKAGE_VERSION,
                skip_invalid=skip_invalid, with_scheduling=with_scheduling, today=today,
            )
        finally:
            collection.close()
        db_path.unlink()
    except BaseException:
        staging.cleanup()
        raise
    finally:
        archive.close()
    parsed.staging = staging
    return parsed


def _read_collection(
    collection: AnkiCollection, archive: SafeZip, path: Path, staging: Path, *,
    modern_media: bool, skip_invalid: bool, with_scheduling: bool, today: dt.date,
) -> ParsedFile:
    notetypes = collection.notetypes()
    deck_names = collection.decks()
    claimed_keys = collection.deck_keys()  # flashdl's own exports: the same decks again
    created = collection.creation_date() if with_scheduling else today
    media = _MediaStager(archive, _media_index(archive, path, modern_media), staging, modern_media)
    errors = RecordErrors(skip_invalid)
    warnings: list[str] = []
    cards_by_deck: dict[str, list[CardRecord]] = {}
    names: dict[str, str] = {}
    unsupported: dict[str, int] = {}
    revlog = collection.revlog() if with_scheduling else {}
    for card in collection.cards():
        where = f"note {card.note_id}, card {card.ordinal + 1}"
        notetype = notetypes.get(card.notetype_id)
        if notetype is None:
            errors.reject(FormatError(path, where, "uses a note type missing from the collection"))
            continue
        if any("image-occlusion" in q for q, _ in notetype.templates):
            unsupported[notetype.name] = unsupported.get(notetype.name, 0) + 1
            continue
        deck_name = deck_names.get(card.deck_id) or "Default"
        fields = [media.rewrite(f) for f in card.fields]
        rendered = render_card(notetype, fields, card.ordinal, html_mode=True,
                               tags=card.tags, deck=deck_name)
        if rendered is None or not rendered.front:
            errors.reject(FormatError(path, where, f"the front of this {notetype.name} card is empty"))
            continue
        if not rendered.back:
            errors.reject(FormatError(path, where, f"the back of this {notetype.name} card is empty"))
            continue
        key = note_card_key(key_from_id(card.guid or str(card.note_id)), card.ordinal,
                            cloze=notetype.is_cloze)
        schedule = anki_schedule(card, created, today) if with_scheduling else None
        bucket = claimed_keys.get(card.deck_id) or deck_key(deck_name)
        names.setdefault(bucket, deck_name)
        record = CardRecord(
            key=key, front=rendered.front, back=rendered.back, tags=card.tags,
            kind=rendered.kind, schedule=schedule, where=where,
            history=tuple(revlog.get(card.card_id, ())),
        )
        cards_by_deck.setdefault(bucket, []).append(_with_meta(record, notetype, card))
    for name, count in sorted(unsupported.items()):
        warnings.append(f"{path}: skipped {count} card(s) of note type {name!r} "
                        "(image occlusion is not supported)")
    for name in sorted(media.missing):
        warnings.append(f"{path}: media {name!r} is referenced but not in the package; skipped")
    decks = group_decks(cards_by_deck, names, path)
    return ParsedFile(path=path, format="apkg", decks=decks, skipped=errors.skipped,
                      warnings=warnings, media=list(media.staged.values()))
