"""What the quiz knows about a card and about the quiz it was asked to make.

The quiz layer is pure: it works on these plain records, never on database rows or widgets, so
question generation and grading can be tested (and reproduced from a seed) without a store or a
terminal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

#: Every question type, in the order ``--types`` documents them.
QUESTION_TYPES: tuple[str, ...] = ("mc", "tf", "typed", "match", "exercise")

#: How each type is named to the learner (notices, end screen).
TYPE_NAMES: dict[str, str] = {
    "mc": "multiple choice",
    "tf": "true/false",
    "typed": "typed answer",
    "match": "matching",
    "exercise": "exercise",
}

DEFAULT_COUNT = 10


@dataclasses.dataclass(frozen=True)
class QuizCard:
    """One card as the quiz sees it: its text and, for exercise cards, the demo behind it."""

    card_id: int
    deck_key: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    demo_name: str | None = None
    demo_params: dict[str, Any] | None = None
    kind: str = "basic"


@dataclasses.dataclass(frozen=True)
class QuizConfig:
    """Everything ``flashdl quiz`` was asked for, already validated.

    ``deck_keys`` None means every deck. ``seed`` None lets the screen draw one (and store it with
    the attempt, so the quiz can be taken again). ``today`` None means the calendar day when an
    answer is recorded (it only matters with ``update_schedule``).
    """

    deck_keys: tuple[str, ...] | None = None
    count: int = DEFAULT_COUNT
    types: tuple[str, ...] = QUESTION_TYPES
    time_limit_s: int | None = None
    seed: int | None = None
    update_schedule: bool = False
    today: dt.date | None = None
