"""Which scheduler predicts this learner better, on their own history. Pure (no store).

How it is measured (the method of the open SRS benchmark, through the FSRS library):

* **Items.** Every answer given on a later day than the card's previous answer is a prediction
  to check: did the learner recall it (any grade but Again / below 3)? Same-day repeats are
  history, not predictions. Items are in time order.
* **Time-series split.** The library's split: the items are cut into six segments; segment k+1
  is predicted by a model trained on segments 1..k. All three schedulers are scored on the same
  answers (segments 2 to 6) with the same two metrics, log loss and RMSE (bins) (the library's
  binning by interval, review count and lapses).
* **SM-2** has no recall model of its own. As the benchmark does, its interval is taken as the
  90%-retention point: after t days with interval I it predicts recall 0.9^(t/I).
* **FSRS, default weights**: the library's memory state before each answer and its forgetting
  curve (through the library's ``Card.retention_on``); no training.
* **FSRS, optimized weights**: the library's ``evaluate_with_time_series_splits`` (it fits the
  weights on the past of each split itself). Reported only once the learner has optimized.
* **Reviews per day** at the desired retention: the library's simulator for FSRS. The simulator
  cannot schedule with SM-2, so for SM-2 flashdl runs the same simulation itself (same deck
  size, days, limits, answer probabilities and seed), SM-2 choosing the intervals and the
  library's memory model deciding what is recalled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Any

from flashdl.scheduler.fsrs import SM2_RETENTION, rating_for_grade
from flashdl.scheduler.sm2 import SM2State
from flashdl.scheduler.sm2 import review as sm2_review

#: The library's time-series split has 5 folds over 6 segments: it needs at least 6 items.
MIN_EVALUATION_ITEMS = 6
#: Below this many items the library does not fit all weights (it returns its defaults under 8
#: and only the first four under 64): ``optimize`` refuses.
MIN_OPTIMIZE_ITEMS = 64
#: log loss is computed on predictions clipped to this distance from 0 and 1
EPSILON = 1e-7
SIMULATION_DAYS = 365
SIMULATION_SEED = 42

History = Sequence[tuple[dt.date, int]]  # one card's (day, grade 0-5), oldest first


@dataclasses.dataclass(frozen=True)
class Item:
    """One prediction to check: a card's answers up to and including the one predicted."""

    day: dt.date
    reviews: tuple[tuple[int, int], ...]  # (rating 1-4, days since the previous answer)
    sm2_prediction: float

    @property
    def recalled(self) -> bool:
        return self.reviews[-1][0] > 1

    @property
    def elapsed(self) -> int:
        return self.reviews[-1][1]


@dataclasses.dataclass(frozen=True)
class Score:
    log_loss: float
    rmse_bins: float
    #: reviews per day at the desired retention (simulated)
    reviews: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins, "reviews": self.reviews}


def build_items(histories: Sequence[History]) -> list[Item]:
    """Every answer on a later day than the card's previous one, in time order, with what SM-2
    predicted for it."""
    items: list[tuple[dt.date, int, Item]] = []
    for number, history in enumerate(histories):
        reviews: list[tuple[int, int]] = []
        sm2: SM2State | None = None
        previous: dt.date | None = None
        for day, grade in history:
            elapsed = 0 if previous is None else max(0, (day - previous).days)
            reviews.append((int(rating_for_grade(grade)), elapsed))
            if elapsed > 0 and sm2 is not None:
                prediction = SM2_RETENTION ** (elapsed / max(1, sm2.interval))
                items.append((day, number, Item(day, tuple(reviews), prediction)))
            sm2 = sm2_review(sm2 or SM2State.new(day), grade, day)
            previous = day
    items.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in items]


def test_segment(items: Sequence[Item]) -> list[Item]:
    """The items the library's time-series split predicts (all but the first of six segments)."""
    return list(items[len(items) // 6:])


def _library_item(reviews: Sequence[tuple[int, int]]) -> Any:
    import fsrs_rs_python

    return fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(r, t) for r, t in reviews])


