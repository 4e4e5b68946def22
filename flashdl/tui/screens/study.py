"""The study screen: a card's front, then its back, then a grade; until the queue is empty.

The screen only arranges calls. What comes next (re-drills, undo) is decided by
:class:`flashdl.study.session.StudySession`; answers, suspensions, burials and their undoing are
written by :class:`flashdl.study.recorder.StudyRecorder`, each in its own committed transaction
*before* the next card is shown, so an answer acknowledged on screen survives the process being
killed.

Card kinds: ``basic`` and ``cloze`` show front and back; ``demonstrate`` adds the engine's demo
panel when revealed (beside the answer at 110 columns or more, below it when narrower; imported
only then, so NumPy stays unloaded until a demo runs); ``exercise`` poses a freshly generated
question, checks the typed answer and suggests a grade.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from flashdl.errors import FlashdlError
from flashdl.scheduler.choice import FSRS_BUTTONS, SchedulerChoice, interval_text
from flashdl.scheduler.sm2 import QUALITY_LABELS
from flashdl.study.recorder import StudyRecorder
from flashdl.study.session import StudySession
from flashdl.study.wording import card_status, nothing_to_study, progress
from flashdl.tui.widgets.card_text import CardText, TextBuffers
from flashdl.tui.widgets.exercise_panel import ExercisePanel
from flashdl.tui.widgets.grade_bar import GradeBar
from flashdl.tui.widgets.media import MediaPanel

if TYPE_CHECKING:
    from flashdl.store.db import Store
    from flashdl.study.cards import StudyCard

#: From this many columns a demo panel sits beside the answer instead of below it.
WIDE_COLUMNS = 110
GRADE_KEYS = Binding.Group("Grade")

Phase = Literal["loading", "front", "answer", "empty"]


class StudyScreen(Screen[None]):
    """Study ``deck_keys`` (all decks when None), or exactly ``card_ids`` when given."""

    AUTO_FOCUS = "#card"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]

    BINDINGS = [
        Binding("space,enter", "reveal", "Show answer", id="study.reveal"),
        Binding("enter", "accept_suggested", "Accept grade", id="study.accept"),
        # after the reveal, Space/Enter answer 4 ("right, hesitant" under SM-2, Good under FSRS)
        Binding("space,enter", "grade_default", "4 / Good", id="study.grade_default"),
        # SM-2's six grades, or FSRS's four buttons (keys 1-4 for grades 1, 3, 4, 5): whichever
        # the learner's scheduler has (check_action hides the other set)
        *(
            Binding(str(g), f"grade({g})", QUALITY_LABELS[g], id=f"study.grade_{g}", group=GRADE_KEYS)
            for g in range(6)
        ),
        *(
            Binding(b.key, f"fsrs_grade({b.grade})", b.label, id=f"study.fsrs_{b.label.lower()}",
                    group=GRADE_KEYS)
            for b in FSRS_BUTTONS
        ),
        # The demo panel's header names these keys; the footer keeps its room for the grades.
        Binding("r", "demo('rerun')", "Re-run demo", id="study.demo_rerun", show=False),
        Binding("left_square_bracket", "demo('step', -1)", "Param -", id="study.demo_less", show=False),
        Binding("right_square_bracket", "demo('step', 1)", "Param +", id="study.demo_more", show=False),
        # The image caption and the sound chip name these keys.
        Binding("o", "open_image", "Open image", id="study.open_image", show=False),
        Binding("p", "play_sound", "Play sound", id="study.play_sound", show=False),
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("s", "suspend", "Suspend", id="study.suspend"),
        Binding("b", "bury", "Bury", id="study.bury"),
        Binding("q", "end_session", "End", id="study.end"),
        Binding("escape", "leave_answer_box", "Leave the answer box", id="study.leave_input"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        today: dt.date,
        deck_keys: Sequence[str] | None = None,
        card_ids: Sequence[int] | None = None,
        exercise_seeds: random.Random | None = None,
        demo_seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today
        self.deck_keys = list(deck_keys) if deck_keys is not None else None
        self.card_ids = list(card_ids) if card_ids is not None else None
        self.session: StudySession | None = None
        self.recorder: StudyRecorder | None = None
        self.card: StudyCard | None = None
        #: the card expected next, read ahead of time (see :meth:`_prepare_ahead`)
        self._upcoming: StudyCard | None = None
        self.phase: Phase = "loading"
        #: the learner's scheduler, read with the queue: which buttons, what they would do
        self.scheduler = SchedulerChoice()
        self.suggested_grade: int | None = None
        self._exercise_seeds = exercise_seeds or random.SystemRandom()
        self._demo_seed = demo_seed
        self._clock = clock
        self._shown_at = clock()
        self._media_turn = -1  # o and p step through a card's images and sounds

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="study-status"):
            yield Static("", id="card-meta", markup=False)
            yield Static("", id="progress", markup=False)
        with VerticalScroll(id="card"):
            yield Static("Loading today's cards…", id="study-message", markup=False)
            yield CardText(id="front", classes="front")
            yield CardText(id="front-next", classes="front")
            yield MediaPanel(id="front-media")
            yield Vertical(id="exercise-slot")
            with Vertical(id="answer"):
                with Vertical(id="answer-text"):
                    yield CardText(id="back", classes="back")
                    yield CardText(id="back-next", classes="back")
                    yield MediaPanel(id="back-media")
                    yield Static("", id="card-source", markup=False)
        with Vertical(id="actions"):
            yield Button("Show answer  (space)", id="reveal", compact=True)
            yield GradeBar(id="grades")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Study"
        self.fronts = TextBuffers(self.query_one("#front", CardText), self.query_one("#front-next", CardText))
        self.backs = TextBuffers(self.query_one("#back", CardText), self.query_one("#back-next", CardText))
        self.query_one("#reveal", Button).can_focus = False
        self._set_phase("loading")
        self.run_worker(self._read_queue, thread=True, name="study-queue", exit_on_error=False)

    def _read_queue(self) -> tuple[SchedulerChoice, list[int]]:
        from flashdl.config import load_settings
        from flashdl.study.cards import existing_cards, load_scheduler, todays_queue

        scheduler = load_scheduler(self.store)
        if self.card_ids is not None:
            return scheduler, existing_cards(self.store, self.card_ids)
        return scheduler, todays_queue(self.store, self.today, load_settings(), self.deck_keys)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "study-queue":
            return
        if event.state == WorkerState.SUCCESS:
            self.scheduler, queue = event.worker.result
            await self.query_one(GradeBar).use_buttons(self.scheduler.buttons)
            self.session = StudySession(queue, clock=self._clock)
            self.recorder = StudyRecorder(self.store, self.session, today=self.today)
            await self.show_current()
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self._show_message(str(error) if isinstance(error, FlashdlError) else f"Cannot read today's cards: {error}")

    # -- showing cards ------------------------------------------------------------------------

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.query_one("#study-message").display = phase in ("loading", "empty")
        self.fronts.widgets[self.fronts.shown].display = phase in ("front", "answer")
        self.query_one("#answer").display = phase == "answer"
        self.query_one("#reveal").display = phase == "front"
        self.query_one("#grades").display = phase == "answer"
        self.refresh_bindings()

    def _show_message(self, text: str) -> None:
        self.query_one("#study-message", Static).update(text)
        self._set_phase("empty")
        self.query_one("#card-meta", Static).update("")
        self.query_one("#card").focus()

    async def show_current(self) -> None:
        """Show the front of the card at the head of the queue (or the end of the session)."""
        from flashdl.study.cards import load_card

        session = self.session
        assert session is not None
        card = None
        upcoming, self._upcoming = self._upcoming, None
        if upcoming is not None and upcoming.id == session.current:
            card = upcoming  # read while the learner was on the previous card
        while session.current is not None and card is None:
            card = load_card(self.store, session.current, self.scheduler)
            if card is None:  # deleted behind our back (another flashdl, an import)
                session.drop_current()
        self.card = card
        await self._clear_card()
        if card is None:
            if session.steps:
                self._show_message("Session complete.")
                self.finish()
            else:
                self._show_message(self._nothing_due_text())
            return
        self.query_one("#card-meta", Static).update(
            card_status(
                card.deck_name, card.kind, is_new=card.is_new, is_repeat=session.is_repeat(card.id)
            )
        )
        self._update_progress()
        await self.fronts.show(card.front)
        await self.query_one("#front-media", MediaPanel).show(card.front)
        self._set_phase("front")
        self.query_one("#card").scroll_home(animate=False)
        if card.kind == "exercise":
            await self._pose_exercise(card)
        else:
            self.query_one("#card").focus()
        self._shown_at = self._clock()
        # Once this card is on screen: lay out its back, then the next card, ahead of time.
        self.call_after_refresh(self._work_ahead, card)

    def _work_ahead(self, card: StudyCard) -> None:
        self.run_worker(self._prepare_ahead(card), group="ahead", exit_on_error=False)

    async def _prepare_ahead(self, card: StudyCard) -> None:
        """Lay out this card's back and the next card's front and back while the learner reads.

        The next card is the one behind this one in the queue whatever the grade: a missed
        card goes back at least one place, suspending or burying removes it."""
        from flashdl.study.cards import load_card

        if self.card is not card or self.session is None:
            return
        await self.backs.show(card.back)
        queue = self.session.queue
        if len(queue) < 2 or self.card is not card:
            return
        try:
            upcoming = load_card(self.store, queue[1], self.scheduler)
        except FlashdlError:  # only a head start: the card is read again when its turn comes
            return
        if upcoming is not None and self.card is card:
            self._upcoming = upcoming
            await self.fronts.prepare(upcoming.front)
            await self.backs.prepare(upcoming.back)

    async def _clear_card(self) -> None:
        await self.query_one("#back-media", MediaPanel).clear()
        if self.card is None:
            await self.query_one("#front-media", MediaPanel).clear()
        if self.suggested_grade is not None:
            self.suggested_grade = None
            self.query_one(GradeBar).suggest(None)
        answer = self.query_one("#answer")
        if answer.has_class("-with-demo"):
            answer.remove_class("-with-demo")
            await self.query("#answer > .demo").remove()
        slot = self.query_one("#exercise-slot")
        if slot.children:
            await slot.remove_children()

    def _update_progress(self) -> None:
        assert self.session is not None
        stats = self.session.stats()
        self.query_one("#progress", Static).update(progress(self.session.remaining, stats.answers))

    def _nothing_due_text(self) -> str:
        from flashdl.render.dates import describe_due
        from flashdl.study.cards import next_due

        if self.card_ids is not None:
            return nothing_to_study(chosen_cards=True, one_deck=False, next_due="")
        return nothing_to_study(
            chosen_cards=False,
            one_deck=self.deck_keys is not None and len(self.deck_keys) == 1,
            next_due=describe_due(next_due(self.store, self.today, self.deck_keys), self.today),
        )

    async def _pose_exercise(self, card: StudyCard) -> None:
        from flashdl.engine import DemoError
        from flashdl.study.exercises import pose_exercise

        seed = self._exercise_seeds.randrange(2**32)
        try:
            exercise = pose_exercise(card.demo_name or "", card.demo_params, seed)
        except DemoError as exc:
            self.notify(f"This card's exercise cannot be posed: {exc}", severity="warning", markup=False)
            self.query_one("#card").focus()
            return
        panel = ExercisePanel(exercise, id="exercise")
        await self.query_one("#exercise-slot").mount(panel)
        panel.focus_answer()

    # -- revealing ------------------------------------------------------------------------

    async def action_reveal(self) -> None:
        if self.phase != "front":
            return
        panels = self.query(ExercisePanel)
        if panels:  # the answer is checked first; its Checked message reveals
            panel = panels.first()
            panel.submit(panel.query_one(Input).value)
            return
        await self.reveal()

    async def reveal(self, suggested: int | None = None) -> None:
        if self.phase != "front" or self.card is None:
            return
        self.suggested_grade = suggested
        bar = self.query_one(GradeBar)
        bar.suggest(suggested)
        bar.show_intervals(self._intervals(self.card))
        await self.backs.show(self.card.back)
        await self.query_one("#back-media", MediaPanel).show(self.card.back)
        self._show_source(self.card)
        self._set_phase("answer")
        if self.card.kind == "demonstrate" and self.card.demo_name:
            await self._mount_demo(self.card)
        self.query_one("#card").focus()

    async def _mount_demo(self, card: StudyCard) -> None:
        answer = self.query_one("#answer")
        try:
            from flashdl.tui.widgets.demo_panel import DemoPanel
        except ImportError:
            panel: Any = Static("(The demo panel is not available in this version.)", markup=False)
        else:
            panel = DemoPanel(card.demo_name, dict(card.demo_params), seed=self._demo_seed)
        panel.add_class("demo")
        answer.add_class("-with-demo")
        await answer.mount(panel)
        self.refresh_bindings()

    def _intervals(self, card: StudyCard) -> dict[int, str]:
        """What each grade would do to this card: the scheduler's own answer, in words."""
        try:
            outcomes = self.scheduler.outcomes(card.state, self.today, card_id=card.id)
        except (ValueError, TypeError):  # a state the scheduler cannot read: no labels
            return {}
        return {grade: interval_text(state, self.today) for grade, state in outcomes.items()}

    def _show_source(self, card: StudyCard) -> None:
        from flashdl.render.terminal import clean

        source = self.query_one("#card-source", Static)
        source.update(clean(f"Source: {card.source}") if card.source else "")
        source.display = bool(card.source)

    def _media(self, kind: str) -> list[str]:
        """The images or sounds of the sides on screen, front first."""
        panels = ["#front-media"] + (["#back-media"] if self.phase == "answer" else [])
        return [name for panel in panels
                for name in getattr(self.query_one(panel, MediaPanel), kind)]

    def action_open_image(self) -> None:
        """o: open the card's image in the system viewer (the next one on each press)."""
        from flashdl.tui.widgets.media import open_in_viewer

        images = self._media("images")
        if images:
            self._media_turn += 1
            self.notify(open_in_viewer(images[self._media_turn % len(images)]), markup=False)

    def action_play_sound(self) -> None:
        """p: play the card's sound (the next one on each press)."""
        from flashdl.tui.widgets.media import play_sound

        sounds = self._media("sounds")
        if sounds:
            self._media_turn += 1
            self.notify(play_sound(sounds[self._media_turn % len(sounds)]), markup=False)

    async def on_exercise_panel_checked(self, event: ExercisePanel.Checked) -> None:
        await self.reveal(event.suggested_grade)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "reveal":
            event.stop()
            await self.action_reveal()

    def _demo_panel(self) -> Widget | None:
        panels = self.query("#answer > .demo")
        return panels.first() if panels else None

    def action_demo(self, action: str, *args: int) -> None:
        """r, [ and ] work the demo panel while the card (not the panel) has the focus: the
        panel's own keys apply once it is focused (Tab or a click), which also picks the
        parameter that [ and ] step."""
        panel = self._demo_panel()
        method = getattr(panel, f"action_{action}", None)
        if method is not None:
            method(*args)

    def action_leave_answer_box(self) -> None:
        """Give the keys back to the screen (q, s, b, u) without answering."""
        self.query_one("#card").focus()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # -- grading and undo ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.phase == "front"
        if action == "demo":
            return self.phase == "answer" and self._demo_panel() is not None
        if action == "leave_answer_box":
            return isinstance(self.focused, Input)
        if action == "accept_suggested":
            return self.phase == "answer" and self.suggested_grade is not None
        if action == "grade":
            return self.phase == "answer" and not self.scheduler.is_fsrs
        if action == "fsrs_grade":
            return self.phase == "answer" and self.scheduler.is_fsrs
        if action == "grade_default":
            return self.phase == "answer" and self.suggested_grade is None
        if action in ("suspend", "bury"):
            return self.phase in ("front", "answer")
        if action == "undo":
            return self.session is not None and self.session.last_step is not None
        if action in ("open_image", "play_sound"):
            return self.phase in ("front", "answer") and bool(
                self._media("images" if action == "open_image" else "sounds"))
        return True

    async def on_grade_bar_chosen(self, event: GradeBar.Chosen) -> None:
        await self.action_grade(event.grade)

    async def action_accept_suggested(self) -> None:
        if self.suggested_grade is not None:
            await self.action_grade(self.suggested_grade)

    async def action_fsrs_grade(self, grade: int) -> None:
        await self.action_grade(grade)

    async def action_grade_default(self) -> None:
        await self.action_grade(self.scheduler.default_grade)

    async def action_grade(self, grade: int) -> None:
        """Write the answer (committed), then move on."""
        if self.phase != "answer" or self.card is None or self.recorder is None:
            return
        duration_ms = int((self._clock() - self._shown_at) * 1000)
        try:
            self.recorder.answer(self.card, grade, duration_ms=duration_ms)
        except FlashdlError as exc:
            self.notify(f"The answer was not saved: {exc}", severity="error", markup=False)
            return
        await self.show_current()

    async def action_suspend(self) -> None:
        if self.phase in ("front", "answer") and self.card and self.recorder:
            if self._saved(self.recorder.suspend, self.card):
                self.notify("Card suspended (u undoes; later: flashdl unsuspend DECK).")
                await self.show_current()

    async def action_bury(self) -> None:
        if self.phase in ("front", "answer") and self.card and self.recorder:
            if self._saved(self.recorder.bury, self.card):
                self.notify("Card buried until tomorrow (u undoes).")
                await self.show_current()

    async def action_undo(self) -> None:
        """Take back the last answer, suspension or burial, in the store and in the queue."""
        if self.recorder is None or self.recorder.session.last_step is None:
            self.notify("Nothing to undo in this session.")
            return
        if self._saved(self.recorder.undo):
            await self.show_current()

    def _saved(self, step: Callable[..., Any], *args: Any) -> bool:
        try:
            step(*args)
        except FlashdlError as exc:
            self.notify(f"Nothing was changed: {exc}", severity="error", markup=False)
            return False
        return True

    # -- the end ------------------------------------------------------------------------------

    def action_end_session(self) -> None:
        if self.session is not None and self.session.steps:
            self.finish()
        else:
            self.leave()

    def leave(self) -> None:
        """Back to where the session was started from; to the deck list when it was started
        straight from the command line (``flashdl study DECK`` has no deck list underneath)."""
        stack = self.app.screen_stack
        if len(stack) >= 2 and stack[-2].id != "_default":
            self.dismiss()
            return
        from flashdl.tui.screens.deck_list import DeckListScreen

        self.app.switch_screen(DeckListScreen(today=self.today))

    def finish(self) -> None:
        """Show the summary; from there the learner undoes, goes back to the decks, or quits."""
        from flashdl.tui.screens.summary import SummaryScreen

        assert self.session is not None
        summary = SummaryScreen(
            self.store, self.session.stats(), today=self.today, deck_keys=self.deck_keys,
            unfinished=len(set(self.session.queue)),
        )
        self.app.push_screen(summary, self._after_summary)

    async def _after_summary(self, choice: str | None) -> None:
        if choice == "undo":
            await self.action_undo()
        elif choice == "quit":
            self.app.exit()
        elif choice == "decks":  # where the summary's key says, also after a quiz's missed cards
            from flashdl.tui.navigation import back_to_decks

            back_to_decks(self.app, self.today)
        else:
            self.leave()
