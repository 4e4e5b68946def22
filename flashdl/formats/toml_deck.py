"""flashdl's own deck format: TOML, one deck per file (see ``decks/README.md``)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from flashdl.formats.records import CARD_KINDS, CardRecord, DeckRecord, FormatError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
_CARD_FIELDS = {"id", "front", "back", "tags", "source", "demo", "kind"}


def _text(path: Path, where: str, table: dict[str, Any], field: str, *, required: bool) -> str:
    value = table.get(field)
    if value is None:
        if required:
            raise FormatError(path, where, f"'{field}' is missing")
        return ""
    if not isinstance(value, str):
        raise FormatError(path, where, f"'{field}' must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise FormatError(path, where, f"'{field}' is empty")
    return value


def _card(path: Path, index: int, table: Any) -> CardRecord:
    where = f"card {index}"
    if not isinstance(table, dict):
        raise FormatError(path, where, "each [[cards]] entry must be a table")
    key = table.get("id")
    if not isinstance(key, str) or not ID_PATTERN.match(key):
        raise FormatError(
            path, where, f"'id' must be lowercase letters, digits, '-', '_' or '.', got {key!r}"
        )
    where = f"card {index} (id {key!r})"
    unknown = sorted(set(table) - _CARD_FIELDS)
    if unknown:
        raise FormatError(path, where, f"unknown field(s) {', '.join(unknown)}")
    tags = table.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise FormatError(path, where, "'tags' must be a list of strings")
    demo = table.get("demo")
    demo_name: str | None = None
    demo_params: dict[str, Any] | None = None
    if demo is not None:
        if not isinstance(demo, dict) or not isinstance(demo.get("name"), str):
            raise FormatError(path, where, "'demo' must be a table with a string 'name'")
        params = demo.get("params", {})
        if not isinstance(params, dict):
            raise FormatError(path, where, "'demo.params' must be a table")
        extra = sorted(set(demo) - {"name", "params"})
        if extra:
            raise FormatError(path, where, f"unknown field(s) in 'demo': {', '.join(extra)}")
        demo_name, demo_params = demo["name"], dict(params)
    kind = table.get("kind", "demonstrate" if demo_name else "basic")
    if kind not in CARD_KINDS:
        raise FormatError(path, where, f"'kind' must be one of {', '.join(CARD_KINDS)}, got {kind!r}")
    if kind in ("demonstrate", "exercise") and not demo_name:
        raise FormatError(path, where, f"a {kind} card needs a 'demo'")
    return CardRecord(
        key=key,
        front=_text(path, where, table, "front", required=True),
        back=_text(path, where, table, "back", required=True),
        tags=tuple(tags),
        kind=kind,
        demo_name=demo_name,
        demo_params=demo_params,
        source=_text(path, where, table, "source", required=False),
    )


def parse_toml_deck(text: str, path: Path | str = "<deck>") -> DeckRecord:
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(path, None, f"not valid TOML: {exc}") from exc
    deck = data.get("deck")
    if not isinstance(deck, dict):
        raise FormatError(path, None, "the [deck] table is missing")
    key = deck.get("id")
    if not isinstance(key, str) or not ID_PATTERN.match(key):
        raise FormatError(path, "[deck]", f"'id' must be lowercase letters, digits, '-' or '_', got {key!r}")
    name = _text(path, "[deck]", deck, "name", required=True)
    description = _text(path, "[deck]", deck, "description", required=False)
    raw_cards = data.get("cards", [])
    if not isinstance(raw_cards, list):
        raise FormatError(path, None, "'cards' must be an array of tables ([[cards]])")
    cards = tuple(_card(path, i, t) for i, t in enumerate(raw_cards, start=1))
    seen: set[str] = set()
    for card in cards:
        if card.key in seen:
            raise FormatError(path, f"card id {card.key!r}", "this id is used twice in the deck")
        seen.add(card.key)
    return DeckRecord(key=key, name=name, description=description, cards=cards)


def read_toml_deck(path: Path) -> DeckRecord:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"byte {exc.start}", "not valid UTF-8") from exc
    return parse_toml_deck(text, path)


def write_toml_deck(deck: DeckRecord) -> str:
    """Serialize a deck so that :func:`parse_toml_deck` gives it back identically."""
    import tomli_w

    doc: dict[str, Any] = {
        "deck": {"id": deck.key, "name": deck.name, "description": deck.description},
        "cards": [],
    }
    for card in deck.cards:
        entry: dict[str, Any] = {"id": card.key, "front": card.front, "back": card.back}
        if card.tags:
            entry["tags"] = list(card.tags)
        if card.source:
            entry["source"] = card.source
        if card.demo_name:
            entry["demo"] = {"name": card.demo_name, "params": dict(card.demo_params or {})}
        default_kind = "demonstrate" if card.demo_name else "basic"
        if card.kind != default_kind:
            entry["kind"] = card.kind
        doc["cards"].append(entry)
    # Multi-line strings read best, but TOML lets a reader turn a literal CR LF inside one into LF;
    # a deck whose text holds a carriage return is written with escapes so it comes back exactly.
    has_cr = "\r" in deck.name or "\r" in deck.description or any(
        "\r" in text
        for card in deck.cards
        for text in (
            card.front, card.back, card.source, *card.tags,
            *(v for v in (card.demo_params or {}).values() if isinstance(v, str)),
        )
    )
    return tomli_w.dumps(doc, multiline_strings=not has_cr)
