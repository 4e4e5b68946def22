"""SuperMemo SM-2 (Wozniak 1990), computed exactly.

The reading follows the open-spaced-repetition ``sm-2`` package: a correct answer (quality >= 3)
updates the easiness factor EF and then the interval (1, 6, then ceil(previous interval x EF'));
a wrong answer (quality < 3) resets the repetition count and brings the card back the same day;
a quality of 3 (or less) also asks for a same-day repeat until the learner gives a 4 or a 5.

Same-day repeats are learning steps, not reviews (as in SuperMemo and Anki): a card that was
already answered correctly today (its due date lies ahead) and is answered again the same day,
from a quiz's "study missed" or an explicit card list, does not advance. A 4 or 5 leaves its
state as it is, a 3 asks for one more repeat today, and below 3 it lapses as on any other day
(forgetting it again the same day is real information). Without this rule a card answered 5 in
the morning and once more in the afternoon would go from a 1-day to a 6-day interval in one day.

EF only ever moves in whole hundredths (+0.10, 0, -0.14, floored at 1.30), so it is kept as an
integer number of hundredths and ``ceil(interval x EF)`` is computed in integers. Floating point
is not good enough here: where ``interval x EF`` is a whole number, float error can push the ceiling
one day too far.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import IntEnum
from typing import Any

#: Intervals are capped so that ``today + interval`` stays a valid date for a century.
MAX_INTERVAL = 36_500

#: EF bounds and start value, in hundredths.
EF_START = 250
EF_FLOOR = 130


class Quality(IntEnum):
    """SM-2 answer quality, 0 (blackout) to 5 (perfect)."""

    BLACKOUT = 0
    WRONG_RECOGNISED = 1
    WRONG_EASY_ONCE_SEEN = 2
    CORRECT_HARD = 3
    CORRECT_HESITANT = 4
    PERFECT = 5

    @property
    def label(self) -> str:
        return QUALITY_LABELS[self]


QUALITY_LABELS: dict[int, str] = {
    0: "blackout",
    1: "wrong, recognised",
    2: "wrong, easy once seen",
    3: "right, hard",
    4: "right, hesitant",
    5: "perfect",
}


def ef_delta(quality: int) -> int:
    """Change of EF in hundredths for a correct answer: 0.1 - (5-q)(0.08 + (5-q)0.02)."""
    miss = 5 - quality
    # (0.1 - miss*(0.08 + miss*0.02)) * 100, all in integers.
    return 10 - miss * (8 + miss * 2)


@dataclasses.dataclass(frozen=True, slots=True)
class SM2State:
    """A card's SM-2 state. Immutable: :func:`review` returns a new one.

    ``ef_hundredths`` is the exact easiness factor (250 means 2.50); :attr:`easiness` gives it as a
    number.
    """

    repetitions: int
    ef_hundredths: int
    interval: int
    due: dt.date
    needs_redrill: bool = False
    lapses: int = 0

    @classmethod
    def new(cls, today: dt.date) -> SM2State:
        return cls(repetitions=0, ef_hundredths=EF_START, interval=0, due=today)

    @property
    def last_day(self) -> dt.date:
        """The day of the answer that set this state (``due - interval`` holds for every state
        :func:`review` makes; for an imported state it is the day the other app last showed it)."""
        return self.due - dt.timedelta(days=self.interval)

    @property
    def easiness(self) -> float:
        """The easiness factor EF (2.5 for a new card)."""
        return self.ef_hundredths / 100

    def to_dict(self) -> dict[str, Any]:
        return {
            "repetitions": self.repetitions,
            "ef_hundredths": self.ef_hundredths,
            "interval": self.interval,
            "due": self.due.isoformat(),
            "needs_redrill": self.needs_redrill,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SM2State:
        return cls(
            repetitions=int(data["repetitions"]),
            ef_hundredths=int(data["ef_hundredths"]),
            interval=int(data["interval"]),
            due=dt.date.fromisoformat(str(data["due"])),
            needs_redrill=bool(data.get("needs_redrill", False)),
            lapses=int(data.get("lapses", 0)),
        )


def _check_quality(quality: object) -> int:
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"SM-2 quality must be an integer from 0 to 5, got {quality!r}")
    return int(quality)


def next_interval(repetitions: int, interval: int, ef_hundredths: int) -> int:
    """Interval in days after a correct answer, given the repetitions before it and the new EF."""
    if repetitions == 0:
        days = 1
    elif repetitions == 1:
        days = 6
    else:
        # ceil(interval * ef / 100) in integers
        days = -(-interval * ef_hundredths // 100)
    return min(days, MAX_INTERVAL)


def review(state: SM2State, quality: int, today: dt.date) -> SM2State:
    """Return the state after answering with ``quality`` on ``today``. ``state`` is not changed."""
    q = _check_quality(quality)

    if state.needs_redrill:
        # A same-day repeat: only a confident answer clears it, nothing else moves.
        if q >= 4:
            return dataclasses.replace(state, needs_redrill=False)
        return state

    if q >= 3 and state.repetitions > 0 and state.due > today and state.last_day == today:
        # A same-day repeat of a card already passed today: a learning step, not a review.
        return dataclasses.replace(state, needs_redrill=True) if q == 3 else state

    if q >= 3:
        ef = max(EF_FLOOR, state.ef_hundredths + ef_delta(q))
        interval = next_interval(state.repetitions, state.interval, ef)
        return SM2State(
            repetitions=state.repetitions + 1,
            ef_hundredths=ef,
            interval=interval,
            due=today + dt.timedelta(days=interval),
            needs_redrill=(q == 3),
            lapses=state.lapses,
        )

    learned = state.repetitions > 0
    return SM2State(
        repetitions=0,
        ef_hundredths=state.ef_hundredths,
        interval=0,
        due=today,
        needs_redrill=False,
        lapses=state.lapses + (1 if learned else 0),
    )
