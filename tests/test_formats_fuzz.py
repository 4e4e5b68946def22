"""Hypothesis fuzzing of the text parsers: any input gives cards or a FormatError, nothing else.

The strategies mix structure the parsers look for (separators, quotes, header lines, Q:/A:
markers, code fences, HTML, cloze markup) into arbitrary text, so the search spends its time near
the interesting paths rather than on random letters.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashdl.formats.csv_anki import parse_anki_csv
from flashdl.formats.markdown_deck import parse_markdown_deck
from flashdl.formats.quizlet import parse_quizlet
from flashdl.formats.records import CardRecord, FormatError
from flashdl.formats.text_input import decode_text
from flashdl.formats.toml_deck import ID_PATTERN

CSV_PIECES = st.sampled_from([
    ",", ";", "\t", "|", '"', '""', "\n", "\r\n", "\r", " ", "#separator:", "#html:true\n",
    "#html:false\n", "#tags:", "#columns:", "#deck:", "#notetype:Cloze\n", "#notetype:Basic (and "
    "reversed card)\n", "#deck column:", "#tags column:", "#guid column:", "#notetype column:",
    "1", "2", "9", "Comma", "Tab", "{{c1::", "{{c2::", "::hint", "}}", "<b>", "</b>", "<br>",
    "&nbsp;", "&amp;", "<img src=\"x.png\">", "[sound:a.mp3]", "'=", "#flashdl:formula-guard\n",
    "\x00", "\u2028", "é", "\ufeff", "{{", "{{#Back}}", "{{/Back}}",
])
MD_PIECES = st.sampled_from([
    "Q:", "A:", "Q: ", "A: ", "\n", "---\n", "***\n", "# ", "## ", "```", "~~~", "Tags:", "Id:",
    "Id: ok-id", "Source:", "Demo:", "Demo: dropout p=0.5", "Demo: x =", " ", "text", "\t",
    "\r\n", "**", "[...]", "é", "\x00", "Q:\n", "A:\n",
])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mixed(pieces: st.SearchStrategy[str], *lines: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(pieces, TEXT, *lines), max_size=40).map("".join)


WORD = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), min_size=1,
               max_size=10)
CSV_ROW = st.builds(lambda a, sep, b: f"{a}{sep}{b}\n", WORD, st.sampled_from([",", "\t", ";"]), WORD)
MD_CARD = st.builds(lambda q, a: f"Q: {q}\nA: {a}\n", WORD, WORD)


def assert_valid_cards(parsed) -> None:
    """Whatever a parser returns must be storable: non-empty text and valid keys."""
    assert parsed.decks
    for deck in parsed.decks:
        assert ID_PATTERN.match(deck.key), deck.key
        assert deck.name.strip()
        keys = set()
        for card in deck.cards:
            assert isinstance(card, CardRecord)
            assert card.front.strip() and card.back.strip()
            assert ID_PATTERN.match(card.key), card.key
            keys.add(card.key)


@FUZZ
@given(mixed(CSV_PIECES, CSV_ROW, CSV_ROW), st.booleans())
def test_csv_parser_gives_cards_or_a_format_error(text, skip_invalid):
    try:
        parsed = parse_anki_csv(text, Path("fuzz.csv"), skip_invalid=skip_invalid)
    except FormatError as exc:
        assert "fuzz.csv" in str(exc)
        return
    assert_valid_cards(parsed)


@FUZZ
@given(mixed(MD_PIECES, MD_CARD, MD_CARD), st.booleans())
def test_markdown_parser_gives_cards_or_a_format_error(text, skip_invalid):
    try:
        parsed = parse_markdown_deck(text, Path("fuzz.md"), skip_invalid=skip_invalid)
    except FormatError as exc:
        assert "fuzz.md" in str(exc)
        return
    assert_valid_cards(parsed)


@FUZZ
@given(mixed(CSV_PIECES, CSV_ROW), st.sampled_from([None, ",", " - ", "\n"]),
       st.sampled_from([None, ";", "\n\n", "\n"]))
def test_quizlet_parser_gives_cards_or_a_format_error(text, sep, row_sep):
    try:
        parsed = parse_quizlet(text, Path("fuzz.txt"), sep=sep, row_sep=row_sep)
    except FormatError:
        return
    assert_valid_cards(parsed)


@FUZZ
@given(st.binary(max_size=200))
def test_decoding_arbitrary_bytes_gives_text_or_a_format_error(data):
    try:
        text = decode_text(data, Path("fuzz.bin"))
    except FormatError as exc:
        assert exc.where is None or exc.where.startswith("byte ")
        return
    assert text.strip()


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.lists(TEXT, max_size=3), st.sampled_from(["basic", "cloze", "demonstrate"]),
       st.one_of(st.none(), TEXT), st.one_of(st.none(), st.dictionaries(TEXT, st.integers())), TEXT)
def test_content_hash_is_the_digest_of_the_documented_json(front, back, tags, kind, demo, params, source):
    """The fast path of CardRecord.content_hash must give the digest the store already holds."""
    import hashlib
    import json

    card = CardRecord("k", front, back, tuple(tags), kind, demo, params, source)
    payload = json.dumps([front, back, tags, kind, demo, params, source], sort_keys=True,
                         ensure_ascii=False)
    assert card.content_hash() == hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()
