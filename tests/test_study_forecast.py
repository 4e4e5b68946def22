"""The 7-day due forecast on the summary screen: one SQL aggregate over the review states."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures.study.kit import TODAY, card_ids, make_store

from flashdl.store.forecast import due_forecast
from flashdl.store.reviews import bury, record_answer, set_suspended


@pytest.fixture
def fixture_store(db_url: str):
    store = make_store(db_url)
    yield store
    store.close()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_every_day_of_the_week_is_listed_even_when_nothing_is_due(fixture_store):
    with fixture_store.read() as session:
        forecast = due_forecast(session, TODAY)
    assert forecast == [(days(i), 0) for i in range(1, 8)]


def test_reviews_are_counted_on_their_due_day(fixture_store):
    ids = card_ids(fixture_store, "study-basic")
    record_answer(fixture_store, ids["l2-penalty"], 5, today=TODAY)  # due in 1 day
    record_answer(fixture_store, ids["he-std"], 4, today=TODAY)  # due in 1 day
    record_answer(fixture_store, ids["lasso"], 5, today=days(-1))  # due today-1+1 = today
    first = record_answer(fixture_store, ids["adam-eps"], 5, today=days(-5))  # due in -4 days
    assert first.after.due == days(-4)
    # a second correct answer: interval 6 from day -4 -> due on day 2
    record_answer(fixture_store, ids["adam-eps"], 5, today=days(-4))
    with fixture_store.read() as session:
        forecast = dict(due_forecast(session, TODAY))
    # due today and not yet answered: still waiting tomorrow
    assert forecast[days(1)] == 3
    assert forecast[days(2)] == 1
    assert sum(forecast.values()) == 4


def test_new_suspended_and_far_off_cards_are_not_counted(fixture_store):
    ids = card_ids(fixture_store, "study-basic")
    record_answer(fixture_store, ids["l2-penalty"], 5, today=TODAY)
    record_answer(fixture_store, ids["he-std"], 5, today=TODAY)
    set_suspended(fixture_store, ids["he-std"], True)
    # 1, then 6, then 16 days: well past the week
    for day in (days(-7), days(-6), days(0)):
        record_answer(fixture_store, ids["lasso"], 5, today=day)
    with fixture_store.read() as session:
        assert sum(n for _, n in due_forecast(session, TODAY)) == 1


def test_a_buried_card_is_counted_when_its_burial_ends(fixture_store):
    ids = card_ids(fixture_store, "study-basic")
    record_answer(fixture_store, ids["l2-penalty"], 5, today=TODAY)  # due tomorrow
    bury(fixture_store, ids["l2-penalty"], days(3))
    with fixture_store.read() as session:
        forecast = dict(due_forecast(session, TODAY))
    assert forecast[days(1)] == 0 and forecast[days(3)] == 1


def test_the_forecast_can_be_limited_to_some_decks(fixture_store):
    basic = card_ids(fixture_store, "study-basic")
    demo = card_ids(fixture_store, "study-demo")
    record_answer(fixture_store, basic["l2-penalty"], 5, today=TODAY)
    record_answer(fixture_store, demo["dropout-mask"], 5, today=TODAY)
    with fixture_store.read() as session:
        only_demo = dict(due_forecast(session, TODAY, deck_keys=["study-demo"]))
        both = dict(due_forecast(session, TODAY))
    assert only_demo[days(1)] == 1 and both[days(1)] == 2
