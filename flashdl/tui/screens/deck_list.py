"""The deck list: what ``flashdl study`` opens. New / due / re-drill counts per deck.

Subdecks (Anki's ``Parent::Child`` names) are shown as a tree under their parent, whose counts
include theirs; studying a parent studies its subdecks too (:mod:`flashdl.study.deck_tree`).

The screen is shown before the store is open (the app opens it in a worker, so the first paint
is immediate); :meth:`DeckListScreen.reload` fills it in once ``app.store`` exists, and again
whenever the learner comes back from a session.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from flashdl.render.dates import describe_due

if TYPE_CHECKING:
    from flashdl.store.db import Store
    from flashdl.store.queries import DeckCounts
    from flashdl.study.deck_tree import DeckNode

EMPTY_STORE = "No decks yet. Import one with `flashdl import FILE`, then come back here."
COLUMNS = (("Deck", "deck"), ("New", "new"), ("Due", "due"), ("Redrill", "redrill"), ("Total", "total"))


class DeckListScreen(Screen[None]):
    """Choose what to study."""

    AUTO_FOCUS = "#deck-table"

    BINDINGS = [
        Binding("enter", "study_highlighted", "Study deck", id="decks.study"),
        Binding("a", "study_all", "Study all", id="decks.study_all"),
        Binding("t", "statistics", "Statistics", id="decks.statistics"),
        Binding("q", "app.quit", "Quit", id="decks.quit"),
    ]

    def __init__(self, *, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.counts: list[DeckCounts] = []
        #: the rows of the table, by row key (a deck key, or "group:NAME" for a parent group)
        self.nodes: dict[str, DeckNode] = {}
        self.next_due: dict[str, dt.date | None] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="decks-body"):
            yield Static("Decks", id="decks-title", markup=False)
            table: DataTable[Any] = DataTable(id="deck-table", cursor_type="row", zebra_stripes=True)
            table.loading = True
            yield table
            yield Static("", id="deck-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Decks"
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        if self.app_store is not None:
            self.reload()

    @property
    def app_store(self) -> Store | None:
        return getattr(self.app, "store", None)

    def on_screen_resume(self) -> None:
        self.reload()

    def on_screen_suspend(self) -> None:
        # A loading indicator under another screen would keep redrawing for nothing.
        self.query_one(DataTable).loading = False

    def reload(self) -> None:
        """Read the counts again (in a thread: a big store must not freeze the screen)."""
        if self.app_store is not None:
            if not self.loaded:
                self.query_one(DataTable).loading = True
            self._read_counts(self.app_store)

    @work(thread=True, exclusive=True, group="deck-counts", exit_on_error=False)
    def _read_counts(self, store: Store) -> None:
        from flashdl.errors import FlashdlError
        from flashdl.store.queries import deck_counts, next_due_date
        from flashdl.study.deck_tree import deck_tree, flatten

        try:
            with store.read() as session:
                counts = deck_counts(session, self.today)
                nodes = flatten(deck_tree(counts))
                idle = {
                    _row_key(node): next_due_date(session, self.today, node.keys)
                    for node in nodes
                    if node.new + node.due + node.redrill == 0
                }
        except FlashdlError as exc:
            self.app.call_from_thread(self._show_problem, str(exc))
            return
        self.app.call_from_thread(self._show_counts, counts, idle)

    def _show_problem(self, problem: str) -> None:
        self.query_one(DataTable).loading = False
        self.query_one("#deck-hint", Static).update(f"Cannot read the decks: {problem}")

    def _show_counts(self, counts: list[DeckCounts], next_due: dict[str, dt.date | None]) -> None:
        table = self.query_one(DataTable)
        highlighted = self.highlighted_key()
        from flashdl.render.terminal import clean
        from flashdl.study.deck_tree import deck_tree, flatten

        self.counts, self.next_due, self.loaded = counts, next_due, True
        self.nodes = {_row_key(node): node for node in flatten(deck_tree(counts))}
        table.clear()
        for key, node in self.nodes.items():
            label = "  " * node.depth + (node.label if node.depth else node.name)
            table.add_row(
                Text(clean(label)),  # deck names are data: never markup
                *(Text(str(n), justify="right") for n in (node.new, node.due, node.redrill, node.total)),
                key=key,
            )
        table.loading = False
        table.display = bool(counts)
        if counts:
            table.focus()
        if highlighted is not None and highlighted in self.nodes:
            table.move_cursor(row=table.get_row_index(highlighted))
        self._update_hint()
        self.refresh_bindings()

    def highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _update_hint(self) -> None:
        hint = self.query_one("#deck-hint", Static)
        if not self.counts:
            hint.update(EMPTY_STORE)
            return
        key = self.highlighted_key()
        deck = self.nodes.get(key) if key is not None else None
        if deck is None:
            hint.update("")
        elif deck.new + deck.due + deck.redrill == 0:
            hint.update(f"Nothing due in {deck.name} today. " + describe_due(self.next_due.get(key), self.today))
        elif deck.children:
            hint.update(f"{deck.name} and its {len(deck.keys) - (deck.key is not None)} subdeck(s)")
        else:
            hint.update(deck.description or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._update_hint()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.start_study(self._deck_keys(event.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("study_highlighted", "study_all", "statistics"):
            return bool(self.counts)
        return True

    def action_study_highlighted(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.start_study(self._deck_keys(key))

    def _deck_keys(self, row_key: str) -> list[str]:
        """The decks a row stands for: the deck and its subdecks."""
        node = self.nodes.get(row_key)
        return node.keys if node is not None else [row_key]

    def action_study_all(self) -> None:
        if self.counts:
            self.start_study(None)

    def start_study(self, deck_keys: list[str] | None) -> None:
        from flashdl.tui.screens.study import StudyScreen

        store = self.app_store
        if store is not None:
            self.app.push_screen(StudyScreen(store, today=self.today, deck_keys=deck_keys))

    def action_statistics(self) -> None:
        store = self.app_store
        if store is None:
            return
        try:
            from flashdl.tui.screens.stats import StatsScreen
        except ImportError:
            self.notify("The statistics screen is not built yet.", severity="warning")
            return
        self.app.push_screen(StatsScreen(store))


def _row_key(node: DeckNode) -> str:
    return node.key if node.key is not None else f"group:{node.name}"
