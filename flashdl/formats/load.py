"""One entry point for reading any supported file: size cap, detection, parser, demo checks.

Pure: returns :class:`ParsedFile` or raises :class:`FormatError`; nothing here touches the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

from flashdl.formats.detect import detect_text_format, is_binary_package
from flashdl.formats.parsed import ParsedFile, RecordErrors
from flashdl.formats.records import CardRecord, DeckRecord, FormatError
from flashdl.formats.text_input import DEFAULT_MAX_BYTES, decode_text, read_bytes


@dataclasses.dataclass(frozen=True)
class ReadOptions:
    fmt: str = "auto"
    sep: str | None = None
    row_sep: str | None = None
    skip_invalid: bool = False
    with_scheduling: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    today: dt.date | None = None


@functools.cache
def _known_demos() -> frozenset[str]:
    from flashdl.engine import list_demos

    return frozenset(spec.name for spec in list_demos())


def checked_demo(card: CardRecord) -> tuple[str | None, dict[str, Any] | None]:
    """(problem, coerced given parameters) for a card's demo reference; problem None if usable.

    Demos are only ever named, never code: the name must be in the engine's registry and the
    parameters must pass its validation (types and bounds).
    """
    if card.kind in ("demonstrate", "exercise") and not card.demo_name:
        return f"a {card.kind} card needs a demo", None
    if not card.demo_name:
        return None, None
    from flashdl.engine import DemoError, validate_params

    if card.demo_name not in _known_demos():
        return f"unknown demo {card.demo_name!r} (see `flashdl demo --list`)", None
    given = dict(card.demo_params or {})
    try:
        valid = validate_params(card.demo_name, given)
    except (DemoError, TypeError, ValueError) as exc:
        return f"bad demo parameters: {exc}", None
    return None, {name: valid.get(name, value) for name, value in given.items()}


def check_demos(parsed: ParsedFile, errors: RecordErrors) -> None:
    """Refuse (or with --skip-invalid, drop) cards naming a demo the engine does not have.

    Markdown gives parameters as text (``p=0.5``); they are stored as the engine's coerced values,
    as a TOML deck would have them.
    """
    if not any(card.demo_name or card.kind in ("demonstrate", "exercise")
               for deck in parsed.decks for card in deck.cards):
        return
    decks: list[DeckRecord] = []
    for deck in parsed.decks:
        kept = []
        for card in deck.cards:
            problem, coerced = checked_demo(card)
            if problem is not None:
                errors.reject(FormatError(parsed.path, card.where or f"card {card.key!r}", problem))
                continue
            if parsed.format == "md" and coerced is not None:
                card = dataclasses.replace(card, demo_params=coerced)
            kept.append(card)
        if kept:
            decks.append(dataclasses.replace(deck, cards=tuple(kept)))
    if not decks:
        raise FormatError(parsed.path, None, "no valid cards left in the file")
    parsed.decks = decks


def _parse_text(path: Path, text: str, fmt: str, options: ReadOptions) -> ParsedFile:
    if fmt == "toml":
        from flashdl.formats.toml_deck import parse_toml_deck

        return ParsedFile(path=path, format="toml", decks=[parse_toml_deck(text, path)])
    if fmt == "md":
        from flashdl.formats.markdown_deck import parse_markdown_deck

        return parse_markdown_deck(text, path, skip_invalid=options.skip_invalid)
    if fmt == "quizlet":
        from flashdl.formats.quizlet import parse_quizlet

        return parse_quizlet(text, path, sep=options.sep, row_sep=options.row_sep,
                             skip_invalid=options.skip_invalid)
    from flashdl.formats.csv_anki import parse_anki_csv

    return parse_anki_csv(text, path, separator="\t" if fmt == "tsv" else None,
                          skip_invalid=options.skip_invalid)


def read_deck_file(path: Path, options: ReadOptions) -> ParsedFile:
    """Read, detect and parse one file, then check its demo references."""
    data = read_bytes(path, options.max_bytes)
    fmt = options.fmt
    if fmt == "apkg" or (fmt == "auto" and is_binary_package(path, data[:8])):
        from flashdl.formats.apkg import read_apkg

        if not data:
            raise FormatError(path, None, "the file is empty")
        parsed = read_apkg(data, path, skip_invalid=options.skip_invalid,
                           with_scheduling=options.with_scheduling, today=options.today)
    else:
        text = decode_text(data, path)
        if fmt == "auto":
            fmt = detect_text_format(path, text, sep=options.sep, row_sep=options.row_sep)
        parsed = _parse_text(path, text, fmt, options)
    errors = RecordErrors(options.skip_invalid)
    try:
        check_demos(parsed, errors)
    except BaseException:
        parsed.cleanup()
        raise
    parsed.skipped.extend(errors.skipped)
    return parsed
