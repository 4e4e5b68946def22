"""Content checks for the built-in decks in ``decks/``.

The decks are data written by hand from the documents in ``shared/seeds/``; these tests keep
them loadable, unique, traceable (``decks/SOURCES.md``), renderable on an 80x24 terminal and
free of the mistakes the source documents made. The files are read with ``tomllib`` directly,
so a broken deck parser elsewhere cannot hide a broken deck here.
"""

from __future__ import annotations

import importlib
import re
import textwrap
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DECK_DIR = REPO / "decks"
SOURCES_MD = DECK_DIR / "SOURCES.md"
SAMPLE = "sample.toml"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KINDS = {"basic", "demonstrate", "exercise"}
#: Demos the engine can turn into an exercise (a freshly generated numeric question).
EXERCISE_DEMOS = {
    "dropout",
    "l1_zeroing",
    "batchnorm",
    "init_variance",
    "lr_schedule",
    "momentum",
    "l2_shrinkage",
    "gradient_clipping",
}
SOURCE_TITLES = (
    "Topic 5: Regularisation & Hyperoptimisation",
    "Initialization and regularization",
    "Deep Learning — Regularization (Brefeld & Majumder)",
    "Learning Rate and Overfitting/dropout",
    "Regularization (reference page)",
)
#: The questions of the three flashcard sets: 000 (16), 001 (16), 003 (15 terms).
QUESTION_KEYS = (
    [f"000-Q{i}" for i in range(1, 17)]
    + [f"001-Q{i}" for i in range(1, 17)]
    + [f"003-Q{i}" for i in range(1, 16)]
)
#: Sections of the lecture (002) and of the reference page (004).
SECTION_KEYS = [f"002-S{i}" for i in range(1, 21)] + [f"004-S{i}" for i in range(1, 16)]

WIDTH = 76  # wrap width for answers
MAX_COLUMNS = 78  # no rendered line may be wider
MAX_BACK_LINES = 14  # an answer fits one 80x24 screen next to the question and the key help
MAX_FRONT_LINES = 4

MATH_SPAN = re.compile(r"\$([^$]+)\$")
#: Something Rich/Textual would take for a markup tag, e.g. "[b]" or "[/i]".
MARKUP_TAG = re.compile(r"\[/?[a-z#@][^\[\]\n]*\]")


# ----------------------------------------------------------------------------- loading
def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _deck_files(include_sample: bool) -> list[Path]:
    files = sorted(DECK_DIR.glob("*.toml"))
    return [f for f in files if include_sample or f.name != SAMPLE]


BUILTIN = {path.name: _load(path) for path in _deck_files(include_sample=False)}
ALL_DECKS = {path.name: _load(path) for path in _deck_files(include_sample=True)}


def _cards(decks: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(deck["deck"]["id"], card) for deck in decks.values() for card in deck["cards"]]


BUILTIN_CARDS = _cards(BUILTIN)
ALL_CARDS = _cards(ALL_DECKS)


def _card_id(deck_id: str, card: dict[str, Any]) -> str:
    return f"{deck_id}/{card['id']}"


def _text(card: dict[str, Any]) -> str:
    return f"{card['front']}\n{card['back']}"


# ----------------------------------------------------------------------------- rendering
_converter = None


def render(text: str) -> str:
    """Replace every ``$...$`` span by its Unicode rendering, as the app does."""
    global _converter
    if _converter is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _converter = LatexNodes2Text()
    return MATH_SPAN.sub(lambda m: _converter.latex_to_text(m.group(1)), text)


