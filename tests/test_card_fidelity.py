"""Your own decks, faithfully: what Anki shows, flashdl shows; what flashdl exports, Anki shows.

The corpus (``fixtures/anki_html.py``) is real Anki HTML put into packages by genanki and by
Anki itself; the round trips go through Anki's own backend (the ``anki`` test dependency).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.anki_html import CLOZE_EXPECTED, CORPUS, build_corpus_genanki, corpus_notes
from fixtures.import_kit import build_anki_package

from flashdl.formats.apkg_export import plan_notes, write_apkg
from flashdl.formats.html_text import html_to_markdown
from flashdl.formats.load import ReadOptions, read_deck_file
from flashdl.formats.records import CardRecord, DeckRecord
from flashdl.render.card import media_names, plain_text, screen_markdown


@pytest.fixture(scope="module")
def corpus_packages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    built = {"genanki": build_corpus_genanki(folder / "genanki.apkg", folder / "media")}
    try:
        import anki  # noqa: F401
    except ImportError:
        return built
    built["anki"] = build_anki_package(folder / "anki.apkg", folder / "w", legacy=False,
                                       notes=corpus_notes())
    return built


@pytest.mark.parametrize("maker", ["genanki", "anki"])
def test_real_anki_html_reads_in_flashdl_as_it_reads_in_anki(corpus_packages, maker):
    if maker not in corpus_packages:
        pytest.skip("the anki package is not installed")
    parsed = read_deck_file(corpus_packages[maker], ReadOptions())
    try:
        [deck] = parsed.decks
        cards = {card.key: card for card in deck.cards}
    finally:
        parsed.cleanup()
    assert deck.name == "Deep Learning::Corpus"
    for index, (name, (_, _, front, back)) in enumerate(CORPUS.items()):
        card = cards[f"corpus-{index}"]
        shown = (plain_text(card.front), plain_text(card.back))
        # the image is stored under its content-addressed name; the learner sees the file name
        assert shown == (front, back), name
    clozes = [(plain_text(cards[f"corpus-cloze-c{n}"].front), plain_text(cards[f"corpus-cloze-c{n}"].back))
              for n in (1, 2)]
    assert clozes == CLOZE_EXPECTED


def test_image_and_sound_references_are_the_media_files_flashdl_stored(corpus_packages):
    parsed = read_deck_file(corpus_packages["genanki"], ReadOptions())
    try:
        stored = {media.safe_name for media in parsed.media}
        names = [n for card in parsed.decks[0].cards for n in media_names(card.front + card.back)]
    finally:
        parsed.cleanup()
    assert len(names) == 2 and set(names) == stored
    assert names[0].endswith("-attention_map.png") and names[1].endswith("-softmax.mp3")


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        # backslashes are never lost: not in math that cannot be read, not in code
        (r"\(\xrightarrow{f}\)", r"\\xrightarrow\{f\}"),
        (r"<code>C:\temp\new</code>", r"`C:\temp\new`"),
        ("[b]not markup[/b] [@click=app.quit]x[/]", r"[b]not markup[/b] [@click=app.quit]x[/]"),
    ],
)
def test_the_screen_shows_deck_text_as_written(html, shown):
    assert screen_markdown(html_to_markdown(html)) == shown


def test_built_in_markdown_is_unchanged_by_the_rendering_path():
    text = "- Every unit is kept with probability q,\n  else set to 0.\n\nThe layer **thins**."
    assert screen_markdown(text) == text
    assert plain_text(text) == text.replace("**", "")


# -- flashdl -> .apkg -> Anki / flashdl ----------------------------------------------------------

RICH = CardRecord(
    "rich", "What does *dropout* do?",
    "- zeroes units with **probability p**\n- scales the rest by 1/(1-p)\n\n"
    "```python\ndef forward(x):\n    return x * mask / (1 - p)\n```\n\nMath: $\\sqrt{d_k}$",
    tags=("dropout", "code"), source="Srivastava et al. 2014",
)
CLOZE_CARDS = (
    CardRecord("drop-c1", "[...] zeroes units with probability p",
               "**Dropout** zeroes units with probability p\\\nSrivastava 2014", kind="cloze"),
    CardRecord("drop-c2", "Dropout zeroes units with probability [symbol]",
               "Dropout zeroes units with probability **p**\\\nSrivastava 2014", kind="cloze"),
)
REVERSED = (CardRecord("vocab", "le chat", "the cat"), CardRecord("vocab-2", "the cat", "le chat"))
DEMO = CardRecord("demo", "Show inverted dropout.", "Kept units are scaled by 1/(1-p).",
                  kind="demonstrate", demo_name="dropout", demo_params={"p": 0.5}, tags=("demo",))
EXERCISE = CardRecord("ex", "Inverted dropout: what does one unit output?", "x / (1 − p) or 0",
                      kind="exercise", demo_name="dropout", demo_params={"mode": "inverted"})
DECK = DeckRecord("fidelity", "Deep Learning::Fidelity", "",
                  (RICH, *CLOZE_CARDS, *REVERSED, DEMO, EXERCISE))


def test_notes_are_rebuilt_from_cards():
    plans = plan_notes(DECK.cards)
    assert [(p.model, p.guid, len(p.cards)) for p in plans] == [
        ("basic", "rich", 1), ("cloze", "drop", 2), ("reversed", "vocab", 2),
        ("basic", "demo", 1), ("basic", "ex", 1),
    ]
    cloze = plans[1]
    assert cloze.fields == ["{{c1::Dropout}} zeroes units with probability "
                            "{{c2::p::symbol}}", "Srivastava 2014"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "fidelity.apkg"
    write_apkg([DECK], out)
    return out


def test_anki_shows_the_export_as_flashdl_does(exported, tmp_path):
    pytest.importorskip("anki")
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(tmp_path / "reader.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(exported), options=ImportAnkiPackageOptions()))
        notes = {col.get_note(n).guid: col.get_note(n) for n in col.find_notes("")}
        assert set(notes) == {"rich", "drop", "vocab", "demo", "ex"}
        rich = notes["rich"].cards()[0]
        question, answer = rich.question(), rich.answer()
        assert "<em>dropout</em>" in question
        assert "<li>zeroes units with <strong>probability p</strong></li>" in answer
        assert '<pre><code class="language-python">def forward(x):\n    return x * mask' in answer
        assert r"\(\sqrt{d_k}\)" in answer  # MathJax, which Anki typesets
        drop = notes["drop"]
        assert drop.note_type()["type"] == 1 and len(drop.cards()) == 2  # one Cloze note, 2 cards
        assert "Srivastava 2014" in drop.cards()[0].answer()
        vocab = notes["vocab"]
        assert vocab.note_type()["name"].endswith("(and reversed card)")
        assert len(vocab.cards()) == 2
        assert "the cat" in vocab.cards()[1].question()
        assert "flashdl" not in notes["demo"].cards()[0].answer()  # the meta field is hidden
    finally:
        col.close()


def test_flashdl_reads_its_export_back_with_kinds_demos_tags_and_text(exported):
    parsed = read_deck_file(exported, ReadOptions())
    try:
        [deck] = parsed.decks
    finally:
        parsed.cleanup()
    assert deck.name == DECK.name
    assert list(deck.cards) == list(DECK.cards)  # CardRecord equality: every content field


def test_a_note_edited_in_anki_comes_back_as_edited(exported, tmp_path):
    pytest.importorskip("anki")
    from anki.collection import (
        Collection,
        ExportAnkiPackageOptions,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    col = Collection(str(tmp_path / "edit.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(exported), options=ImportAnkiPackageOptions()))
        [note] = [n for n in map(col.get_note, col.find_notes("")) if n.guid == "demo"]
        note["Back"] = "Kept units are scaled by <b>1/q</b>."
        col.update_note(note)
        out = tmp_path / "edited.apkg"
        col.export_anki_package(out_path=str(out), options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False),
            limit=None)
    finally:
        col.close()
    parsed = read_deck_file(out, ReadOptions())
    try:
        cards = {c.key: c for c in parsed.decks[0].cards}
    finally:
        parsed.cleanup()
    assert cards["demo"].back == "Kept units are scaled by **1/q**."  # Anki's edit wins
    assert (cards["demo"].kind, cards["demo"].demo_name) == ("demonstrate", "dropout")
    assert cards["rich"] == RICH  # untouched notes keep their exact Markdown


def test_text_stored_by_earlier_versions_still_reads_right():
    """Stores keep the Markdown an older flashdl made from Anki HTML (html2text's): it is shown
    through the same path, and re-importing the file replaces it with the new conversion."""
    old = "  * one\n  * two\n\n\\(\\sigma(x)=\\frac{1}{1+e^{-x}}\\) is _the_ sigmoid"
    assert plain_text(old) == "* one\n* two\n\nσ(x)=1/(1+e⁻ˣ) is the sigmoid"
    assert "σ" in screen_markdown(old) and "\\sigma" not in screen_markdown(old)


def test_a_hostile_flashdl_field_is_never_obeyed(tmp_path):
    import json

    import genanki

    from flashdl.formats.apkg_export import _models
    from flashdl.formats.records import FormatError

    model = _models()["basic"]
    deck = genanki.Deck(1_234_567, "Hostile")
    deck.add_note(genanki.Note(model=model, guid="a", fields=["f", "b", json.dumps(
        {"flashdl": 1, "cards": {"1": {"kind": "demonstrate", "demo": "os.system"}}})]))
    deck.add_note(genanki.Note(model=model, guid="b", fields=["f2", "b2", '{"flashdl":1,"cards":[]}']))
    deck.add_note(genanki.Note(model=model, guid="c", fields=["f3", "b3", "not json " * 10]))
    path = tmp_path / "hostile.apkg"
    genanki.Package(deck).write_to_file(str(path))
    with pytest.raises(FormatError, match="unknown demo 'os.system'"):
        read_deck_file(path, ReadOptions())
    parsed = read_deck_file(path, ReadOptions(skip_invalid=True))
    try:
        assert [(c.key, c.front, c.kind) for c in parsed.decks[0].cards] == [
            ("b", "f2", "basic"), ("c", "f3", "basic")]
    finally:
        parsed.cleanup()
