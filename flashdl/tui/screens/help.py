"""The keys, on one screen (``?`` from anywhere): those of the screen you are on, then the
ones that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from flashdl.scheduler.sm2 import QUALITY_LABELS


def _grades(grades: range) -> str:
    """``0 blackout · 1 recognised · ...``: the SM-2 labels without their "wrong,"/"right,"."""
    return " · ".join(f"{g} {QUALITY_LABELS[g].split(', ', 1)[-1]}" for g in grades)


HELP_SECTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "decks": (
        "Deck list",
        (
            ("↑ ↓", "choose a deck"),
            ("Enter", "study the highlighted deck (a parent deck with its subdecks)"),
            ("a", "study all decks"),
            ("t", "statistics"),
            ("q", "quit"),
        ),
    ),
    "study": (
        "Studying",
        (
            ("Space, Enter", "show the answer (exercises: check what you typed)"),
            ("0 1 2", f"grade it wrong: {_grades(range(0, 3))}"),
            ("3 4 5", f"grade it right: {_grades(range(3, 6))}"),
            ("1 2 3 4", "under FSRS (flashdl scheduler use fsrs): Again, Hard, Good, Easy"),
            ("Space, Enter", "once the answer shows: grade 4 (Good under FSRS)"),
            ("Enter", "accept the suggested grade (exercises)"),
            ("u", "undo the last answer, suspension or burial; again and again"),
            ("s", "suspend the card: it stops coming up"),
            ("b", "bury the card until tomorrow"),
            ("r  [  ]", "demo: re-run with a new seed, step the selected parameter"),
            ("Tab", "into the demo panel, to pick the parameter"),
            ("o  p", "open the card's image in the system viewer, play its sound"),
            ("q", "end the session and see the summary"),
        ),
    ),
    "everywhere": (
        "Everywhere",
        (
            ("?", "this help"),
            ("Ctrl+P", "command palette: themes (dark, light, ...) and more"),
            ("Ctrl+Q", "quit flashdl"),
        ),
    ),
}

GRADING = (
    "A grade below 4 brings the card back a few cards later, until you give it a 4 or 5. "
    "Every answer is saved before the next card shows."
)


def help_text(context: str = "decks") -> str:
    """The keys of ``context`` (a key of :data:`HELP_SECTIONS`) and the global ones."""
    lines: list[str] = []
    for name in (context, "everywhere"):
        title, keys = HELP_SECTIONS.get(name, HELP_SECTIONS["decks"])
        lines.append(title)
        lines.extend(f"  {key:<14}{what}" for key, what in keys)
        lines.append("")
    if context == "study":
        lines.append(GRADING)
    return "\n".join(lines).rstrip()


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, context: str = "decks") -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text(self.context), id="help-text", markup=False)
