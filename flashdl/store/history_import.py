"""Review history brought in from another app (Anki's revlog, ``import --with-scheduling``).

Each answer becomes a review-log row marked as imported: ``mode = "import"``, ``scheduler =
"anki"`` and ``external_id`` = Anki's revlog id, which is unique per card, so importing the same
package again adds nothing (the rows already there are counted as known). Statistics,
``scheduler evaluate`` and ``scheduler optimize`` read these rows like any other answers; the
daily limits do not count them.

Anki's revlog records answers, not flashdl states, so ``state_after`` is empty, except on a
card's last imported answer when the import also gave the card a state from Anki's: that SM-2
state is kept there, so switching to FSRS and back gives it back exactly
(:mod:`flashdl.scheduler.replay`). ``state_before`` is SQL NULL only on a card's very first
answer (it was new then), ``{}`` otherwise (not recorded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.formats.records import ImportedReview
    from flashdl.scheduler.sm2 import SM2State

CHUNK = 5_000


def write_history(
    session: Session,
    deck_id: int,
    histories: Mapping[str, Sequence[ImportedReview]],
    scheduled: Mapping[int, SM2State],
) -> tuple[int, int]:
    """Insert the answers not already imported. Returns (added, already there)."""
    from sqlalchemy import insert, select, update

    from flashdl.store.models import Card, ReviewLog, ReviewState
    from flashdl.store.scheduling import load_choice

    ids = {key: card_id for card_id, key in session.execute(
        select(Card.id, Card.key).where(Card.deck_id == deck_id)) if key in histories}
    card_ids = list(ids.values())
    known: dict[int, set[int]] = {}
    logged: set[int] = set()
    for start in range(0, len(card_ids), CHUNK):
        part = card_ids[start:start + CHUNK]
        for card_id, external in session.execute(
            select(ReviewLog.card_id, ReviewLog.external_id).where(ReviewLog.card_id.in_(part))
        ):
            logged.add(card_id)
            if external is not None:
                known.setdefault(card_id, set()).add(external)
    rows: list[dict[str, Any]] = []
    last_seen: dict[int, dt.datetime] = {}
    already = 0
    for key, reviews in histories.items():
        card_id = ids.get(key)
        if card_id is None:
            continue
        seen = known.get(card_id, set())
        fresh = [r for r in sorted(reviews, key=lambda r: r.external_id) if r.external_id not in seen]
        already += len(reviews) - len(fresh)
        previous_day = None
        for index, review in enumerate(fresh):
            first_ever = index == 0 and card_id not in logged and review.interval_before is None
            when = dt.datetime.fromtimestamp(review.reviewed_at_ms / 1000, dt.UTC)
            state_after: dict[str, Any] = {}
            if index == len(fresh) - 1 and card_id in scheduled:
                state_after = scheduled[card_id].to_dict()
            rows.append({
                "card_id": card_id, "reviewed_at": when, "review_day": review.day,
                "grade": review.grade, "duration_ms": review.duration_ms, "mode": "import",
                "scheduler": "anki", "state_before": None if first_ever else {},
                "interval_before": None if first_ever else (review.interval_before or 0),
                "state_after": state_after, "session_id": None,
                "first_of_day": review.day != previous_day, "external_id": review.external_id,
            })
            previous_day = review.day
            last_seen[card_id] = when
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(ReviewLog), rows[start:start + CHUNK])
    for card_id, when in last_seen.items():
        if card_id in scheduled:
            session.execute(update(ReviewState).where(ReviewState.card_id == card_id)
                            .values(last_review=when))
    # Cards without flashdl history get their state from what was imported: FSRS learns it from
    # the whole history; SM-2 keeps the state Anki's card had, and replays the answers of a card
    # Anki had not graduated yet (no state to carry over). Cards with flashdl history keep theirs.
    choice = load_choice(session)
    replayed = [c for c in last_seen if c not in logged and (choice.is_fsrs or c not in scheduled)]
    if replayed:
        from flashdl.store.replay import replay_cards

        replay_cards(session, choice, replayed)
    return len(rows), already
