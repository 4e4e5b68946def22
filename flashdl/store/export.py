"""Reading decks out of the store as neutral records, for the exporters in ``flashdl.formats``.

Retired cards (gone from their deck file) are left out; suspended cards are exported (they are
still the learner's cards). With ``with_scheduling`` each card that has a review state carries it
as an :class:`ImportedSchedule` relative to ``today``, which is what the ``.apkg`` writer needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flashdl.formats.records import CardRecord, DeckRecord, ImportedSchedule

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_deck_records(
    session: Session, deck_keys: Sequence[str], *, today: dt.date, with_scheduling: bool = False
) -> list[DeckRecord]:
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck, ReviewState

    decks: list[DeckRecord] = []
    for key in deck_keys:
        deck = session.scalar(select(Deck).where(Deck.key == key))
        if deck is None:
            continue
        query = (
            select(Card, ReviewState)
            .outerjoin(ReviewState, ReviewState.card_id == Card.id)
            .where(Card.deck_id == deck.id, Card.retired.is_(False))
            .order_by(Card.position, Card.id)
        )
        cards = []
        for card, state in session.execute(query):
            schedule = None
            if with_scheduling and state is not None:
                schedule = ImportedSchedule(
                    repetitions=state.repetitions, ef_hundredths=state.ef_hundredths,
                    interval=state.interval, due_offset_days=(state.due - today).days,
                    lapses=state.lapses,
                )
            cards.append(CardRecord(
                key=card.key, front=card.front, back=card.back, tags=tuple(card.tags or ()),
                kind=card.kind, demo_name=card.demo_name,
                demo_params=dict(card.demo_params) if card.demo_params is not None else None,
                source=card.source or "", schedule=schedule,
            ))
        decks.append(DeckRecord(key=deck.key, name=deck.name, description=deck.description or "",
                                cards=tuple(cards)))
    return decks
