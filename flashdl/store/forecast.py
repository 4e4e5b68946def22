"""How many reviews fall due on each of the coming days: the study summary's forecast.

One SQL aggregate (``GROUP BY`` the day a card will next be shown), so it stays fast on a store
of any size, and the same SQL runs on SQLite and PostgreSQL. A card is counted on the first day it
can be shown: its due date, or the day its burial ends if later. Reviews that are overdue (left
over by today's limits, or a missed day) are still waiting tomorrow, so they count on the first
day of the forecast. New cards are not reviews and are not counted; neither are suspended or
retired cards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORECAST_DAYS = 7


def due_forecast(
    session: Session,
    today: dt.date,
    days: int = FORECAST_DAYS,
    deck_keys: Sequence[str] | None = None,
) -> list[tuple[dt.date, int]]:
    """``[(day, reviews due that day)]`` for the ``days`` days after ``today``, every day listed."""
    from sqlalchemy import Date, case, func, select, type_coerce

    from flashdl.store.models import Card, Deck, ReviewState

    if days < 1:
        return []
    first = today + dt.timedelta(days=1)
    last = today + dt.timedelta(days=days)
    shown = case(
        (
            Card.buried_until.is_not(None) & (Card.buried_until > ReviewState.due),
            Card.buried_until,
        ),
        else_=ReviewState.due,
    )
    # type_coerce: SQLite hands a CASE over dates back as text unless told it is a date
    day = type_coerce(case((shown <= first, first), else_=shown), Date()).label("day")
    stmt = (
        select(day, func.count())
        .select_from(ReviewState)
        .join(Card, Card.id == ReviewState.card_id)
        .where(Card.retired.is_(False), Card.suspended.is_(False), shown <= last)
        .group_by(day)
    )
    if deck_keys is not None:
        stmt = stmt.join(Deck, Deck.id == Card.deck_id).where(Deck.key.in_(list(deck_keys)))
    counts = {row[0]: row[1] for row in session.execute(stmt)}
    days_ahead = [first + dt.timedelta(days=i) for i in range(days)]
    return [(day, counts.get(day, 0)) for day in days_ahead]


def left_today(
    session: Session, today: dt.date, deck_keys: Sequence[str] | None = None
) -> tuple[int, int]:
    """(cards still due today, cards waiting for a same-day repeat) in these decks: what a
    session ended early leaves for today. :func:`due_forecast` counts the first of them again
    tomorrow, since a card not done today is still waiting then."""
    from sqlalchemy import and_, case, func, or_, select

    from flashdl.store.models import Card, Deck, ReviewState

    shown_today = or_(Card.buried_until.is_(None), Card.buried_until <= today)
    due_now = and_(shown_today, ReviewState.due <= today)
    redrill = and_(shown_today, ReviewState.needs_redrill.is_(True), ReviewState.due > today)
    stmt = (
        select(func.coalesce(func.sum(case((due_now, 1), else_=0)), 0),
               func.coalesce(func.sum(case((redrill, 1), else_=0)), 0))
        .select_from(ReviewState)
        .join(Card, Card.id == ReviewState.card_id)
        .where(Card.retired.is_(False), Card.suspended.is_(False))
    )
    if deck_keys is not None:
        stmt = stmt.join(Deck, Deck.id == Card.deck_id).where(Deck.key.in_(list(deck_keys)))
    due, redrills = session.execute(stmt).one()
    return int(due), int(redrills)
