"""The widgets a quiz question is answered with: choice rows, true/false, typed input, matching.

They only display and report: a row says "I was clicked", the matching panel says which pairs are
made. Grading, storing and moving on belong to :class:`~flashdl.tui.screens.quiz.QuizScreen`.
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

from flashdl.quiz.questions import Matching

MATCH_KEYS = "abcde"


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


class MatchPanel(Vertical):
    """Five prompts (1-5) and five answers (a-e): choose a prompt, then its answer.

    Choosing an answer first and then a prompt works too. An answer belongs to one prompt at a
    time: giving it to another prompt moves it.
    """

    DEFAULT_CSS = """
    MatchPanel { height: auto; margin: 1 0 0 0; }
    MatchPanel > .match-heading { color: $text-muted; margin: 0 1; }
    MatchPanel > .match-gap { height: 1; }
    """

    class Changed(Message):
        """The pairs changed (complete when every prompt has an answer)."""

        def __init__(self, panel: MatchPanel) -> None:
            super().__init__()
            self.panel = panel

    def __init__(self, question: Matching) -> None:
        super().__init__()
        self.question = question
        self.pairs: dict[int, int] = {}
        self.selected_prompt: int | None = None
        self.selected_answer: int | None = None
        self.locked = False

    def compose(self) -> ComposeResult:
        yield Plain("Prompts", classes="match-heading")
        for i, text in enumerate(self.question.prompts):
            yield Choice(str(i + 1), text, i, group="match-prompt")
        yield Static(classes="match-gap")
        yield Plain("Answers", classes="match-heading")
        for j, text in enumerate(self.question.answers):
            yield Choice(MATCH_KEYS[j], text, j, group="match-answer")

    @property
    def complete(self) -> bool:
        return len(self.pairs) == len(self.question.prompts)

    def _rows(self, group: str) -> list[Choice]:
        return [c for c in self.query(Choice) if c.group == group]

    def pick_prompt(self, index: int) -> None:
        if self.locked or not 0 <= index < len(self.question.prompts):
            return
        if self.selected_answer is not None:
            self._pair(index, self.selected_answer)
        else:
            self.selected_prompt = None if self.selected_prompt == index else index
        self._redraw()

    def pick_answer(self, index: int) -> None:
        if self.locked or not 0 <= index < len(self.question.answers):
            return
        if self.selected_prompt is not None:
            self._pair(self.selected_prompt, index)
        else:
            self.selected_answer = None if self.selected_answer == index else index
        self._redraw()

    def _pair(self, prompt: int, answer: int) -> None:
        for other, given in list(self.pairs.items()):
            if given == answer:
                del self.pairs[other]
        self.pairs[prompt] = answer
        self.selected_prompt = self.selected_answer = None
        self.post_message(self.Changed(self))

    def _redraw(self) -> None:
        owner = {answer: prompt for prompt, answer in self.pairs.items()}
        for row in self._rows("match-prompt"):
            i = int(row.value)
            row.set_class(i == self.selected_prompt, "-selected")
            paired = self.pairs.get(i)
            row.set_mark(f"{i + 1}→{MATCH_KEYS[paired]}" if paired is not None else str(i + 1))
        for row in self._rows("match-answer"):
            j = int(row.value)
            row.set_class(j == self.selected_answer, "-selected")
            row.set_class(j in owner, "-dim")

    def reveal(self) -> None:
        """Mark each prompt right or wrong and show the right letter."""
        self.locked = True
        self.selected_prompt = self.selected_answer = None
        for row in self._rows("match-prompt"):
            i = int(row.value)
            right = self.question.solution[i]
            ok = self.pairs.get(i) == right
            row.remove_class("-selected")
            row.add_class("-right" if ok else "-wrong")
            row.set_mark(f"✓ {MATCH_KEYS[right]}" if ok else f"✗ {MATCH_KEYS[right]}")
        for row in self._rows("match-answer"):
            row.remove_class("-selected", "-dim")

    def on_choice_picked(self, message: Choice.Picked) -> None:
        message.stop()
        index = int(message.choice.value)
        if message.choice.group == "match-prompt":
            self.pick_prompt(index)
        else:
            self.pick_answer(index)
