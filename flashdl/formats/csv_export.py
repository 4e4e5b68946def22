"""Writing decks as CSV in Anki's text format, with its header lines.

Anki (File > Import) reads the result as notes: the header names the separator, the columns, and
which columns hold the note id, the note type, the tags and the deck. The id column is the
flashdl card key, so importing the file again (into flashdl or Anki) updates instead of
duplicating. Fields are HTML made from the cards' Markdown (``#html:true``), and notes are rebuilt
as for ``.apkg`` (:func:`flashdl.formats.apkg_export.plan_notes`): the cloze cards of a note are
one Cloze note, a card and its reverse one "Basic (and reversed card)" note.

Spreadsheet formula injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would run as a formula when the file is opened in a spreadsheet, so it gets a leading
``'``. The ``#flashdl:formula-guard`` header tells flashdl's importer to take it off again; Anki
ignores header lines it does not know.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from flashdl.formats.csv_anki import FORMULA_GUARD_HEADER, FORMULA_STARTS
from flashdl.formats.records import DeckRecord

_SEPARATOR_NAMES = {",": "Comma", "\t": "Tab", ";": "Semicolon"}
#: Anki's stock note types, by the kind of note flashdl rebuilds
NOTE_TYPES = {"basic": "Basic", "reversed": "Basic (and reversed card)", "cloze": "Cloze"}


def neutralize(cell: str) -> str:
    """``=1+1`` -> ``'=1+1``: inert in a spreadsheet, readable everywhere."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_anki_csv(decks: Sequence[DeckRecord], *, separator: str = ",") -> str:
    """The decks as one CSV file (cloze and demonstrate cards export their front and back)."""
    name = _SEPARATOR_NAMES.get(separator)
    if name is None:
        raise ValueError(f"unsupported separator {separator!r}")
    from flashdl.formats.apkg_export import note_tags, plan_notes

    out = io.StringIO()
    columns = ["id", "Note type", "Front", "Back", "Tags", "Deck"]
    out.write(
        f"#separator:{name}\n#html:true\n{FORMULA_GUARD_HEADER}\n"
        f"#columns:{separator.join(columns)}\n#guid column:1\n#notetype column:2\n"
        "#tags column:5\n#deck column:6\n"
    )
    writer = csv.writer(out, delimiter=separator, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for deck in decks:
        for note in plan_notes(deck.cards):
            tags = " ".join(note_tags(note))
            row = (note.guid, NOTE_TYPES[note.model], *note.fields, tags, deck.name)
            writer.writerow([neutralize(value) for value in row])
    return out.getvalue()
