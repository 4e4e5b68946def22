"""The statistics screen, pushed from the deck list with ``t``: the figures of ``flashdl stats``.

The statistics are computed in a worker thread (SQL aggregates, well under a second even on a
large store) so the screen paints at once; the widgets fill in when the figures arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Static
from textual_plotext import PlotextPlot

from flashdl.stats.heatmap import WEEKDAY_LABELS, Heatmap, build_heatmap
from flashdl.stats.queries import FORECAST_DAYS, Stats
from flashdl.stats.render import duration_text, percent
from flashdl.study.wording import count

if TYPE_CHECKING:
    from flashdl.store.db import Store

#: Heatmap colours by level (0: no review), GitHub-like greens.
LEVEL_STYLES = ("#3a3a3a", "#0e4429", "#006d32", "#26a641", "#39d353")
CELL = "■"


class ReviewHeatmap(Widget):
    """Reviews per day over the last year as a calendar grid (weeks left to right)."""

    DEFAULT_CSS = """
    ReviewHeatmap { height: 10; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.heatmap: Heatmap | None = None

    def show(self, heatmap: Heatmap) -> None:
        self.heatmap = heatmap
        self.refresh()

    def render(self) -> Text:
        heatmap = self.heatmap
        if heatmap is None:
            return Text("Loading…", style="dim")
        text = Text("    " + heatmap.month_labels() + "\n", style="dim")
        for weekday, row in enumerate(heatmap.rows):
            text.append(f"{WEEKDAY_LABELS[weekday]:<4}", style="dim")
            for reviews in row:
                level = heatmap.level(reviews)
                if level is None:
                    text.append(" ")
                else:
                    text.append(CELL, style=LEVEL_STYLES[level])
            text.append("\n")
        # the same legend as the text report's, each shade drawn as its coloured cell
        text.append("    reviews a day: ", style="dim")
        text.append(CELL, style=LEVEL_STYLES[0])
        text.append(" 0", style="dim")
        for entry in heatmap.legend():
            text.append(", ", style="dim")
            text.append(CELL, style=LEVEL_STYLES[entry.shade])
            text.append(f" {entry.counts}", style="dim")
        return text


def _short_day(day: dt.date) -> str:
    return day.strftime("%b %d").replace(" 0", " ")


class StatsScreen(Screen[None]):
    """Progress and history for the whole store (or some decks)."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="stats.close"),
        Binding("q", "close", "Back", show=False, id="stats.close_q"),
    ]

    DEFAULT_CSS = """
    StatsScreen #stats-body { padding: 0 1; }
    StatsScreen .stats-title { text-style: bold; margin-top: 1; }
    StatsScreen .chart-row { height: 16; }
    StatsScreen .chart-row PlotextPlot { width: 1fr; height: 16; }
    StatsScreen #stats-retention { width: 1fr; height: auto; }
    StatsScreen #stats-progress { height: auto; max-height: 20; }
    """

    def __init__(
        self, store: Store, *, today: dt.date | None = None, deck_keys: Sequence[str] | None = None
    ) -> None:
        super().__init__()
        self.store = store
        #: None: the app's "today" (FlashdlApp has one, fixed in tests), else the calendar's
        self.today = today
        self.deck_keys = None if deck_keys is None else list(deck_keys)
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static("Statistics", id="stats-title", classes="stats-title", markup=False)
            yield Static("Loading…", id="stats-summary", markup=False)
            yield Static("Reviews per day, last 365 days", classes="stats-title", markup=False)
            yield ReviewHeatmap(id="stats-heatmap")
            with Horizontal(classes="chart-row"):
                yield PlotextPlot(id="stats-forecast")
                yield PlotextPlot(id="stats-minutes")
            with Horizontal(classes="chart-row"):
                yield Static("", id="stats-retention", markup=False)
                yield PlotextPlot(id="stats-easiness")
            yield Static("Progress per deck (learning: interval < 21 days; mature: >= 21)",
                         classes="stats-title", markup=False)
            progress: DataTable[Any] = DataTable(id="stats-progress", cursor_type="row")
            yield progress
            yield Static("Quizzes", classes="stats-title", markup=False)
            yield Static("", id="stats-quiz", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.today is None:
            app_today = getattr(self.app, "today", None)
            self.today = app_today if isinstance(app_today, dt.date) else dt.date.today()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from flashdl.stats.queries import compute_stats

        today = self.today or dt.date.today()
        with self.store.read() as session:
            stats = compute_stats(session, today, self.deck_keys)
        self.app.call_from_thread(self.show, stats)

    def show(self, stats: Stats) -> None:
        self.stats = stats
        scope = "all decks" if stats.decks is None else ", ".join(stats.decks)
        self.query_one("#stats-title", Static).update(
            f"Statistics for {scope}, as of {stats.today.isoformat()}"
        )
        self.query_one("#stats-summary", Static).update(
            f"Reviews: {stats.total_reviews:,} in all, {stats.reviews_last_year:,} in the last "
            f"365 days · time studied: {duration_text(stats.total_seconds)} · retention: "
            f"{percent(stats.overall_retention)}\n"
            f"Streak: {stats.current_streak} day(s) now, {stats.longest_streak} at most"
        )
        self.query_one(ReviewHeatmap).show(
            build_heatmap(stats.reviews_by_day, stats.heatmap_start, stats.today)
        )
        self._bar(
            "#stats-forecast", [_short_day(d) for d, _ in stats.forecast],
            [n for _, n in stats.forecast], f"Cards due, next {FORECAST_DAYS} days", every=7,
            empty="none due",
        )
        days = [stats.today - dt.timedelta(days=i) for i in range(29, -1, -1)]
        self._bar(
            "#stats-minutes", [_short_day(d) for d in days],
            [round(stats.seconds_by_day.get(d, 0) / 60, 1) for d in days],
            "Minutes studied, last 30 days", every=7, empty="no reviews yet",
        )
        self._bar(
            "#stats-easiness", [f"{ef:.1f}" for ef, _ in stats.easiness],
            [n for _, n in stats.easiness], "Cards by easiness factor",
            every=max(1, len(stats.easiness) // 6), empty="no card answered yet",
        )
        self.query_one("#stats-retention", Static).update(self._retention_text(stats))
        table = self.query_one("#stats-progress", DataTable)
        table.clear(columns=True)
        table.add_columns("Deck", "Cards", "New", "Learning", "Mature", "Suspended")
        for p in stats.progress:
            table.add_row(Text(p.name), p.total, p.new, p.learning, p.mature, p.suspended,
                          key=p.key)
        self.query_one("#stats-quiz", Static).update(self._quiz_text(stats))

    def _bar(self, selector: str, labels: list[str], values: list[float], title: str,
             *, every: int, empty: str) -> None:
        plot = self.query_one(selector, PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if not any(values):
            # Nothing to draw: say so in the title and keep the axes at 0..1, not plotext's -1..1.
            plt.title(f"{title}: {empty}")
            plt.ylim(0, 1)
            plt.yticks([0, 1])
            plt.xticks([])
            plot.refresh()
            return
        plt.title(title)
        if values:
            xs = list(range(len(values)))
            plt.bar(xs, values, width=0.7)
            plt.xticks(xs[::every], labels[::every])
            top = max(values)
            if top >= 1 and all(float(v).is_integer() for v in values):
                step = max(1, -(-int(top) // 4))
                plt.yticks(list(range(0, int(top) + step, step)))
        plot.refresh()

    @staticmethod
    def _retention_text(stats: Stats) -> Text:
        text = Text("Retention by interval before the answer\n", style="bold")
        text.append(f"{'interval':<17}{'reviews':>9}{'rate':>7}\n", style="dim")
        for bucket in stats.retention:
            text.append(f"{bucket.label:<17}{bucket.reviews:>9,}{percent(bucket.rate):>7}\n")
        return text

    @staticmethod
    def _quiz_text(stats: Stats) -> Text:
        answered = stats.quiz_answered
        if not answered and not stats.quiz_recent:
            return Text("No quiz taken yet.", style="dim")
        accuracy = stats.quiz_correct / answered if answered else None
        text = Text(f"{count(answered, 'question')} answered, {stats.quiz_correct:,} correct "
                    f"({percent(accuracy)})\n")
        for t in stats.quiz_by_type:
            text.append(f"  {t.qtype:<10} {t.correct}/{t.answered} "
                        f"({percent(t.correct / t.answered if t.answered else None)})\n")
        for q in stats.quiz_recent:
            text.append(f"  {q.started_at:%Y-%m-%d %H:%M}  {q.decks_label}  "
                        f"{q.correct}/{q.questions}{'' if q.finished else ' (unfinished)'}\n")
        return text

    def action_close(self) -> None:
        self.dismiss()
