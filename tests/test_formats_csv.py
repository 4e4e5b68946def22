"""CSV/TSV in Anki's text format: header lines, separators, quoting, HTML, note types, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashdl.formats.csv_anki import parse_anki_csv
from flashdl.formats.load import ReadOptions, read_deck_file
from flashdl.formats.records import FormatError


def cards_of(text: str, name: str = "deck.csv", **kwargs):
    parsed = parse_anki_csv(text, Path(name), **kwargs)
    return {deck.key: deck for deck in parsed.decks}


def only_deck(text: str, **kwargs):
    decks = cards_of(text, **kwargs)
    assert len(decks) == 1
    return next(iter(decks.values()))


# An "Notes in Plain Text" export as Anki writes it (guid, note type and deck columns, HTML).
ANKI_NOTES_EXPORT = (
    "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
    "#tags column:6\n"
    'nb>6FGqqjm\tBasic\tVocab::French\t"le <b>chat</b> <img src=""cat.png"">"\t'
    '"the cat, with ""quotes""\nand a second line"\tfrench animals\n'
    "eJWxAQB1B:\tBasic (and reversed card)\tVocab::French\tle chien\tthe dog\t\n"
    "f!ZR$xZw!f\tCloze\tDL Basics\t{{c1::Dropout}} zeroes units with probability "
    "{{c2::p::a symbol}}\tSrivastava 2014\tdl\n"
)


def test_anki_notes_export_gives_one_card_per_template_and_cloze_number():
    decks = cards_of(ANKI_NOTES_EXPORT)
    assert set(decks) == {"vocab-french", "dl-basics"}
    assert decks["vocab-french"].name == "Vocab::French"
    french = decks["vocab-french"].cards
    assert [(c.front, c.back) for c in french] == [
        # a line break in an HTML field is white space, as Anki shows it
        ("le **chat** ![](cat.png)", 'the cat, with "quotes" and a second line'),
        ("le chien", "the dog"),
        ("the dog", "le chien"),
    ]
    assert french[0].tags == ("french", "animals")
    cloze = decks["dl-basics"].cards
    assert [c.kind for c in cloze] == ["cloze", "cloze"]
    assert cloze[0].front == "[...] zeroes units with probability p"
    assert cloze[0].back == "**Dropout** zeroes units with probability p\\\nSrivastava 2014"
    assert cloze[1].front == "Dropout zeroes units with probability [a symbol]"


def test_guid_column_gives_stable_keys_per_card():
    first = cards_of(ANKI_NOTES_EXPORT)
    again = cards_of(ANKI_NOTES_EXPORT.replace("the dog", "the hound"))
    keys = [c.key for d in first.values() for c in d.cards]
    assert keys == [c.key for d in again.values() for c in d.cards]
    assert len(set(keys)) == len(keys)
    reversed_pair = [c.key for c in first["vocab-french"].cards[1:]]
    assert reversed_pair[1] == reversed_pair[0] + "-2"
    assert [c.key.rsplit("-", 1)[1] for c in first["dl-basics"].cards] == ["c1", "c2"]


def test_header_lines_set_deck_notetype_tags_and_columns():
    deck = only_deck(
        "#separator:Semicolon\n#html:false\n#tags:imported vocab\n#deck:Spanish Verbs\n"
        "#notetype:Basic\n#columns:Front;Back;Tags\n#tags column:3\n"
        "hablar;to speak;verbs\ncomer;to eat;\n"
    )
    assert (deck.key, deck.name) == ("spanish-verbs", "Spanish Verbs")
    assert [(c.front, c.back, c.tags) for c in deck.cards] == [
        ("hablar", "to speak", ("imported", "vocab", "verbs")),
        ("comer", "to eat", ("imported", "vocab")),
    ]


def test_separator_names_and_single_characters():
    for header, sep in (("Comma", ","), ("tab", "\t"), ("Pipe", "|"), (":", ":")):
        deck = only_deck(f"#separator:{header}\nfront{sep}back\n")
        assert [(c.front, c.back) for c in deck.cards] == [("front", "back")]


@pytest.mark.parametrize("sep", ["\t", ",", ";", "|"])
def test_separator_is_sniffed_without_a_header(sep):
    text = f"term one{sep}definition one\nterm two{sep}two\n"
    deck = only_deck(text)
    assert [(c.front, c.back) for c in deck.cards] == [
        ("term one", "definition one"), ("term two", "two"),
    ]


def test_quoted_fields_span_lines_and_keep_separators():
    deck = only_deck('"a, b\nand c",back\nplain,"x ""quoted"" y"\n')
    assert [(c.front, c.back) for c in deck.cards] == [
        ("a, b\nand c", "back"), ("plain", 'x "quoted" y'),
    ]


def test_html_is_detected_and_converted_when_the_header_does_not_say():
    deck = only_deck("front<br>second line,<i>it</i>&nbsp;works &amp; more\n")
    assert deck.cards[0].front == "front\\\nsecond line"  # a Markdown hard line break
    assert " ".join(deck.cards[0].back.split()) == "*it* works & more"  # &nbsp; is a space


def test_html_false_keeps_angle_brackets_as_text():
    deck = only_deck("#separator:comma\n#html:false\n<b>not bold</b>,x < y\n")
    assert (deck.cards[0].front, deck.cards[0].back) == ("<b>not bold</b>", "x < y")


def test_mathjax_is_kept_and_markdown_characters_are_shown_as_written():
    from flashdl.render.card import plain_text

    deck = only_deck("#html:true\n#separator:tab\n\\(x^2\\) - 1 * 2 * 3\t# not a heading_\n")
    front, back = deck.cards[0].front, deck.cards[0].back
    assert front.startswith("\\(x^2\\) ")  # MathJax source kept verbatim, no escape inside
    assert (plain_text(front), plain_text(back)) == ("x² - 1 * 2 * 3", "# not a heading_")


def test_without_an_id_the_front_is_the_identity():
    one = only_deck("apple,a fruit\n")
    two = only_deck("apple,a red fruit\n")
    other = only_deck("pear,a fruit\n")
    assert one.cards[0].key == two.cards[0].key != other.cards[0].key


def test_formula_guard_of_flashdl_exports_is_undone():
    deck = only_deck("#separator:comma\n#flashdl:formula-guard\n'=1+1,'-1\n'it,x\n")
    assert [(c.front, c.back) for c in deck.cards] == [("=1+1", "-1"), ("'it", "x")]


def test_line_numbers_in_errors_count_header_and_multiline_fields():
    text = '#separator:comma\n#html:false\n"two\nlines",ok\nlonely\n'
    with pytest.raises(FormatError) as err:
        parse_anki_csv(text, Path("cards.csv"))
    assert err.value.where == "line 5"
    assert "cards.csv, line 5" in str(err.value)
    assert "front and a back" in str(err.value)


def test_unbalanced_quote_names_the_line_where_the_field_starts():
    with pytest.raises(FormatError) as err:
        parse_anki_csv('a,b\nc,"never closed\nmore\n', Path("q.csv"))
    assert err.value.where == "line 2"
    assert "malformed CSV" in err.value.problem


def test_skip_invalid_collects_bad_rows_instead_of_stopping():
    parsed = parse_anki_csv("#separator:comma\nok,fine\nbroken\n,empty front\n", Path("s.csv"),
                            skip_invalid=True)
    assert [c.front for c in parsed.decks[0].cards] == ["ok"]
    assert [e.where for e in parsed.skipped] == ["line 3", "line 4"]


def test_cloze_note_without_deletions_is_invalid():
    with pytest.raises(FormatError, match="needs \\{\\{c1::"):
        parse_anki_csv("#notetype:Cloze\n#separator:tab\nno deletion here\textra\n", Path("c.csv"))


def test_bad_header_values_are_clear_errors():
    with pytest.raises(FormatError, match="column number"):
        parse_anki_csv("#tags column:zero\na,b\n", Path("h.csv"))
    with pytest.raises(FormatError, match="unknown separator"):
        parse_anki_csv("#separator:Semicolons\na;b\n", Path("h.csv"))


def test_huge_field_is_refused_not_a_crash(tmp_path):
    from flashdl.formats.csv_anki import FIELD_SIZE_LIMIT

    path = tmp_path / "big.csv"
    path.write_text('"' + "x" * (FIELD_SIZE_LIMIT + 10) + '",back\n', encoding="utf-8")
    with pytest.raises(FormatError, match="a field is larger than 10 MiB"):
        read_deck_file(path, ReadOptions())


def test_file_size_cap_is_checked_before_reading(tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("a,b\n" * 100, encoding="utf-8")
    with pytest.raises(FormatError, match="import limit of 50") as err:
        read_deck_file(path, ReadOptions(max_bytes=50))
    assert "max_bytes" in str(err.value)


def test_non_utf8_error_names_the_byte_offset(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("front,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(FormatError) as err:
        read_deck_file(path, ReadOptions())
    assert err.value.where == "byte 9"
    assert "UTF-8" in err.value.problem


def test_utf8_bom_and_utf16_exports_are_read(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufefffront,back\n".encode())
    utf16 = tmp_path / "excel.txt"
    utf16.write_bytes("front\tback\n".encode("utf-16"))
    for path in (bom, utf16):
        parsed = read_deck_file(path, ReadOptions())
        assert [(c.front, c.back) for c in parsed.decks[0].cards] == [("front", "back")]


def test_a_real_anki_text_export_imports(tmp_path):
    """A notes export written by Anki itself (the `anki` package), with every header it writes."""
    pytest.importorskip("anki")
    from anki.collection import Collection

    col = Collection(str(tmp_path / "c.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Q with <b>bold</b>", "A, with comma\nand newline"
        note.tags = ["t1", "t2"]
        col.add_note(note, col.decks.id("Exported::Deck"))
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::ReLU}} is max(0, x)"
        col.add_note(cloze, col.decks.id("Exported::Deck"))
        out = tmp_path / "notes.txt"
        col.export_note_csv(out_path=str(out), limit=None, with_html=True, with_tags=True,
                            with_deck=True, with_notetype=True, with_guid=True)
    finally:
        col.close()
    parsed = read_deck_file(out, ReadOptions())
    [deck] = parsed.decks
    assert deck.name == "Exported::Deck"
    assert [(c.front, c.back, c.tags, c.kind) for c in deck.cards] == [
        ("Q with **bold**", "A, with comma and newline", ("t1", "t2"), "basic"),
        ("[...] is max(0, x)", "**ReLU** is max(0, x)", (), "cloze"),
    ]


def test_header_row_without_columns_line_names_the_columns(tmp_path):
    deck = only_deck("front,back,tags\nWhat is ReLU?,\"max(0, x)\",act dl\nSigmoid?,1/(1+e^-x),act\n")
    assert [c.front for c in deck.cards] == ["What is ReLU?", "Sigmoid?"]
    assert deck.cards[0].back == "max(0, x)"
    assert set(deck.cards[0].tags) == {"act", "dl"}


def test_header_row_with_id_first_does_not_shift_columns():
    deck = only_deck("ID,Front,Back\nn1,Adam?,adaptive moments\nn2,SGD?,plain steps\n")
    assert [(c.front, c.back) for c in deck.cards] == [
        ("Adam?", "adaptive moments"), ("SGD?", "plain steps")]
    again = only_deck("id,front,back\nn1,Adam (v2)?,adaptive moments\n")
    assert again.cards[0].key == deck.cards[0].key


def test_header_row_is_detected_in_tsv_and_csv_files(tmp_path):
    for name, text in (("a.tsv", "term\tdefinition\nepoch\tone pass\n"),
                       ("b.csv", "question;answer\nepoch;one pass\n"),
                       ("c.txt", "Front,Back,Tags\nepoch,one pass,x\n")):
        path = tmp_path / name
        path.write_text(text)
        parsed = read_deck_file(path, ReadOptions())
        cards = [c for d in parsed.decks for c in d.cards]
        assert [(c.front, c.back) for c in cards] == [("epoch", "one pass")], name


def test_a_first_row_of_ordinary_words_stays_a_card():
    deck = only_deck("front,the front side\nback,the back side\n")
    assert [c.front for c in deck.cards] == ["front", "back"]
