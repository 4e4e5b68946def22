"""Card text as the learner sees it: one rendering path for every screen and command.

A card's stored text (its *source*) is Markdown with ``$...$`` LaTeX. The study screen shows it
through Textual's Markdown widget (:func:`screen_markdown`); the command line, JSON output and the
quiz show it as plain text (:func:`plain_text`). Both go through :func:`flashdl.render.terminal.clean`,
so no control character from a deck reaches the terminal.

Pure: no Textual, no store.
"""

from __future__ import annotations

import re

from flashdl.render.math import render_math
from flashdl.render.terminal import clean

_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1", re.DOTALL)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)>\s]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SOUND = re.compile(r"\[sound:([^\]\n]+)\]")


def screen_markdown(source: str) -> str:
    """The Markdown the study screen renders for a card's front or back."""
    return clean(render_math(source))


def plain_text(source: str) -> str:
    """A card's front or back as plain text: math in Unicode, emphasis marks and escapes removed,
    lines kept as written (lists and tables stay readable)."""
    text = render_math(source, markdown=False)
    text = _EMPHASIS.sub(r"\2", text)
    return clean(_ESCAPE.sub(r"\1", text).strip())


def media_names(source: str) -> list[str]:
    """The media files a card's text refers to (images and sounds), in order, each once."""
    names = [match.group(1) for match in _IMAGE.finditer(source)]
    names += [match.group(1).strip() for match in _SOUND.finditer(source)]
    return list(dict.fromkeys(names))
