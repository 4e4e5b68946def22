"""Putting decks into the store card by card: the built-in decks at start-up (imports take the
bulk path in ``importer.py``, with the same identity rules).

A card is found again by ``(deck, key)``; its text is updated, its review state and history are
never touched. Cards that disappear from a built-in deck are retired (hidden, history kept).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl.formats.records import CardRecord, DeckRecord

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.store.db import Store


@dataclasses.dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def __iadd__(self, other: SyncReport) -> SyncReport:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self


def _apply(card: object, record: CardRecord, digest: str) -> None:
    card.front = record.front  # type: ignore[attr-defined]
    card.back = record.back  # type: ignore[attr-defined]
    card.tags = list(record.tags)  # type: ignore[attr-defined]
    card.kind = record.kind  # type: ignore[attr-defined]
    card.demo_name = record.demo_name  # type: ignore[attr-defined]
    card.demo_params = record.demo_params  # type: ignore[attr-defined]
    card.source = record.source  # type: ignore[attr-defined]
    card.content_hash = digest  # type: ignore[attr-defined]


def sync_deck(
    session: Session,
    deck: DeckRecord,
    *,
    origin: str,
    content_hash: str | None = None,
    retire_missing: bool = False,
) -> SyncReport:
    """Insert or update ``deck`` and its cards inside the caller's transaction."""
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck, utcnow

    now = utcnow()
    report = SyncReport()
    row = session.scalar(select(Deck).where(Deck.key == deck.key))
    if row is None:
        row = Deck(key=deck.key, name=deck.name, description=deck.description, origin=origin)
        session.add(row)
        session.flush()
    else:
        row.name, row.description, row.updated_at = deck.name, deck.description, now
    row.content_hash = content_hash

    existing = {c.key: c for c in session.scalars(select(Card).where(Card.deck_id == row.id))}
    seen: set[str] = set()
    for position, record in enumerate(deck.cards):
        seen.add(record.key)
        digest = record.content_hash()
        card = existing.get(record.key)
        if card is None:
            card = Card(deck_id=row.id, key=record.key, position=position, created_at=now)
            _apply(card, record, digest)
            session.add(card)
            report.added += 1
        elif card.content_hash == digest and card.position == position and not card.retired:
            report.unchanged += 1
        else:
            _apply(card, record, digest)
            card.position, card.retired, card.updated_at = position, False, now
            report.updated += 1
    if retire_missing:
        for key, card in existing.items():
            if key not in seen and not card.retired:
                card.retired = True
                card.updated_at = now
                report.retired += 1
    session.flush()
    return report


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def sync_builtin_decks(store: Store, folder: Path | None = None) -> SyncReport:
    """Load or refresh the built-in decks. Costs one read when no deck file changed."""
    from sqlalchemy import select

    from flashdl.formats.toml_deck import parse_toml_deck
    from flashdl.resources import decks_dir
    from flashdl.store.models import Deck

    folder = folder or decks_dir()
    files: dict[str, tuple[Path, bytes, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        data = path.read_bytes()
        files[path.name] = (path, data, file_digest(data))

    with store.read() as session:
        known = dict(
            session.execute(
                select(Deck.key, Deck.content_hash).where(
                    Deck.origin == "builtin", Deck.content_hash.is_not(None)
                )
            ).all()
        )
    # Parse only when something changed; the deck key is inside the file, so any new digest counts.
    if sorted(known.values()) == sorted(digest for _, _, digest in files.values()):
        return SyncReport(unchanged=len(files))

    report = SyncReport()
    with store.write() as session:
        present: set[str] = set()
        for path, data, digest in files.values():
            deck = parse_toml_deck(data.decode("utf-8"), path)
            present.add(deck.key)
            if known.get(deck.key) == digest:
                continue
            report += sync_deck(
                session, deck, origin="builtin", content_hash=digest, retire_missing=True
            )
        for key in set(known) - present:
            report += _remove_builtin_deck(session, key)
    return report


def _remove_builtin_deck(session: Session, key: str) -> SyncReport:
    """A built-in deck file is gone: drop its cards that were never answered, retire the rest
    (their history stays), and drop the deck itself once nothing is left in it."""
    from sqlalchemy import delete, exists, select

    from flashdl.store.models import Card, Deck, ReviewLog

    report = SyncReport()
    deck = session.scalar(select(Deck).where(Deck.key == key))
    if deck is None:
        return report
    deck.content_hash = None
    answered = exists().where(ReviewLog.card_id == Card.id)
    report.retired += session.execute(
        delete(Card).where(Card.deck_id == deck.id, ~answered)
    ).rowcount
    for card in session.scalars(select(Card).where(Card.deck_id == deck.id)):
        if not card.retired:
            card.retired = True
            report.retired += 1
    session.flush()
    if session.scalar(select(Card.id).where(Card.deck_id == deck.id).limit(1)) is None:
        session.delete(deck)
    return report
