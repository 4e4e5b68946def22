"""Keys on the quiz screens do what they say: Enter on an unfinished matching question says what is
missing, the footer names what Enter does now, the Esc prompt's "any other key" only goes on, and
"Back to decks" after studying the missed cards goes to the decks."""

from __future__ import annotations

import pytest
from fixtures.quiz_support import (
    FIXTURE_DECK,
    QUIZ_DECKS,
    answer,
    open_quiz_store,
    quiz_app,
    screen_text,
)
from sqlalchemy import select

from flashdl.quiz.cards import QuizConfig
from flashdl.quiz.questions import Matching
from flashdl.store.models import QuizAnswer
from flashdl.tui.screens.quiz import QuizScreen
from flashdl.tui.screens.quiz_end import QuizEndScreen

SIZE = (80, 24)


@pytest.fixture
def qstore(db_url):
    store = open_quiz_store(db_url)
    try:
        yield store
    finally:
        store.close()


def flowing(app) -> str:
    return " ".join(screen_text(app).split())


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def shown(pilot, predicate) -> bool:
    """Whether ``predicate(app)`` comes true within a second or two (the footer redraws a frame
    after the bindings change; a busy machine takes longer)."""
    for _ in range(40):
        if predicate(pilot.app):
            return True
        await pilot.pause(0.05)
    return predicate(pilot.app)


async def test_enter_on_an_unfinished_matching_question_says_what_is_missing(qstore):
    # eight text cards make one matching question; the second question falls back to another type
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=2, types=("match",), seed=5)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        question = screen.question
        assert isinstance(question, Matching)
        assert await shown(pilot, lambda app: "⏎ check" in footer(app))
        assert "next" not in footer(app)
        for i in (0, 2, 4):  # pairs for prompts 1, 3 and 5; 2 and 4 are left
            await pilot.press(str(i + 1), "abcde"[question.solution[i]])
        await pilot.press("enter")
        await pilot.pause()
        assert screen.answered is None  # not checked
        free = sorted("abcde"[question.solution[i]] for i in (1, 3))
        missing = f"Prompts 2 and 4 have no answer (answers {free[0]} and {free[1]} are still free)"
        assert await shown(pilot, lambda app: missing in flowing(app))
        for i in (1, 3):
            await pilot.press(str(i + 1), "abcde"[question.solution[i]])
        await pilot.press("enter")
        await pilot.pause()
        assert screen.answered is not None
        assert await shown(pilot, lambda app: "5 of 5 pairs right" in screen_text(app))
        assert "have no answer" not in screen_text(app)
        assert await shown(pilot, lambda app: "⏎ next" in footer(app))
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(screen.question, Matching)
        assert await shown(pilot, lambda app: "⏎" not in footer(app))  # nothing for Enter yet
        await answer(pilot, right=True)
        assert await shown(pilot, lambda app: "⏎ see results" in footer(app))  # the last one
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizEndScreen)


async def test_the_key_that_dismisses_the_end_prompt_is_no_answer(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=2, types=("tf",), seed=4)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("escape")
        await pilot.pause()
        assert screen.confirm_end
        assert await shown(pilot, lambda app: "any other key goes on" in flowing(app))
        await pilot.press("t")  # goes on, and answers nothing
        await pilot.pause()
        assert not screen.confirm_end
        assert await shown(pilot, lambda app: "any other key goes on" not in flowing(app))
        assert screen.answered is None and isinstance(app.screen, QuizScreen)
        await pilot.press("t")  # now it is an answer
        await pilot.pause()
        assert screen.answered is not None
    with qstore.read() as session:
        assert len(session.execute(select(QuizAnswer)).scalars().all()) == 1


async def test_the_answer_box_keeps_its_text_and_focus_across_the_end_prompt(qstore):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("typed",), seed=3)
    app = quiz_app(qstore, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#answer-input")
        await pilot.press("escape")  # an empty box: asks at once
        await pilot.pause()
        assert screen.confirm_end
        await pilot.press("enter")  # would have submitted the empty answer
        await pilot.pause()
        assert not screen.confirm_end and screen.answered is None
        assert app.focused is box and box.value == ""
        await pilot.press("x")  # typing works again
        await pilot.pause()
        assert box.value == "x"


async def test_back_to_decks_after_studying_the_missed_cards_goes_to_the_decks(db_url):
    from flashdl.tui.app import FlashdlApp
    from flashdl.tui.screens.deck_list import DeckListScreen
    from flashdl.tui.screens.study import StudyScreen
    from flashdl.tui.screens.summary import SummaryScreen

    open_quiz_store(db_url).close()
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=1, types=("tf",), seed=1)
    app = FlashdlApp(db_url, initial="quiz", quiz_config=config, builtin_folder=QUIZ_DECKS)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if isinstance(app.screen, QuizScreen):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        await answer(pilot, right=False)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizEndScreen)
        await pilot.press("s")  # study the missed card
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        study = app.screen
        for _ in range(100):
            if study.phase == "front":
                break
            await pilot.pause(0.05)
        await pilot.press("space", "4")  # show the answer, grade it: the session is done
        for _ in range(100):
            if isinstance(app.screen, SummaryScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, SummaryScreen)
        assert await shown(pilot, lambda app: "Back to decks" in footer(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckListScreen)
        assert not any(isinstance(s, QuizEndScreen | StudyScreen) for s in app.screen_stack)
