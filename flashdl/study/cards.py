"""What the study screen reads from the store: today's queue and one card at a time.

Kept apart from :mod:`flashdl.study.session` (which is pure) so the session logic can be tested
without a database, and apart from the screen so the screen only arranges calls. Reading one card
by primary key costs well under a millisecond, which is what keeps "grade, next card" fast on a
store of any size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.config import Settings
    from flashdl.scheduler.choice import SchedulerChoice, State
    from flashdl.store.db import Store


@dataclasses.dataclass(frozen=True)
class StudyCard:
    """A card as the study screen shows it, detached from any database session."""

    id: int
    deck_key: str
    deck_name: str
    key: str
    front: str
    back: str
    kind: str
    demo_name: str | None
    demo_params: dict[str, Any]
    suspended: bool
    buried_until: dt.date | None
    #: None while the card is new; the state of the learner's scheduler
    state: State | None
    #: where the card's content comes from (a deck's ``source``), shown under the answer
    source: str = ""

    @property
    def is_new(self) -> bool:
        return self.state is None


def load_card(store: Store, card_id: int, scheduler: SchedulerChoice | None = None) -> StudyCard | None:
    """The card with id ``card_id`` (None if it no longer exists), its state as ``scheduler``
    (default: the learner's) sees it."""
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck
    from flashdl.store.reviews import load_state

    with store.read() as session:
        row = session.execute(
            select(Card, Deck.key, Deck.name).join(Deck, Deck.id == Card.deck_id).where(
                Card.id == card_id
            )
        ).first()
        if row is None:
            return None
        card, deck_key, deck_name = row
        return StudyCard(
            id=card.id,
            deck_key=deck_key,
            deck_name=deck_name,
            key=card.key,
            front=card.front,
            back=card.back,
            kind=card.kind,
            demo_name=card.demo_name,
            demo_params=dict(card.demo_params or {}),
            suspended=card.suspended,
            buried_until=card.buried_until,
            state=load_state(session, card.id, scheduler),
            source=card.source or "",
        )


def load_scheduler(store: Store) -> SchedulerChoice:
    """The learner's scheduler (what the grade buttons offer and preview)."""
    from flashdl.store.scheduling import load_choice

    with store.read() as session:
        return load_choice(session)


def todays_queue(
    store: Store,
    today: dt.date,
    settings: Settings,
    deck_keys: Sequence[str] | None = None,
) -> list[int]:
    """Today's card ids for these decks (all decks when None), within the daily limits."""
    from flashdl.store.queries import study_queue

    with store.read() as session:
        return study_queue(session, today, settings, deck_keys)


def existing_cards(store: Store, card_ids: Sequence[int]) -> list[int]:
    """``card_ids`` in their order, without duplicates and without cards that no longer exist or
    were retired: what "study exactly these cards" can show."""
    from sqlalchemy import select

    from flashdl.store.models import Card

    wanted = list(dict.fromkeys(card_ids))
    if not wanted:
        return []
    with store.read() as session:
        present = set(
            session.scalars(
                select(Card.id).where(Card.id.in_(wanted), Card.retired.is_(False))
            )
        )
    return [c for c in wanted if c in present]


def next_due(store: Store, today: dt.date, deck_keys: Sequence[str] | None = None) -> dt.date | None:
    """The first day after today on which one of these decks has a review due."""
    from flashdl.store.queries import next_due_date

    with store.read() as session:
        return next_due_date(session, today, deck_keys)
