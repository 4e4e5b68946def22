"""Card text on screen: Markdown with its ``$...$`` math shown as Unicode.

Textual's ``Markdown`` widget builds its text from markdown-it tokens as plain ``Content``; it
never parses Textual or Rich markup, so a card containing ``[b]`` or ``[@click=app.quit]`` shows
exactly those characters (``tests/test_tui_markup.py`` holds it to that). Markdown links are the
one clickable thing in card text: a deck file must never make flashdl open a browser or run an
action, so a clicked link only shows its address.
"""

from __future__ import annotations

from textual.await_complete import AwaitComplete
from textual.widgets import Markdown

from flashdl.render.math import render_math


class CardText(Markdown):
    """A card's front or back."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(render_math(text), id=id, classes=classes, open_links=False)
        self.card_source = text

    def show(self, text: str) -> AwaitComplete:
        """Replace the text (the card's own, before math conversion)."""
        self.card_source = text
        return self.update(render_math(text))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.notify(event.href, title="Link (not opened)", markup=False)
