"""The one boundary between stored text and the terminal.

Deck names, card text, tags and file names come from files the learner did not write (a shared
``.apkg``, a CSV from the web). A terminal acts on control characters: ``ESC ] 52`` writes the
clipboard, ``ESC ] 0`` sets the window title, ``ESC [ 2J`` clears the screen, and the 8-bit CSI
(U+009B) does the same on terminals that honour C1 codes. So every string from a file or the
database that is printed or shown passes through :func:`clean`, which replaces each C0 control
except newline and tab, DEL, and each C1 control with a visible placeholder: the Unicode
"control picture" for C0 and DEL (ESC shows as ␛, BEL as ␇), and U+FFFD for C1. Nothing is
removed silently, so a learner can see that a card carried something odd.

JSON output is exempt: ``json.dumps`` escapes every control character itself.

Pure: no Textual, no store.
"""

from __future__ import annotations

import re

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
