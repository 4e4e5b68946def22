"""The study session's queue, re-drills and undo stack (pure: no store, no Textual)."""

from __future__ import annotations

import pytest

from flashdl.study.session import PASSING_GRADE, REDRILL_GAP, StudySession


def answer_all(session: StudySession, grades: dict[int, list[int]]) -> list[int]:
    """Answer whatever comes up with the next grade listed for that card; return the order."""
    seen = []
    while session.current is not None:
        card = session.current
        seen.append(card)
        session.answer(grades[card].pop(0), token=len(seen))
    return seen


def test_cards_come_in_queue_order_and_the_session_ends():
    session = StudySession([10, 11, 12])
    assert answer_all(session, {10: [5], 11: [4], 12: [5]}) == [10, 11, 12]
    assert session.finished and session.current is None


def test_duplicate_ids_are_shown_once():
    assert StudySession([1, 2, 1, 3, 2]).queue == (1, 2, 3)


def test_a_missed_card_comes_back_a_few_cards_later_not_at_once():
    session = StudySession([1, 2, 3, 4, 5, 6])
    session.answer(1)
    assert session.queue == (2, 3, 4, 1, 5, 6)
    assert REDRILL_GAP == 3


@pytest.mark.parametrize("grade", [0, 1, 2, 3])
def test_every_grade_below_4_is_drilled_again(grade: int):
    assert grade < PASSING_GRADE
    session = StudySession([1, 2, 3, 4, 5])
    session.answer(grade)
    assert 1 in session.queue


@pytest.mark.parametrize("grade", [4, 5])
def test_a_4_or_5_lets_the_card_go(grade: int):
    session = StudySession([1, 2])
    session.answer(grade)
    assert session.queue == (2,)


def test_a_missed_card_keeps_coming_back_until_it_gets_a_4_or_5():
    session = StudySession([1, 2, 3, 4, 5])
    order = answer_all(session, {1: [2, 3, 4], 2: [5], 3: [5], 4: [5], 5: [5]})
    # 1 missed -> back after three others; a 3 is still not enough -> back after the one left.
    assert order == [1, 2, 3, 4, 1, 5, 1]
    assert session.stats().redrills == 2


def test_with_nothing_else_left_the_missed_card_comes_straight_back():
    session = StudySession([7])
    session.answer(0)
    assert session.current == 7


def test_with_fewer_cards_left_than_the_gap_it_goes_to_the_end():
    session = StudySession([1, 2, 3])
    session.answer(1)
    assert session.queue == (2, 3, 1)


def test_undo_restores_the_queue_exactly_step_by_step_back_to_the_start():
    start = (1, 2, 3, 4, 5)
    session = StudySession(start)
    history = [session.queue]
    session.answer(2, token="log-1")
    history.append(session.queue)
    session.remove_current("suspend", token=False)
    history.append(session.queue)
    session.answer(5, token="log-2")
    history.append(session.queue)
    session.remove_current("bury", token=None)
    history.append(session.queue)

    undone = []
    while session.last_step is not None:
        step = session.undo()
        undone.append((step.kind, step.token))
        history.pop()
        assert session.queue == history[-1]
        assert session.current == step.card_id  # the undone card is the one shown again
    assert session.queue == start
    assert undone == [("bury", None), ("answer", "log-2"), ("suspend", False), ("answer", "log-1")]
    with pytest.raises(IndexError):
        session.undo()


def test_suspend_and_bury_take_the_card_out_of_the_session():
    session = StudySession([1, 2, 3])
    session.remove_current("suspend")
    session.remove_current("bury")
    assert session.queue == (3,)
    stats = session.stats()
    assert (stats.suspended, stats.buried, stats.answers) == (1, 1, 0)


def test_stats_count_answers_cards_passes_and_time():
    ticks = iter([100.0, 190.5])
    session = StudySession([1, 2, 3], clock=lambda: next(ticks))
    for grade in (5, 2, 3):  # card 2 missed
        session.answer(grade)
    session.answer(4)  # card 2 again
    stats = session.stats()
    assert (stats.answers, stats.cards, stats.passed, stats.redrills) == (4, 3, 3, 2)
    assert stats.passed_share == pytest.approx(0.75)
    assert stats.seconds == pytest.approx(90.5)


def test_undone_answers_leave_the_stats():
    session = StudySession([1, 2])
    session.answer(1)
    session.undo()
    assert session.stats().answers == 0
    assert session.stats().passed_share == 0.0


def test_is_repeat_tells_a_redrill_from_a_first_showing():
    session = StudySession([1, 2])
    assert not session.is_repeat(1)
    session.answer(1)
    session.answer(5)
    assert session.current == 1 and session.is_repeat(1)


@pytest.mark.parametrize("grade", [-1, 6, 2.5, True, "3"])
def test_grades_outside_0_to_5_are_refused_and_change_nothing(grade: object):
    session = StudySession([1, 2])
    with pytest.raises(ValueError):
        session.answer(grade)  # type: ignore[arg-type]
    assert session.queue == (1, 2) and session.last_step is None


def test_answering_an_empty_session_is_an_error():
    with pytest.raises(IndexError):
        StudySession([]).answer(5)


def test_a_card_that_vanished_is_dropped_without_an_undo_step():
    session = StudySession([1, 2, 3])
    session.answer(5)
    session.drop_current()
    assert session.queue == (3,)
    session.undo()
    assert session.queue == (1, 3)


def test_the_session_module_needs_neither_textual_nor_the_store():
    import subprocess
    import sys

    code = (
        "import sys, flashdl.study.session as s; s.StudySession([1]).answer(5);"
        "bad = [m for m in ('textual', 'sqlalchemy', 'flashdl.store') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_counts_agree_with_their_noun():
    from flashdl.study.wording import count

    assert count(1, "answer") == "1 answer"
    assert count(0, "card") == "0 cards"
    assert count(2, "review") == "2 reviews"
    assert count(1_200, "question") == "1,200 questions"
