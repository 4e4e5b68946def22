"""Writing decks as CSV in Anki's text format, with its header lines.

Anki (File > Import) reads the result as Basic notes: the header names the separator, the
columns, and which columns hold the note id, the tags and the deck. The id column is the flashdl
card key, so importing the file again (into flashdl or Anki) updates instead of duplicating.

Spreadsheet formula injection: a cell that a spreadsheet would run as a formula gets an invisible
guard (see :mod:`flashdl.formats.csv_anki`), which Anki does not show and flashdl's importer takes
off again. The ``#flashdl:`` header line names the guard and each deck's key, so importing the
export into the same store updates the same decks (a no-op when nothing changed); Anki ignores
header lines it does not know.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flashdl.formats.csv_anki import flashdl_header, guard
from flashdl.formats.records import DeckRecord

_SEPARATOR_NAMES = {",": "Comma", "\t": "Tab", ";": "Semicolon"}


def write_anki_csv(decks: Sequence[DeckRecord], *, separator: str = ",") -> str:
    """The decks as one CSV file (cloze and demonstrate cards export their front and back)."""
    name = _SEPARATOR_NAMES.get(separator)
    if name is None:
        raise ValueError(f"unsupported separator {separator!r}")
    out = io.StringIO()
    columns = ["id", "Front", "Back", "Tags", "Deck"]
    out.write(
        f"#separator:{name}\n#html:false\n{flashdl_header({d.name: d.key for d in decks})}\n"
        "#notetype:Basic\n"
        f"#columns:{separator.join(columns)}\n#guid column:1\n#tags column:4\n#deck column:5\n"
    )
    for deck in decks:
        for card in deck.cards:
            tags = " ".join("_".join(tag.split()) for tag in card.tags)
            out.write(_row(
                [guard(value) for value in (card.key, card.front, card.back, tags, deck.name)],
                separator,
            ))
    return out.getvalue()


def _row(cells: Sequence[str], separator: str) -> str:
    """One CSV record, quoted as ``csv.writer`` would, except that a lone carriage return also
    gets quotes (``csv.writer`` leaves it bare when lines end in LF, and readers then break the
    record there)."""
    special = (separator, '"', "\n", "\r")
    return separator.join(
        '"' + cell.replace('"', '""') + '"' if any(c in cell for c in special) else cell
        for cell in cells
    ) + "\n"
