"""Quiz results in the store: every answer committed, the schedule touched only when asked."""

from __future__ import annotations

import pytest
from fixtures.quiz_support import (
    FIXTURE_CARDS,
    FIXTURE_DECK,
    QUIZ_DECKS,
    open_quiz_store,
    write_deck,
)
from sqlalchemy import select

from flashdl.errors import UsageError
from flashdl.quiz.questions import GradedItem
from flashdl.store.models import QuizAnswer, QuizAttempt, ReviewLog, ReviewState
from flashdl.store.quiz import (
    finish_attempt,
    load_quiz_cards,
    load_selection,
    override_answer,
    quiz_history,
    record_quiz_answer,
    start_attempt,
)
from flashdl.store.reviews import record_answer, set_suspended

pytestmark = pytest.mark.both_backends


@pytest.fixture
def qstore(db_url):
    store = open_quiz_store(db_url)
    try:
        yield store
    finally:
        store.close()


def begin(store, update_schedule=False, count=3):
    return start_attempt(store, deck_keys=[FIXTURE_DECK], types=["typed"], seed=5,
                         question_count=count, time_limit_s=None, update_schedule=update_schedule)


def item(card_id, correct, given="x"):
    return GradedItem(card_id, "typed", "Q?", "A.", given, correct)


def test_cards_load_with_text_tags_and_demo(qstore):
    keys, cards = load_selection(qstore, ["quiz FIXTURE"])  # by name, any case
    assert keys == [FIXTURE_DECK]
    assert len(cards) == FIXTURE_CARDS
    exercise = next(c for c in cards if c.demo_name)
    assert exercise.demo_params == {"p": 0.5, "mode": "inverted"}
    assert exercise.kind == "exercise" and exercise.deck_key == FIXTURE_DECK
    assert all(c.tags for c in cards)


def test_suspended_and_other_decks_cards_are_left_out(qstore, tmp_path):
    from flashdl.store.sync import sync_builtin_decks

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "quizfix.toml").write_bytes((QUIZ_DECKS / "quizfix.toml").read_bytes())
    write_deck(folder, "other", [("Other?", "Other answer.")])
    sync_builtin_decks(qstore, folder=folder)
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    set_suspended(qstore, cards[0].card_id)
    _, after = load_selection(qstore, [FIXTURE_DECK])
    assert len(after) == FIXTURE_CARDS - 1
    assert cards[0].card_id not in {c.card_id for c in after}
    _, everything = load_selection(qstore, None)
    assert {c.deck_key for c in everything} == {FIXTURE_DECK, "other"}


def test_an_unknown_deck_is_a_usage_error(qstore):
    with pytest.raises(UsageError, match="no deck called 'nope'"):
        load_selection(qstore, ["nope"])


