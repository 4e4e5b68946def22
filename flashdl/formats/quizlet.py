"""Quizlet / Knowt exports: one card per row, term and definition separated by a tab.

Both sites let the user pick other separators when exporting ("between term and definition",
"between rows"); ``--sep`` and ``--row-sep`` say which. There is no quoting in this format: a row
is split at the *first* separator, so a definition may itself contain the separator.
Card identity is the term (deck + front).
"""

from __future__ import annotations

from pathlib import Path

from flashdl.formats.keys import deck_key, key_from_front
from flashdl.formats.parsed import ParsedFile, RecordErrors, group_decks
from flashdl.formats.records import CardRecord, FormatError


def _describe(separator: str) -> str:
    return {"\t": "a tab", "\n": "a newline", ",": "a comma", ";": "a semicolon"}.get(
        separator, repr(separator)
    )


def parse_quizlet(
    text: str,
    path: Path | str,
    *,
    deck_name: str | None = None,
    sep: str | None = None,
    row_sep: str | None = None,
    skip_invalid: bool = False,
) -> ParsedFile:
    path = Path(path)
    sep = sep or "\t"
    row_sep = row_sep or "\n"
    if sep == row_sep:
        raise FormatError(path, None, "the term separator and the row separator are the same")
    if row_sep == "\n":
        text = text.replace("\r\n", "\n")
    errors = RecordErrors(skip_invalid)
    name = deck_name or path.stem
    cards: list[CardRecord] = []
    next_line = 1
    separator_lines = row_sep.count("\n")
    for row in text.split(row_sep):
        line = next_line + (len(row) - len(row.lstrip("\n")))
        next_line += row.count("\n") + separator_lines
        if not row.strip():
            continue
        where = f"line {line}" if row_sep == "\n" else f"row starting on line {line}"
        term, found, definition = row.partition(sep)
        term, definition = term.strip(), definition.strip()
        if not found:
            errors.reject(FormatError(
                path, where, f"no {_describe(sep)} between term and definition",
                hint="pass --sep (and --row-sep) if the export used other separators",
            ))
            continue
        if not term or not definition:
            side = "term" if not term else "definition"
            errors.reject(FormatError(path, where, f"the {side} is empty"))
            continue
        cards.append(CardRecord(key=key_from_front(term), front=term, back=definition, where=where))
    key = deck_key(name)
    decks = group_decks({key: cards}, {key: name}, path)
    return ParsedFile(path=path, format="quizlet", decks=decks, skipped=errors.skipped)
