"""Test helpers for the store: fixture decks and whole-store dumps."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "foundation"


def fixture_decks(tmp_path: Path) -> Path:
    """A private copy of the two small fixture decks (tests may edit it)."""
    folder = tmp_path / "decks"
    shutil.copytree(FIXTURES, folder)
    return folder


def dump(store: Any) -> dict[str, list[tuple]]:
    """Every row of every flashdl table, for exact before/after comparisons."""
    from sqlalchemy import select

    from flashdl.store.models import Base

    out: dict[str, list[tuple]] = {}
    with store.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def card_id(store: Any, deck: str, key: str) -> int:
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck

    with store.read() as session:
        return session.scalar(
            select(Card.id).join(Deck).where(Deck.key == deck, Card.key == key)
        )
