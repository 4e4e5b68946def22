"""CSV/TSV in Anki's text format (what Anki's "Notes in Plain Text" export writes).

Header lines at the top of the file configure the rest::

    #separator:tab            Comma, Semicolon, Tab, Space, Pipe, Colon, or the character
    #html:true                fields are HTML (converted to Markdown with markdownify)
    #tags:tag1 tag2           tags added to every card
    #columns:Front	Back	Tags column names (split with the separator)
    #deck:Spanish             deck of every card
    #notetype:Basic           Basic, Basic (and reversed card), Cloze...
    #deck column:3            1-based column with a deck name per row
    #tags column:4            1-based column with space-separated tags
    #notetype column:2        1-based column with a note type name per row
    #guid column:1            1-based column with a stable id (Anki's guid, or any id)

Without ``#columns`` a first row whose cells are all known column names (front, back, question,
answer, term, definition, tags, id, guid, key, deck, notetype; any case) is read as the column
names instead of as a card. Without ``#separator`` the separator is sniffed from the first rows. Quoted fields may span lines.
Card identity: the guid/id column, else the front of the card (deck + front).

flashdl's own exports carry one more header line, ``#flashdl:{json}`` (Anki ignores header lines
it does not know): the key of each deck by name, so that importing the export again finds the
same decks, and the formula guard in use (below). With it, cells are read exactly as written.

The formula guard: a cell a spreadsheet would run as a formula (it starts with ``= + - @``, a tab,
a carriage return, or their full-width forms, which some locales also read as formulas) goes out
with an invisible U+2060 WORD JOINER in front. A spreadsheet then sees text; Anki shows the cell
as it was (the joiner has no width, nothing visible is added, unlike the usual ``'``); flashdl
takes exactly one joiner off again. A cell that already starts with a joiner gets one more, so
export then import gives every text back byte for byte. v0.1's ``#flashdl:formula-guard`` files
(a ``'`` prefix) are still read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flashdl.formats.anki_notes import NoteType, note_ordinals, render_card, stock_notetype
from flashdl.formats.html_text import looks_like_html, tidy
from flashdl.formats.keys import deck_key, key_from_front, key_from_id, note_card_key
from flashdl.formats.parsed import ParsedFile, RecordErrors, group_decks
from flashdl.formats.records import CardRecord, FormatError

#: Largest single field accepted (csv's own default, 128 KiB, is too small for HTML with images).
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
SEPARATOR_NAMES = {
    "comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":",
}
SNIFF_ORDER = ("\t", ",", ";", "|")
#: v0.1's exports prefixed formula cells with ``'`` and said so with this line.
LEGACY_GUARD_HEADER = "#flashdl:formula-guard"
#: flashdl's own header line: ``#flashdl:`` + JSON (deck keys by name, the guard in use).
FLASHDL_HEADER = "#flashdl:"
#: What a spreadsheet runs as a formula: OWASP's list plus the full-width forms.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: The invisible mark the guard puts in front of such a cell (U+2060 WORD JOINER).
GUARD_MARK = "\u2060"
GUARD_NAME = "u2060"
#: The last column of flashdl's own exports: each note's hidden record (exact text, kind, demo).
META_COLUMN = "flashdl"
_HEADER = re.compile(r"^#([A-Za-z][A-Za-z ]*):(.*)$")
_COLUMN_HEADERS = ("deck column", "tags column", "guid column", "notetype column")
_ID_NAMES = {"id", "guid", "key", "note id"}
#: A first row made only of these (case-insensitive) is a header row, read as ``#columns:``.
HEADER_NAMES = frozenset({
    "front", "back", "question", "answer", "term", "definition", "tags", "deck", "notetype",
    *_ID_NAMES,
})


def guard(cell: str) -> str:
    """``=1+1`` -> WORD JOINER + ``=1+1``: text to a spreadsheet, unchanged on screen in Anki."""
    return GUARD_MARK + cell if cell.startswith((*FORMULA_STARTS, GUARD_MARK)) else cell


def unguard(cell: str) -> str:
    """The inverse of :func:`guard` (for files whose header says they use it)."""
    return cell[1:] if cell.startswith(GUARD_MARK) else cell


def flashdl_header(deck_keys: dict[str, str]) -> str:
    """The ``#flashdl:`` header line of an export: deck name -> deck key, and the guard."""
    import json

    return FLASHDL_HEADER + json.dumps({"version": 1, "guard": GUARD_NAME, "decks": deck_keys},
                                       ensure_ascii=True, sort_keys=True)


