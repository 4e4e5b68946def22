"""An exercise card's question: freshly generated numbers, a typed answer, the engine's verdict.

The engine (:func:`flashdl.engine.make_exercise`) poses the question from a new seed each time the
card comes up, so the learner has to compute rather than remember. This widget shows the prompt,
takes the answer (a number or arithmetic such as ``3*0.98^10``), asks the exercise to judge it
within its tolerance, then shows the verdict and the worked answer. Text that is not a number or
arithmetic is not graded: the panel says what to type and asks again. It suggests a grade (4 if right, 1 if wrong); the learner confirms or changes
it on the study screen.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from flashdl.render.math import render_math
from flashdl.render.terminal import clean

#: Grades suggested after a checked answer (the learner may pick any other).
RIGHT_GRADE = 4
WRONG_GRADE = 1

#: Shown when Enter is pressed in an empty answer box (which is not taken as an answer).
EMPTY_SUBMIT_HINT = "Type a number, or press Esc to give up (then Enter shows the answer)."


def format_answer(answer: Any) -> str:
    """The expected answer as the learner would type it."""
    values = answer if isinstance(answer, (tuple, list)) else (answer,)
    return ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in values)


class ExercisePanel(Vertical):
    """Prompt, answer box, and (once answered) the verdict and worked solution."""

    class Checked(Message):
        """The learner submitted an answer (possibly empty: "I don't know")."""

        def __init__(self, given: str, correct: bool) -> None:
            super().__init__()
            self.given = given
            self.correct = correct

        @property
        def suggested_grade(self) -> int:
            return RIGHT_GRADE if self.correct else WRONG_GRADE

    def __init__(self, exercise: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exercise = exercise
        self.checked: ExercisePanel.Checked | None = None

    def compose(self) -> ComposeResult:
        yield Static(render_math(self.exercise.prompt, markdown=False), id="exercise-prompt", markup=False)
        yield Input(placeholder="type your answer, then Enter", id="exercise-input")
        yield Static("", id="exercise-verdict", markup=False)
        yield Static("", id="exercise-worked", markup=False)

    def focus_answer(self) -> None:
        self.query_one("#exercise-input", Input).focus()

    def submit(self, given: str) -> Checked:
        """Check ``given`` (also used by "Show answer" with nothing typed) and show the verdict."""
        if self.checked is not None:
            return self.checked
        text = given.strip()
        verdict = self.exercise.judge(text) if text else None
        correct = verdict is not None and verdict.correct
        self.checked = self.Checked(text, correct)
        box = self.query_one("#exercise-input", Input)
        box.value = given
        box.disabled = True
        expected = format_answer(self.exercise.answer)
        if correct:
            verdict_text = f"✓ Right: {text}"
        elif verdict is not None and verdict.readable:
            verdict_text = f"✗ Not quite: you gave {text}, the answer is {expected}"
        elif text:  # "Show answer" with unreadable text in the box
            verdict_text = f"Your answer {text!r} could not be read. The answer is {expected}"
        else:
            verdict_text = f"No answer given. The answer is {expected}"
        self.set_class(correct, "-right")
        self.set_class(not correct, "-wrong")
        self.query_one("#exercise-verdict", Static).update(clean(verdict_text))
        self.query_one("#exercise-worked", Static).update(
            render_math(str(self.exercise.worked), markdown=False)
        )
        self.remove_class("-hint")
        self.add_class("-checked")
        self.post_message(self.checked)
        return self.checked

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip() and self.checked is None:
            # An empty Enter is most likely a slip: keep the focus in the box (so later letters
            # are typed, not taken as commands) and say how to give up instead.
            self.query_one("#exercise-verdict", Static).update(EMPTY_SUBMIT_HINT)
            self.add_class("-hint")
            self.focus_answer()
            return
        if self.checked is None:
            verdict = self.exercise.judge(event.value.strip())
            if not verdict.readable:
                # Not a number or arithmetic (or the wrong count of them): ask again, ungraded.
                self.query_one("#exercise-verdict", Static).update(clean(verdict.hint))
                self.add_class("-hint")
                self.focus_answer()
                return
        self.submit(event.value)
