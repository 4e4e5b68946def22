"""The study session's steps in the store: each one committed before the queue moves, each one
undoable back to the start, and a failed write changes nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from fixtures.study.kit import TODAY, card_ids, dump, make_store, review_log

from flashdl.errors import StoreError
from flashdl.study.cards import load_card
from flashdl.study.recorder import StudyRecorder
from flashdl.study.session import StudySession


@pytest.fixture
def store(db_url: str):
    s = make_store(db_url)
    yield s
    s.close()


def recorder_for(store, keys: list[str]) -> tuple[StudyRecorder, dict[str, int]]:
    ids = card_ids(store, "study-basic")
    return StudyRecorder(store, StudySession([ids[k] for k in keys]), today=TODAY), ids


def current(recorder: StudyRecorder, store):
    return load_card(store, recorder.session.current)


def test_an_answer_is_in_the_log_with_its_session_id(store):
    recorder, ids = recorder_for(store, ["lasso", "he-std"])
    step = recorder.answer(current(recorder, store), 4, duration_ms=1234)
    assert review_log(store) == [(ids["lasso"], 4, "study")]
    assert recorder.session.current == ids["he-std"] and step.token is not None
    with store.read() as session:
        from flashdl.store.models import ReviewLog

        row = session.get(ReviewLog, step.token)
        assert (row.session_id, row.duration_ms) == (recorder.session_id, 1234)


def test_only_the_current_card_can_be_answered(store):
    recorder, ids = recorder_for(store, ["lasso", "he-std"])
    with pytest.raises(ValueError):
        recorder.answer(load_card(store, ids["he-std"]), 5)
    assert review_log(store) == []


def test_undoing_a_suspension_restores_the_flag_it_had(store):
    recorder, ids = recorder_for(store, ["lasso", "he-std"])
    before = dump(store)
    recorder.suspend(current(recorder, store))
    assert load_card(store, ids["lasso"]).suspended
    recorder.undo()
    assert dump(store) == before and recorder.session.current == ids["lasso"]


def test_undoing_a_burial_restores_the_date_it_had(store):
    from flashdl.store.reviews import bury

    recorder, ids = recorder_for(store, ["lasso"])
    bury(store, ids["lasso"], TODAY - dt.timedelta(days=3))  # an old burial, long over
    before = dump(store)
    recorder.bury(current(recorder, store))
    assert load_card(store, ids["lasso"]).buried_until == TODAY + dt.timedelta(days=1)
    recorder.undo()
    assert dump(store) == before


def test_undo_with_nothing_done_does_nothing(store):
    recorder, _ = recorder_for(store, ["lasso"])
    before = dump(store)
    assert recorder.undo() is None
    assert dump(store) == before


def test_a_write_that_fails_leaves_store_and_queue_as_they_were(store, monkeypatch):
    monkeypatch.setenv("FLASHDL_BUSY_TIMEOUT_MS", "50")
    from flashdl.store import open_store

    with open_store(store.url) as impatient:  # opened with the short lock timeout
        recorder = StudyRecorder(impatient, StudySession(card_ids(store, "study-basic").values()),
                                 today=TODAY)
        card = current(recorder, store)
        queue = recorder.session.queue
        before = dump(store)
        blocker = sqlite3.connect(store.sqlite_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            for step in (lambda: recorder.answer(card, 5), lambda: recorder.suspend(card),
                         lambda: recorder.bury(card)):
                with pytest.raises(StoreError):
                    step()
                assert recorder.session.queue == queue and recorder.session.last_step is None
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert dump(store) == before
