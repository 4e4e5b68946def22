"""What each kind of quiz question looks like at 80x24, and the screens whose keys change as the
learner goes (Enter: check, next, see results) also at 120x40 (fixed seeds, a clock that stands
still).

Update after an intended change of the look with ``pytest tests/test_quiz_snapshots.py
--snapshot-update`` and check the new SVGs in ``tests/__snapshots__/test_quiz_snapshots/``.
"""

from __future__ import annotations

import pytest
from fixtures.quiz_support import FIXTURE_DECK, FakeClock, answer, open_quiz_store, quiz_app

from flashdl.quiz.cards import QuizConfig

SIZE = (80, 24)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def qstore(db_url):
    store = open_quiz_store(db_url)
    try:
        yield store
    finally:
        store.close()


def app_for(store, *types: str, seed: int = 3, **options):
    config = QuizConfig(deck_keys=(FIXTURE_DECK,), count=options.pop("count", 1), types=types,
                        seed=seed, **options)
    return quiz_app(store, config, clock=FakeClock())


def test_multiple_choice(snap_compare, qstore):
    assert snap_compare(app_for(qstore, "mc"), terminal_size=SIZE)


@pytest.mark.parametrize("size", SIZES)
def test_multiple_choice_answered_wrongly(snap_compare, qstore, size):
    async def wrong(pilot):
        await pilot.pause()
        await answer_without_moving_on(pilot, right=False)

    assert snap_compare(app_for(qstore, "mc"), terminal_size=size, run_before=wrong)


def test_true_false(snap_compare, qstore):
    assert snap_compare(app_for(qstore, "tf", seed=4), terminal_size=SIZE)


def test_typed_answer(snap_compare, qstore):
    assert snap_compare(app_for(qstore, "typed"), terminal_size=SIZE)


@pytest.mark.parametrize("size", SIZES)
def test_typed_answer_judged_wrong_offers_the_override(snap_compare, qstore, size):
    async def wrong(pilot):
        await pilot.pause()
        await pilot.press(*"decay", "enter")
        await pilot.pause()

    assert snap_compare(app_for(qstore, "typed"), terminal_size=size, run_before=wrong)


@pytest.mark.parametrize("size", SIZES)
def test_matching_while_pairing(snap_compare, qstore, size):
    async def pair_two(pilot):
        await pilot.pause()
        await pilot.press("1", "c", "3")
        await pilot.pause()

    assert snap_compare(app_for(qstore, "match"), terminal_size=size, run_before=pair_two)


@pytest.mark.parametrize("size", SIZES)
def test_matching_checked_with_pairs_missing_says_which(snap_compare, qstore, size):
    async def pair_three(pilot):
        await pilot.pause()
        await pilot.press("1", "c", "3", "a", "5", "e", "enter")
        await pilot.pause()

    assert snap_compare(app_for(qstore, "match"), terminal_size=size, run_before=pair_three)


@pytest.mark.parametrize("size", SIZES)
def test_matching_checked(snap_compare, qstore, size):
    async def pair_all(pilot):
        await pilot.pause()
        for i, letter in enumerate("abcde"):
            await pilot.press(str(i + 1), letter)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_for(qstore, "match"), terminal_size=size, run_before=pair_all)


def test_exercise(snap_compare, qstore):
    assert snap_compare(app_for(qstore, "exercise"), terminal_size=SIZE)


def test_countdown_and_fallback_notice(snap_compare, qstore):
    # 20 questions asked of a 10-card deck: the quiz is shorter, and says so
    app = app_for(qstore, "exercise", "typed", seed=5, count=20, time_limit_s=300)
    assert snap_compare(app, terminal_size=SIZE)


def test_end_screen(snap_compare, qstore):
    async def finish(pilot):
        await pilot.pause()
        for right in (True, False, False):
            await answer(pilot, right=right)
            await pilot.press("enter")
            await pilot.pause()

    app = app_for(qstore, "mc", "tf", "exercise", seed=6, count=3)
    assert snap_compare(app, terminal_size=SIZE, run_before=finish)


async def answer_without_moving_on(pilot, *, right: bool) -> None:
    question = pilot.app.screen.question
    choice = question.answer_index if right else (question.answer_index + 1) % 4
    await pilot.press(str(choice + 1))
    await pilot.pause()