def _claimed_keys(value: object) -> dict[str, str]:
    """The deck keys a ``#flashdl:`` header names, valid ones only (a file is untrusted)."""
    from flashdl.formats.toml_deck import ID_PATTERN

    if not isinstance(value, dict):
        return {}
    return {name: key for name, key in value.items()
            if isinstance(name, str) and isinstance(key, str) and ID_PATTERN.match(key)}


class _Header:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.line_count = 0
        self.legacy_guard = False
        #: the ``#flashdl:`` header of a flashdl export (None for any other file)
        self.flashdl: dict[str, object] | None = None

    @property
    def guarded(self) -> bool:
        return self.flashdl is not None and self.flashdl.get("guard") == GUARD_NAME

    def unguard(self, cell: str) -> str:
        if self.guarded:
            return unguard(cell)
        return _legacy_unguard(cell) if self.legacy_guard else cell


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on ``\n`` only (``str.splitlines`` would also split on
    U+2028 and friends, which may sit inside a field)."""
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _read_header(lines: list[str]) -> _Header:
    header = _Header()
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped == LEGACY_GUARD_HEADER:
            header.legacy_guard = True
        elif stripped.startswith(FLASHDL_HEADER + "{"):
            import json

            try:
                value = json.loads(stripped[len(FLASHDL_HEADER):])
            except ValueError:
                value = None
            header.flashdl = value if isinstance(value, dict) else None
        else:
            match = _HEADER.match(stripped)
            if not match:
                break
            key = match.group(1).strip().lower()
            header.values[key] = match.group(2)
        header.line_count += 1
    return header


def _separator(path: Path, raw: str) -> str:
    value = raw.strip("\r\n")
    named = SEPARATOR_NAMES.get(value.strip().lower())
    if named:
        return named
    if len(value) == 1:
        return value
    raise FormatError(
        path, "#separator", f"unknown separator {value!r}",
        hint="use Comma, Semicolon, Tab, Space, Pipe, Colon or a single character",
    )


def _field_too_large(path: Path, where: str) -> FormatError:
    return FormatError(
        path, where,
        f"a field is larger than {FIELD_SIZE_LIMIT // (1024 * 1024)} MiB, the most flashdl reads "
        "in one field",
        hint="split that card's text, or check that this is the file you meant",
    )


def _sniff(lines: list[str], path: Path, offset: int = 0) -> str:
    """The separator that splits the first rows into the same number (>= 2) of columns."""
    sample = "".join(lines[:50])
    best, best_score = "\t", -1.0
    for candidate in SNIFF_ORDER:
        try:
            rows = [r for r in csv.reader(sample.splitlines(), delimiter=candidate) if any(r)]
        except csv.Error as exc:
            if "field limit" in str(exc):
                number = next((i for i, line in enumerate(lines[:50], offset + 1)
                               if len(line) > FIELD_SIZE_LIMIT // 4), offset + 1)
                raise _field_too_large(path, f"line {number}") from exc
            continue
        if not rows:
            continue
        counts = [len(r) for r in rows]
        multi = sum(c >= 2 for c in counts) / len(counts)
        consistent = len(set(counts)) == 1
        score = multi + (1.0 if consistent and counts[0] >= 2 else 0.0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _column(path: Path, header: _Header, name: str) -> int | None:
    raw = header.values.get(name)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise FormatError(path, f"#{name}", f"must be a column number from 1, got {raw!r}")
    return value - 1


def _legacy_unguard(cell: str) -> str:
    if cell.startswith("'") and cell[1:2] and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _records(path: Path, lines: list[str], separator: str, offset: int) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) per CSV record; a quoting error names the record's line."""
    reader = csv.reader(lines, delimiter=separator, strict=True)
    next_line = offset + 1
    while True:
        start = next_line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise _field_too_large(path, f"line {start}") from exc
            raise FormatError(
                path, f"line {start}", f"malformed CSV: {exc}",
                hint='a field that starts with " must end with " (write "" for a quote inside it)',
            ) from exc
        next_line = offset + reader.line_num + 1
        yield start, row


