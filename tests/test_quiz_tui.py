"""The quiz screen, driven like a learner drives it: keys, clicks, the clock, the end screen."""

from __future__ import annotations

import pytest
from fixtures.quiz_support import (
    FIXTURE_DECK,
    QUIZ_DECKS,
    FakeClock,
    answer,
    open_quiz_store,
    quiz_app,
    screen_text,
    write_deck,
)
from helpers.waiting import pilot_wait_until
from sqlalchemy import select

from flashdl.quiz.cards import QUESTION_TYPES, QuizConfig
from flashdl.quiz.questions import Matching, MultipleChoice, TypedAnswer
from flashdl.store.models import QuizAnswer, QuizAttempt, ReviewLog, ReviewState
from flashdl.tui.screens.quiz import QuizScreen
from flashdl.tui.screens.quiz_end import QuizEndScreen
from flashdl.tui.screens.quiz_questions import Choice

SIZE = (80, 24)
FULL = QuizConfig(deck_keys=(FIXTURE_DECK,), count=5, seed=11)


@pytest.fixture
def qstore(db_url):
    store = open_quiz_store(db_url)
    try:
        yield store
    finally:
        store.close()


def rows(store, model, *order):
    with store.read() as session:
        return session.execute(select(model).order_by(*order)).scalars().all()


async def take_quiz(pilot, plan: dict[str, bool], clock: FakeClock | None = None) -> None:
    """Answer every question: right or wrong by question type."""
    screen = pilot.app.screen
    while isinstance(pilot.app.screen, QuizScreen):
        question = screen.question
        if clock is not None:
            clock.advance(2.5)
        await answer(pilot, right=plan[question.qtype])
        assert screen.answered is not None, f"{question.qtype} was not graded"
        if question.qtype == "typed" and not plan["typed"]:
            await pilot.press("o")  # "I was right"
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


