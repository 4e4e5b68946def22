"""The end of a quiz: score, time, what was missed, and a way to study exactly those cards."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from flashdl.quiz.cards import TYPE_NAMES
from flashdl.quiz.questions import GradedItem
from flashdl.tui.screens.quiz_questions import Plain

if TYPE_CHECKING:
    from flashdl.store.db import Store


@dataclasses.dataclass(frozen=True)
class QuizOutcome:
    attempt_id: int
    #: questions the quiz had (a matching question is one question, right when all pairs are)
    total: int
    answered: int
    correct: int
    elapsed_s: float
    time_up: bool
    missed: tuple[GradedItem, ...]
    today: dt.date
    #: the questions never answered (time up, ended early), one item per card, no answer given
    unanswered: tuple[GradedItem, ...] = ()
    ended_early: bool = False

    @property
    def missed_card_ids(self) -> list[int]:
        """The cards answered wrongly or not at all, once each, in quiz order."""
        ids: list[int] = []
        for item in (*self.missed, *self.unanswered):
            if item.card_id is not None and item.card_id not in ids:
                ids.append(item.card_id)
        return ids


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d}" if minutes < 60 else f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"


class QuizEndScreen(Screen[None]):
    DEFAULT_CSS = """
    QuizEndScreen #title { text-style: bold; padding: 1 1 0 1; }
    QuizEndScreen #summary { padding: 0 1 1 1; }
    QuizEndScreen #missed { height: 1fr; padding: 0 1; }
    QuizEndScreen .missed-prompt { text-style: bold; }
    QuizEndScreen .missed-detail { margin: 0 0 1 2; }
    """

    BINDINGS = [
        Binding("s", "study_missed", "study missed cards"),
        Binding("q", "quit_quiz", "quit"),
        Binding("escape", "close", "close"),
    ]

    def __init__(self, store: Store, outcome: QuizOutcome) -> None:
        super().__init__()
        self.store = store
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        o = self.outcome
        title = "Time is up." if o.time_up else "Quiz ended early." if o.ended_early else "Quiz finished."
        percent = f" ({100 * o.correct / o.total:.0f}%)" if o.total else ""
        summary = [f"Score {o.correct}/{o.total}{percent}   Time {format_duration(o.elapsed_s)}"]
        if o.answered < o.total:
            left = o.total - o.answered
            summary.append(f"{left} question{'s' if left != 1 else ''} not answered "
                           "(their cards count as missed).")
        missed_cards = len(o.missed_card_ids)
        summary.append(f"Cards to study again: {missed_cards} (press s)" if missed_cards
                       else "Nothing missed.")
        yield Plain(title, id="title")
        yield Plain("\n".join(summary), id="summary")
        with VerticalScroll(id="missed"):
            for item in (*o.missed, *o.unanswered):
                prompt = " ".join(item.prompt.split())
                yield Plain(f"✗ {prompt}  ({TYPE_NAMES[item.qtype]})", classes="missed-prompt")
                given = item.given if item.given else "(no answer)"
                yield Plain(f"answer: {item.expected}\nyours:  {given}",
                            classes="missed-detail")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "study_missed":
            return bool(self.outcome.missed_card_ids)
        return True

    def action_study_missed(self) -> None:
        card_ids = self.outcome.missed_card_ids
        if not card_ids:
            return
        try:
            from flashdl.tui.screens.study import StudyScreen
        except ImportError:
            self.notify("The study screen is not available in this build.", severity="warning")
            return
        self.app.push_screen(StudyScreen(self.store, today=self.outcome.today, card_ids=card_ids))

    def action_quit_quiz(self) -> None:
        self.app.exit()

    def action_close(self) -> None:
        # Back to whatever opened the quiz; if the quiz was the whole session, that is the end.
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