def test_answers_are_stored_one_by_one_and_the_attempt_is_scored(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    attempt = begin(qstore)
    first = record_quiz_answer(qstore, attempt, 0, item(cards[0].card_id, True), duration_ms=1500,
                               update_schedule=False, today=today)
    # committed at once: another connection sees it before the quiz ends
    with qstore.read() as session:
        row = session.get(QuizAnswer, first.answer_id)
        assert (row.attempt_id, row.card_id, row.qtype, row.correct, row.duration_ms) == (
            attempt, cards[0].card_id, "typed", True, 1500)
    record_quiz_answer(qstore, attempt, 1, item(cards[1].card_id, False), duration_ms=900,
                       update_schedule=False, today=today)
    with qstore.read() as session:  # the score is kept up to date before the quiz finishes
        assert session.get(QuizAttempt, attempt).correct_count == 1
    summary = finish_attempt(qstore, attempt)
    assert (summary.question_count, summary.answered, summary.correct_count) == (3, 2, 1)
    assert summary.finished_at is not None and summary.seed == 5
    with qstore.read() as session:
        stored = session.get(QuizAttempt, attempt)
        assert stored.correct_count == 1 and stored.decks == [FIXTURE_DECK]


def test_without_update_schedule_the_schedule_is_untouched(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    reviewed = cards[0].card_id
    record_answer(qstore, reviewed, 5, today=today)
    with qstore.read() as session:
        before_states = session.execute(select(ReviewState)).scalars().all()
        before = [(s.card_id, s.repetitions, s.interval, s.due, s.ef_hundredths) for s in before_states]
    attempt = begin(qstore)
    for card, correct in ((cards[0], False), (cards[1], True)):
        stored = record_quiz_answer(qstore, attempt, 0, item(card.card_id, correct),
                                    duration_ms=10, update_schedule=False, today=today)
        assert stored.log_id is None
    with qstore.read() as session:
        after_states = session.execute(select(ReviewState)).scalars().all()
        after = [(s.card_id, s.repetitions, s.interval, s.due, s.ef_hundredths) for s in after_states]
        logs = session.execute(select(ReviewLog.mode)).scalars().all()
    assert after == before
    assert logs == ["study"]


def test_with_update_schedule_right_is_quality_4_and_wrong_is_1_logged_as_quiz(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    attempt = begin(qstore, update_schedule=True)
    right = record_quiz_answer(qstore, attempt, 0, item(cards[0].card_id, True), duration_ms=700,
                               update_schedule=True, today=today)
    wrong = record_quiz_answer(qstore, attempt, 1, item(cards[1].card_id, False), duration_ms=800,
                               update_schedule=True, today=today)
    with qstore.read() as session:
        logs = {log.card_id: log for log in session.execute(select(ReviewLog)).scalars()}
        assert logs[cards[0].card_id].grade == 4 and logs[cards[1].card_id].grade == 1
        assert {log.mode for log in logs.values()} == {"quiz"}
        assert logs[cards[0].card_id].session_id == f"quiz-{attempt}"
        assert logs[cards[0].card_id].duration_ms == 700
        assert right.log_id == logs[cards[0].card_id].id and wrong.log_id == logs[cards[1].card_id].id
        good = session.get(ReviewState, cards[0].card_id)
        bad = session.get(ReviewState, cards[1].card_id)
        assert (good.repetitions, good.interval) == (1, 1)
        assert (bad.repetitions, bad.interval, bad.due) == (0, 0, today)  # failed: again today


def test_override_marks_the_answer_and_redoes_the_review_as_right(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    attempt = begin(qstore, update_schedule=True)
    wrong = record_quiz_answer(qstore, attempt, 0, item(cards[0].card_id, False, "my words"),
                               duration_ms=500, update_schedule=True, today=today)
    fixed = override_answer(qstore, wrong, today=today)
    assert fixed.item.correct and fixed.item.overridden and fixed.log_id is not None
    with qstore.read() as session:
        row = session.get(QuizAnswer, wrong.answer_id)
        assert (row.correct, row.overridden, row.given) == (True, True, "my words")
        logs = session.execute(select(ReviewLog)).scalars().all()
        assert [(log.grade, log.mode) for log in logs] == [(4, "quiz")]
        state = session.get(ReviewState, cards[0].card_id)
        assert not state.needs_redrill and state.repetitions == 1
    assert finish_attempt(qstore, attempt).correct_count == 1


def test_override_without_update_schedule_changes_only_the_answer(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    attempt = begin(qstore)
    wrong = record_quiz_answer(qstore, attempt, 0, item(cards[0].card_id, False),
                               duration_ms=500, update_schedule=False, today=today)
    override_answer(qstore, wrong, today=today)
    with qstore.read() as session:
        assert session.get(QuizAnswer, wrong.answer_id).overridden
        assert session.execute(select(ReviewLog)).first() is None
        assert session.execute(select(ReviewState)).first() is None


def test_history_lists_attempts_newest_first(qstore, today):
    _, cards = load_selection(qstore, [FIXTURE_DECK])
    first = begin(qstore)
    record_quiz_answer(qstore, first, 0, item(cards[0].card_id, True), duration_ms=1,
                       update_schedule=False, today=today)
    finish_attempt(qstore, first)
    second = begin(qstore, count=7)
    with qstore.read() as session:
        history = quiz_history(session)
    assert [h.attempt_id for h in history] == [second, first]
    assert (history[1].answered, history[1].correct_count) == (1, 1)
    assert history[0].finished_at is None and history[0].question_count == 7


def test_quiz_cards_of_an_empty_selection(qstore):
    with qstore.read() as session:
        assert load_quiz_cards(session, ["no-such-key"]) == []