def wrapped_lines(text: str, width: int = WIDTH) -> list[str]:
    lines: list[str] = []
    for line in text.strip("\n").split("\n"):
        if not line.strip():
            lines.append("")
            continue
        indent = re.match(r"\s*(?:[-*+] |\d+\. |\|)?", line).group(0)
        lines.extend(
            textwrap.wrap(
                line,
                width,
                subsequent_indent=" " * len(indent),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return lines


def columns(line: str) -> int:
    """Terminal columns of ``line``: combining marks take none, wide characters two."""
    total = 0
    for ch in line:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _card_param(items: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    return [pytest.param(card, id=_card_id(deck, card)) for deck, card in items]


# ----------------------------------------------------------------------------- identity
def test_deck_ids_are_unique_and_well_formed() -> None:
    ids = [deck["deck"]["id"] for deck in ALL_DECKS.values()]
    assert len(ids) == len(set(ids)), ids
    for deck_id in ids:
        assert ID_RE.match(deck_id), deck_id


def test_every_deck_has_a_name_and_description() -> None:
    for name, deck in BUILTIN.items():
        assert deck["deck"].get("name", "").strip(), name
        assert deck["deck"].get("description", "").strip(), name


def test_card_ids_are_unique_within_each_deck() -> None:
    for name, deck in ALL_DECKS.items():
        ids = [card["id"] for card in deck["cards"]]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"{name}: {dupes}"
        for card_id in ids:
            assert ID_RE.match(card_id), f"{name}: {card_id!r}"


@pytest.mark.parametrize("card", _card_param(BUILTIN_CARDS))
def test_front_and_back_are_non_empty_strings(card: dict[str, Any]) -> None:
    assert isinstance(card.get("front"), str) and card["front"].strip()
    assert isinstance(card.get("back"), str) and card["back"].strip()


def _normalized(front: str) -> str:
    return re.sub(r"[\W_]+", " ", front.casefold()).strip()


def test_no_two_cards_share_a_front() -> None:
    seen: dict[str, str] = {}
    for deck_id, card in ALL_CARDS:
        key = _normalized(card["front"])
        assert key not in seen, f"{_card_id(deck_id, card)} repeats the front of {seen[key]}"
        seen[key] = _card_id(deck_id, card)


# ----------------------------------------------------------------------------- size and kinds
def test_builtin_decks_have_enough_cards() -> None:
    assert len(BUILTIN) >= 6
    assert len(BUILTIN_CARDS) >= 90


def test_enough_cards_demonstrate_something() -> None:
    with_demo = [card for _, card in BUILTIN_CARDS if "demo" in card]
    assert len(with_demo) >= 20


@pytest.mark.parametrize("card", _card_param(BUILTIN_CARDS))
def test_kind_and_demo_are_consistent(card: dict[str, Any]) -> None:
    kind = card.get("kind", "demonstrate" if "demo" in card else "basic")
    assert kind in KINDS
    if kind in ("demonstrate", "exercise"):
        assert "demo" in card, "a demonstrate/exercise card needs a demo"
    if "demo" in card:
        demo = card["demo"]
        assert isinstance(demo.get("name"), str) and demo["name"]
        assert isinstance(demo.get("params", {}), dict)
        assert set(demo) <= {"name", "params"}
    if kind == "exercise":
        assert card["demo"]["name"] in EXERCISE_DEMOS


def test_there_are_exercise_cards() -> None:
    exercises = [card for _, card in BUILTIN_CARDS if card.get("kind") == "exercise"]
    assert len(exercises) >= 8


# ----------------------------------------------------------------------------- engine
def _engine() -> Any:
    """The demo engine (an import error fails the test: nothing here is skipped)."""
    return importlib.import_module("flashdl.engine")


def _demo_cards() -> list[Any]:
    return _card_param([(d, c) for d, c in ALL_CARDS if "demo" in c])


def test_every_demo_name_exists_in_the_engine() -> None:
    engine = _engine()
    names = {getattr(spec, "name", spec) for spec in engine.list_demos()}
    missing = sorted({card["demo"]["name"] for _, card in ALL_CARDS if "demo" in card} - names)
    assert not missing, f"unknown demos: {missing}; the engine has {sorted(names)}"


@pytest.mark.parametrize("card", _demo_cards())
def test_demo_params_validate(card: dict[str, Any]) -> None:
    engine = _engine()
    demo = card["demo"]
    engine.validate_params(demo["name"], dict(demo.get("params", {})))


# ----------------------------------------------------------------------------- rendering
@pytest.mark.parametrize("card", _card_param(ALL_CARDS))
def test_math_renders_to_plain_unicode(card: dict[str, Any]) -> None:
    for field in ("front", "back"):
        raw = card[field]
        assert raw.count("$") % 2 == 0, f"unbalanced $ in the {field}"
        out = render(raw)
        assert "$" not in out, f"{field}: {out!r}"
        leftover = re.findall(r"\\[A-Za-z]+|\\.", out)
        assert not leftover, f"{field} keeps LaTeX commands {leftover}: {out!r}"


@pytest.mark.parametrize("card", _card_param(ALL_CARDS))
def test_answer_fits_one_screen(card: dict[str, Any]) -> None:
    lines = wrapped_lines(render(card["back"]))
    assert len(lines) <= MAX_BACK_LINES, f"{len(lines)} lines:\n" + "\n".join(lines)
    too_wide = [line for line in lines if columns(line) > MAX_COLUMNS]
    assert not too_wide, too_wide


@pytest.mark.parametrize("card", _card_param(BUILTIN_CARDS))
def test_builtin_answers_need_no_wrapping(card: dict[str, Any]) -> None:
    """Built-in answers are laid out by hand (tables, formulas) to fit 78 columns as written."""
    for line in render(card["back"]).split("\n"):
        assert columns(line) <= MAX_COLUMNS, f"line too wide: {line!r}"


#: Words (tokens with letters; formulas and numbers do not count) an answer may have. A back
#: this long is already a lot to recall; the few longer ones say why below.
MAX_BACK_WORDS = 65
LONG_BACKS = {
    "dropout/weight-scaling-rule": "the rule, its exact case and its approximate case: one contrast",
    "generalization/early-stopping-why": "two mechanisms (curve shape, implicit L2) the front asks for",
    "normalization/batchnorm-numpy-bugs": "the three bugs of the reference page's code, one per line",
    "optimization/cyclic-lr": "what it is and why it works, as the source's question asks",
    "optimization/one-cycle": "the three phases, momentum, and PyTorch's two-phase default",
    "optimization/hyperparameter-search": "compares the methods the front names, side by side",
}


def _words(text: str) -> int:
    return len([t for t in text.split() if re.search(r"[A-Za-z]{2,}", t)])


@pytest.mark.parametrize("card", _card_param(BUILTIN_CARDS))
def test_answers_are_short_enough_to_learn(card: dict[str, Any]) -> None:
    words = _words(card["back"])
    assert words <= MAX_BACK_WORDS + 15
    key = next(f"{d}/{card['id']}" for d, c in BUILTIN_CARDS if c is card)
    if words > MAX_BACK_WORDS:
        assert key in LONG_BACKS, f"{words} words: shorten it, split it, or say why in LONG_BACKS"


def test_every_long_back_reason_is_still_needed() -> None:
    lengths = {f"{d}/{c['id']}": _words(c["back"]) for d, c in BUILTIN_CARDS}
    stale = [key for key in LONG_BACKS if lengths.get(key, 0) <= MAX_BACK_WORDS]
    assert not stale, f"no longer long (drop from LONG_BACKS): {stale}"


@pytest.mark.parametrize("card", _card_param(ALL_CARDS))
def test_question_is_short(card: dict[str, Any]) -> None:
    lines = wrapped_lines(render(card["front"]))
    assert len(lines) <= MAX_FRONT_LINES, lines


@pytest.mark.parametrize("card", _card_param(ALL_CARDS))
def test_card_text_contains_no_markup_tags(card: dict[str, Any]) -> None:
    for field in ("front", "back"):
        tags = MARKUP_TAG.findall(card[field])
        assert not tags, f"{field} contains markup-like tags {tags}"


# ----------------------------------------------------------------------------- traceability
@pytest.mark.parametrize("card", _card_param(BUILTIN_CARDS))
def test_source_names_a_seed_document(card: dict[str, Any]) -> None:
    source = card.get("source", "")
    assert any(title in source for title in SOURCE_TITLES), source


def _sources_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*(\d{3}-[QS]\d+)\s*\|", line)
        if not match:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        key = match.group(1)
        assert key not in rows, f"{key} appears twice in SOURCES.md"
        rows[key] = [item.strip().strip("`") for item in cells[-1].split(",") if item.strip()]
    return rows


def test_sources_md_ids_exist() -> None:
    known = {_card_id(deck_id, card) for deck_id, card in BUILTIN_CARDS}
    rows = _sources_rows()
    assert rows, "no mapping rows found in SOURCES.md"
    for key, ids in rows.items():
        unknown = [card_id for card_id in ids if card_id not in known]
        assert not unknown, f"{key} maps to unknown cards {unknown}"


def test_every_flashcard_question_is_mapped() -> None:
    rows = _sources_rows()
    assert len(QUESTION_KEYS) == 47
    missing = [key for key in QUESTION_KEYS if not rows.get(key)]
    assert not missing, f"questions without cards: {missing}"


def test_every_lecture_and_reference_section_is_mapped() -> None:
    rows = _sources_rows()
    missing = [key for key in SECTION_KEYS if not rows.get(key)]
    assert not missing, f"sections without cards: {missing}"


def test_every_builtin_card_is_traced_in_sources_md() -> None:
    mapped = {card_id for ids in _sources_rows().values() for card_id in ids}
    untraced = [
        _card_id(deck_id, card)
        for deck_id, card in BUILTIN_CARDS
        if _card_id(deck_id, card) not in mapped
    ]
    assert not untraced, f"cards missing from SOURCES.md: {untraced}"


def test_sources_md_lists_corrections() -> None:
    text = SOURCES_MD.read_text(encoding="utf-8")
    assert re.search(r"^#+\s*Corrections", text, re.MULTILINE)


# ----------------------------------------------------------------------------- correctness
_DROP_OR_KEEP = re.compile(
    r"drop(ping)? probability|probability of dropping|keep probability|"
    r"retention probability|probability of keeping|retain",
    re.IGNORECASE,
)


def _is_dropout_card(deck_id: str, card: dict[str, Any]) -> bool:
    return (
        deck_id == "dropout"
        or "dropout" in card.get("tags", [])
        or "dropout" in _text(card).casefold()
    )


#: p used in arithmetic, where reading it as the keep instead of the drop probability changes
#: the result: "1 − p", "1/(1-p)", "p = 0.5", "×p", "p·x".
_P_IN_A_FORMULA = re.compile(r"[−-]\s*p\b|/\s*\(?\s*p\b|\bp\s*[=<>≤≥·×*/]|[·×*]\s*p\b")


@pytest.mark.parametrize(
    "card", _card_param([(d, c) for d, c in ALL_CARDS if _is_dropout_card(d, c)])
)
def test_dropout_cards_say_what_p_means_where_they_compute_with_it(card: dict[str, Any]) -> None:
    """The two conventions (the lecture's keep probability p, PyTorch's drop probability p) are
    taught once, on the notation cards below; a card that computes with p must still say which
    p it means, while a card that only names "the drop probability" or uses q need not repeat
    the convention."""
    text = _text(card)
    if _P_IN_A_FORMULA.search(text):
        assert _DROP_OR_KEEP.search(text), "computes with p without saying drop or keep"


def test_the_dropout_deck_teaches_both_conventions_for_p() -> None:
    cards = {card["id"]: _text(card) for deck_id, card in BUILTIN_CARDS if deck_id == "dropout"}
    notation = cards["dropout-forward-equations"]
    assert re.search(r"keep probability", notation) and re.search(r"drop probability", notation)
    assert re.search(r"PyTorch", notation)
    assert re.search(r"q = 1 − p", cards["dropout-training-step"])


_L2_NAMES = r"(?:L2|ℓ2|ℓ₂|ℓ_2|ridge|Tikhonov|weight decay)"
_L2_IS_LASSO = re.compile(
    # "L2 ... is / is similar to / is called ... LASSO"
    _L2_NAMES + r"[^.;?\n]{0,40}\b(?:is|=|similar to|like|aka|a\.k\.a\.|called|known as)\b"
    r"[^.;?\n]{0,15}\blasso\b"
    # "LASSO is L2", "LASSO = ridge"
    r"|\blasso\b\s*(?:is|=|means)\s*(?:the\s+)?"
    + _L2_NAMES
    # "LASSO (L2)", "L2 (Lasso)"
    + r"|\blasso\b\s*\(\s*"
    + _L2_NAMES
    + r"|"
    + _L2_NAMES
    + r"\s*\(\s*lasso\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("card", _card_param(ALL_CARDS))
def test_no_card_calls_l2_lasso(card: dict[str, Any]) -> None:
    text = _text(card)
    match = _L2_IS_LASSO.search(text)
    assert not match, match.group(0)
    # A statement naming LASSO next to an L2 name must say which is which (or deny it).
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if sentence.rstrip().endswith("?"):
            continue
        if re.search(r"\blasso\b", sentence, re.IGNORECASE) and re.search(
            _L2_NAMES, sentence, re.IGNORECASE
        ):
            assert re.search(r"\bnot\b|\bL1\b|ℓ1|ℓ₁", sentence), sentence


def test_typos_from_the_sources_are_not_copied() -> None:
    bad = re.compile(r"covariate shit|covariance shift|temporally removed|\bppp\b", re.I)
    for deck_id, card in ALL_CARDS:
        assert not bad.search(_text(card)), _card_id(deck_id, card)
