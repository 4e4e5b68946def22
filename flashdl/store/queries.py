"""Read-side queries: deck counts and today's study queue. All counting is done in SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flashdl.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.config import Settings
    from flashdl.store.db import Store


@dataclasses.dataclass(frozen=True)
class DeckCounts:
    key: str
    name: str
    description: str
    total: int
    #: new cards a session of this deck would introduce today (within the daily limits)
    new: int
    due: int
    redrill: int
    suspended: int
    #: every card of the deck not yet seen
    unseen: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _active(today: dt.date) -> Any:
    """Cards that can be shown today: not retired, suspended or buried."""
    from sqlalchemy import and_, or_

    from flashdl.store.models import Card

    return and_(
        Card.retired.is_(False),
        Card.suspended.is_(False),
        or_(Card.buried_until.is_(None), Card.buried_until <= today),
    )


def deck_counts(session: Session, today: dt.date, settings: Settings | None = None) -> list[DeckCounts]:
    """Per deck: cards, new cards it would introduce today, reviews due today, same-day repeats
    pending, suspended, and all its unseen cards. ``settings``: the daily limits (default: the
    user's config.toml)."""
    from sqlalchemy import and_, case, func, or_, select

    if settings is None:
        from flashdl.config import load_settings

        settings = load_settings()

    from flashdl.store.models import Card, Deck, ReviewState

    active = _active(today)
    is_new = and_(active, ReviewState.card_id.is_(None))
    is_due = and_(active, ReviewState.due <= today)
    is_redrill = and_(active, ReviewState.needs_redrill.is_(True), ReviewState.due > today)

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        select(
            Deck.id,
            Deck.key,
            Deck.name,
            Deck.description,
            func.count(Card.id),
            count_if(is_new),
            count_if(is_due),
            count_if(is_redrill),
            count_if(Card.suspended.is_(True)),
        )
        .select_from(Deck)
        .outerjoin(Card, and_(Card.deck_id == Deck.id, Card.retired.is_(False)))
        .outerjoin(ReviewState, ReviewState.card_id == Card.id)
        # a built-in deck whose file is gone keeps its answered cards for the history, unlisted
        .where(or_(Deck.origin != "builtin", Deck.content_hash.is_not(None)))
        .group_by(Deck.id)
        .order_by(Deck.name)
    )
    done = done_today(session, today)
    none = DoneToday()
    all_done = DoneToday.total(done.values())
    counts = []
    for deck_id, key, name, description, total, unseen, due, redrill, suspended in session.execute(stmt):
        _, new = served_today(due=due, unseen=unseen, deck_limits=settings.limits_for(key),
                              limits=settings.limits, deck_done=done.get(deck_id, none),
                              all_done=all_done)
        counts.append(DeckCounts(key, name, description, total, new, due, redrill, suspended, unseen))
    return counts


def resolve_decks(session: Session, names: Sequence[str]) -> list[str]:
    """Map deck ids or names (case-insensitive) to deck keys; an unknown one is a UsageError.

    A parent deck brings its subdecks (``Deep Learning`` is also ``Deep Learning::Transformers``),
    as in Anki, including a parent that is only a group of subdecks with no deck of its own.
    """
    from sqlalchemy import select

    from flashdl.store.models import Deck
    from flashdl.study.deck_tree import path_of

    decks = session.execute(select(Deck.key, Deck.name).order_by(Deck.name)).all()
    by_word = {key.casefold(): key for key, _ in decks}
    by_word.update({name.casefold(): key for key, name in decks})
    name_of = {key: name for key, name in decks}
    paths = [(key, [part.casefold() for part in path_of(name)]) for key, name in decks]
    keys: list[str] = []
    for name in names:
        key = by_word.get(name.casefold())
        parent = [part.casefold() for part in path_of(name_of[key] if key else name)]
        below = [k for k, path in paths if len(path) > len(parent) and path[:len(parent)] == parent]
        if key is None and below:
            keys.extend(k for k in below if k not in keys)
            continue
        if key is None:
            from flashdl.suggest import close_names

            close = close_names(name, [word for deck_key, deck_name in decks for word in (deck_key, deck_name)])
            hint = f"did you mean {', '.join(close)}?" if close else "run `flashdl decks` to list them"
            raise UsageError(f"no deck called {name!r}", hint=hint)
        keys.extend(k for k in [key, *below] if k not in keys)
    return keys


@dataclasses.dataclass(frozen=True)
class DoneToday:
    """What a deck's daily limits have used up today, from the review log."""

    #: cards answered today that had been answered before today (a card counts once a day)
    reviewed: int = 0
    #: cards answered today for the first time ever
    introduced: int = 0

    @staticmethod
    def total(items: Any) -> DoneToday:
        items = list(items)
        return DoneToday(sum(d.reviewed for d in items), sum(d.introduced for d in items))


