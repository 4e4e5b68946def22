"""Writing decks as CSV in Anki's text format, with its header lines.

Anki (File > Import) reads the result as notes: the header names the separator, the columns, and
which columns hold the note id, the note type, the tags and the deck. The id column is the
flashdl card key, so importing the file again (into flashdl or Anki) updates instead of
duplicating. Fields are HTML made from the cards' Markdown (``#html:true``), and notes are rebuilt
as for ``.apkg`` (:func:`flashdl.formats.apkg_export.plan_notes`): the cloze cards of a note are
one Cloze note, a card and its reverse one "Basic (and reversed card)" note.

The last column, ``flashdl``, is the same record the ``.apkg`` export hides in a field
(:func:`flashdl.formats.apkg_export.note_meta_json`): each card's exact Markdown, kind, demo and
source. Anki maps only as many columns as the note type has fields, so it ignores the column;
flashdl reads it back, so a deck's own export imports as a no-op and a demonstrate card stays one.
A row whose visible fields were edited after the export is read from those fields instead.

Spreadsheet formula injection: a cell that a spreadsheet would run as a formula gets an invisible
guard (see :mod:`flashdl.formats.csv_anki`), which Anki does not show and flashdl's importer takes
off again. The ``#flashdl:`` header line names the guard and each deck's key, so importing the
export into the same store updates the same decks; Anki ignores header lines it does not know.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flashdl.formats.csv_anki import META_COLUMN, flashdl_header, guard
from flashdl.formats.records import DeckRecord

_SEPARATOR_NAMES = {",": "Comma", "\t": "Tab", ";": "Semicolon"}
#: Anki's stock note types, by the kind of note flashdl rebuilds
NOTE_TYPES = {"basic": "Basic", "reversed": "Basic (and reversed card)", "cloze": "Cloze"}


def write_anki_csv(decks: Sequence[DeckRecord], *, separator: str = ",") -> str:
    """The decks as one CSV file."""
    name = _SEPARATOR_NAMES.get(separator)
    if name is None:
        raise ValueError(f"unsupported separator {separator!r}")
    from flashdl.formats.apkg_export import note_meta_json, note_tags, plan_notes

    out = io.StringIO()
    columns = ["id", "Note type", "Front", "Back", "Tags", "Deck", META_COLUMN]
    out.write(
        f"#separator:{name}\n#html:true\n{flashdl_header({d.name: d.key for d in decks})}\n"
        f"#columns:{separator.join(columns)}\n#guid column:1\n#notetype column:2\n"
        "#tags column:5\n#deck column:6\n"
    )
    for deck in decks:
        for note in plan_notes(deck.cards):
            tags = " ".join(note_tags(note))
            row = (note.guid, NOTE_TYPES[note.model], *note.fields, tags, deck.name,
                   note_meta_json(note))
            out.write(_row([guard(value) for value in row], separator))
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
