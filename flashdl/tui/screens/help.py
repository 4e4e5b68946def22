"""The keys, on one screen (``?`` from anywhere)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from flashdl.scheduler.sm2 import QUALITY_LABELS

HELP_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Deck list",
        (
            ("↑ ↓", "choose a deck"),
            ("Enter", "study the highlighted deck"),
            ("a", "study all decks"),
            ("t", "statistics"),
            ("q", "quit"),
        ),
    ),
    (
        "Studying",
        (
            ("Space / Enter", "show the answer"),
            *((str(g), f"grade: {label}") for g, label in QUALITY_LABELS.items()),
            ("Enter", "accept the suggested grade (exercises)"),
            ("u", "undo the last answer, suspension or burial (again and again)"),
            ("s", "suspend the card (it stops coming up)"),
            ("b", "bury the card until tomorrow"),
            ("r  [  ]", "demo panel: re-run, step the selected parameter"),
            ("q", "end the session and see the summary"),
        ),
    ),
    (
        "Everywhere",
        (
            ("?", "this help"),
            ("Ctrl+P", "command palette (themes: dark, light, ...)"),
            ("Ctrl+Q", "quit flashdl"),
        ),
    ),
)

GRADING = (
    "Grades below 4 bring the card back a few cards later in this session, until you give it "
    "a 4 or a 5. Every answer is saved before the next card shows."
)


def help_text() -> str:
    lines: list[str] = []
    for title, keys in HELP_SECTIONS:
        lines.append(title)
        lines.extend(f"  {key:<15}{what}" for key, what in keys)
        lines.append("")
    lines.append(GRADING)
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("flashdl keys", id="help-title", markup=False)
            yield Static(help_text(), id="help-text", markup=False)
