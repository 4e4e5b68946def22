"""The scheduler in the store, on SQLite and PostgreSQL: the choice in the database, FSRS's
answer path, lossless switching by replaying the log, undo across a switch, SM-2's same-day
rule, and daily limits counted from the log across decks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from storeutil import card_id, dump, fixture_decks

from flashdl.config import Limits, Settings
from flashdl.scheduler import fsrs
from flashdl.scheduler.choice import SchedulerChoice
from flashdl.scheduler.sm2 import SM2State
from flashdl.store import open_store
from flashdl.store.models import ReviewLog, ReviewState
from flashdl.store.queries import deck_counts, study_queue
from flashdl.store.replay import switch_scheduler
from flashdl.store.reviews import load_state, record_answer, undo_answer
from flashdl.store.scheduling import load_choice
from flashdl.store.sync import sync_builtin_decks

pytestmark = pytest.mark.both_backends
DAY = dt.date(2026, 3, 14)
FSRS = SchedulerChoice("fsrs")
SM2 = SchedulerChoice("sm2")


def days(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


@pytest.fixture
def small(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(db_url)
    sync_builtin_decks(store, fixture_decks(tmp_path))
    yield store
    store.close()


def ids(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {key: card_id(store, deck, key) for deck, key in
            [("alpha", "a1"), ("alpha", "a2"), ("alpha", "a3"), ("alpha", "a4"),
             ("beta", "b1"), ("beta", "b2")]}


def a_history(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Answers over three weeks: lapses, a same-day redrill, a "study missed" repeat, and a
    card imported with an SM-2 state but no history."""
    c = ids(store)
    for key, grades in (("a1", (5, 4, 3, 4, 5)), ("a2", (4, 1, 4, 5)), ("b1", (2, 4, 4))):
        day = DAY
        for grade in grades:
            after = record_answer(store, c[key], grade, today=day).after
            day = day if after.due <= day or after.needs_redrill else after.due
    record_answer(store, c["a1"], 5, today=day)  # studied again the same day
    with store.write() as session:
        session.add(ReviewState(card_id=c["b2"], repetitions=3, ef_hundredths=230, interval=20,
                                due=days(9), needs_redrill=False, lapses=1))
    return c


def test_no_choice_stored_means_sm2_and_the_choice_lives_in_the_database(small, db_url) -> None:
    with small.read() as session:
        assert load_choice(session) == SM2
    switch_scheduler(small, dataclasses.replace(FSRS, desired_retention=0.85, fuzz=True))
    other = open_store(db_url)  # another process, another machine: the same choice
    with other.read() as session:
        assert load_choice(session) == SchedulerChoice("fsrs", desired_retention=0.85, fuzz=True)
    other.close()


def test_sm2_to_fsrs_to_sm2_gives_back_every_state_and_log_bit_for_bit(small) -> None:
    a_history(small)
    before = dump(small)
    report = switch_scheduler(small, FSRS)
    assert report.cards == 4 and report.answers == 13
    during = dump(small)
    assert during["review_log"] == before["review_log"]  # the log is never rewritten
    assert during["review_states"] != before["review_states"]
    with small.read() as session:
        assert session.scalar(select(ReviewState.stability).where(ReviewState.stability.is_(None))
                              .limit(1)) is None  # every card has an FSRS memory state
    switch_scheduler(small, SM2)
    after = dump(small)
    assert after["review_states"] == before["review_states"]
    assert after["review_log"] == before["review_log"]


def test_fsrs_answers_are_the_librarys_states_logged_on_the_0_to_5_scale(small) -> None:
    c = ids(small)
    switch_scheduler(small, FSRS)
    first = record_answer(small, c["a1"], 4, today=DAY)  # Good
    second = record_answer(small, c["a1"], 3, today=first.after.due)  # Hard
    assert first.after == fsrs.review(None, 3, DAY)
    assert second.after == fsrs.review(first.after, 2, first.after.due)
    with small.read() as session:
        rows = session.execute(select(ReviewLog.grade, ReviewLog.scheduler).where(
            ReviewLog.card_id == c["a1"]).order_by(ReviewLog.id)).all()
        assert [tuple(r) for r in rows] == [(4, "fsrs"), (3, "fsrs")]
        assert load_state(session, c["a1"]) == second.after
    again = record_answer(small, c["a1"], 1, today=second.after.due)
    assert again.again_today and again.after.due == second.after.due
    undo_answer(small, again.log_id)
    with small.read() as session:
        assert load_state(session, c["a1"]) == second.after