async def test_a_full_quiz_with_every_type_is_stored_answer_by_answer(qstore):
    clock = FakeClock()
    app = quiz_app(qstore, FULL, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert sorted(q.qtype for q in screen.plan.questions) == sorted(QUESTION_TYPES)
        plan = {"mc": True, "tf": False, "typed": False, "match": True, "exercise": True}
        await take_quiz(pilot, plan, clock)
        assert isinstance(app.screen, QuizEndScreen)
        shown = screen_text(app)
        assert "Quiz finished." in shown
        # the score counts questions: a matching question is one, right with all five pairs
        assert "Score 4/5 (80%)" in shown  # mc, typed (overridden), match, exercise
        assert "(true/false)" in shown  # the missed question is listed

    attempt = rows(qstore, QuizAttempt, QuizAttempt.id)
    assert len(attempt) == 1
    attempt = attempt[0]
    assert (attempt.question_count, attempt.correct_count, attempt.seed) == (5, 4, 11)
    assert attempt.decks == [FIXTURE_DECK] and attempt.finished_at is not None
    answers = rows(qstore, QuizAnswer, QuizAnswer.position)
    assert [a.position for a in answers] == list(range(9))
    by_type = {}
    for a in answers:
        by_type.setdefault(a.qtype, []).append(a)
    assert {t: len(v) for t, v in by_type.items()} == {
        "mc": 1, "tf": 1, "typed": 1, "match": 5, "exercise": 1}
    assert by_type["tf"][0].correct is False
    typed = by_type["typed"][0]
    assert (typed.correct, typed.overridden, typed.given) == (True, True, "no idea")
    assert all(a.correct and not a.overridden for a in by_type["match"])
    assert all(a.duration_ms == 2500 for a in answers)
    assert len({a.card_id for a in answers}) == 9
    # the SM-2 schedule was not touched
    assert rows(qstore, ReviewLog, ReviewLog.id) == []
    assert rows(qstore, ReviewState, ReviewState.card_id) == []


async def test_update_schedule_reviews_every_answered_card(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=2, types=("match", "tf"), seed=8,
                        update_schedule=True)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await take_quiz(pilot, {"tf": True, "match": False})
    answers = rows(qstore, QuizAnswer, QuizAnswer.position)
    logs = rows(qstore, ReviewLog, ReviewLog.id)
    assert len(logs) == len(answers) == 6
    assert sorted(a.correct for a in answers) == [False] * 5 + [True]
    grade_of = {log.card_id: log.grade for log in logs}
    for a in answers:
        assert grade_of[a.card_id] == (4 if a.correct else 1)
    assert {log.mode for log in logs} == {"quiz"}
    assert len(rows(qstore, ReviewState, ReviewState.card_id)) == 6


async def test_the_right_answer_is_shown_after_each_answer(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("typed",), seed=3)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = app.screen.question
        assert isinstance(question, TypedAnswer)
        assert question.expected not in screen_text(app)
        await pilot.press(*"something else", "enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "✗ Wrong." in shown and "Answer:" in shown
        flowing = " ".join(shown.replace("█", " ").split())  # the feedback wraps at 80 columns
        assert " ".join(question.explanation.split()) in flowing
        assert "Score 0/1" in shown
        assert "o I was right" in shown
        await pilot.press("o")
        await pilot.pause()
        assert "Score 1/1" in screen_text(app)


async def test_clicking_an_option_answers_a_multiple_choice(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("mc",), seed=3)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = app.screen.question
        assert isinstance(question, MultipleChoice)
        choices = list(app.screen.query(Choice))
        await pilot.click(choices[question.answer_index], offset=(6, 0))
        await pilot.pause()
        assert "✓ Right." in screen_text(app)
    [row] = rows(qstore, QuizAnswer, QuizAnswer.id)
    assert row.correct and row.given == question.expected


async def test_matching_by_mouse_and_re_pairing_by_keys(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("match",), seed=5)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = app.screen.question
        assert isinstance(question, Matching)
        prompts = [c for c in app.screen.query(Choice) if c.group == "match-prompt"]
        answers = [c for c in app.screen.query(Choice) if c.group == "match-answer"]
        # a wrong pair first, by mouse: prompt 1 with prompt 2's answer
        await pilot.click(prompts[0])
        await pilot.click(answers[question.solution[1]])
        await pilot.pause()
        assert app.screen.query_one("MatchPanel").pairs == {0: question.solution[1]}
        # answer first, then prompt, also pairs; giving the answer to prompt 2 moves it there
        await pilot.press("abcde"[question.solution[1]], "2")
        await pilot.pause()
        assert app.screen.query_one("MatchPanel").pairs == {1: question.solution[1]}
        await pilot.press("enter")  # not all paired: Enter does nothing yet
        await pilot.pause()
        assert app.screen.answered is None
        for i in (0, 2, 3, 4):
            await pilot.press(str(i + 1), "abcde"[question.solution[i]])
        await pilot.press("enter")
        await pilot.pause()
        assert "5 of 5 pairs right" in screen_text(app)
    assert [a.correct for a in rows(qstore, QuizAnswer, QuizAnswer.position)] == [True] * 5


async def test_the_countdown_is_shown_and_ends_the_quiz(qstore):
    clock = FakeClock()
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=5, seed=2, time_limit_s=90)
    app = quiz_app(qstore, config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Time left 01:30" in screen_text(app)
        await answer(pilot, right=True)
        await pilot.press("enter")
        clock.advance(60)  # the screen's half-second tick reads the clock
        await pilot_wait_until(pilot, lambda: "Time left 00:30" in screen_text(app),
                               lambda: f"the countdown at 00:30; the screen shows:\n{screen_text(app)}")
        clock.advance(30)
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, QuizEndScreen) and "Time is up." in screen_text(app),
            lambda: f"the end screen at 00:00; the screen shows:\n{screen_text(app)}")
        shown = screen_text(app)
        assert "Time is up." in shown and "Time 1:30" in shown
        assert "not answered (their cards count as missed)" in shown
        assert "Nothing missed." not in shown
        outcome = app.screen.outcome
        unanswered = {item.card_id for item in outcome.unanswered}
        assert unanswered and unanswered <= set(outcome.missed_card_ids)
        assert app.screen.check_action("study_missed", ()) is True
    [attempt] = rows(qstore, QuizAttempt, QuizAttempt.id)
    assert attempt.finished_at is not None and attempt.time_limit_s == 90
    assert len(rows(qstore, QuizAnswer, QuizAnswer.id)) >= 1


async def test_escape_ends_the_quiz_early_and_keeps_what_was_answered(qstore):
    app = quiz_app(qstore, FULL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, right=False)
        await pilot.press("escape")  # asks first
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert "Press Esc again to end it" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuizEndScreen)
        outcome = app.screen.outcome
        assert outcome.answered == 1 and outcome.correct == 0 and outcome.total == 5
        shown = screen_text(app)
        assert "Quiz ended early." in shown and "4 questions not answered" in shown
        assert len(outcome.missed_card_ids) >= 5  # the wrong one and every unanswered card
    [attempt] = rows(qstore, QuizAttempt, QuizAttempt.id)
    assert attempt.finished_at is not None and attempt.correct_count == 0


