"""``scheduler evaluate``'s measurements: flashdl's scoring of FSRS's predictions reproduces the
library's own ``evaluate`` (same predictions, same bins), SM-2's prediction is 0.9^(t/I), and
the test answers are the library's time-series test segments."""

from __future__ import annotations

import datetime as dt
import random

import fsrs_rs_python as lib
import pytest

from flashdl.scheduler import evaluation as ev

DAY0 = dt.date(2025, 1, 1)


def learner(cards: int = 60, seed: int = 4) -> list[list[tuple[dt.date, int]]]:
    rng = random.Random(seed)
    histories = []
    for _ in range(cards):
        day, history = DAY0 + dt.timedelta(days=rng.randrange(30)), []
        for _ in range(rng.randint(2, 12)):
            history.append((day, rng.choice((1, 3, 4, 4, 4, 5))))
            day += dt.timedelta(days=rng.choice((0, 1, 2, 5, 11, 30)))
        histories.append(history)
    return histories


def test_flashdl_scoring_of_fsrs_reproduces_the_librarys_evaluate() -> None:
    items = ev.build_items(learner())
    n = len(items)
    recency = [0.25 + 0.75 * (i / max(1, n - 1)) ** 3 for i in range(n)]  # the library's weights
    ours = ev.score(items, ev.fsrs_predictions(items, None), recency)
    theirs = lib.FSRS(lib.DEFAULT_PARAMETERS).evaluate(
        [lib.FSRSItem([lib.FSRSReview(r, t) for r, t in i.reviews]) for i in items])
    assert ours.log_loss == pytest.approx(theirs.log_loss, rel=1e-4)
    assert ours.rmse_bins == pytest.approx(theirs.rmse_bins, rel=1e-4)


def test_items_are_answers_on_a_later_day_with_sm2s_own_prediction() -> None:
    history = [(DAY0, 4), (DAY0, 5), (DAY0 + dt.timedelta(days=3), 4),
               (DAY0 + dt.timedelta(days=12), 1)]
    items = ev.build_items([history])
    assert [(i.day, i.elapsed, i.recalled) for i in items] == [
        (DAY0 + dt.timedelta(days=3), 3, True), (DAY0 + dt.timedelta(days=12), 9, False)]
    # SM-2 after 4 (interval 1) then the same-day 5 (no change): 3 days late on a 1-day interval
    assert items[0].sm2_prediction == pytest.approx(0.9 ** 3)
    assert items[1].sm2_prediction == pytest.approx(0.9 ** (9 / 6))


def test_the_tested_answers_are_the_librarys_test_segments() -> None:
    items = list(range(61))
    assert ev.test_segment(items) == items[10:]  # 61 // 6 = 10: the first segment trains only