def test_answers_under_fsrs_replay_through_sm2_as_if_sm2_had_taken_them(small) -> None:
    c = ids(small)
    first = record_answer(small, c["a2"], 5, today=DAY)
    switch_scheduler(small, FSRS)
    record_answer(small, c["a2"], 4, today=days(3))
    record_answer(small, c["a2"], 5, today=days(9))
    switch_scheduler(small, SM2)
    expected = SM2State.from_dict(first.after.to_dict())
    for grade, day in ((4, days(3)), (5, days(9))):
        expected = SchedulerChoice().review(expected, grade, day)
    with small.read() as session:
        assert load_state(session, c["a2"]) == expected


def test_undoing_an_answer_taken_before_a_switch_replays_the_card(small) -> None:
    c = ids(small)
    record_answer(small, c["a3"], 4, today=DAY)
    last = record_answer(small, c["a3"], 5, today=days(1))
    switch_scheduler(small, FSRS)
    undo_answer(small, last.log_id)
    with small.read() as session:
        assert load_state(session, c["a3"]) == fsrs.review(None, 3, DAY)


def test_a_failed_switch_leaves_the_store_and_the_choice_as_they_were(small, monkeypatch) -> None:
    a_history(small)
    before = dump(small)
    import flashdl.store.replay as replay_module

    def broken(cards, choice):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(replay_module, "replay_many", broken)
    with pytest.raises(RuntimeError):
        switch_scheduler(small, FSRS)
    assert dump(small) == before


@pytest.mark.sqlite_only  # backups are of SQLite files
def test_a_switch_backs_up_the_sqlite_file_first(small) -> None:
    a_history(small)
    report = switch_scheduler(small, FSRS)
    assert report.backup is not None and report.backup.exists()


def test_studying_a_card_again_the_day_it_was_passed_does_not_advance_it(small) -> None:
    """The "Quiz -> study missed" bug: 5 in the morning (interval 1), then studied again the same
    day, used to give a 6-day interval, further than the cards answered right once."""
    c = ids(small)
    morning = record_answer(small, c["a1"], 5, today=DAY)
    afternoon = record_answer(small, c["a1"], 5, today=DAY)
    assert (afternoon.after.interval, afternoon.after.due) == (1, days(1))
    assert afternoon.after.repetitions == morning.after.repetitions == 1
    missed = record_answer(small, c["a1"], 1, today=DAY)  # forgotten again today: a lapse
    assert (missed.after.repetitions, missed.after.due) == (0, DAY) and missed.again_today
    with small.read() as session:
        firsts = session.scalars(select(ReviewLog.first_of_day).where(
            ReviewLog.card_id == c["a1"]).order_by(ReviewLog.id)).all()
    assert firsts == [True, False, False]


def test_the_new_card_limit_counts_every_deck_studied_today(small) -> None:
    """"Study all" stops at the limit; opening the decks one at a time afterwards must not
    introduce more that day (it did: the limit was counted per selection)."""
    settings = Settings(limits=Limits(new_per_day=3))
    with small.read() as session:
        everything = study_queue(session, DAY, settings)
    assert len(everything) == 3
    for cid in everything:
        record_answer(small, cid, 4, today=DAY)
    with small.read() as session:
        assert study_queue(session, DAY, settings, ["beta"]) == []
        assert study_queue(session, DAY, settings, ["alpha"]) == []
        assert {c.key: c.new for c in deck_counts(session, DAY, settings)} == {"alpha": 0, "beta": 0}
        assert len(study_queue(session, days(1), settings, ["beta"])) == 2  # a new day


def test_the_deck_lists_new_count_is_what_a_session_would_serve(small) -> None:
    settings = Settings(limits=Limits(new_per_day=3),
                        deck_limits={"beta": Limits(new_per_day=1)})
    c = ids(small)
    record_answer(small, c["a1"], 4, today=DAY)
    for day in (DAY, days(1)):
        with small.read() as session:
            counts = {k.key: k for k in deck_counts(session, day, settings)}
            for deck in ("alpha", "beta"):
                queue = study_queue(session, day, settings, [deck])
                new = [x for x in queue if session.get(ReviewState, x) is None]
                assert counts[deck].new == len(new)
    assert (counts["alpha"].new, counts["alpha"].unseen, counts["beta"].new) == (3, 3, 1)


def test_doctor_finds_nothing_wrong_under_fsrs_and_after_switching_back(small) -> None:
    from flashdl.store.doctor import diagnose

    c = a_history(small)
    switch_scheduler(small, FSRS)
    record_answer(small, c["a4"], 4, today=DAY)
    assert not diagnose(small).problems
    switch_scheduler(small, SM2)
    assert not diagnose(small).problems
