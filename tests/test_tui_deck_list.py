"""The deck list that ``flashdl study`` opens: counts per deck, what Enter / a / t / q do, and
what it says when there is nothing to study."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures.study.kit import TODAY, card_ids, flat, make_app, make_store, screen_text, settle
from helpers.waiting import pilot_wait_until

from flashdl.store.reviews import record_answer
from flashdl.store.sqlite_file import sqlite_url
from flashdl.tui.app import FlashdlApp
from flashdl.tui.screens.deck_list import DeckListScreen
from flashdl.tui.screens.study import StudyScreen

SIZE = (80, 24)


@pytest.fixture
def store(db_url: str):
    s = make_store(db_url)
    yield s
    s.close()


def row(app, key: str):
    return next(c for c in app.screen.counts if c.key == key)


async def test_the_deck_list_shows_new_due_and_redrill_counts_per_deck(store, db_url):
    ids = card_ids(store, "study-basic")
    yesterday = TODAY - dt.timedelta(days=1)
    record_answer(store, ids["l2-penalty"], 5, today=yesterday)  # due today
    record_answer(store, ids["he-std"], 3, today=TODAY)  # a 3: same-day repeat pending
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        basic = row(app, "study-basic")
        assert (basic.new, basic.due, basic.redrill, basic.total) == (3, 1, 1, 5)
        lines = screen_text(app).splitlines()
        basic_line = next(line for line in lines if "Study basics" in line)
        assert basic_line.split()[-4:] == ["3", "1", "1", "5"]
        assert any(line.split()[-4:] == ["1", "0", "0", "1"] for line in lines if "Study demos" in line)


async def test_enter_studies_the_highlighted_deck(store, db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # the second deck: Study demos
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert app.screen.deck_keys == ["study-demo"]
        assert app.screen.card.key == "dropout-mask"


async def test_a_studies_all_decks(store, db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen) and app.screen.deck_keys is None
        assert app.screen.session.remaining == 6


async def test_q_quits(store, db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0


async def test_t_opens_the_statistics_screen(store, db_url):
    from flashdl.tui.screens import stats
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, stats.StatsScreen)


async def test_an_empty_store_says_how_to_import_a_deck(db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "No decks yet. Import one with `flashdl import FILE`" in text
        await pilot.press("enter", "a")  # nothing to study: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)


async def test_a_deck_with_nothing_due_says_when_its_next_card_is_due(store, db_url):
    ids = card_ids(store, "study-demo")
    record_answer(store, ids["dropout-mask"], 5, today=TODAY - dt.timedelta(days=1))
    record_answer(store, ids["dropout-mask"], 5, today=TODAY)  # next due in 6 days
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # highlight Study demos
        await settle(pilot, rounds=1)
        assert (
            "Nothing due in Study demos today. The next review is due in 6 days, on Fri 20 Mar 2026."
            in flat(screen_text(app))
        )


async def test_the_store_opens_after_the_first_paint(store, db_url):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        # the deck list is composed before the store is open (loading indicator on the table)
        assert isinstance(app.screen, DeckListScreen)
        await settle(pilot)
        assert app.store is not None and app.screen.loaded


async def test_a_damaged_database_ends_the_app_with_a_clear_error(flashdl_home):
    bad = flashdl_home / "broken.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    app = FlashdlApp(sqlite_url(bad), today=TODAY, sync_builtin=False)
    async with app.run_test(size=SIZE) as pilot:
        # the store opens in a worker; its failure ends the app
        await pilot_wait_until(pilot, lambda: app.error is not None,
                               "the damaged database to end the app with an error")
    assert "not a flashdl database" in str(app.error)
    assert app.return_code == app.error.exit_code != 0


def test_an_unknown_initial_screen_is_a_usage_error():
    from flashdl.errors import UsageError

    with pytest.raises(UsageError):
        FlashdlApp(initial="nope")