async def test_quitting_the_app_mid_quiz_closes_the_attempt(qstore):
    app = quiz_app(qstore, FULL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, right=True)
        await pilot.press("enter")
        await pilot.pause()
        app.exit()
    [attempt] = rows(qstore, QuizAttempt, QuizAttempt.id)
    assert attempt.finished_at is not None
    assert attempt.correct_count == len(rows(qstore, QuizAnswer, QuizAnswer.id)) >= 1


async def test_s_on_the_end_screen_studies_exactly_the_missed_cards(qstore, monkeypatch):
    from textual.screen import Screen

    import flashdl.tui.screens.study as study

    opened = []

    class RecordingStudy(Screen[None]):
        def __init__(self, store, *, today, card_ids=None, deck_keys=None):
            super().__init__()
            opened.append((store, today, card_ids))

    monkeypatch.setattr(study, "StudyScreen", RecordingStudy)
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=3, types=("mc", "tf", "exercise"), seed=8)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await take_quiz(pilot, {"mc": False, "tf": True, "exercise": False})
        missed = [a.card_id for a in rows(qstore, QuizAnswer, QuizAnswer.position) if not a.correct]
        assert len(missed) == 2
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RecordingStudy)
    assert opened == [(qstore, app.today, missed)]


async def test_the_real_study_screen_opens_on_the_missed_cards(qstore):
    from flashdl.tui.screens.study import StudyScreen

    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("tf",), seed=1)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, right=False)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert app.screen.card_ids == [app.screen_stack[-2].outcome.missed_card_ids[0]]


async def test_nothing_missed_means_nothing_to_study(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("tf",), seed=1)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, right=True)
        await pilot.press("enter")
        await pilot.pause()
        assert "Nothing missed." in screen_text(app)
        assert "study missed" not in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, QuizEndScreen)


async def test_card_text_is_shown_literally_never_as_markup(db_url, tmp_path):
    folder = tmp_path / "decks"
    cards = [
        ("Is [b]this[/b] bold? [@click=app.quit]quit[/]", "[b]Not bold[/b], [@click=app.quit]x[/]."),
        ("What is [red]red[/red]?", "A colour [i]in brackets[/i]."),
        ("Second [link=https://x]link[/link]?", "Answer two [bold]."),
        ("Third?", "Answer three [/]."),
        ("Fourth?", "Answer four \\[escaped]."),
    ]
    write_deck(folder, "markup", cards)
    store = open_quiz_store(db_url, folder)
    try:
        for types in (("mc",), ("typed",), ("match",), ("tf",)):
            config = QuizConfig(count=1, types=types, seed=1)
            app = quiz_app(store, config)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                question = app.screen.question
                shown = screen_text(app)
                if types == ("match",):
                    assert "[b]this[/b] bold? [@click=app.quit]quit[/]" in shown
                    assert "[b]Not bold[/b], [@click=app.quit]x[/]." in shown
                else:
                    assert question.card.front in shown
                if types == ("mc",):
                    for option in question.options:
                        assert option in shown
                    choices = list(app.screen.query(Choice))
                    await pilot.click(choices[0], offset=(8, 0))
                    await pilot.pause()
                    assert app.is_running  # a click on "[@click=app.quit]" text runs nothing
    finally:
        store.close()


async def test_the_quiz_opens_from_the_flashdl_app(db_url):
    from flashdl.tui.app import FlashdlApp

    open_quiz_store(db_url).close()
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=2, types=("tf",), seed=4)
    app = FlashdlApp(db_url, initial="quiz", quiz_config=config, builtin_folder=QUIZ_DECKS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, QuizScreen),
                               lambda: f"the quiz screen; the app shows {app.screen!r}")
        await pilot.pause()
        await answer(pilot, right=True)
        assert "✓ Right." in screen_text(app)
        with app.store.read() as session:
            assert session.execute(select(QuizAnswer.correct)).scalars().all() == [True]
        app.exit()  # quitting mid-quiz still closes the attempt before the store closes
    from flashdl.store import open_store

    with open_store(db_url) as store:
        [attempt] = rows(store, QuizAttempt, QuizAttempt.id)
        assert attempt.finished_at is not None and attempt.correct_count == 1


