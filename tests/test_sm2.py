"""SM-2, exactly: hand-worked sequences, properties, and agreement with the `sm-2` package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler.sm2 import MAX_INTERVAL, SM2State, review

DAY0 = dt.date(2026, 1, 1)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_new_card_starts_with_ef_2_5_and_is_due_today() -> None:
    state = SM2State.new(DAY0)
    assert (state.repetitions, state.easiness, state.interval, state.due) == (0, 2.5, 0, DAY0)
    assert not state.needs_redrill and state.lapses == 0


def test_hand_worked_sequence_of_perfect_and_hesitant_answers() -> None:
    # q=5: EF 2.5 -> 2.6, I=1.   q=5: EF 2.7, I=6.   q=4: EF 2.7, I=ceil(6*2.7)=ceil(16.2)=17.
    # q=3: EF 2.56, I=ceil(17*2.56)=ceil(43.52)=44, and a same-day repeat is required.
    s = SM2State.new(DAY0)
    s = review(s, 5, DAY0)
    assert (s.repetitions, s.ef_hundredths, s.interval, s.due) == (1, 260, 1, DAY0 + days(1))
    s = review(s, 5, s.due)
    assert (s.repetitions, s.ef_hundredths, s.interval) == (2, 270, 6)
    day = s.due
    s = review(s, 4, day)
    assert (s.repetitions, s.ef_hundredths, s.interval, s.due) == (3, 270, 17, day + days(17))
    day = s.due
    s = review(s, 3, day)
    assert (s.repetitions, s.ef_hundredths, s.interval) == (4, 256, 44)
    assert s.needs_redrill and s.due == day + days(44)


def test_redrill_only_clears_on_4_or_5_and_changes_nothing_else() -> None:
    s = review(review(SM2State.new(DAY0), 5, DAY0), 3, DAY0 + days(1))
    assert s.needs_redrill
    for q in (0, 1, 2, 3):
        assert review(s, q, DAY0 + days(1)) == s
    cleared = review(s, 4, DAY0 + days(1))
    assert cleared == dataclasses.replace(s, needs_redrill=False)


def test_wrong_answer_resets_repetitions_keeps_ef_and_counts_a_lapse_once_learned() -> None:
    s = review(review(SM2State.new(DAY0), 4, DAY0), 4, DAY0 + days(1))
    assert s.repetitions == 2
    day = DAY0 + days(7)
    lapsed = review(s, 2, day)
    assert (lapsed.repetitions, lapsed.interval, lapsed.due) == (0, 0, day)
    assert lapsed.ef_hundredths == s.ef_hundredths and lapsed.lapses == 1
    # failing a card that was never learned is not a lapse
    again = review(lapsed, 0, day)
    assert again.lapses == 1
    # after a lapse the intervals restart at 1 and 6
    s = review(again, 4, day)
    assert s.interval == 1 and s.repetitions == 1


def test_ef_never_drops_below_1_3() -> None:
    s = SM2State.new(DAY0)
    for _ in range(20):
        s = dataclasses.replace(review(s, 3, s.due), needs_redrill=False)
    assert s.ef_hundredths == 130


def test_exact_ceiling_where_floats_round_up_a_day_too_far() -> None:
    # EF 2.3 and interval 10: 10 x 2.3 is exactly 23, but 10 * 2.3 in floats is 22.999999999999996
    # and e.g. 100 * 1.1 = 110.00000000000001 whose ceil is 111.
    s = SM2State(repetitions=5, ef_hundredths=200, interval=10, due=DAY0)
    assert review(s, 4, DAY0).interval == 20
    s = SM2State(repetitions=5, ef_hundredths=140, interval=100, due=DAY0)
    # EF after q=5 is 1.50: 100 x 1.5 = 150 exactly
    assert review(s, 5, DAY0).interval == 150
    assert math.ceil(100 * 1.1) == 111  # the float trap the integer arithmetic avoids


def test_interval_is_capped_so_dates_stay_valid() -> None:
    s = SM2State(repetitions=9, ef_hundredths=250, interval=30_000, due=DAY0)
    after = review(s, 5, DAY0)
    assert after.interval == MAX_INTERVAL
    assert after.due == DAY0 + days(MAX_INTERVAL)


@pytest.mark.parametrize("bad", [-1, 6, 3.0, "4", None, True])
def test_quality_outside_0_to_5_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="0 to 5"):
        review(SM2State.new(DAY0), bad, DAY0)  # type: ignore[arg-type]


def test_state_round_trips_through_dict() -> None:
    s = review(review(SM2State.new(DAY0), 5, DAY0), 3, DAY0 + days(1))
    assert SM2State.from_dict(s.to_dict()) == s


def _replay(grades: list[int]) -> SM2State:
    state = SM2State.new(DAY0)
    for q in grades:
        state = review(state, q, state.due)
    return state


#: every state a card can reach: the result of any sequence of on-time answers
states = st.lists(st.integers(0, 5), max_size=30).map(_replay)


@given(states, st.integers(0, 5))
def test_property_ef_stays_at_least_1_3(state: SM2State, q: int) -> None:
    assert review(state, q, state.due).ef_hundredths >= 130


@given(states, st.integers(4, 5))
def test_property_a_good_answer_never_shortens_the_interval(state: SM2State, q: int) -> None:
    assert review(state, q, state.due).interval >= state.interval


@given(states, st.integers(0, 5))
def test_property_input_is_never_mutated(state: SM2State, q: int) -> None:
    copy = dataclasses.replace(state)
    review(state, q, state.due)
    assert state == copy


# --- agreement with the reference `sm-2` package ---------------------------------------------


def _reference_review(card, q: int, when: dt.datetime):  # type: ignore[no-untyped-def]
    from sm_2 import Scheduler

    card, _ = Scheduler.review_card(card, q, review_datetime=when)
    return card


def _exact_interval(prev_interval: int, ef_hundredths: int) -> int:
    return math.ceil(Fraction(prev_interval * ef_hundredths, 100))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_agrees_with_sm2_package_on_on_time_reviews(grades: list[int]) -> None:
    from sm_2 import Card

    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    ref = Card(card_id=1, due=start)
    ours = SM2State.new(start.date())
    when = start
    for q in grades:
        before_ref_I, before_ref_n = ref.I, ref.n
        ref = _reference_review(ref, q, when)
        ours_next = review(ours, q, when.date())
        assert ours_next.repetitions == ref.n
        assert ours_next.needs_redrill == ref.needs_extra_review
        assert ours_next.ef_hundredths == round(ref.EF * 100)
        if ref.I == ours_next.interval:
            pass
        elif ours_next.interval == MAX_INTERVAL and ref.I > MAX_INTERVAL:
            ref.I = MAX_INTERVAL  # the package has no cap; dates past year 9999 would fail
            ref.due = when + dt.timedelta(days=ref.I) if not ref.needs_extra_review else ref.due
        else:
            # The only allowed disagreement: the package's float ceil overshoots where
            # interval x EF is a whole number. Exact arithmetic must then be right.
            assert before_ref_n >= 2 and q >= 3 and not ours.needs_redrill
            product = Fraction(before_ref_I * ours_next.ef_hundredths, 100)
            assert product.denominator == 1
            assert ours_next.interval == _exact_interval(before_ref_I, ours_next.ef_hundredths)
            assert ref.I == ours_next.interval + 1
            # carry on from the exact value so later steps compare like with like
            ref.I = ours_next.interval
            ref.due = when + dt.timedelta(days=ref.I) if not ref.needs_extra_review else ref.due
        ours = ours_next
        # next review on time: when the card is due (same day for repeats and lapses)
        if ref.due > when:
            when = ref.due
        assert when.date() == ours.due or ours.needs_redrill or ours.interval == 0


def test_known_float_overshoot_of_the_sm2_package_is_computed_exactly() -> None:
    """5,5,5,5,4: intervals 1, 6, 17, 50, then 50 x 2.9 = 145 exactly; the package says 146."""
    from sm_2 import Card

    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    ref, ours, when = Card(card_id=1, due=start), SM2State.new(start.date()), start
    intervals = []
    for q in (5, 5, 5, 5, 4):
        ref = _reference_review(ref, q, when)
        ours = review(ours, q, when.date())
        intervals.append(ours.interval)
        when = ref.due
    assert intervals == [1, 6, 17, 50, 145]
    assert ours.ef_hundredths == 290
    assert ref.I == 146  # float error in the reference: 50 * 2.9000000000000004
