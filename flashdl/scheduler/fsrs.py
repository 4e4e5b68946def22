"""FSRS-6 through the library Anki itself uses (fsrs-rs, via ``fsrs-rs-python``). Pure.

No FSRS formula is written here: memory states, intervals, the same-day update, the optimizer,
the evaluation and the simulator are the library's. What flashdl adds is the part Anki adds
around fsrs-rs:

* **Whole local days.** ``days elapsed`` is the number of calendar days between the previous
  answer and this one; a same-day repeat has 0 days elapsed, which fsrs-rs answers with FSRS-6's
  short-term (same-day) stability update.
* **Again is a same-day repeat.** flashdl has no minute-long learning steps; a card rated Again is
  due again today (interval 0), like SM-2's lapses, and the study session shows it again a few
  cards later. The memory state is updated all the same.
* **Interval rounding and order**, as Anki does: the library's fractional interval is rounded to
  whole days (at least 1), Good is at least one day more than Hard and Easy one more than Good,
  capped at :data:`~flashdl.scheduler.sm2.MAX_INTERVAL`.
* **Fuzz** only when asked (``fuzz=True``), with Anki's fuzz ranges and a seed made from the card
  and the day, so replaying a history gives the same dates again.

The library is imported on first use, never at import time: the SM-2 path and ``flashdl --help``
do not load it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import random
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from flashdl.scheduler.sm2 import MAX_INTERVAL

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Desired retention: the default, and the range accepted (Anki allows 0.70 to 0.99).
DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.70
MAX_RETENTION = 0.99
#: The retention SM-2's interval is taken to stand for when an SM-2 state becomes an FSRS one
#: (and when SM-2 is evaluated): the open SRS benchmark's reading of SM-2.
SM2_RETENTION = 0.9


class Rating(IntEnum):
    """Anki's four answer buttons."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


#: How the four buttons are written in the review log, whose grades are SM-2's 0-5 scale: Again
#: is a failed answer (1, "wrong, recognised"), Hard a pass with difficulty (3), Good a pass (4),
#: Easy a perfect answer (5). Anki's revlog ease 1-4 is read through the same table.
GRADE_FOR_RATING: dict[Rating, int] = {
    Rating.AGAIN: 1,
    Rating.HARD: 3,
    Rating.GOOD: 4,
    Rating.EASY: 5,
}


def rating_for_grade(grade: int) -> Rating:
    """The FSRS rating of a logged 0-5 grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy.

    The inverse of :data:`GRADE_FOR_RATING` on its values, so FSRS answers replay to the very
    buttons that were pressed; SM-2's three failing grades all count as Again."""
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise ValueError(f"a logged grade is an integer from 0 to 5, got {grade!r}")
    return Rating.AGAIN if grade < 3 else Rating(grade - 1)


@dataclasses.dataclass(frozen=True, slots=True)
class FSRSParams:
    """What FSRS schedules with. ``weights`` None means the library's default FSRS-6 weights."""

    weights: tuple[float, ...] | None = None
    desired_retention: float = DEFAULT_RETENTION
    fuzz: bool = False
    maximum_interval: int = MAX_INTERVAL

    def __post_init__(self) -> None:
        retention = self.desired_retention
        if isinstance(retention, bool) or not isinstance(retention, (int, float)) or not (
            MIN_RETENTION <= retention <= MAX_RETENTION
        ):
            raise ValueError(
                f"desired retention must be between {MIN_RETENTION} and {MAX_RETENTION}, "
                f"got {retention!r}"
            )
        if not 1 <= self.maximum_interval <= MAX_INTERVAL:
            raise ValueError(f"maximum interval must be 1 to {MAX_INTERVAL} days")


@dataclasses.dataclass(frozen=True, slots=True)
class FSRSState:
    """A card's FSRS state. ``interval`` 0 means due again the same day (after Again)."""

    stability: float
    difficulty: float
    interval: int
    due: dt.date
    lapses: int = 0

    #: FSRS keeps no pending SM-2-style redrill; Again makes the card due today instead.
    needs_redrill = False

    @property
    def last_day(self) -> dt.date:
        """The day of the answer that set this state."""
        return self.due - dt.timedelta(days=self.interval)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stability": self.stability,
            "difficulty": self.difficulty,
            "interval": self.interval,
            "due": self.due.isoformat(),
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FSRSState:
        return cls(
            stability=float(data["stability"]),
            difficulty=float(data["difficulty"]),
            interval=int(data["interval"]),
            due=dt.date.fromisoformat(str(data["due"])),
            lapses=int(data.get("lapses", 0)),
        )


def default_weights() -> tuple[float, ...]:
    """The library's default FSRS-6 weights."""
    import fsrs_rs_python

    return tuple(float(w) for w in fsrs_rs_python.DEFAULT_PARAMETERS)


def checked_weights(weights: Sequence[float]) -> tuple[float, ...]:
    """``weights`` as the library accepts them (ValueError if it does not)."""
    import fsrs_rs_python

    values = [float(w) for w in weights]
    if not values or not all(math.isfinite(w) for w in values):
        raise ValueError("FSRS weights must be finite numbers")
    try:
        filled = fsrs_rs_python.check_and_fill_parameters(values)
    except BaseException as exc:  # the binding raises its own exception types (or panics)
        raise ValueError(f"the FSRS library refuses these weights: {exc}") from None
    return tuple(float(w) for w in filled)


