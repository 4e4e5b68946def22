"""Whole study sessions driven through the keyboard and mouse with Textual's Pilot, on a
temporary FLASHDL_HOME holding only the fixture decks; the store is checked afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures.study.kit import (
    TODAY,
    card_ids,
    dump,
    flat,
    make_app,
    make_store,
    review_log,
    screen_text,
    settle,
)

from flashdl.store.models import Card, ReviewState
from flashdl.tui.screens.deck_list import DeckListScreen
from flashdl.tui.screens.study import StudyScreen
from flashdl.tui.screens.summary import SummaryScreen

SIZE = (80, 24)


@pytest.fixture
def store(db_url: str):
    s = make_store(db_url)
    yield s
    s.close()


@pytest.fixture
def basic(store) -> dict[str, int]:
    return card_ids(store, "study-basic")


def shown_key(app) -> str:
    screen = app.screen
    assert isinstance(screen, StudyScreen) and screen.card is not None
    return screen.card.key


async def answer(pilot, grade: int) -> None:
    await pilot.press("space")
    await settle(pilot, rounds=1)
    await pilot.press(str(grade))
    await settle(pilot, rounds=1)


def state_of(store, card_id: int):
    with store.read() as session:
        return session.get(ReviewState, card_id)


async def test_front_then_back_then_grade_commits_the_answer_before_the_next_card(store, basic, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "What does an L2 penalty add to the loss?" in text
        assert "shrinks every weight" not in text  # the back is hidden
        assert "5 to go · 0 answered" in text

        await pilot.press("space")
        await settle(pilot, rounds=1)
        text = screen_text(app)
        assert "λ∑ᵢ wᵢ²: it shrinks every weight" in text  # math shown as Unicode
        assert "0 today · blackout" in text and "5 1d · perfect" in text  # every grade labelled

        await pilot.press("5")
        await settle(pilot, rounds=1)
        # the answer is in the store by the time the next card is on screen
        assert shown_key(app) == "he-std"
        assert review_log(store) == [(basic["l2-penalty"], 5, "study")]
        state = state_of(store, basic["l2-penalty"])
        assert (state.repetitions, state.interval, state.due) == (1, 1, TODAY + dt.timedelta(days=1))


async def test_grade_keys_do_nothing_before_the_answer_is_shown(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "3")
        await settle(pilot, rounds=1)
        assert shown_key(app) == "l2-penalty"
        assert review_log(store) == []


async def test_a_missed_card_comes_back_a_few_cards_later_until_it_gets_a_4_or_5(store, basic, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    grades = {"l2-penalty": [2, 3, 4], "he-std": [5], "inverted-scale": [5], "lasso": [5], "adam-eps": [5]}
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while isinstance(app.screen, StudyScreen):
            key = shown_key(app)
            seen.append(key)
            await answer(pilot, grades[key].pop(0))
        assert isinstance(app.screen, SummaryScreen)
    assert seen == ["l2-penalty", "he-std", "inverted-scale", "lasso", "l2-penalty", "adam-eps", "l2-penalty"]
    l2 = basic["l2-penalty"]
    assert [g for c, g, _ in review_log(store) if c == l2] == [2, 3, 4]
    state = state_of(store, l2)
    assert not state.needs_redrill and state.due == TODAY + dt.timedelta(days=1)


async def test_undo_goes_back_to_the_start_leaving_store_log_and_queue_as_before(store, basic, db_url):
    before = dump(store)
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        start_queue = screen.session.queue
        await answer(pilot, 1)  # l2-penalty missed: re-queued
        await answer(pilot, 5)  # he-std
        await pilot.press("s")  # suspend inverted-scale
        await settle(pilot, rounds=1)
        await pilot.press("space", "b")  # bury lasso with its answer showing
        await settle(pilot, rounds=1)
        await answer(pilot, 3)  # adam-eps
        assert len(review_log(store)) == 3 and dump(store) != before

        for _ in range(5):
            await pilot.press("u")
            await settle(pilot, rounds=1)
        assert dump(store) == before  # states, log, suspensions and burials exactly as before
        assert screen.session.queue == start_queue
        assert screen.session.last_step is None
        assert shown_key(app) == "l2-penalty" and screen.phase == "front"
        assert "5 to go · 0 answered" in screen_text(app)

        await pilot.press("u")  # nothing left to undo: says so, changes nothing
        await settle(pilot, rounds=1)
        assert dump(store) == before


async def test_suspend_takes_the_card_out_for_good(store, basic, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot, rounds=1)
        assert shown_key(app) == "he-std"
        assert basic["l2-penalty"] not in app.screen.session.queue
    with store.read() as session:
        assert session.get(Card, basic["l2-penalty"]).suspended
    assert review_log(store) == []


async def test_bury_hides_the_card_until_tomorrow(store, basic, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot, rounds=1)
        assert shown_key(app) == "he-std"
    with store.read() as session:
        assert session.get(Card, basic["l2-penalty"]).buried_until == TODAY + dt.timedelta(days=1)
    from flashdl.config import load_settings
    from flashdl.store.queries import study_queue

    with store.read() as session:
        assert basic["l2-penalty"] not in study_queue(session, TODAY, load_settings())
        tomorrow = study_queue(session, TODAY + dt.timedelta(days=1), load_settings())
    assert basic["l2-penalty"] in tomorrow


async def test_the_summary_reports_the_session_and_the_week_ahead(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer(pilot, 2)  # l2-penalty missed once
        for _ in range(5):
            await answer(pilot, 5)
        assert isinstance(app.screen, SummaryScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "6 answers to 5 cards" in text
        assert "83%" in text  # 5 of 6 graded 3 or better
        assert "Session complete" in text
        assert "Redrills            1 answer sent its card back to be drilled again" in text
        assert "Due tomorrow        5 reviews" in text
        assert "Sun 15 Mar" in text and "Sat 21 Mar" in text  # 7 days, from tomorrow
        assert app.screen.forecast[0] == (TODAY + dt.timedelta(days=1), 5)

        await pilot.press("enter")  # back to the deck list, counts refreshed
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        basic_row = next(c for c in app.screen.counts if c.key == "study-basic")
        assert (basic_row.new, basic_row.due) == (0, 0)
        assert "Nothing due in Study basics today. The next review is due tomorrow" in flat(
            screen_text(app)
        )
        await pilot.press("q")
    assert app.return_code == 0


async def test_q_ends_the_session_and_q_on_the_summary_quits(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer(pilot, 4)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "1 answer to 1 card" in text and "1 answers" not in text
        assert "none (no answer asked for a repeat)" in text
        assert "Session complete" not in text and "Session ended early: 4 cards of it not done" in text
        assert "Due tomorrow        1 review\n" in text or "Due tomorrow        1 review " in text
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_quitting_early_after_a_miss_says_what_is_left_for_today(store, db_url):
    """The missed card is due again today: not "Session complete", not "due tomorrow"."""
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer(pilot, 1)
        await pilot.press("q")
        await settle(pilot)
        text = screen_text(app)
        assert "Session ended early: 5 cards of it not done" in text
        assert "Left for today      1 card due" in text
        assert "Due tomorrow        0 reviews, plus the 1 left today if not done" in text
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    assert len(review_log(store)) == 1


async def test_undo_from_the_summary_brings_the_last_card_back(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-demo"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer(pilot, 5)  # the only card: the summary follows
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen) and shown_key(app) == "dropout-mask"
    assert review_log(store) == []


async def test_q_before_any_answer_goes_straight_back_to_the_decks(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)


async def test_mouse_reveals_and_grades(store, basic, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await pilot.click("#reveal")
        await settle(pilot, rounds=1)
        assert app.screen.phase == "answer"
        assert await pilot.click("#grade-3")
        await settle(pilot, rounds=1)
        assert shown_key(app) == "he-std"
    assert review_log(store) == [(basic["l2-penalty"], 3, "study")]


async def test_the_footer_shows_the_keys_that_apply_now(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Show answer" in footer and "Grade" not in footer and "Undo" not in footer
        await pilot.press("space")
        await settle(pilot, rounds=1)
        footer = screen_text(app).splitlines()[-1]
        assert "0 1 2 3 4 5 Grade" in footer and "Show answer" not in footer
        await pilot.press("4")
        await settle(pilot, rounds=1)
        assert "Undo" in screen_text(app).splitlines()[-1]


async def test_help_screen_opens_with_question_mark_and_closes_with_escape(store, db_url):
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot, rounds=1)
        text = screen_text(app)
        assert "bury the card until tomorrow" in text and "0 blackout · 1 recognised" in text
        await pilot.press("escape")
        await settle(pilot, rounds=1)
        assert isinstance(app.screen, StudyScreen)


async def test_studying_given_card_ids_shows_exactly_those_even_when_not_due(store, basic, db_url):
    from flashdl.store.reviews import record_answer

    for key in ("lasso", "he-std"):  # learned: not due today
        record_answer(store, basic[key], 5, today=TODAY)
    wanted = [basic["lasso"], basic["he-std"]]
    app = make_app(db_url, initial="study", card_ids=wanted)
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while isinstance(app.screen, StudyScreen) and app.screen.card is not None:
            seen.append(shown_key(app))
            await answer(pilot, 5)
    assert seen == ["lasso", "he-std"]


async def test_daily_new_card_limit_comes_from_the_config_file(store, db_url, flashdl_home):
    (flashdl_home / "config.toml").write_text("[decks.study-basic]\nnew_per_day = 2\n")
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.session.queue == tuple(card_ids(store, "study-basic").values())[:2]


async def test_a_deck_with_nothing_due_says_when_the_next_card_is_due(store, basic, db_url):
    from flashdl.store.reviews import record_answer

    for card_id in basic.values():
        record_answer(store, card_id, 5, today=TODAY - dt.timedelta(days=1))
        record_answer(store, card_id, 5, today=TODAY)  # second review: due in 6 days
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Nothing to study in this deck today." in text
        assert "The next review is due in 6 days, on Fri 20 Mar 2026." in text
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)


async def test_an_answer_that_cannot_be_saved_is_reported_and_the_card_stays(store, basic, db_url, monkeypatch):
    import sqlite3

    monkeypatch.setenv("FLASHDL_BUSY_TIMEOUT_MS", "50")
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot, rounds=1)
        blocker = sqlite3.connect(store.sqlite_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await pilot.press("5")
            await settle(pilot, rounds=1)
            assert shown_key(app) == "l2-penalty" and app.screen.phase == "answer"
            await settle(pilot)
            assert "The answer was not saved" in flat(screen_text(app))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert review_log(store) == []
        await pilot.press("5")  # the lock is gone: now it is saved
        await settle(pilot, rounds=1)
        assert shown_key(app) == "he-std"
    assert review_log(store) == [(basic["l2-penalty"], 5, "study")]


async def test_a_session_started_with_an_open_store_ends_on_the_deck_list(db_url):
    from flashdl.tui.app import FlashdlApp

    store = make_store(db_url)  # what `flashdl study DECK` hands over after checking the name
    closed = []
    close = store.close
    store.close = lambda: (closed.append(True), close())
    app = FlashdlApp(db_url, today=TODAY, initial="study", deck_keys=["study-basic"], store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.store is store and shown_key(app) == "l2-penalty"
        await answer(pilot, 5)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("enter")  # summary -> decks
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        assert row_counts(app, "study-basic") == (4, 0)
    assert closed == [True]  # the app closed the store it was given


def row_counts(app, key: str) -> tuple[int, int]:
    deck = next(c for c in app.screen.counts if c.key == key)
    return deck.new, deck.due
