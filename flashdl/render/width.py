"""Fitting a line of text into a width: cut at a word, and say so with an ellipsis.

Pure: no Textual, no store.
"""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut after a whole word with "…" at
    the end when anything was cut (inside a word only when the first word alone is too long)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit < 2:
        return "…" if limit == 1 else ""
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop that word
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"