def _bin(item: Item) -> tuple[int, int, int]:
    """The library's RMSE bin of an item (fsrs-rs ``FSRSItem::r_matrix_index``)."""
    delta_t = float(item.elapsed)
    delta_bin = round(2.48 * 3.62 ** math.floor(math.log(delta_t, 3.62)) * 100)
    length = sum(1 for _, t in item.reviews if t > 0) + 1.0
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(length, 1.89)))
    lapses = sum(1 for r, t in item.reviews[:-1] if r == 1 and t > 0)
    if lapses == 0:
        return delta_bin, length_bin, 0
    return delta_bin, length_bin, round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73)))


def score(items: Sequence[Item], predictions: Sequence[float], weights: Sequence[float] | None = None) -> Score:
    """Log loss and RMSE (bins) of ``predictions`` (weighted like the library when given)."""
    weights = weights or [1.0] * len(items)
    loss = total = 0.0
    bins: dict[tuple[int, int, int], list[float]] = {}
    for item, p, w in zip(items, predictions, weights, strict=True):
        y = 1.0 if item.recalled else 0.0
        q = min(max(p, EPSILON), 1 - EPSILON)
        loss -= w * (y * math.log(q) + (1 - y) * math.log(1 - q))
        total += w
        cell = bins.setdefault(_bin(item), [0.0, 0.0, 0.0, 0.0])
        cell[0] += p
        cell[1] += y
        cell[2] += 1
        cell[3] += w
    rmse = math.sqrt(
        sum((c[0] / c[2] - c[1] / c[2]) ** 2 * c[3] for c in bins.values())
        / sum(c[3] for c in bins.values())
    )
    return Score(log_loss=loss / total, rmse_bins=rmse)


def fsrs_predictions(items: Sequence[Item], weights: Sequence[float] | None) -> list[float]:
    """The library's recall prediction for each item: the memory state after the answers
    before it, and its forgetting curve after the days elapsed."""
    import fsrs_rs_python

    from flashdl.scheduler.fsrs import model

    parameters = list(weights) if weights is not None else list(fsrs_rs_python.DEFAULT_PARAMETERS)
    states = model(tuple(weights) if weights is not None else None).memory_state_batch(
        [_library_item(item.reviews[:-1]) for item in items]
    )
    curve = fsrs_rs_python.Card()
    curve.parameters = parameters
    curve.last_date = 0.0
    predictions = []
    for item, state in zip(items, states, strict=True):
        curve.stability = state.stability
        predictions.append(float(curve.retention_on(float(item.elapsed))))
    return predictions


