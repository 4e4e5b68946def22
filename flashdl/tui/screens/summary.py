"""The end of a session: what was done, and what is coming in the next days.

Shown when the queue runs out or the learner presses ``q``. It dismisses with ``"undo"`` (take
back the last answer and keep studying), ``"decks"`` or ``"quit"``; the study screen acts on that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from flashdl.render.dates import format_duration
from flashdl.study.wording import count

if TYPE_CHECKING:
    from flashdl.store.db import Store
    from flashdl.study.session import SessionStats

BAR_WIDTH = 30


def forecast_lines(forecast: Sequence[tuple[dt.date, int]], width: int = BAR_WIDTH) -> list[str]:
    """One line per day: ``Sun 15 Mar  ██████▌ 14``, bars scaled to the busiest day."""
    peak = max((n for _, n in forecast), default=0)
    lines = []
    for day, due in forecast:
        eighths = round(due / peak * width * 8) if peak else 0
        full, part = divmod(eighths, 8)
        bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
        lines.append(f"{day:%a} {day.day:>2} {day:%b}  {bar:<{width}} {due:>4}")
    return lines


def redrill_text(redrills: int) -> str:
    """Redrills count answers, not cards: one card missed twice is two redrills."""
    if not redrills:
        return "none (no answer asked for a repeat)"
    whose = "its card" if redrills == 1 else "their cards"
    return f"{count(redrills, 'answer')} sent {whose} back to be drilled again"


def title_text(stopped_with: int) -> str:
    """``Session complete`` only when nothing of the session was left undone."""
    if not stopped_with:
        return "Session complete"
    return f"Session ended early: {count(stopped_with, 'card')} of it not done"


def today_text(due_now: int, redrills: int) -> str:
    """What is still waiting today, in these decks."""
    if not due_now and not redrills:
        return "nothing"
    parts = []
    if due_now:
        parts.append(f"{count(due_now, 'card')} due")
    if redrills:
        parts.append(f"{count(redrills, 'card')} to drill again")
    return ", ".join(parts)


def tomorrow_text(forecast_first_day: int, due_now: int) -> str:
    """Tomorrow's own reviews; cards left today (still waiting then) said apart."""
    own = max(0, forecast_first_day - due_now)
    text = count(own, "review")
    return text + (f", plus the {due_now} left today if not done" if due_now else "")


class SummaryScreen(Screen[str]):
    """Cards reviewed, share graded 3 or better, time, redrills, and the 7-day forecast."""

    BINDINGS = [
        Binding("enter,escape", "choose('decks')", "Back to decks", id="summary.decks"),
        Binding("u", "choose('undo')", "Undo last", id="summary.undo"),
        Binding("q", "choose('quit')", "Quit", id="summary.quit"),
    ]

    def __init__(
        self,
        store: Store,
        stats: SessionStats,
        *,
        today: dt.date,
        deck_keys: Sequence[str] | None = None,
        unfinished: int = 0,
    ) -> None:
        super().__init__()
        self.store = store
        self.stats = stats
        #: cards of the session not done when it ended (quit early)
        self.unfinished = unfinished
        self.today = today
        self.deck_keys = list(deck_keys) if deck_keys is not None else None
        self.forecast: list[tuple[dt.date, int]] | None = None

    def compose(self) -> ComposeResult:
        s = self.stats
        rows = [
            ("Cards reviewed", f"{count(s.answers, 'answer')} to {count(s.cards, 'card')}"),
            ("Graded 3 or better", f"{s.passed_share:.0%}" if s.answers else "-"),
            ("Time spent", format_duration(s.seconds)),
            # Counts answers, not cards: one card missed twice is two redrills.
            ("Redrills", redrill_text(s.redrills)),
        ]
        if s.suspended or s.buried:
            rows.append(("Set aside", f"{s.suspended} suspended, {s.buried} buried"))
        yield Header()
        with Vertical(id="summary"):
            yield Static(title_text(self.unfinished), id="summary-title", markup=False)
            yield Static(
                "\n".join(f"{label:<20}{value}" for label, value in rows),
                id="summary-figures",
                markup=False,
            )
            yield Static(f"{'Left for today':<20}…", id="left-today", markup=False)
            yield Static("Due tomorrow        …", id="due-tomorrow", markup=False)
            yield Static("", id="forecast", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Summary"
        self._read_forecast()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read_forecast(self) -> None:
        from flashdl.errors import FlashdlError
        from flashdl.store.forecast import due_forecast, left_today

        try:
            with self.store.read() as session:
                forecast = due_forecast(session, self.today, deck_keys=self.deck_keys)
                left = left_today(session, self.today, self.deck_keys)
        except FlashdlError as exc:
            self.app.call_from_thread(
                self.query_one("#forecast", Static).update, f"(No forecast: {exc})"
            )
            return
        self.app.call_from_thread(self._show_forecast, forecast, left)

    def _show_forecast(self, forecast: list[tuple[dt.date, int]], left: tuple[int, int] = (0, 0)) -> None:
        self.forecast = forecast
        due_now, redrills = left
        tomorrow = forecast[0][1] if forecast else 0
        self.query_one("#left-today", Static).update(f"{'Left for today':<20}{today_text(due_now, redrills)}")
        self.query_one("#due-tomorrow", Static).update(
            f"{'Due tomorrow':<20}{tomorrow_text(tomorrow, due_now)}")
        self.query_one("#forecast", Static).update(
            "Reviews due, next 7 days\n" + "\n".join(forecast_lines(forecast))
        )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
