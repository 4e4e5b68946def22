"""FSRS-6 through the library: states against the library for random histories, whole local
days, the same-day update, Anki's interval rounding, fuzz only when asked, the grade mapping, and
the batch replay agreeing with the step-by-step one."""

from __future__ import annotations

import datetime as dt

import fsrs_rs_python as lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler import fsrs
from flashdl.scheduler.choice import SchedulerChoice
from flashdl.scheduler.fsrs import GRADE_FOR_RATING, FSRSParams, FSRSState, Rating, rating_for_grade
from flashdl.scheduler.replay import LoggedAnswer, replay, replay_many
from flashdl.scheduler.sm2 import SM2State

DAY0 = dt.date(2026, 1, 1)
PARAMS = FSRSParams()

#: a history: (rating 1-4, whole days after the previous answer; 0 = the same day)
histories = st.lists(st.tuples(st.integers(1, 4), st.integers(0, 60)), min_size=1, max_size=25)


def step_by_step(history: list[tuple[int, int]], params: FSRSParams = PARAMS) -> list[FSRSState]:
    states, state, day = [], None, DAY0
    for rating, gap in history:
        day = day if state is None else state.last_day + dt.timedelta(days=gap)
        state = fsrs.review(state, rating, day, params)
        states.append(state)
    return states


@settings(max_examples=60, deadline=None)
@given(histories)
def test_memory_states_are_the_librarys_for_random_histories(history) -> None:
    """Every state equals what the library computes for the whole history at once (its own
    ``memory_state`` over the same ratings and whole-day gaps), to the bit."""
    states = step_by_step(history)
    model = lib.FSRS(lib.DEFAULT_PARAMETERS)
    reviews = [lib.FSRSReview(rating, 0 if i == 0 else gap) for i, (rating, gap) in enumerate(history)]
    for n, state in enumerate(states, start=1):
        expected = model.memory_state(lib.FSRSItem(reviews[:n]), None)
        assert (state.stability, state.difficulty) == (expected.stability, expected.difficulty)


@settings(max_examples=40, deadline=None)
@given(histories)
def test_intervals_are_the_librarys_rounded_and_ordered_as_anki_does(history) -> None:
    state = step_by_step(history)[-1]
    day = state.due
    outcome = lib.FSRS(lib.DEFAULT_PARAMETERS).next_states(
        lib.MemoryState(state.stability, state.difficulty), 0.9, state.interval)
    after = fsrs.next_states(state, day, PARAMS)
    hard, good, easy = (after[r].interval for r in (Rating.HARD, Rating.GOOD, Rating.EASY))
    assert after[Rating.AGAIN].interval == 0 and after[Rating.AGAIN].due == day
    assert 1 <= hard < good < easy
    assert hard == max(1, int(outcome.hard.interval + 0.5))
    assert good == max(hard + 1, int(outcome.good.interval + 0.5))
    assert all(after[r].due == day + dt.timedelta(days=after[r].interval) for r in Rating)


def test_a_same_day_repeat_uses_fsrs6_same_day_update() -> None:
    """0 days elapsed: the library's short-term update, not a review after a day."""
    first = fsrs.review(None, 3, DAY0)
    again_today = fsrs.review(first, 3, DAY0)
    tomorrow = fsrs.review(first, 3, DAY0 + dt.timedelta(days=1))
    model = lib.FSRS(lib.DEFAULT_PARAMETERS)
    same_day = model.next_states(lib.MemoryState(first.stability, first.difficulty), 0.9, 0).good
    assert fsrs.days_elapsed(first, DAY0) == 0
    assert again_today.stability == same_day.memory.stability
    assert again_today.stability != tomorrow.stability


def test_again_is_due_today_and_counts_a_lapse_once_learned() -> None:
    new_again = fsrs.review(None, 1, DAY0)
    assert (new_again.interval, new_again.due, new_again.lapses) == (0, DAY0, 0)
    learned = fsrs.review(fsrs.review(None, 3, DAY0), 3, DAY0 + dt.timedelta(days=3))
    lapsed = fsrs.review(learned, 1, learned.due)
    assert (lapsed.interval, lapsed.due, lapsed.lapses) == (0, learned.due, 1)
    assert fsrs.review(lapsed, 1, lapsed.due).lapses == 1  # again while relearning: no new lapse


def test_no_fuzz_unless_asked_and_fuzz_is_repeatable_within_ankis_range() -> None:
    state = step_by_step([(3, 0), (3, 3), (3, 10), (4, 30)])[-1]
    day = state.due
    plain = [fsrs.review(state, 3, day, PARAMS, fuzz_seed=seed).interval for seed in range(20)]
    assert len(set(plain)) == 1
    fuzzy = FSRSParams(fuzz=True)
    spread = [fsrs.review(state, 3, day, fuzzy, fuzz_seed=seed).interval for seed in range(40)]
    low, high = fsrs.fuzz_bounds(plain[0], fuzzy.maximum_interval)
    assert len(set(spread)) > 1 and all(low <= i <= high for i in spread)
    assert spread == [fsrs.review(state, 3, day, fuzzy, fuzz_seed=seed).interval for seed in range(40)]


def test_buttons_map_to_logged_grades_and_back() -> None:
    assert {r: GRADE_FOR_RATING[r] for r in Rating} == {
        Rating.AGAIN: 1, Rating.HARD: 3, Rating.GOOD: 4, Rating.EASY: 5}
    assert all(rating_for_grade(GRADE_FOR_RATING[r]) is r for r in Rating)
    assert [rating_for_grade(g) for g in range(6)] == [1, 1, 1, 2, 3, 4]


@pytest.mark.parametrize("bad", [0, 5, -1, True, 2.0, "3"])
def test_a_rating_outside_1_to_4_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="1 \\(Again\\) to 4"):
        fsrs.review(None, bad, DAY0)  # type: ignore[arg-type]


@pytest.mark.parametrize("retention", [0.5, 0.995, 1.0, float("nan")])
def test_desired_retention_out_of_range_is_refused(retention: float) -> None:
    with pytest.raises(ValueError, match="desired retention"):
        FSRSParams(desired_retention=retention)


answer_lists = st.lists(
    st.tuples(st.sampled_from([0, 1, 2, 3, 4, 5]), st.integers(0, 40)), max_size=15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(answer_lists, st.booleans()), min_size=1, max_size=8), st.booleans())
def test_batch_replay_equals_step_by_step_replay(cards, fuzz: bool) -> None:
    choice = SchedulerChoice("fsrs", fuzz=fuzz)
    batch = []
    for card_id, (answers, imported) in enumerate(cards):
        day = DAY0 + dt.timedelta(days=10)
        baseline = SM2State(2, 230, 8, DAY0 + dt.timedelta(days=8), False, 1).to_dict()
        logged = []
        for index, (grade, gap) in enumerate(answers):
            day += dt.timedelta(days=gap)
            before = (baseline if imported else None) if index == 0 else "{}"
            logged.append(LoggedAnswer(day, grade, before, None))
        stored = SM2State(1, 250, 3, day, False, 0) if imported else None
        batch.append((card_id, logged, stored))
    assert replay_many(batch, choice) == [
        replay(answers, choice, card_id=card_id, stored=stored) for card_id, answers, stored in batch
    ]
