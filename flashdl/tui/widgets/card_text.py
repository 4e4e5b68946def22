"""Card text on screen: Markdown with its ``$...$`` math shown as Unicode.

Textual's ``Markdown`` widget builds its text from markdown-it tokens as plain ``Content``; it
never parses Textual or Rich markup, so a card containing ``[b]`` or ``[@click=app.quit]`` shows
exactly those characters (``tests/test_tui_cards.py`` holds it to that). Markdown links are the
one clickable thing in card text: a deck file must never make flashdl open a browser or run an
action, so a clicked link only shows its address.

Laying out Markdown is the slowest part of showing a card (tens of milliseconds), so the study
screen keeps two of each (:class:`TextBuffers`): one on screen, one being filled with the next
card's text while the learner is still thinking about the current one.
"""

from __future__ import annotations

import asyncio

from textual.await_complete import AwaitComplete
from textual.widgets import Markdown

from flashdl.render.card import screen_markdown


class CardText(Markdown):
    """A card's front or back."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(screen_markdown(text), id=id, classes=classes, open_links=False)
        self.card_source = text

    def show(self, text: str) -> AwaitComplete:
        """Replace the text (the card's own, before math conversion)."""
        self.card_source = text
        return self.update(screen_markdown(text))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.notify(event.href, title="Link (not opened)", markup=False)


class TextBuffers:
    """Two :class:`CardText` widgets in one place: one shown, one filled ahead of time.

    Everything is keyed by the text itself, so a buffer filled for a card that did not come
    next (an undo, a re-drill) is simply filled again; nothing can show stale text. One lock
    orders the fills, so the buffer on screen is never written while it is shown.
    """

    def __init__(self, first: CardText, second: CardText) -> None:
        self.widgets = (first, second)
        self.shown = 0
        #: the text each buffer holds once its Markdown is laid out (None while filling)
        self.ready: list[str | None] = [None, None]
        self._lock = asyncio.Lock()
        second.display = False

    def _holding(self, text: str) -> int | None:
        for index in (self.shown, 1 - self.shown):
            if self.ready[index] == text:
                return index
        return None

    async def _fill_hidden(self, text: str) -> int:
        index = 1 - self.shown
        self.ready[index] = None
        await self.widgets[index].show(text)
        self.ready[index] = text
        return index

    async def show(self, text: str) -> None:
        """Put ``text`` on screen, from the buffer that already holds it if there is one."""
        async with self._lock:
            index = self._holding(text)
            if index is None:
                index = await self._fill_hidden(text)
            if index != self.shown:
                self.widgets[index].display = self.widgets[self.shown].display
                self.widgets[self.shown].display = False
                self.shown = index

    async def prepare(self, text: str) -> None:
        """Fill the hidden buffer with ``text`` (unless a buffer already holds it)."""
        async with self._lock:
            if self._holding(text) is None:
                await self._fill_hidden(text)
