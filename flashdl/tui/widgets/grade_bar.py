"""The answer buttons, labelled with the interval each would give, and clickable.

Under SM-2 the six grades (``0 blackout`` ... ``5 perfect``), under FSRS Anki's four (``1 Again``
... ``4 Easy``), whichever :class:`~flashdl.scheduler.choice.SchedulerChoice` the study screen
gives. Each button says what it will do (``3 6d · Good``): the screen computes it with the
scheduler in use (:meth:`SchedulerChoice.outcomes`), never with rules of its own. The number keys
grade from the keyboard; the buttons never take keyboard focus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button

from flashdl.scheduler.choice import SM2_BUTTONS
from flashdl.scheduler.choice import GradeButton as GradeSpec


class GradeButton(Button, can_focus=False):
    """One answer: its key, its name, and what it would schedule."""

    def __init__(self, spec: GradeSpec) -> None:
        super().__init__(
            self._text(spec, None), id=f"grade-{spec.grade}",
            classes=f"grade grade-{spec.grade}", compact=True,
        )
        self.spec = spec
        self.grade = spec.grade
        self.interval: str | None = None

    @staticmethod
    def _text(spec: GradeSpec, interval: str | None) -> str:
        """``3 6d · Good``: the interval before the name, so a narrow button cuts the name."""
        return f"{spec.key} {interval} · {spec.label}" if interval else f"{spec.key} {spec.label}"

    def show_interval(self, interval: str | None) -> None:
        self.interval = interval
        self.label = self._text(self.spec, interval)


class GradeBar(Grid):
    """The answer buttons; posts :class:`GradeBar.Chosen` when one is clicked."""

    class Chosen(Message):
        def __init__(self, grade: int) -> None:
            super().__init__()
            self.grade = grade

    def __init__(self, buttons: Sequence[GradeSpec] = SM2_BUTTONS, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.buttons = tuple(buttons)

    def compose(self) -> ComposeResult:
        self.styles.grid_size_columns = len(self.buttons) if len(self.buttons) <= 4 else 3
        for spec in self.buttons:
            yield GradeButton(spec)

    async def use_buttons(self, buttons: Sequence[GradeSpec]) -> None:
        """Show these buttons instead (the scheduler changed)."""
        if tuple(buttons) == self.buttons:
            return
        self.buttons = tuple(buttons)
        await self.remove_children()
        self.styles.grid_size_columns = len(self.buttons) if len(self.buttons) <= 4 else 3
        await self.mount_all(GradeButton(spec) for spec in self.buttons)

    def show_intervals(self, intervals: Mapping[int, str]) -> None:
        """Label each button with what it would do (``{grade: "6d"}``; missing: no label)."""
        for button in self.query(GradeButton):
            button.show_interval(intervals.get(button.grade))

    def suggest(self, grade: int | None) -> None:
        """Highlight the grade a checked exercise suggests (None: no suggestion)."""
        for button in self.query(GradeButton):
            button.set_class(button.grade == grade, "-suggested")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, GradeButton):
            event.stop()
            self.post_message(self.Chosen(event.button.grade))
