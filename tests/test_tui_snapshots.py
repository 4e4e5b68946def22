"""What the study screens look like: the deck list, a revealed basic card and a revealed
demonstrate card, at 80x24 and at 120x40 (where the demo sits beside the answer).

Stable by construction: the fixture decks in ``tests/fixtures/study/decks`` (never the built-in
decks), a fixed ``today``, demo seed 0. After an intended change of the look, run
``pytest tests/test_tui_snapshots.py --snapshot-update`` and check the new SVGs in
``tests/__snapshots__/test_tui_snapshots/``.
"""

from __future__ import annotations

import pytest
from fixtures.study.kit import make_app, make_store, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def fixture_db(db_url: str) -> str:
    make_store(db_url).close()
    return db_url


async def settled(pilot) -> None:
    await settle(pilot)


async def revealed(pilot) -> None:
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_deck_list(snap_compare, fixture_db, size):
    assert snap_compare(make_app(fixture_db), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES)
def test_revealed_basic_card(snap_compare, fixture_db, size):
    app = make_app(fixture_db, initial="study", deck_keys=["study-basic"])
    assert snap_compare(app, terminal_size=size, run_before=revealed)


@pytest.mark.parametrize("size", SIZES)
def test_revealed_demonstrate_card(snap_compare, fixture_db, size):
    app = make_app(fixture_db, initial="study", deck_keys=["study-demo"])
    assert snap_compare(app, terminal_size=size, run_before=revealed)


def test_revealed_basic_card_in_the_light_theme(snap_compare, fixture_db):
    """Colours come from theme variables only, so Textual's light theme reads as well."""

    async def light_and_revealed(pilot) -> None:
        pilot.app.theme = "textual-light"
        await revealed(pilot)

    app = make_app(fixture_db, initial="study", deck_keys=["study-basic"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=light_and_revealed)
