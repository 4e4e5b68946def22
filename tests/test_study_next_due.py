""""When is the next card due?" as the deck list and the study screen say it: burials count."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures.study.kit import TODAY, card_ids, make_store

from flashdl.store.queries import next_due_date
from flashdl.store.reviews import bury, record_answer


@pytest.fixture
def fixture_store(db_url: str):
    store = make_store(db_url)
    yield store
    store.close()


def next_due(store, deck: str = "study-demo"):
    with store.read() as session:
        return next_due_date(session, TODAY, [deck])


def test_the_next_due_day_is_the_earliest_due_date_after_today(fixture_store):
    card = card_ids(fixture_store, "study-demo")["dropout-mask"]
    assert next_due(fixture_store) is None  # a new card is not a scheduled review
    record_answer(fixture_store, card, 5, today=TODAY)
    assert next_due(fixture_store) == TODAY + dt.timedelta(days=1)


def test_a_card_due_today_but_buried_is_due_when_its_burial_ends(fixture_store):
    card = card_ids(fixture_store, "study-demo")["dropout-mask"]
    record_answer(fixture_store, card, 5, today=TODAY - dt.timedelta(days=1))  # due today
    bury(fixture_store, card, TODAY + dt.timedelta(days=1))
    assert next_due(fixture_store) == TODAY + dt.timedelta(days=1)


def test_a_burial_longer_than_the_interval_moves_the_next_due_day(fixture_store):
    card = card_ids(fixture_store, "study-demo")["dropout-mask"]
    record_answer(fixture_store, card, 5, today=TODAY)  # due tomorrow
    bury(fixture_store, card, TODAY + dt.timedelta(days=4))
    assert next_due(fixture_store) == TODAY + dt.timedelta(days=4)
