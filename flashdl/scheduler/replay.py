"""A card's state from its review log, through either scheduler. Pure.

The review log is the truth: every answer's day and grade, whichever scheduler took it (grades
are on SM-2's 0-5 scale; FSRS reads them through :func:`flashdl.scheduler.fsrs.rating_for_grade`).

* **FSRS** replays the whole history from the card's first answer with the weights in use, as
  Anki computes memory states from its revlog. A card whose history starts from an SM-2 state
  (imported with scheduling) starts from the library's conversion of that state.
* **SM-2** is deterministic and has no weights, so it resumes from the card's latest answer that
  SM-2 itself scheduled (its logged ``state_after``, exactly as it was) and replays only what came
  after. That is what makes SM-2 -> FSRS -> SM-2 give back every SM-2 state bit for bit, and it
  keeps what no answer can recompute: the state an import gave a card (held on its last imported
  answer) and states written by earlier versions of SM-2's rules.

A card with a state but no logged answer keeps its state: SM-2's as stored; under FSRS the
library's conversion of it, due on the same day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from flashdl.scheduler.choice import SchedulerChoice, State
from flashdl.scheduler.sm2 import SM2State

_SM2_KEYS = ("repetitions", "ef_hundredths", "interval", "due")


@dataclasses.dataclass(frozen=True, slots=True)
class LoggedAnswer:
    """One review-log row, as the replay needs it."""

    day: dt.date
    grade: int
    state_before: dict[str, Any] | None = None
    state_after: dict[str, Any] | None = None


def is_sm2_state(data: Any) -> bool:
    """A logged state SM-2 computed (an FSRS state has a stability)."""
    return isinstance(data, dict) and all(k in data for k in _SM2_KEYS) and "stability" not in data


def sm2_baseline(data: Any) -> SM2State | None:
    """The SM-2 state a logged ``state_before`` holds (an FSRS one carries SM-2's ease and count
    beside its interval and due date), or None."""
    if not isinstance(data, dict) or not all(k in data for k in _SM2_KEYS):
        return None
    try:
        return SM2State.from_dict({**data, "needs_redrill": data.get("needs_redrill", False)})
    except (KeyError, TypeError, ValueError):
        return None


def replay(
    answers: Sequence[LoggedAnswer],
    choice: SchedulerChoice,
    *,
    card_id: int = 0,
    stored: SM2State | None = None,
) -> State | None:
    """The card's state under ``choice`` after ``answers`` (oldest first).

    ``stored`` is the card's SM-2 state as stored, used only when it has no logged answer."""
    if not answers:
        return choice.own_state(stored, stored.due) if stored is not None else None
    if choice.is_fsrs:
        state: Any = sm2_baseline(answers[0].state_before)
        rest: Sequence[LoggedAnswer] = answers
    else:
        for index in range(len(answers) - 1, -1, -1):
            if is_sm2_state(answers[index].state_after):
                state = SM2State.from_dict(answers[index].state_after)  # type: ignore[arg-type]
                rest = answers[index + 1:]
                break
        else:
            state, rest = sm2_baseline(answers[0].state_before), answers
    for answer in rest:
        state = choice.review(state, answer.grade, answer.day, card_id=card_id)
    return state
