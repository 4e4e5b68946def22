"""``flashdl suspended`` and ``flashdl unsuspend``: see and bring back suspended cards.

Suspending (``s`` while studying) takes a card out of every queue with its history kept; these
commands are the way back.
"""

from __future__ import annotations

import argparse
from typing import Any

#: the question gets at least this many columns, however narrow the terminal
MIN_FRONT_WIDTH = 30


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("suspended", help="list suspended and buried cards")
    listing.add_argument("decks", nargs="*", metavar="DECK", help="decks to look in (default: all)")
    listing.set_defaults(func=run_list)

    parser = subparsers.add_parser(
        "unsuspend",
        help="bring suspended (and buried) cards back into study",
        description="Unsuspend and unbury the cards of the named decks, or only the cards "
        "given with --card.",
    )
    parser.add_argument("decks", nargs="+", metavar="DECK", help="decks by id or name")
    parser.add_argument(
        "--card", dest="cards", action="append", default=[], metavar="ID",
        help="only this card (its id as `flashdl suspended` shows it; repeatable)",
    )
    parser.set_defaults(func=run_unsuspend)


def _held(session: Any, deck_keys: list[str] | None) -> list[Any]:
    from sqlalchemy import or_, select

    from flashdl.store.models import Card, Deck

    stmt = (
        select(Deck.key, Card.key, Card.front, Card.suspended, Card.buried_until)
        .join(Deck, Deck.id == Card.deck_id)
        .where(Card.retired.is_(False), or_(Card.suspended.is_(True), Card.buried_until.is_not(None)))
        .order_by(Deck.key, Card.position)
    )
    if deck_keys is not None:
        stmt = stmt.where(Deck.key.in_(deck_keys))
    return list(session.execute(stmt).all())


def run_list(args: argparse.Namespace) -> int:
    import shutil

    from flashdl.commands.common import open_synced_store, today
    from flashdl.render.card import plain_text
    from flashdl.render.terminal import clean
    from flashdl.render.width import clip
    from flashdl.store.queries import resolve_decks

    with open_synced_store(args) as store, store.read() as session:
        keys = resolve_decks(session, args.decks) if args.decks else None
        rows = _held(session, keys)
    day = today()
    rows = [r for r in rows if r.suspended or (r.buried_until and r.buried_until > day)]
    if not rows:
        print("No suspended or buried cards.")
        return 0
    width = shutil.get_terminal_size().columns
    for deck, key, front, suspended, buried in rows:
        why = "suspended" if suspended else f"buried until {buried.isoformat()}"
        head = clean(f"{deck}/{key}  ({why})  ")
        lines = plain_text(front).splitlines()
        # the question's first line, cut after a whole word to fit the terminal (… says so)
        print(head + clip(lines[0] if lines else "", max(MIN_FRONT_WIDTH, width - 1 - len(head))))
    print(f"\n{len(rows)} card(s). Bring them back with `flashdl unsuspend DECK [--card ID]`.")
    return 0


def run_unsuspend(args: argparse.Namespace) -> int:
    from sqlalchemy import select, update

    from flashdl.commands.common import open_synced_store
    from flashdl.errors import UsageError
    from flashdl.store.models import Card, Deck
    from flashdl.store.queries import resolve_decks

    with open_synced_store(args) as store:
        with store.read() as session:
            keys = resolve_decks(session, args.decks)
        with store.write() as session:
            deck_ids = list(session.scalars(select(Deck.id).where(Deck.key.in_(keys))))
            where = [Card.deck_id.in_(deck_ids), Card.retired.is_(False)]
            if args.cards:
                wanted = {c.split("/", 1)[-1] for c in args.cards}
                found = set(session.scalars(select(Card.key).where(*where, Card.key.in_(wanted))))
                missing = sorted(wanted - found)
                if missing:
                    raise UsageError(
                        f"no card {', '.join(missing)} in {', '.join(keys)}",
                        hint="`flashdl suspended` lists the held cards with their ids",
                    )
                where.append(Card.key.in_(wanted))
            count = session.execute(
                update(Card)
                .where(*where, (Card.suspended.is_(True)) | (Card.buried_until.is_not(None)))
                .values(suspended=False, buried_until=None)
            ).rowcount
    print(f"{count} card(s) back in study.")
    return 0
