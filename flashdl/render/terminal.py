"""The one boundary between stored text and the terminal.

Deck names, card text, tags and file names come from files the learner did not write (a shared
``.apkg``, a CSV from the web). A terminal acts on control characters: ``ESC ] 52`` writes the
clipboard, ``ESC ] 0`` sets the window title, ``ESC [ 2J`` clears the screen, and the 8-bit CSI
(U+009B) does the same on terminals that honour C1 codes. So every string from a file or the
database that is printed or shown passes through :func:`clean`, which replaces each C0 control
except newline and tab, DEL, and each C1 control with a visible placeholder: the Unicode
"control picture" for C0 and DEL (ESC shows as ␛, BEL as ␇), and U+FFFD for C1. Nothing is
removed silently, so a learner can see that a card carried something odd.

JSON output is exempt: :func:`json_text` escapes every control character (``json.dumps`` alone
leaves DEL and C1 raw when ``ensure_ascii`` is off), so it passes the boundary unchanged and a
script reads exactly what the store holds.

The command line has one choke point: :func:`cleaned_output` puts a :class:`CleanWriter` in front
of ``sys.stdout`` and ``sys.stderr`` for the whole command (``flashdl.cli.main``), so every print,
error message, warning and argparse complaint is cleaned, whatever module wrote it. Output that
carries flashdl's own escape sequences (colours, a progress bar) writes to :func:`raw` instead and
cleans its data itself. The TUI's choke point is a line filter on everything Textual draws
(``flashdl.tui.safe_text``).

Pure: no Textual, no store.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

_C0_KEPT = "\n\t"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PLACEHOLDERS = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in _C0_KEPT},
    0x7F: "\u2421",  # ␡
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
}


def clean(text: str) -> str:
    """``text`` with every terminal control character (C0 but newline and tab, DEL, C1) shown
    as a visible placeholder instead."""
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_PLACEHOLDERS)


def is_clean(text: str) -> bool:
    """Whether ``text`` can reach a terminal as it is."""
    return _UNSAFE.search(text) is None


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_text(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **kwargs)`` with DEL, C1 controls and the Unicode
    line separators escaped too (``\\u009b``): valid JSON, exact data, safe on a terminal."""
    import json

    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class CleanWriter:
    """A text stream that passes everything written to it through :func:`clean` (everything
    else, such as ``isatty`` and ``encoding``, is the wrapped stream's)."""

    def __init__(self, stream: TextIO) -> None:
        self.raw_stream = stream

    def write(self, text: str) -> int:
        self.raw_stream.write(clean(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw_stream, name)


def raw(stream: Any) -> Any:
    """The stream under a :class:`CleanWriter` (for output whose escapes are flashdl's own)."""
    return getattr(stream, "raw_stream", stream)


@contextlib.contextmanager
def cleaned_output() -> Iterator[None]:
    """Clean everything written to ``sys.stdout`` and ``sys.stderr`` inside the block."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanWriter(raw(sys.stdout)), CleanWriter(raw(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
