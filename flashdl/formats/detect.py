"""Which format a file is in, from its extension and its first bytes (``--format auto``).

The content wins over the extension where it is unambiguous (a zip is an Anki package whatever
it is called); the extension decides between text formats that could look alike.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from flashdl.formats.names import FORMATS as FORMATS  # re-exported

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_TOML_DECK = re.compile(r"^\s*\[deck\]\s*$", re.MULTILINE)
_MD_QUESTION = re.compile(r"^Q:", re.MULTILINE)
_MD_ANSWER = re.compile(r"^A:", re.MULTILINE)
_ANKI_HEADER = re.compile(
    r"^#(separator|html|tags|columns|deck|notetype|deck column|tags column|guid column"
    r"|notetype column|if matches):", re.IGNORECASE,
)
_EXTENSIONS = {
    ".apkg": "apkg", ".colpkg": "apkg", ".toml": "toml", ".md": "md", ".markdown": "md",
    ".csv": "csv", ".tsv": "tsv",
}


def is_binary_package(path: Path, head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) or _EXTENSIONS.get(path.suffix.lower()) == "apkg"


def looks_like_quizlet(text: str) -> bool:
    """Exactly one tab on every non-blank line: Quizlet's export shape.

    Such a file reads the same as a headerless TSV except for quote characters, which Quizlet
    never escapes: a field starting with ``"`` is CSV quoting only if the file is valid CSV.
    """
    sample = text[:200_000].split("\n")
    if len(text) > 200_000:
        sample.pop()  # possibly cut in the middle
    lines = [line.rstrip("\r") for line in sample if line.strip()]
    if not lines or any(line.count("\t") != 1 for line in lines[:2000]):
        return False
    quoted = any(field.lstrip().startswith('"') for line in lines[:2000] for field in line.split("\t"))
    if not quoted:
        return True
    try:
        rows = list(csv.reader(lines[:2000], delimiter="\t", strict=True))
    except csv.Error:
        return True
    return any(len(row) != 2 for row in rows)


def _is_header_row(line: str) -> bool:
    """A first line like ``front,back,tags``: Anki's text format with a header row."""
    from flashdl.formats.csv_anki import HEADER_NAMES

    line = line.strip()
    for sep in ("\t", ",", ";", "|"):
        cells = [c.strip().strip('"').lower() for c in line.split(sep)]
        if len(cells) >= 2 and all(c in HEADER_NAMES for c in cells):
            return True
    return False


def detect_text_format(path: Path, text: str, *, sep: str | None, row_sep: str | None) -> str:
    """One of toml, md, csv, tsv, quizlet for a decoded text file."""
    if sep is not None or row_sep is not None:
        return "quizlet"
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("toml", "md"):
        return by_extension
    head = text[:20_000]
    first_line = head.lstrip("\ufeff").split("\n", 1)[0]
    if _ANKI_HEADER.match(first_line):
        return "csv"
    if _is_header_row(first_line):
        return "tsv" if "\t" in first_line else "csv"
    if _TOML_DECK.search(head):
        return "toml"
    if _MD_QUESTION.search(head) and _MD_ANSWER.search(head):
        return "md"
    if by_extension in ("csv", "tsv"):
        return by_extension if by_extension == "csv" or not looks_like_quizlet(text) else "quizlet"
    return "quizlet" if looks_like_quizlet(text) else "csv"
