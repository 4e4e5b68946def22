"""The matching question's panel: five prompts (1-5), five answers (a-e), pairs made by keys or clicks.

It only displays and reports which pairs are made (and which prompts still have none); checking,
storing and moving on belong to :class:`~flashdl.tui.screens.quiz.QuizScreen`. Card text reaches
the terminal as plain ``Content``, never as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from flashdl.quiz.questions import Matching
from flashdl.tui.screens.quiz_questions import Choice, Plain

MATCH_KEYS = "abcde"


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

    @property
    def missing(self) -> list[int]:
        """The prompts that have no answer yet, in order."""
        return [i for i in range(len(self.question.prompts)) if i not in self.pairs]

    def missing_text(self) -> str:
        """What Enter says when pairs are missing: which prompts, and which answers are free."""
        missing = [str(i + 1) for i in self.missing]
        used = set(self.pairs.values())
        free = [MATCH_KEYS[j] for j in range(len(self.question.answers)) if j not in used]
        prompts = (f"Prompt {missing[0]} has" if len(missing) == 1
                   else f"Prompts {', '.join(missing[:-1])} and {missing[-1]} have")
        answers = (f"answer {free[0]} is" if len(free) == 1
                   else f"answers {', '.join(free[:-1])} and {free[-1]} are")
        return (f"Not checked yet: {prompts} no answer ({answers} still free). "
                "Press a prompt's number, then its answer's letter; Enter checks once all "
                f"{len(self.question.prompts)} are paired.")

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
