"""``FlashdlApp``: the Textual application behind ``flashdl study`` (and the quiz screen).

The first paint comes first: the deck list is on screen (with a loading indicator) before the
store is opened and the built-in decks are synced, which happens in a thread worker. Once the
store is open it is available as ``app.store``; the app then fills the deck list and, depending
on ``initial``, starts a study session or a quiz on top of it.

Everything that can fail while opening (a locked or damaged database, a bad deck file) ends the
app with ``app.error`` set to the :class:`~flashdl.errors.FlashdlError`, which the command prints
as one clear line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.filter import LineFilter
from textual.worker import Worker, WorkerState

from flashdl.errors import FlashdlError, StoreError, UsageError
from flashdl.tui.safe_text import TerminalSafe

if TYPE_CHECKING:
    from flashdl.store.db import Store

INITIAL_SCREENS = ("decks", "study", "quiz")


class FlashdlApp(App[None]):
    """flashdl's terminal UI."""

    TITLE = "flashdl"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    def __init__(
        self,
        store_url: str | None = None,
        *,
        today: dt.date | None = None,
        initial: str = "decks",
        deck_keys: list[str] | None = None,
        card_ids: list[int] | None = None,
        quiz_config: object | None = None,
        sync_builtin: bool = True,
        builtin_folder: Path | None = None,
        store: Store | None = None,
    ) -> None:
        """``sync_builtin=False`` leaves the built-in decks alone (tests and benchmarks use their
        own decks); ``builtin_folder`` syncs another folder of deck files instead. ``store`` is a
        store the caller already opened and synced (``flashdl study DECK`` does, to check the
        deck names before the UI starts): the app uses it instead of opening its own, and
        closes it when it ends."""
        if initial not in INITIAL_SCREENS:
            raise UsageError(f"unknown initial screen {initial!r}", hint=f"use one of {INITIAL_SCREENS}")
        super().__init__()
        self.store_url = store_url
        self.today = today or dt.date.today()
        self.initial = initial
        self.deck_keys = list(deck_keys) if deck_keys is not None else None
        self.card_ids = list(card_ids) if card_ids is not None else None
        self.quiz_config = quiz_config
        self.sync_builtin = sync_builtin
        self.builtin_folder = builtin_folder
        #: the open store, once the opening worker is done (None before)
        self.store: Store | None = None
        #: why the app ended early, for the command to print
        self.error: FlashdlError | None = None
        self._closed = False
        self._given_store = store
        self._terminal_safe = TerminalSafe()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the terminal boundary: nothing this app draws can carry a
        control character from a deck to the terminal (see ``flashdl.tui.safe_text``)."""
        return [*super().get_line_filters(), self._terminal_safe]

    def on_mount(self) -> None:
        if self.initial != "study" or self._given_store is None:
            # The deck list is the first paint while the store opens (a session started from
            # the command line with its store already open makes it only when it ends).
            from flashdl.tui.screens.deck_list import DeckListScreen

            self.push_screen(DeckListScreen(today=self.today))
        if self._given_store is not None:
            # Already open: go straight to the first screen that needs it, painted first.
            self._store_ready(self._given_store)
        else:
            self.run_worker(self._open_store, thread=True, name="open-store", exit_on_error=False)

    def _open_store(self) -> Store:
        from flashdl.store import open_store
        from flashdl.store.sync import sync_builtin_decks

        store = open_store(self.store_url)
        try:
            if self.sync_builtin:
                sync_builtin_decks(store, self.builtin_folder)
        except BaseException:
            store.close()
            raise
        return store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "open-store":
            return
        if event.state == WorkerState.SUCCESS:
            self._store_ready(event.worker.result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if not isinstance(error, FlashdlError):
                error = StoreError(f"cannot open the store: {error}")
            self.error = error
            self.exit(return_code=error.exit_code)

    def _store_ready(self, store: Store) -> None:
        if self._closed:  # the learner quit while the store was opening
            store.close()
            return
        self.store = store
        if self.initial == "decks":
            from flashdl.tui.screens.deck_list import DeckListScreen

            decks = self.screen_stack[-1]
            if isinstance(decks, DeckListScreen):
                decks.reload()  # otherwise it reads its counts when the learner comes back
        if self.initial == "study":
            from flashdl.tui.screens.study import StudyScreen

            self.push_screen(
                StudyScreen(store, today=self.today, deck_keys=self.deck_keys, card_ids=self.card_ids)
            )
        elif self.initial == "quiz":
            self._start_quiz(store)

    def _start_quiz(self, store: Store) -> None:
        try:
            from flashdl.tui.screens.quiz import QuizScreen
        except ImportError:
            self.notify("The quiz screen is not built yet.", severity="warning")
            return
        self.push_screen(QuizScreen(store, self.quiz_config))

    def action_help(self) -> None:
        from flashdl.tui.screens.help import HelpScreen
        from flashdl.tui.screens.study import StudyScreen

        if not isinstance(self.screen, HelpScreen):
            context = "study" if isinstance(self.screen, StudyScreen) else "decks"
            self.push_screen(HelpScreen(context))

    def study(self, *, deck_keys: Sequence[str] | None = None, card_ids: Sequence[int] | None = None) -> None:
        """Start a study session on top of the current screen: of some decks, or of exactly
        ``card_ids`` (what a "study the missed cards" button wants)."""
        from flashdl.tui.screens.study import StudyScreen

        if self.store is None:
            return
        self.push_screen(StudyScreen(self.store, today=self.today, deck_keys=deck_keys, card_ids=card_ids))

    def on_unmount(self) -> None:
        self._closed = True
        store = self.store or self._given_store
        if store is not None:
            store.close()
            self.store = self._given_store = None
