"""The widgets a quiz question is answered with: choice rows, true/false, typed input (matching
has its own module, :mod:`flashdl.tui.screens.quiz_match`).

They only display and report: a row says "I was clicked". Grading, storing and moving on belong to
:class:`~flashdl.tui.screens.quiz.QuizScreen`.
Card text is data, so every piece of it reaches the terminal as ``Content`` built from plain
strings, never parsed as markup.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static


class Plain(Static):
    """A Static for card text: never markup, wraps to its width."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Content(text), id=id, classes=classes, markup=False)

    def show(self, text: str) -> None:
        self.update(Content(text))


class Choice(Horizontal):
    """One answer row: its key, then its text (wrapped with a hanging indent). Clickable."""

    DEFAULT_CSS = """
    Choice { height: auto; padding: 0 1; }
    Choice > .choice-key { width: 4; text-style: bold; color: $accent; }
    Choice > .choice-text { width: 1fr; }
    Choice:hover { background: $boost; }
    Choice.-selected { background: $accent 25%; }
    Choice.-right { background: $success 30%; }
    Choice.-wrong { background: $error 30%; }
    Choice.-dim { color: $text-muted; }
    """

    class Picked(Message):
        """The row was clicked."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, key: str, text: str, value: int | bool, *, group: str = "") -> None:
        super().__init__(classes=f"choice {group}".strip())
        self.key = key
        self.mark = key
        self.text = text
        self.value = value
        self.group = group

    def compose(self) -> ComposeResult:
        yield Plain(self.key, classes="choice-key")
        yield Plain(self.text, classes="choice-text")

    def set_mark(self, mark: str) -> None:
        """Replace the key with a mark (✓, ✗, a pairing like 1→c)."""
        if mark != self.mark:
            self.mark = mark
            self.query_one(".choice-key", Plain).show(mark)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Picked(self))


class ChoicePanel(Vertical):
    """Multiple choice (keys 1-4) or true/false (t/f) rows."""

    DEFAULT_CSS = "ChoicePanel { height: auto; margin: 1 0 0 0; }"

    def __init__(self, rows: list[tuple[str, str, int | bool]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        for key, text, value in self.rows:
            yield Choice(key, text, value)

    def choices(self) -> list[Choice]:
        return list(self.query(Choice))

    def reveal(self, chosen: int | bool, right: int | bool) -> None:
        for choice in self.choices():
            if choice.value == right:
                choice.add_class("-right")
                choice.set_mark("✓")
            elif choice.value == chosen:
                choice.add_class("-wrong")
                choice.set_mark("✗")
            else:
                choice.add_class("-dim")


class AnswerInput(Vertical):
    """A typed answer (card or exercise): Enter submits."""

    DEFAULT_CSS = "AnswerInput { height: auto; margin: 1 0 0 0; }"

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        answer = Input(placeholder=self.placeholder, id="answer-input")
        # A blinking cursor makes headless screenshots depend on timing; terminals keep it.
        answer.cursor_blink = not self.app.is_headless
        yield answer