def _header_row(
    records: Iterator[tuple[int, list[str]]], header: _Header,
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Column names from an obvious header row (the first non-empty row, every cell a known
    column name such as ``front,back,tags``, followed by a card row), used like ``#columns:``;
    else no names and the rows unchanged."""
    pending: list[tuple[int, list[str]]] = []
    names: list[str] = []
    for start, row in records:
        cells = [header.unguard(c) for c in row]
        if not "".join(cells).strip():
            pending.append((start, row))
            continue
        lowered = [c.strip().lower() for c in cells]
        pending.append((start, row))
        if len(lowered) >= 2 and all(c in HEADER_NAMES for c in lowered):
            # A header only if a card row follows: a lone "front,back" row is a card.
            for later in records:
                pending.append(later)
                if "".join(later[1]).strip():
                    names = [c.strip() for c in cells]
                    pending = pending[1:]
                    break
        break

    def chained() -> Iterator[tuple[int, list[str]]]:
        yield from pending
        yield from records

    return names, chained()


def _render_note(
    path: Path, where: str, notetype_name: str | None, fields: list[str], html: bool | None,
    tags: tuple[str, ...], deck_name: str, errors: RecordErrors,
) -> list[tuple[int, str, str, str]]:
    """Cards of one note through the stock templates of its note type (reversed, cloze...)."""
    note_html = html if html is not None else any(looks_like_html(f) for f in fields)
    notetype: NoteType = stock_notetype(notetype_name)
    rendered = []
    for ordinal in note_ordinals(notetype, fields):
        card = render_card(notetype, fields, ordinal, html_mode=note_html, tags=tags, deck=deck_name)
        if card is not None:
            rendered.append((card.ordinal, card.front, card.back, card.kind))
    if not rendered:
        errors.reject(FormatError(
            path, where,
            f"this {notetype.name} note makes no card"
            + (" (a Cloze note needs {{c1::...}} in its text)" if notetype.is_cloze else ""),
        ))
    return rendered


def _note_meta(raw: str, fields: list[str]) -> dict[str, Any]:
    """The hidden record of a flashdl export's row, per card name (empty if there is none or
    it does not parse: the row is then read from its visible fields like any other)."""
    if not raw:
        return {}
    from flashdl.formats.apkg_export import note_meta

    return note_meta(raw, fields)


def _exact_cards(metas: dict[str, Any], notetype_name: str | None) -> list[tuple[int, str, str, str]]:
    """The cards of an unedited row of a flashdl export, from their exact text (empty when the
    row has no hidden record, or its visible fields were edited since: read those instead)."""
    if not metas or any(meta.text is None for meta in metas.values()):
        return []
    is_cloze = stock_notetype(notetype_name).is_cloze
    cards = []
    for name, meta in metas.items():
        number = name[1:] if is_cloze and name.startswith("c") else name
        if not number.isdigit() or not 0 < int(number) <= 500:
            return []
        cards.append((int(number) - 1, *meta.text, "cloze" if is_cloze else "basic"))
    return sorted(cards)


def _apply_meta(record: CardRecord, metas: dict[str, Any], ordinal: int,
                notetype_name: str | None) -> CardRecord:
    from flashdl.formats.apkg_export import apply_card_meta, card_meta_name

    is_cloze = stock_notetype(notetype_name).is_cloze
    return apply_card_meta(record, metas.get(card_meta_name(ordinal, is_cloze)), is_cloze)


def parse_anki_csv(
    text: str,
    path: Path | str,
    *,
    default_deck: str | None = None,
    separator: str | None = None,
    skip_invalid: bool = False,
) -> ParsedFile:
    """Cards from Anki's text format. Raises :class:`FormatError` (only) for a bad file."""
    path = Path(path)
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    lines = split_lines(text)
    header = _read_header(lines)
    data_lines = lines[header.line_count:]
    if "separator" in header.values:
        separator = _separator(path, header.values["separator"])
    separator = separator or _sniff(data_lines, path, header.line_count)

    html_flag = header.values.get("html", "").strip().lower()
    html: bool | None = {"true": True, "false": False}.get(html_flag)
    global_tags = tuple(header.values.get("tags", "").split())
    default_name = header.values.get("deck", "").strip() or default_deck or path.stem
    notetype_name = header.values.get("notetype", "").strip() or None
    special = {name: _column(path, header, name) for name in _COLUMN_HEADERS}
    records = _records(path, data_lines, separator, header.line_count)
    if "columns" in header.values:
        names = [c.strip() for c in header.values["columns"].split(separator)]
    else:
        names, records = _header_row(records, header)
    lowered = [n.lower() for n in names]
    for name, aliases in (("tags column", {"tags"}), ("deck column", {"deck"}),
                          ("guid column", _ID_NAMES), ("notetype column", {"notetype"})):
        if special[name] is None:
            special[name] = next((i for i, n in enumerate(lowered) if n in aliases), None)
    special_columns = {i for i in special.values() if i is not None}

    errors = RecordErrors(skip_invalid)
    cards_by_deck: dict[str, list[CardRecord]] = {}
    deck_names: dict[str, str] = {}
    deck_keys: dict[str, str] = {}
    fast_basic = notetype_name is None or stock_notetype(notetype_name).name == "Basic"
    deck_col, tags_col = special["deck column"], special["tags column"]
    guid_col, notetype_col = special["guid column"], special["notetype column"]
    guarded = header.guarded or header.legacy_guard
    # flashdl's own export: its last column holds each note's exact Markdown, kind and demo
    meta_col = (lowered.index(META_COLUMN)
                if header.flashdl is not None and META_COLUMN in lowered else None)
    if meta_col is not None:
        special_columns.add(meta_col)
    claimed = _claimed_keys(header.flashdl.get("decks")) if header.flashdl else {}
    basic_fields = len(stock_notetype(notetype_name).fields)
    extra_rows = extra_columns = 0
    first_extra = ""
    for start, row in records:
        if guarded:
            row = [header.unguard(cell) for cell in row]
        if not "".join(row).strip():
            continue
        where = f"line {start}"
        if special_columns:
            fields = [v for i, v in enumerate(row) if i not in special_columns]
            deck_name = _cell(row, deck_col) or default_name
            tags = global_tags + tuple(_cell(row, tags_col).split())
            note_id = _cell(row, guid_col)
            base = key_from_id(note_id) if note_id else None
            row_notetype = _cell(row, notetype_col) or notetype_name
        else:
            fields, deck_name, tags, base, row_notetype = (
                row, default_name, global_tags, None, notetype_name
            )
        if len(fields) < 2 and not (row_notetype and "cloze" in row_notetype.lower()):
            errors.reject(FormatError(
                path, where,
                f"only {len(fields)} column{'s' if len(fields) != 1 else ''} of card text; "
                "a card needs a front and a back",
                hint=f"separate them with {separator!r} or set #separator: in the first line",
            ))
            continue
        wanted = (basic_fields if row_notetype == notetype_name
                  else len(stock_notetype(row_notetype).fields))
        if len(fields) > wanted and "".join(fields[wanted:]).strip():
            extra_rows += 1
            extra_columns += len(fields) - wanted
            first_extra = first_extra or where
        metas = _note_meta(_cell(row, meta_col), fields) if meta_col is not None else {}
        exact = _exact_cards(metas, row_notetype)
        if exact:
            rendered = exact
        elif fast_basic and row_notetype == notetype_name and (html is False or (
            html is None and not looks_like_html(fields[0]) and not looks_like_html(fields[1])
        )):
            rendered = [(0, tidy(fields[0]), tidy(fields[1]), "basic")]
        else:
            rendered = _render_note(path, where, row_notetype, fields, html, tags, deck_name, errors)
        key_name = deck_keys.get(deck_name)
        if key_name is None:
            key_name = deck_keys[deck_name] = claimed.get(deck_name) or deck_key(deck_name)
            deck_names.setdefault(key_name, deck_name)
        bucket = cards_by_deck.setdefault(key_name, [])
        several = len(rendered) > 1
        for ordinal, front, back, kind in rendered:
            card_where = f"{where}, card {ordinal + 1}" if several else where
            key = (note_card_key(base, ordinal, cloze=kind == "cloze") if base
                   else key_from_front(front))
            record = CardRecord(key=key, front=front, back=back, tags=tags, kind=kind,
                                where=card_where)
            if metas:  # the exact text of an unedited export wins over its HTML's reading
                record = _apply_meta(record, metas, ordinal, row_notetype)
            if not record.front:
                errors.reject(FormatError(path, card_where, "the front of the card is empty"))
                continue
            if not record.back:
                errors.reject(FormatError(path, card_where, "the back of the card is empty"))
                continue
            bucket.append(record)
    decks = group_decks(cards_by_deck, deck_names, path)
    warnings = []
    if extra_rows:
        warnings.append(
            f"{path}: {extra_columns} column(s) in {extra_rows} row(s) were ignored (from "
            f"{first_extra}): those rows have more columns than their note type has fields"
        )
    return ParsedFile(path=path, format="csv", decks=decks, skipped=errors.skipped,
                      warnings=warnings)
