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
import functools
import math
import random
from collections.abc import Sequence
from typing import Any

from flashdl.scheduler.fsrs import SM2_RETENTION
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


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """One prediction to check: a card's answers up to and including the one predicted."""

    day: dt.date
    #: the card's (rating 1-4, days since the previous answer), shared by its items
    card_reviews: list[tuple[int, int]]
    #: how many of them this item holds (the last one is predicted)
    length: int
    sm2_prediction: float
    #: answers on a later day than the one before, and lapses among them, before this one
    long_term_before: int
    lapses_before: int

    @property
    def reviews(self) -> list[tuple[int, int]]:
        return self.card_reviews[:self.length]

    @property
    def recalled(self) -> bool:
        return self.card_reviews[self.length - 1][0] > 1

    @property
    def elapsed(self) -> int:
        return self.card_reviews[self.length - 1][1]


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
    from flashdl.scheduler.replay import RATING_OF_GRADE

    items: list[tuple[dt.date, int, Item]] = []
    for number, history in enumerate(histories):
        reviews: list[tuple[int, int]] = []
        sm2: SM2State | None = None
        previous: dt.date | None = None
        long_term = lapses = 0
        for day, grade in history:
            elapsed = 0 if previous is None else max(0, (day - previous).days)
            rating = RATING_OF_GRADE[grade]
            reviews.append((rating, elapsed))
            if elapsed > 0 and sm2 is not None:
                prediction = SM2_RETENTION ** (elapsed / max(1, sm2.interval))
                items.append((day, number, Item(day, reviews, len(reviews), prediction,
                                                long_term, lapses)))
            if elapsed > 0:
                long_term += 1
                lapses += rating == 1
            sm2 = sm2_review(sm2 or SM2State.new(day), grade, day)
            previous = day
    items.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in items]


def test_segment(items: Sequence[Item]) -> list[Item]:
    """The items the library's time-series split predicts (all but the first of six segments)."""
    return list(items[len(items) // 6:])


def _library_items(items: Sequence[Item], *, drop_last: bool = False) -> list[Any]:
    """The library's items, each card's review objects made once and shared by its items."""
    import fsrs_rs_python

    made: dict[int, list[Any]] = {}
    result = []
    for item in items:
        reviews = made.get(id(item.card_reviews))
        if reviews is None:
            reviews = made[id(item.card_reviews)] = [
                fsrs_rs_python.FSRSReview(r, t) for r, t in item.card_reviews]
        result.append(fsrs_rs_python.FSRSItem(reviews[:item.length - (1 if drop_last else 0)]))
    return result


@functools.lru_cache(maxsize=4096)
def _bin_of(elapsed: int, long_term: int, lapses: int) -> tuple[int, int, int]:
    delta_bin = round(2.48 * 3.62 ** math.floor(math.log(float(elapsed), 3.62)) * 100)
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(long_term + 1.0, 1.89)))
    if lapses == 0:
        return delta_bin, length_bin, 0
    return delta_bin, length_bin, round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73)))


def _bin(item: Item) -> tuple[int, int, int]:
    """The library's RMSE bin of an item (fsrs-rs ``FSRSItem::r_matrix_index``): by days
    elapsed, answers on later days (this one included) and lapses before it."""
    return _bin_of(item.elapsed, item.long_term_before + 1, item.lapses_before)


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
        _library_items(items, drop_last=True)
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

    result = fsrs_rs_python.evaluate_with_time_series_splits(_library_items(items))
    return Score(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def fit_weights(items: Sequence[Item]) -> tuple[float, ...]:
    """FSRS weights fitted to these items by the library's optimizer."""
    from flashdl.scheduler.fsrs import model

    return tuple(float(w) for w in model(None).compute_parameters(_library_items(items)))


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
    from flashdl.scheduler.replay import RATING_OF_GRADE

    for history in histories:
        if history:
            first[RATING_OF_GRADE[history[0][1]] - 1] += 1
        for _, grade in history[1:]:
            rating = RATING_OF_GRADE[grade]
            if rating > 1:
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
    start = dt.date(2000, 1, 1).toordinal()
    first_cut = _cumulative(workload.first_rating)
    review_cut = _cumulative(workload.review_rating)
    states: list[SM2State] = []
    memories: list[Any] = []
    last_days: list[int] = []
    due_on: dict[int, list[int]] = {}
    reviews = 0
    grade_for = (0, 1, 3, 4, 5)

    def answer(index: int, rating: int, day_number: int, elapsed: int) -> None:
        day = dt.date.fromordinal(start + day_number)
        outcomes = fsrs.next_states(memories[index], 0.9, elapsed)
        memory = (outcomes.again, outcomes.hard, outcomes.good, outcomes.easy)[rating - 1].memory
        sm2 = sm2_review(states[index], grade_for[rating], day)
        if sm2.due <= day or sm2.needs_redrill:  # relearned today: one more answer, a 4
            memory = fsrs.next_states(memory, 0.9, 0).good.memory
            sm2 = sm2_review(sm2, 4, day)
        states[index], memories[index], last_days[index] = sm2, memory, day_number
        due_on.setdefault(sm2.due.toordinal() - start, []).append(index)

    for day_number in range(workload.days):
        for index in due_on.pop(day_number, ()):
            curve.stability = memories[index].stability
            curve.last_date = float(last_days[index])
            if rng.random() < curve.retention_on(float(day_number)):
                rating = 2 + _pick(review_cut, rng.random())
            else:
                rating = 1
            reviews += 1
            answer(index, rating, day_number, day_number - last_days[index])
        for _ in range(min(workload.new_per_day, workload.deck_size - len(states))):
            states.append(SM2State.new(dt.date.fromordinal(start + day_number)))
            memories.append(None)
            last_days.append(day_number)
            answer(len(states) - 1, 1 + _pick(first_cut, rng.random()), day_number, 0)
    return reviews / workload.days


def _cumulative(shares: Sequence[float]) -> list[float]:
    total, cut = 0.0, []
    for share in shares:
        total += share
        cut.append(total)
    return cut


def _pick(cumulative: Sequence[float], x: float) -> int:
    """The index whose share ``x`` (uniform in [0, 1)) falls into."""
    scale = cumulative[-1]
    for index, bound in enumerate(cumulative):
        if x * scale < bound:
            return index
    return len(cumulative) - 1
