"""The statistics screen shows the store's real figures and closes with escape or q."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers.waiting import pilot_wait_until
from storeutil import card_id, fixture_decks
from textual.app import App
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from flashdl.store import open_store
from flashdl.store.reviews import record_answer
from flashdl.store.sync import sync_builtin_decks
from flashdl.tui.screens.stats import ReviewHeatmap, StatsScreen

DAY = dt.date(2026, 3, 14)


class StatsApp(App[None]):
    def __init__(self, store: object) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(StatsScreen(self.store, today=DAY))  # type: ignore[arg-type]


@pytest.fixture
def studied(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(db_url)
    sync_builtin_decks(store, fixture_decks(tmp_path))
    a1, b1 = card_id(store, "alpha", "a1"), card_id(store, "beta", "b1")
    record_answer(store, a1, 4, today=DAY - dt.timedelta(days=1), duration_ms=120_000)
    record_answer(store, a1, 5, today=DAY, duration_ms=60_000)
    record_answer(store, b1, 1, today=DAY, duration_ms=30_000)
    yield store
    store.close()


async def _loaded(pilot, app) -> StatsScreen:  # type: ignore[no-untyped-def]
    await pilot_wait_until(
        pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None,
        "the statistics screen to show the store's figures")
    await pilot.pause()
    return app.screen


@pytest.mark.sqlite_only
async def test_screen_shows_the_figures_of_the_store(studied) -> None:  # type: ignore[no-untyped-def]
    app = StatsApp(studied)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await _loaded(pilot, app)
        summary = str(screen.query_one("#stats-summary", Static).render())
        assert "Reviews: 3 in all" in summary
        assert "time studied: 3 min" in summary  # 210 s
        assert "Streak: 2 day(s) now" in summary

        heatmap = screen.query_one(ReviewHeatmap).heatmap
        assert heatmap is not None
        cells = {heatmap.day(wd, wk): c for wd, row in enumerate(heatmap.rows)
                 for wk, c in enumerate(row) if c is not None}
        assert cells[DAY] == 2 and cells[DAY - dt.timedelta(days=1)] == 1
        assert sum(cells.values()) == 3
        # the busier day is the brighter green, and the legend says which count each shade means
        drawn = screen.query_one(ReviewHeatmap).render()
        assert drawn.plain.splitlines()[-1] == "    reviews a day: ■ 0, ■ 1, ■ 2"
        assert heatmap.level(1) < heatmap.level(2) == 4

        table = screen.query_one("#stats-progress", DataTable)
        rows = {str(table.get_row(key)[0]): table.get_row(key)[1:] for key in table.rows}
        # alpha: a1 learning (interval 6), 3 new; beta: b1 forgotten (learning), b2 new
        assert rows == {"Alpha": [4, 3, 1, 0, 0], "Beta": [2, 1, 1, 0, 0]}

        retention = str(screen.query_one("#stats-retention", Static).render())
        assert "new" in retention and "50%" in retention  # two first answers: one 4, one 1

        for plot_id in ("#stats-forecast", "#stats-minutes", "#stats-easiness"):
            assert screen.query_one(plot_id, PlotextPlot).plt.build().strip()

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


@pytest.mark.sqlite_only
async def test_q_closes_the_screen_and_an_empty_store_still_renders(db_url: str) -> None:
    with open_store(db_url) as store:
        app = StatsApp(store)
        async with app.run_test(size=(100, 40)) as pilot:
            screen = await _loaded(pilot, app)
            assert "Reviews: 0 in all" in str(screen.query_one("#stats-summary", Static).render())
            assert "No quiz taken yet" in str(screen.query_one("#stats-quiz", Static).render())
            for selector, sentence in [("#stats-minutes", "no reviews yet"),
                                       ("#stats-forecast", "none due"),
                                       ("#stats-easiness", "no card answered yet")]:
                plot = screen.query_one(selector, PlotextPlot)
                drawn = plot.plt.build()
                assert sentence in drawn
                assert "-1" not in drawn  # not plotext's default -1..1 axis
            await pilot.press("q")
            await pilot.pause()
            assert not isinstance(app.screen, StatsScreen)