def optimized_score(items: Sequence[Item]) -> Score:
    """FSRS fitted on the past of each split and scored on the next (the library's function)."""
    import fsrs_rs_python

    result = fsrs_rs_python.evaluate_with_time_series_splits([_library_item(i.reviews) for i in items])
    return Score(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def fit_weights(items: Sequence[Item]) -> tuple[float, ...]:
    """FSRS weights fitted to these items by the library's optimizer."""
    from flashdl.scheduler.fsrs import model

    return tuple(float(w) for w in model(None).compute_parameters([_library_item(i.reviews) for i in items]))


# -- workload ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Workload:
    """What the simulation is set up with, from the learner's own store and history."""

    deck_size: int
    new_per_day: int
    #: probabilities of Again/Hard/Good/Easy on a card's first answer
    first_rating: tuple[float, float, float, float] = (0.24, 0.094, 0.495, 0.171)
    #: probabilities of Hard/Good/Easy among passed reviews
    review_rating: tuple[float, float, float] = (0.224, 0.631, 0.145)
    days: int = SIMULATION_DAYS


def rating_shares(histories: Sequence[History]) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
    """The learner's first-answer rating shares and passed-review rating shares (None: no data)."""
    first = [0, 0, 0, 0]
    passed = [0, 0, 0]
    for history in histories:
        for index, (_, grade) in enumerate(history):
            rating = int(rating_for_grade(grade))
            if index == 0:
                first[rating - 1] += 1
            elif rating > 1:
                passed[rating - 2] += 1
    return _shares(first), _shares(passed)


def _shares(counts: Sequence[int]) -> tuple[float, ...] | None:
    total = sum(counts)
    return tuple(c / total for c in counts) if total else None


def _simulator_config(workload: Workload) -> Any:
    import fsrs_rs_python

    config = fsrs_rs_python.default_simulator_config()
    config.deck_size = workload.deck_size
    config.learn_span = workload.days
    config.learn_limit = workload.new_per_day
    config.review_limit = 1_000_000  # what the scheduler asks for, not what a limit lets through
    config.max_cost_perday = math.inf
    config.first_rating_prob = list(workload.first_rating)
    config.review_rating_prob = list(workload.review_rating)
    return config


def fsrs_reviews_per_day(weights: Sequence[float] | None, retention: float, workload: Workload) -> float:
    """Reviews per day FSRS asks for at ``retention``: the library's simulator."""
    import fsrs_rs_python

    parameters = list(weights) if weights is not None else list(fsrs_rs_python.DEFAULT_PARAMETERS)
    result = fsrs_rs_python.simulate(parameters, retention, _simulator_config(workload), SIMULATION_SEED)
    counts = result.review_cnt_per_day
    return sum(counts) / len(counts) if counts else 0.0


def sm2_reviews_per_day(memory_weights: Sequence[float] | None, workload: Workload) -> float:
    """Reviews per day SM-2 asks for, in the same simulation with SM-2 choosing the intervals.

    Each simulated card has an SM-2 state (what is scheduled) and a library memory state (what
    the learner remembers). On its due day a card is recalled with the library's predicted
    probability; the grade is drawn from the learner's shares (a lapse is relearned the same day
    with a 4, as flashdl's redrill does)."""
    import fsrs_rs_python

    from flashdl.scheduler.fsrs import model

    rng = random.Random(SIMULATION_SEED)
    fsrs = model(tuple(memory_weights) if memory_weights is not None else None)
    parameters = list(memory_weights) if memory_weights is not None else list(fsrs_rs_python.DEFAULT_PARAMETERS)
    curve = fsrs_rs_python.Card()
    curve.parameters = parameters
    start = dt.date(2000, 1, 1)
    cards: list[list[Any]] = []  # [sm2 state, memory state, last day]
    due_on: dict[int, list[int]] = {}
    reviews = 0
    grade_for = {1: 1, 2: 3, 3: 4, 4: 5}

    def answer(index: int, rating: int, day_number: int) -> None:
        sm2, memory, last = cards[index]
        day = start + dt.timedelta(days=day_number)
        elapsed = 0 if last is None else day_number - last
        outcomes = fsrs.next_states(memory, 0.9, elapsed)
        memory = (outcomes.again, outcomes.hard, outcomes.good, outcomes.easy)[rating - 1].memory
        sm2 = sm2_review(sm2, grade_for[rating], day)
        if sm2.due <= day or sm2.needs_redrill:  # relearned today: one more answer, a 4
            outcomes = fsrs.next_states(memory, 0.9, 0)
            memory = outcomes.good.memory
            sm2 = sm2_review(sm2, 4, day)
        cards[index] = [sm2, memory, day_number]
        due_on.setdefault((sm2.due - start).days, []).append(index)

    for day_number in range(workload.days):
        for index in due_on.pop(day_number, []):
            sm2, memory, last = cards[index]
            curve.stability = memory.stability
            curve.last_date = float(last)
            recalled = rng.random() < curve.retention_on(float(day_number))
            rating = rng.choices((2, 3, 4), workload.review_rating)[0] if recalled else 1
            reviews += 1
            answer(index, rating, day_number)
        for _ in range(min(workload.new_per_day, workload.deck_size - len(cards))):
            cards.append([SM2State.new(start), None, None])
            answer(len(cards) - 1, rng.choices((1, 2, 3, 4), workload.first_rating)[0], day_number)
    return reviews / workload.days
