"""``write_toml_deck`` gives back exactly the deck it was given, for every deck shape."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.formats.records import CardRecord, DeckRecord
from flashdl.formats.toml_deck import parse_toml_deck, read_toml_deck, write_toml_deck
from flashdl.resources import decks_dir

KEYS = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True)
# Anything TOML strings can hold: every character except surrogates and the NUL-like controls
# TOML forbids in basic strings is escaped by tomli-w, so include them all.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
NONEMPTY = TEXT.filter(lambda s: s.strip() != "")
PARAMS = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True),
    st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
              st.booleans(), TEXT),
    max_size=3,
)


@st.composite
def cards(draw, key: str) -> CardRecord:
    demo = draw(st.booleans())
    kind = draw(st.sampled_from(["demonstrate", "exercise"] if demo else ["basic", "cloze"]))
    return CardRecord(
        key=key, front=draw(NONEMPTY), back=draw(NONEMPTY),
        tags=tuple(draw(st.lists(TEXT, max_size=3))), kind=kind,
        demo_name=draw(KEYS) if demo else None, demo_params=draw(PARAMS) if demo else None,
        source=draw(TEXT),
    )


@st.composite
def decks(draw) -> DeckRecord:
    keys = draw(st.lists(KEYS, unique=True, max_size=5))
    return DeckRecord(key=draw(KEYS), name=draw(NONEMPTY), description=draw(TEXT),
                      cards=tuple(draw(cards(k)) for k in keys))


@settings(max_examples=150, deadline=None)
@given(decks())
def test_any_deck_round_trips_through_toml_identically(deck):
    text = write_toml_deck(deck)
    again = parse_toml_deck(text, "roundtrip.toml")
    assert again == deck
    assert write_toml_deck(again) == text


def test_every_built_in_deck_round_trips():
    paths = sorted(decks_dir().glob("*.toml"))
    assert paths
    for path in paths:
        deck = read_toml_deck(path)
        assert parse_toml_deck(write_toml_deck(deck), path) == deck, path.name