@functools.lru_cache(maxsize=8)
def model(weights: tuple[float, ...] | None) -> Any:
    """The library's FSRS model for ``weights`` (cached: building one is not free)."""
    import fsrs_rs_python

    return fsrs_rs_python.FSRS(list(weights) if weights is not None else fsrs_rs_python.DEFAULT_PARAMETERS)


def _round(x: float) -> int:
    """Rounding half away from zero, as Rust's ``f32::round`` (Anki) does."""
    return int(math.floor(x + 0.5))


#: Anki's fuzz ranges: (from days, to days, share of the interval in that range added to the spread).
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def fuzz_bounds(interval: int, maximum: int) -> tuple[int, int]:
    """The days an interval may be moved to by fuzz (Anki's ranges; none under 2.5 days)."""
    if interval < 2.5:
        return interval, interval
    delta = 1.0 + sum(
        factor * max(0.0, min(interval, high) - low) for low, high, factor in FUZZ_RANGES
    )
    lower = max(2, _round(interval - delta))
    upper = min(maximum, _round(interval + delta))
    return min(lower, upper), upper


def _fuzzed(interval: int, params: FSRSParams, seed: int, day: dt.date, rating: Rating) -> int:
    if not params.fuzz or interval < 3:
        return interval
    lower, upper = fuzz_bounds(interval, params.maximum_interval)
    if lower == upper:
        return interval
    rng = random.Random(f"{seed}:{day.toordinal()}:{int(rating)}")
    return rng.randint(lower, upper)


def memory(state: FSRSState | None) -> Any:
    if state is None:
        return None
    from fsrs_rs_python import MemoryState

    return MemoryState(stability=state.stability, difficulty=state.difficulty)


def days_elapsed(state: FSRSState | None, review_day: dt.date) -> int:
    """Whole local days since the previous answer (0 for a new card or a same-day repeat)."""
    if state is None:
        return 0
    return max(0, (review_day - state.last_day).days)


def _library_outcome(state: FSRSState | None, review_day: dt.date, params: FSRSParams) -> Any:
    if state is not None and not isinstance(state, FSRSState):
        raise TypeError(f"an FSRS state or None is needed, got {type(state).__name__}")
    return model(params.weights).next_states(
        memory(state), params.desired_retention, days_elapsed(state, review_day)
    )


def _intervals(outcome: Any, params: FSRSParams) -> tuple[int, int, int, int]:
    """Whole-day intervals for Again, Hard, Good, Easy (Anki's rounding and order)."""
    cap = params.maximum_interval
    hard = min(cap, max(1, _round(outcome.hard.interval)))
    good = min(cap, max(hard + 1, _round(outcome.good.interval)))
    easy = min(cap, max(good + 1, _round(outcome.easy.interval)))
    return 0, hard, good, easy


def _after(
    state: FSRSState | None, outcome: Any, intervals: tuple[int, int, int, int], rating: Rating,
    review_day: dt.date, params: FSRSParams, fuzz_seed: int,
) -> FSRSState:
    item = (outcome.again, outcome.hard, outcome.good, outcome.easy)[rating - 1]
    interval = _fuzzed(intervals[rating - 1], params, fuzz_seed, review_day, rating)
    lapses = 0 if state is None else state.lapses
    if rating == 1 and state is not None and state.interval > 0:
        lapses += 1  # forgotten after having been learned
    memory_after = item.memory
    return FSRSState(
        stability=float(memory_after.stability),
        difficulty=float(memory_after.difficulty),
        interval=interval,
        due=dt.date.fromordinal(review_day.toordinal() + interval),
        lapses=lapses,
    )


def next_states(
    state: FSRSState | None, review_day: dt.date, params: FSRSParams, *, fuzz_seed: int = 0
) -> dict[Rating, FSRSState]:
    """What each of the four buttons would make of ``state`` on ``review_day``."""
    outcome = _library_outcome(state, review_day, params)
    intervals = _intervals(outcome, params)
    return {
        rating: _after(state, outcome, intervals, rating, review_day, params, fuzz_seed)
        for rating in Rating
    }


def review(
    state: FSRSState | None,
    rating: int,
    review_day: dt.date,
    params: FSRSParams | None = None,
    *,
    fuzz_seed: int = 0,
) -> FSRSState:
    """The state after answering ``rating`` (1 Again .. 4 Easy) on ``review_day``.

    ``state`` is None for a new card and is never changed. ``fuzz_seed`` (flashdl passes the
    card's id) only matters with ``params.fuzz``."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 4:
        raise ValueError(f"an FSRS rating is an integer from 1 (Again) to 4 (Easy), got {rating!r}")
    params = params or FSRSParams()
    outcome = _library_outcome(state, review_day, params)
    return _after(state, outcome, _intervals(outcome, params), Rating(rating), review_day, params,
                  fuzz_seed)


def state_from_sm2(
    ef_hundredths: int, interval: int, due: dt.date, lapses: int, params: FSRSParams
) -> FSRSState:
    """An FSRS state for a card known only by its SM-2 ease and interval (no usable history),
    by the library's conversion, as Anki does. Its due date is kept: FSRS takes over from the
    card's next answer."""
    state = model(params.weights).memory_state_from_sm2(
        ef_hundredths / 100, float(max(1, interval)), SM2_RETENTION
    )
    return FSRSState(
        stability=float(state.stability),
        difficulty=float(state.difficulty),
        interval=max(0, interval),
        due=due,
        lapses=lapses,
    )