async def test_a_mixed_quiz_over_the_built_in_decks_runs_to_the_end(db_url):
    """What `flashdl quiz` does by default: every deck, every type, all answered right."""
    from flashdl.tui.app import FlashdlApp

    config = QuizConfig(count=5, seed=2026)
    app = FlashdlApp(db_url, initial="quiz", quiz_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, QuizScreen),
                               lambda: f"the quiz screen; the app shows {app.screen!r}")
        screen = app.screen
        assert sorted(q.qtype for q in screen.plan.questions) == sorted(QUESTION_TYPES)
        await take_quiz(pilot, dict.fromkeys(QUESTION_TYPES, True))
        assert isinstance(app.screen, QuizEndScreen)
        assert "Score 5/5 (100%)" in screen_text(app) and "Nothing missed." in screen_text(app)
        with app.store.read() as session:
            answers = session.execute(select(QuizAnswer)).scalars().all()
    assert {a.qtype for a in answers} == set(QUESTION_TYPES)
    assert all(a.correct and not a.overridden for a in answers)


async def test_a_selection_gone_empty_shows_why_instead_of_crashing(qstore):
    config = QuizConfig(deck_keys=("deleted-meanwhile",), seed=1)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No quiz: no deck called 'deleted-meanwhile'" in screen_text(app)
        await pilot.press("escape")  # opened on its own, so leaving it ends the app
        await pilot.pause()
        assert app.return_code == 0
    assert rows(qstore, QuizAttempt, QuizAttempt.id) == []


async def test_feedback_renders_the_back_as_markdown_never_as_markup(db_url, tmp_path):
    folder = tmp_path / "decks"
    listed = ("- keeps [b]weights[/b] small\n- is $\\lambda \\sum_i w_i^2$ added to the\n"
              "  loss, hard-wrapped here")
    cards = [("List one?", listed)] + [(f"Q{i}?", f"Answer number {i}.") for i in range(2, 6)]
    write_deck(folder, "md", cards)
    store = open_quiz_store(db_url, folder)
    try:
        for seed in range(1, 30):
            app = quiz_app(store, QuizConfig(count=1, types=("mc",), seed=seed))
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                if app.screen.question.card.front != "List one?":
                    continue
                await answer(pilot, right=True)
                await pilot.pause(0.2)
                shown = screen_text(app)
                lines = [line.strip(" █") for line in shown.splitlines()]
                assert not any(line.startswith("- ") for line in lines)  # bullets rendered
                assert "[b]weights[/b]" in shown  # literally, never markup
                assert "λ" in shown and "$" not in shown
                assert "added to the loss, hard-wrapped here" in " ".join(shown.split())
                break
        else:
            pytest.fail("no seed asked the list card")
    finally:
        store.close()


async def test_true_false_asks_whether_it_answers_the_question(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("tf",), seed=4)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = app.screen.question
        shown = screen_text(app)
        assert "Does this answer the question above? (t = yes / f = no)" in shown
        assert "True or false" not in shown
        await answer(pilot, right=True)
        shown = screen_text(app)
        wording = ("This is the answer to this question." if question.is_true
                   else "This is not the answer to this question.")
        assert wording in shown and "The statement is" not in shown
    [stored] = rows(qstore, QuizAnswer, QuizAnswer.id)
    assert stored.given in ("yes", "no") and stored.expected.startswith(("yes", "no"))


async def test_escape_in_the_answer_box_clears_it_and_any_other_key_cancels_ending(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=2, types=("typed",), seed=3)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"half", "escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.query_one("#answer-input").value == ""
        assert not screen.confirm_end
        await pilot.press("escape")
        await pilot.pause()
        assert screen.confirm_end and "Press Esc again" in screen_text(app)
        await pilot.press("x")  # goes on with the quiz
        await pilot.pause()
        assert not screen.confirm_end and "Press Esc again" not in screen_text(app)
        assert isinstance(app.screen, QuizScreen)
    [attempt] = rows(qstore, QuizAttempt, QuizAttempt.id)
    assert attempt.finished_at is not None  # the app closing still closes the attempt


async def test_an_exercise_takes_arithmetic_and_reasks_text_that_is_not_a_number(qstore):
    from flashdl.quiz.questions import ExerciseQuestion

    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("exercise",), seed=3)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        question = screen.question
        assert isinstance(question, ExerciseQuestion)
        await pilot.press(*"abc", "enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "'abc' is not a number" in shown and "✗ Wrong." not in shown
        assert screen.answered is None and rows(qstore, QuizAnswer, QuizAnswer.position) == []
        value = question.exercise.answer[0]
        screen.query_one("#answer-input").value = f"({value!r})*2/2"  # arithmetic, worth the same
        await pilot.press("enter")
        await pilot.pause()
        assert "✓ Right." in screen_text(app)
        [stored] = rows(qstore, QuizAnswer, QuizAnswer.position)
        assert stored.correct
