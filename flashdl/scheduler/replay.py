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
import json
from collections.abc import Sequence
from typing import Any

from flashdl.scheduler.choice import SchedulerChoice, State
from flashdl.scheduler.sm2 import SM2State

_SM2_KEYS = ("repetitions", "ef_hundredths", "interval", "due")
#: :func:`flashdl.scheduler.fsrs.rating_for_grade` as a table, for replaying millions of answers
RATING_OF_GRADE = (1, 1, 1, 2, 3, 4)


@dataclasses.dataclass(frozen=True, slots=True)
class LoggedAnswer:
    """One review-log row, as the replay needs it. The logged states may still be JSON text:
    they are decoded only when read (a replay reads one or two per card, not one per answer)."""

    day: dt.date
    grade: int
    state_before: dict[str, Any] | str | None = None
    state_after: dict[str, Any] | str | None = None


def _decoded(data: Any) -> Any:
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return None
    return data


def is_sm2_state(data: Any) -> bool:
    """A logged state SM-2 computed (an FSRS state has a stability)."""
    data = _decoded(data)
    return isinstance(data, dict) and all(k in data for k in _SM2_KEYS) and "stability" not in data


def sm2_baseline(data: Any) -> SM2State | None:
    """The SM-2 state a logged ``state_before`` holds (an FSRS one carries SM-2's ease and count
    beside its interval and due date), or None."""
    data = _decoded(data)
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
                state = SM2State.from_dict(_decoded(answers[index].state_after))
                rest = answers[index + 1:]
                break
        else:
            state, rest = sm2_baseline(answers[0].state_before), answers
    for answer in rest:
        state = choice.review(state, answer.grade, answer.day, card_id=card_id)
    return state


def replay_many(
    cards: Sequence[tuple[int, Sequence[LoggedAnswer], SM2State | None]],
    choice: SchedulerChoice,
) -> list[State | None]:
    """:func:`replay` for many cards at once: ``(card id, answers, stored SM-2 state)`` each.

    Under FSRS the memory states come from the library in one batch call (its
    ``memory_state_batch`` runs the same steps as its ``next_states``, bit for bit, which the
    tests check), and only each card's last answer goes through :func:`flashdl.scheduler.fsrs.
    review` for its interval and due date. Same result as :func:`replay`, many times faster."""
    if not choice.is_fsrs:
        return [replay(answers, choice, card_id=card_id, stored=stored)
                for card_id, answers, stored in cards]
    import fsrs_rs_python

    from flashdl.scheduler.fsrs import FSRSState, memory, model
    from flashdl.scheduler.fsrs import review as fsrs_review

    params = choice.fsrs_params()
    results: list[State | None] = [None] * len(cards)
    batch_items: list[Any] = []
    batch_starts: list[Any] = []
    pending: list[tuple[int, int, Any, int, int, int, int]] = []
    for index, (card_id, answers, stored) in enumerate(cards):
        if not answers:
            results[index] = replay(answers, choice, card_id=card_id, stored=stored)
            continue
        baseline = sm2_baseline(answers[0].state_before)
        start = choice.own_state(baseline, answers[0].day) if baseline is not None else None
        reviews = []
        lapses = 0 if start is None else start.lapses
        # FSRS counts a lapse when Again follows a learned state (interval > 0): every answer
        # but Again leaves the card learned
        learned = start is not None and start.interval > 0
        previous_day = None if start is None else start.last_day
        ratings = [RATING_OF_GRADE[a.grade] for a in answers]
        for answer, rating in zip(answers[:-1], ratings, strict=False):
            elapsed = 0 if previous_day is None else max(0, (answer.day - previous_day).days)
            reviews.append(fsrs_rs_python.FSRSReview(rating, elapsed))
            if rating == 1 and learned:
                lapses += 1
            learned = rating > 1
            previous_day = answer.day
        last = answers[-1]
        if len(answers) == 1:
            results[index] = fsrs_review(start, ratings[-1], last.day, params, fuzz_seed=card_id)
            continue
        batch_items.append(fsrs_rs_python.FSRSItem(reviews))
        batch_starts.append(memory(start))
        pending.append((index, card_id, previous_day, lapses, int(learned), ratings[-1],
                        last.day.toordinal()))
    if pending:
        states = model(params.weights).memory_state_batch(batch_items, batch_starts)
        for (index, card_id, previous_day, lapses, learned, rating, day), mem in zip(
            pending, states, strict=True
        ):
            interval = 1 if learned else 0
            before = FSRSState(stability=float(mem.stability), difficulty=float(mem.difficulty),
                               interval=interval,
                               due=dt.date.fromordinal(previous_day.toordinal() + interval),
                               lapses=lapses)
            results[index] = fsrs_review(before, rating, dt.date.fromordinal(day), params,
                                         fuzz_seed=card_id)
    return results
