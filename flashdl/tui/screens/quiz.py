"""The quiz screen: one question at a time, graded on the spot, stored as it is answered.

Flow per question: ask -> the learner answers (keys or mouse) -> the answer is graded, committed to
the store and the right answer shown -> Enter moves on. After the last question, when the time
limit runs out or on Escape, the attempt is closed and the end screen takes over. The quiz itself
(questions, options, order) comes from the pure :func:`flashdl.quiz.builder.build_quiz`, seeded,
so a ``--seed`` reproduces it exactly.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input

from flashdl.errors import FlashdlError
from flashdl.quiz.builder import QuizPlan, build_quiz
from flashdl.quiz.cards import TYPE_NAMES, QuizConfig
from flashdl.quiz.questions import (
    ExerciseQuestion,
    GradedItem,
    Matching,
    MultipleChoice,
    Question,
    TrueFalse,
    TypedAnswer,
    unanswered_items,
)
from flashdl.quiz.wording import feedback_lines
from flashdl.render.terminal import clean
from flashdl.store.quiz import (
    StoredAnswer,
    add_correct_question,
    finish_attempt,
    load_selection,
    override_answer,
    record_quiz_answer,
    start_attempt,
)
from flashdl.tui.screens.quiz_ask import HINTS, answer_widget, prompt_text
from flashdl.tui.screens.quiz_end import QuizEndScreen, QuizOutcome
from flashdl.tui.screens.quiz_match import MatchPanel
from flashdl.tui.screens.quiz_questions import AnswerInput, Choice, ChoicePanel, Plain
from flashdl.tui.widgets.card_text import CardText

if TYPE_CHECKING:
    from flashdl.store.db import Store


def format_clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))  # a countdown shows 00:01 until time is really up
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class QuizScreen(Screen[None]):
    """A practice test over the configured decks."""

    DEFAULT_CSS = """
    QuizScreen { layout: vertical; }
    QuizScreen #status { height: 1; padding: 0 1; background: $panel; }
    QuizScreen #notices { height: auto; padding: 0 1; color: $warning; }
    QuizScreen #body { height: 1fr; padding: 0 1; }
    QuizScreen #prompt { text-style: bold; margin: 1 0 0 0; }
    QuizScreen #hint { color: $text-muted; margin: 1 0 0 0; }
    QuizScreen #hint.-warning { color: $warning; }
    QuizScreen #feedback { margin: 1 0 0 0; padding: 0 1; height: auto; }
    QuizScreen #feedback.-right { border-left: thick $success; }
    QuizScreen #feedback.-wrong { border-left: thick $error; }
    """

    BINDINGS = [
        Binding("1", "pick(0)", "1-4 choose", show=False),
        Binding("2", "pick(1)", show=False),
        Binding("3", "pick(2)", show=False),
        Binding("4", "pick(3)", show=False),
        Binding("5", "pick(4)", show=False),
        *(Binding(key, f"pick_answer({i})", show=False) for i, key in enumerate("abcde")),
        Binding("t", "true_false(True)", "yes"),
        Binding("f", "true_false(False)", "no"),
        # one key, three meanings; the footer names the one that applies now
        Binding("enter", "check", "check"),
        Binding("enter", "proceed", "next"),
        Binding("enter", "results", "see results"),
        Binding("o", "override", "I was right"),
        Binding("escape", "end_quiz", "end quiz"),
    ]

    def __init__(
        self,
        store: Store,
        config: QuizConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.store = store
        self.config = config = config or QuizConfig()
        self.clock = clock
        seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        #: why no quiz could be made (the command checks first, but decks can change meanwhile)
        self.error: FlashdlError | None = None
        try:
            self.deck_keys, cards = load_selection(self.store, config.deck_keys)
            self.plan = build_quiz(cards, count=config.count, types=config.types, seed=seed)
        except FlashdlError as exc:
            self.error = exc
            self.deck_keys, self.plan = [], QuizPlan(seed, (), ())
        self.index = 0
        self.position = 0
        self.answered: StoredAnswer | None = None  # set while the answer to a question is shown
        self.current_answers: list[StoredAnswer] = []
        self.results: list[StoredAnswer] = []
        #: one per answered question: all of it right (a matching question: every pair)
        self.question_right: list[bool] = []
        #: Esc was pressed once; a second Esc ends the quiz early, any other key only goes on
        self.confirm_end = False
        self._focus_before_prompt: Widget | None = None
        self.attempt_id: int | None = None
        self.started = 0.0
        self.question_started = 0.0
        #: the next question's widgets are being mounted: answer keys wait (typed ahead, a double
        #: Enter or a fast "Enter 1" would otherwise reach a question that is not on screen yet)
        self.mounting = True
        self.finished = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Plain(id="status")
        yield Plain("\n".join(self.plan.notices), id="notices")
        with VerticalScroll(id="body"):
            yield Plain(id="prompt")
            yield Plain(id="hint")
            yield Plain(id="feedback")
            yield CardText(id="explanation")
        yield Footer()

    async def on_mount(self) -> None:
        if self.error is not None:
            self.query_one("#prompt", Plain).show(f"No quiz: {self.error}")
            self.query_one("#status", Plain).show("Quiz")
            self.query_one("#notices").display = False
            self.query_one("#feedback").display = False
            self.query_one("#explanation").display = False
            self.finished = True
            self.refresh_bindings()
            return
        self.attempt_id = start_attempt(
            self.store,
            deck_keys=self.deck_keys,
            types=self.config.types,
            seed=self.plan.seed,
            question_count=len(self.plan.questions),
            time_limit_s=self.config.time_limit_s,
            update_schedule=self.config.update_schedule,
        )
        self.started = self.clock()
        self.query_one("#notices").display = bool(self.plan.notices)
        if self.config.time_limit_s:
            self.set_interval(0.5, self._tick)
        await self._ask()

    @property
    def question(self) -> Question:
        return self.plan.questions[self.index]

    @property
    def today(self) -> dt.date:
        return self.config.today or getattr(self.app, "today", None) or dt.date.today()

    def _update_status(self) -> None:
        total = len(self.plan.questions)
        right = sum(self.question_right)
        parts = [
            f"Question {min(self.index + 1, total)} of {total} · {TYPE_NAMES[self.question.qtype]}",
            f"Score {right}/{len(self.question_right)}",
        ]
        if self.config.time_limit_s:
            left = self.config.time_limit_s - (self.clock() - self.started)
            parts.append(f"Time left {format_clock(left)}")
        self.query_one("#status", Plain).show("   ".join(parts))

    def _tick(self) -> None:
        if self.finished:
            return
        self._update_status()
        if self.clock() - self.started >= (self.config.time_limit_s or 0):
            self._finish(time_up=True)

    async def _ask(self) -> None:
        self.mounting = True
        question = self.question
        self.answered = None
        self.current_answers = []
        body = self.query_one("#body", VerticalScroll)
        for old in body.query("ChoicePanel, AnswerInput, MatchPanel"):
            await old.remove()
        feedback = self.query_one("#feedback", Plain)
        feedback.show("")
        feedback.display = False
        feedback.remove_class("-right", "-wrong")
        self.query_one("#explanation", CardText).display = False

        self.query_one("#prompt", Plain).show(prompt_text(question))
        widget = answer_widget(question)
        hint = self.query_one("#hint", Plain)
        hint.show(HINTS[question.qtype])
        hint.remove_class("-warning")
        hint.display = True
        await body.mount(widget, before=hint)
        body.scroll_home(animate=False)
        if isinstance(widget, AnswerInput):
            widget.query_one(Input).focus()
        else:
            self.set_focus(None)
        self.question_started = self.clock()
        self.mounting = False
        self._update_status()
        self.refresh_bindings()

    # --- answering --------------------------------------------------------------------------

    def _duration_ms(self) -> int:
        return int((self.clock() - self.question_started) * 1000)

    def _grade(self, items: list[GradedItem]) -> None:
        """Store the graded items (each committed at once) and show the right answer."""
        assert self.attempt_id is not None
        self._disarm_end()
        duration = self._duration_ms()
        matching = isinstance(self.question, Matching)
        for item in items:
            stored = record_quiz_answer(
                self.store,
                self.attempt_id,
                self.position,
                item,
                duration_ms=duration,
                update_schedule=self.config.update_schedule,
                today=self.today,
                counts=not matching,
            )
            self.position += 1
            self.current_answers.append(stored)
            self.results.append(stored)
        all_right = all(item.correct for item in items)
        if matching and all_right:
            assert self.attempt_id is not None
            add_correct_question(self.store, self.attempt_id)
        self.question_right.append(all_right)
        self.answered = self.current_answers[-1]
        self._show_feedback()
        self._update_status()
        self.refresh_bindings()

    def _show_feedback(self) -> None:
        """The verdict, then the whole answer: the card's full back (the options showed only its
        first sentence), or an exercise's number with the worked solution."""
        question = self.question
        items = [s.item for s in self.current_answers]
        right = sum(1 for item in items if item.correct)
        feedback = self.query_one("#feedback", Plain)
        all_right = right == len(items)
        feedback.set_class(all_right, "-right")
        feedback.set_class(not all_right, "-wrong")
        feedback.show("\n".join(feedback_lines(question, items)))
        feedback.display = True
        explanation = self.query_one("#explanation", CardText)
        if isinstance(question, Matching | ExerciseQuestion):
            explanation.display = False
        else:
            # the card's back as study shows it: Markdown, math as Unicode, never markup
            explanation.show(question.card.back)
            explanation.display = True
        self.query_one("#hint").display = False
        self.set_focus(None)
        self.call_after_refresh(feedback.scroll_visible, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show in the footer only the keys that do something now."""
        if self.finished or not self.plan.questions:
            return action == "end_quiz"
        if self.mounting:
            return action == "end_quiz"
        question = self.question
        asking = self.answered is None
        if action == "pick":
            return asking and isinstance(question, (MultipleChoice, Matching))
        if action == "pick_answer":
            return asking and isinstance(question, Matching)
        if action == "true_false":
            return asking and isinstance(question, TrueFalse)
        if action == "override":
            return (
                self.answered is not None
                and isinstance(question, (TypedAnswer, ExerciseQuestion))
                and not self.answered.item.correct
            )
        if action == "check":
            return asking and isinstance(question, Matching)
        if action in ("proceed", "results"):
            last = self.index + 1 >= len(self.plan.questions)
            return not asking and last == (action == "results")
        return True

    def _match_panel(self) -> MatchPanel:
        return self.query_one(MatchPanel)

    def action_pick(self, index: int) -> None:
        question = self.question
        if self.answered is not None:
            return
        if isinstance(question, MultipleChoice) and index < len(question.options):
            self._answer_choice(index)
        elif isinstance(question, Matching):
            self._match_panel().pick_prompt(index)

    def action_pick_answer(self, index: int) -> None:
        if self.answered is None and isinstance(self.question, Matching):
            self._match_panel().pick_answer(index)

    def action_true_false(self, value: bool) -> None:
        if self.answered is None and isinstance(self.question, TrueFalse):
            self._answer_choice(value)

    def _answer_choice(self, value: int | bool) -> None:
        question = self.question
        panel = self.query_one(ChoicePanel)
        if isinstance(question, MultipleChoice):
            item = question.grade(int(value))
            panel.reveal(int(value), question.answer_index)
        else:
            assert isinstance(question, TrueFalse)
            item = question.grade(bool(value))
            panel.reveal(bool(value), question.is_true)
        self._grade([item])

    @on(Choice.Picked)
    def _choice_clicked(self, message: Choice.Picked) -> None:
        if message.choice.group:  # matching rows are handled by their panel
            return
        if self.answered is None:
            self._answer_choice(message.choice.value)

    @on(Input.Submitted, "#answer-input")
    def _typed_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        question = self.question
        if self.answered is not None or not isinstance(question, (TypedAnswer, ExerciseQuestion)):
            return
        if isinstance(question, ExerciseQuestion):
            hint = question.reask_hint(event.value)
            if hint is not None:  # not a number or arithmetic: ask again, ungraded
                self.query_one("#hint", Plain).show(clean(hint))
                self.query_one("#hint").add_class("-warning")
                return
        event.input.disabled = True
        self._grade([question.grade(event.value)])

    def action_override(self) -> None:
        answered = self.answered
        if (
            answered is None
            or answered.item.correct
            or not isinstance(self.question, (TypedAnswer, ExerciseQuestion))
        ):
            return
        updated = override_answer(self.store, answered, today=self.today)
        self.current_answers[-1] = updated
        self.results[-1] = updated
        self.question_right[-1] = True
        self.answered = updated
        self._show_feedback()
        self._update_status()
        self.refresh_bindings()

    def action_check(self) -> None:
        """Enter on a matching question: check it when every prompt has an answer, otherwise say
        which prompts are still missing one."""
        question = self.question
        if self.answered is not None or not isinstance(question, Matching):
            return
        panel = self._match_panel()
        if not panel.complete:
            hint = self.query_one("#hint", Plain)
            hint.show(panel.missing_text())
            hint.add_class("-warning")
            hint.display = True
            self.call_after_refresh(hint.scroll_visible, animate=False)
            return
        panel.reveal()
        self._grade(question.grade(panel.pairs))

    async def action_proceed(self) -> None:
        if self.answered is None:
            return
        if self.index + 1 < len(self.plan.questions):
            self.index += 1
            await self._ask()
        else:
            self._finish(time_up=False)

    async def action_results(self) -> None:
        await self.action_proceed()

    def action_end_quiz(self) -> None:
        if self.error is not None:  # nothing to finish: back to where the quiz was opened from
            if len(self.app.screen_stack) > 2:
                self.dismiss()
            else:
                self.app.exit()
            return
        if self.finished:
            return
        focused = self.focused
        if isinstance(focused, Input) and focused.value and not focused.disabled:
            focused.value = ""  # Esc in the answer box clears it first
            self._disarm_end()
            return
        if not self.confirm_end:
            self.confirm_end = True
            left = len(self.plan.questions) - len(self.question_right)
            self.query_one("#notices", Plain).show(
                f"End the quiz now? {left} question{'s' if left != 1 else ''} not answered. "
                "Press Esc again to end it; any other key goes on.")
            self.query_one("#notices").display = True
            # while asking, every key comes to the screen, so that "any other key" only goes on
            self._focus_before_prompt = self.focused
            self.set_focus(None)
            return
        self._finish(time_up=False, ended_early=True)

    def _disarm_end(self) -> None:
        if self.confirm_end:
            self.confirm_end = False
            self.query_one("#notices", Plain).show("\n".join(self.plan.notices))
            self.query_one("#notices").display = bool(self.plan.notices)
            focus, self._focus_before_prompt = self._focus_before_prompt, None
            if focus is not None and focus.is_attached and not focus.disabled:
                self.set_focus(focus)

    def on_key(self, event: events.Key) -> None:
        if self.confirm_end and event.key != "escape":
            # the key dismisses the prompt and does nothing else: it is no answer
            event.stop()
            event.prevent_default()
            self._disarm_end()

    # --- the end ---------------------------------------------------------------------------

    def _close_attempt(self) -> None:
        """Every way a quiz ends (last answer, time, Esc, quitting the app) closes the attempt:
        it gets its finish time and its score in questions; unanswered ones count as not right."""
        if self.finished or self.attempt_id is None:
            return
        self.finished = True
        finish_attempt(self.store, self.attempt_id, correct_count=sum(self.question_right))

    def _finish(self, *, time_up: bool, ended_early: bool = False) -> None:
        if self.finished:
            return
        elapsed = self.clock() - self.started
        self._close_attempt()
        outcome = QuizOutcome(
            attempt_id=self.attempt_id or 0,
            total=len(self.plan.questions),
            answered=len(self.question_right),
            correct=sum(self.question_right),
            elapsed_s=elapsed,
            time_up=time_up,
            missed=tuple(r.item for r in self.results if not r.item.correct),
            today=self.today,
            unanswered=unanswered_items(self.plan.questions[len(self.question_right):]),
            ended_early=ended_early,
        )
        self.app.switch_screen(QuizEndScreen(self.store, outcome))

    def on_unmount(self) -> None:
        # Quitting the app mid-quiz still closes the attempt; the answers are already stored.
        self._close_attempt()