def done_today(session: Session, today: dt.date) -> dict[int, DoneToday]:
    """Per deck id, what was done today, in any session, process or machine: studying and
    quizzes that update the schedule both count; answers imported from another app do not."""
    from sqlalchemy import and_, func, select

    from flashdl.store.models import Card, ReviewLog

    new = ReviewLog.state_before.is_(None)
    rows = session.execute(
        select(
            Card.deck_id,
            func.count().filter(and_(ReviewLog.first_of_day.is_(True), ~new)),
            func.count().filter(new),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .where(ReviewLog.review_day == today, ReviewLog.mode != "import")
        .group_by(Card.deck_id)
    ).all()
    return {deck_id: DoneToday(int(reviewed), int(introduced)) for deck_id, reviewed, introduced in rows}


def served_today(
    *, due: int, unseen: int, deck_limits: Any, limits: Any, deck_done: DoneToday, all_done: DoneToday
) -> tuple[int, int]:
    """(reviews, new cards) a session of this one deck serves today: :func:`study_queue`'s limits
    (the deck's own within the global ones, less what was done today) for one deck."""
    review_room = max(0, deck_limits.reviews_per_day - deck_done.reviewed)
    total_room = max(0, limits.reviews_per_day - all_done.reviewed)
    reviews = min(due, review_room, total_room)
    new = min(
        unseen,
        max(0, deck_limits.new_per_day - deck_done.introduced),
        max(0, limits.new_per_day - all_done.introduced),
        review_room - reviews,
        total_room - reviews,
    )
    return reviews, max(0, new)


def study_queue(
    session: Session,
    today: dt.date,
    settings: Settings,
    deck_keys: Sequence[str] | None = None,
) -> list[int]:
    """Card ids for today's session: due reviews (most overdue first), pending same-day repeats,
    then new cards in deck order, within each deck's daily limits for reviews and new cards."""
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck, ReviewState

    deck_rows = session.execute(select(Deck.id, Deck.key).order_by(Deck.name)).all()
    if deck_keys is not None:
        wanted = set(deck_keys)
        deck_rows = [row for row in deck_rows if row.key in wanted]
    deck_ids = [row.id for row in deck_rows]
    if not deck_ids:
        return []

    done = done_today(session, today)
    none = DoneToday()
    all_done = DoneToday.total(done.values())

    active = _active(today)
    reviews: list[tuple[dt.date, int, int]] = []
    for due, card_id, deck_id in session.execute(
        select(ReviewState.due, Card.id, Card.deck_id)
        .join(Card, Card.id == ReviewState.card_id)
        .where(active, Card.deck_id.in_(deck_ids), ReviewState.due <= today)
        .order_by(ReviewState.due, Card.deck_id, Card.position)
    ):
        reviews.append((due, card_id, deck_id))
    redrills = session.execute(
        select(Card.id)
        .join(ReviewState, ReviewState.card_id == Card.id)
        .where(
            active,
            Card.deck_id.in_(deck_ids),
            ReviewState.needs_redrill.is_(True),
            ReviewState.due > today,
        )
        .order_by(ReviewState.last_review)
    ).scalars().all()

    # Each deck has its own limits (config.toml [decks.ID] overrides); the global [limits]
    # also cap the whole session, as a parent deck caps its children in Anki.
    review_room: dict[int, int] = {}
    new_room: dict[int, int] = {}
    for deck_id, key in deck_rows:
        limits = settings.limits_for(key)
        deck_done = done.get(deck_id, none)
        review_room[deck_id] = max(0, limits.reviews_per_day - deck_done.reviewed)
        new_room[deck_id] = max(0, limits.new_per_day - deck_done.introduced)
    # the global limits count what was done today in every deck, not only in these
    total_room = max(0, settings.limits.reviews_per_day - all_done.reviewed)
    total_new_room = max(0, settings.limits.new_per_day - all_done.introduced)

    queue: list[int] = []
    for _due, card_id, deck_id in reviews:
        if review_room[deck_id] > 0 and total_room > 0:
            review_room[deck_id] -= 1
            total_room -= 1
            queue.append(card_id)
    queue.extend(redrills)
    for deck_id in deck_ids:
        room = min(new_room[deck_id], review_room[deck_id], total_room, total_new_room)
        if room <= 0:
            continue
        new_cards = session.execute(
            select(Card.id)
            .outerjoin(ReviewState, ReviewState.card_id == Card.id)
            .where(active, Card.deck_id == deck_id, ReviewState.card_id.is_(None))
            .order_by(Card.position, Card.id)
            .limit(room)
        ).scalars().all()
        queue.extend(new_cards)
        total_room -= len(new_cards)
        total_new_room -= len(new_cards)
    return queue


def next_due_date(session: Session, today: dt.date, deck_keys: Sequence[str] | None = None) -> dt.date | None:
    """The first day after today on which a card of these decks is due (None if none is).

    A buried card counts from the day its burial ends, if that is later than its due date."""
    from sqlalchemy import Date, case, func, select, type_coerce

    from flashdl.store.models import Card, Deck, ReviewState

    shown = type_coerce(
        case((Card.buried_until > ReviewState.due, Card.buried_until), else_=ReviewState.due),
        Date(),
    )
    stmt = (
        select(func.min(shown))
        .select_from(ReviewState)
        .join(Card, Card.id == ReviewState.card_id)
        .join(Deck, Deck.id == Card.deck_id)
        .where(Card.retired.is_(False), Card.suspended.is_(False), shown > today)
    )
    if deck_keys is not None:
        stmt = stmt.where(Deck.key.in_(list(deck_keys)))
    return session.scalar(stmt)


def due_count(session: Session, today: dt.date) -> int:
    from sqlalchemy import func, select

    from flashdl.store.models import Card, ReviewState

    return session.scalar(
        select(func.count())
        .select_from(ReviewState)
        .join(Card, Card.id == ReviewState.card_id)
        .where(_active(today), ReviewState.due <= today)
    ) or 0


def has_user_data(store: Store) -> bool:
    """History or imported decks: what a backup before an import protects."""
    from sqlalchemy import exists, select

    from flashdl.store.models import Deck, ReviewLog, ReviewState

    with store.read() as session:
        return bool(session.scalar(select(
            exists().where(ReviewLog.id.is_not(None))
            | exists().where(ReviewState.card_id.is_not(None))
            | exists().where(Deck.origin == "import")
        )))
