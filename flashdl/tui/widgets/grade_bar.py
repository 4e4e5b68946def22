"""The six SM-2 grades as labelled, clickable buttons.

The number keys grade from the keyboard; the buttons exist so every grade is labelled on screen
(``0 blackout`` ... ``5 perfect``) and so the mouse works. They never take keyboard focus: the
keys belong to the study screen, whatever was clicked last.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button

from flashdl.scheduler.sm2 import QUALITY_LABELS


class GradeButton(Button, can_focus=False):
    """One grade."""

    def __init__(self, grade: int) -> None:
        super().__init__(
            f"{grade} {QUALITY_LABELS[grade]}", id=f"grade-{grade}", classes=f"grade grade-{grade}", compact=True
        )
        self.grade = grade


class GradeBar(Grid):
    """Grades 0-5; posts :class:`GradeBar.Chosen` when one is clicked."""

    class Chosen(Message):
        def __init__(self, grade: int) -> None:
            super().__init__()
            self.grade = grade

    def compose(self) -> ComposeResult:
        for grade in range(6):
            yield GradeButton(grade)

    def suggest(self, grade: int | None) -> None:
        """Highlight the grade a checked exercise suggests (None: no suggestion)."""
        for button in self.query(GradeButton):
            button.set_class(button.grade == grade, "-suggested")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, GradeButton):
            event.stop()
            self.post_message(self.Chosen(event.button.grade))
