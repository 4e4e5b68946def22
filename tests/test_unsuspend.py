"""`flashdl suspended` / `flashdl unsuspend`: the way back for a suspended or buried card."""

from __future__ import annotations

import datetime as dt

from conftest import run_flashdl
from storeutil import card_id

from flashdl.store import open_store
from flashdl.store.reviews import bury, set_suspended
from flashdl.store.sync import sync_builtin_decks


def _held(url: str) -> list[tuple[str, bool, object]]:
    from sqlalchemy import or_, select

    from flashdl.store.models import Card

    with open_store(url) as store, store.read() as session:
        return list(session.execute(
            select(Card.key, Card.suspended, Card.buried_until).where(
                or_(Card.suspended.is_(True), Card.buried_until.is_not(None))
            )
        ).all())


def test_unsuspend_brings_back_only_the_named_card(db_url: str) -> None:
    with open_store(db_url) as store:
        sync_builtin_decks(store)
        first = card_id(store, "dropout", "dropout-training-step")
        second = card_id(store, "dropout", "dropout-forward-equations")
        set_suspended(store, first)
        set_suspended(store, second)
    listing = run_flashdl("--db", db_url, "suspended", "dropout")
    assert listing.returncode == 0
    assert "dropout/dropout-training-step  (suspended)" in listing.stdout
    result = run_flashdl("--db", db_url, "unsuspend", "dropout", "--card", "dropout-training-step")
    assert result.returncode == 0 and "1 card(s) back" in result.stdout
    assert [row[0] for row in _held(db_url)] == ["dropout-forward-equations"]


def test_unsuspend_a_deck_also_unburies(db_url: str) -> None:
    with open_store(db_url) as store:
        sync_builtin_decks(store)
        set_suspended(store, card_id(store, "dropout", "dropout-training-step"))
        bury(store, card_id(store, "dropout", "dropout-train-only"), dt.date.today() + dt.timedelta(days=1))
    result = run_flashdl("--db", db_url, "unsuspend", "Dropout")
    assert result.returncode == 0 and "2 card(s) back" in result.stdout
    assert _held(db_url) == []


def test_unknown_card_is_one_clear_line_and_changes_nothing(db_url: str) -> None:
    with open_store(db_url) as store:
        sync_builtin_decks(store)
        set_suspended(store, card_id(store, "dropout", "dropout-training-step"))
    result = run_flashdl("--db", db_url, "unsuspend", "dropout", "--card", "no-such-card")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no card no-such-card" in result.stderr
    assert len(_held(db_url)) == 1
