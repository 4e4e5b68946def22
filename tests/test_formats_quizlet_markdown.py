"""Quizlet/Knowt exports and Markdown Q:/A: decks, and how ``--format auto`` tells them apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashdl.formats.detect import detect_text_format
from flashdl.formats.load import ReadOptions, read_deck_file
from flashdl.formats.markdown_deck import parse_markdown_deck
from flashdl.formats.quizlet import parse_quizlet
from flashdl.formats.records import FormatError
from flashdl.formats.text_input import unescape_separator

# --- Quizlet / Knowt ---------------------------------------------------------------------------

QUIZLET_EXPORT = (
    "gradient\tthe vector of partial derivatives\n"
    "learning rate\tstep size; often \"lr\"\n"
    "epoch\tone pass over the data\tincluding tabs in the definition\n"
)


def test_quizlet_default_export_is_term_tab_definition():
    parsed = parse_quizlet(QUIZLET_EXPORT, Path("ml-terms.txt"))
    [deck] = parsed.decks
    assert (deck.key, deck.name) == ("ml-terms", "ml-terms")
    assert [(c.front, c.back) for c in deck.cards] == [
        ("gradient", "the vector of partial derivatives"),
        ("learning rate", 'step size; often "lr"'),
        ("epoch", "one pass over the data\tincluding tabs in the definition"),
    ]


def test_quizlet_custom_separators_split_rows_and_terms():
    text = "relu - max(0, x);;sigmoid - 1/(1+e^-x);;\ntanh - (e^x - e^-x)/(e^x + e^-x)"
    parsed = parse_quizlet(text, Path("acts.txt"), sep=" - ", row_sep=";;")
    assert [(c.front, c.back) for c in parsed.decks[0].cards] == [
        ("relu", "max(0, x)"), ("sigmoid", "1/(1+e^-x)"), ("tanh", "(e^x - e^-x)/(e^x + e^-x)"),
    ]
    assert parsed.decks[0].cards[2].where == "row starting on line 2"


def test_command_line_separators_understand_backslash_escapes():
    assert unescape_separator(r"\t") == "\t"
    assert unescape_separator(r"\n\n") == "\n\n"
    assert unescape_separator(r"a\\b") == "a\\b"
    assert unescape_separator(r"\x") == r"\x"


def test_quizlet_row_without_separator_names_its_line():
    with pytest.raises(FormatError) as err:
        parse_quizlet("a\tb\n\nno tab here\n", Path("q.txt"))
    assert err.value.where == "line 3"
    assert "--sep" in str(err.value)


def test_quizlet_empty_definition_is_invalid_unless_skipped():
    with pytest.raises(FormatError, match="definition is empty"):
        parse_quizlet("term\t \n", Path("q.txt"))
    parsed = parse_quizlet("term\t\nok\tfine\n", Path("q.txt"), skip_invalid=True)
    assert [c.front for c in parsed.decks[0].cards] == ["ok"]
    assert len(parsed.skipped) == 1


def test_auto_detection_picks_quizlet_for_a_plain_two_column_tab_file(tmp_path):
    path = tmp_path / "knowt.txt"
    path.write_text('term\tdefinition with "quotes" inside\n"quote" first\tx\n', encoding="utf-8")
    parsed = read_deck_file(path, ReadOptions())
    assert parsed.format == "quizlet"
    assert [(c.front, c.back) for c in parsed.decks[0].cards] == [
        ("term", 'definition with "quotes" inside'), ('"quote" first', "x"),
    ]
    path.write_text('"a ""quoted"" term"\tdefinition\n', encoding="utf-8")
    parsed = read_deck_file(path, ReadOptions())  # valid CSV quoting: read as CSV
    assert (parsed.format, parsed.decks[0].cards[0].front) == ("csv", 'a "quoted" term')


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.txt", "#separator:tab\na\tb\n", "csv"),
        ("x.txt", "[deck]\nid = 'a'\n", "toml"),
        ("x.txt", "Q: one\nA: two\n", "md"),
        ("x.md", "anything", "md"),
        ("x.csv", "a,b\n", "csv"),
        ("x.tsv", "a\tb\n", "quizlet"),
        ("x.txt", "a\tb\tc\n", "csv"),
    ],
)
def test_text_format_detection(name, text, expected):
    assert detect_text_format(Path(name), text, sep=None, row_sep=None) == expected


def test_sep_options_mean_quizlet():
    assert detect_text_format(Path("a.csv"), "a,b", sep=",", row_sep=None) == "quizlet"


# --- Markdown ----------------------------------------------------------------------------------

MARKDOWN_DECK = """\
# Backpropagation
Cards about the chain rule.

Q: What does the chain rule give for dL/dx when y = f(x)?
A: dL/dx = dL/dy * f'(x).
It may continue over several lines:

- with lists
- and more
Tags: calculus, backprop
Id: chain-rule

---

Q: Which code computes it?
A:
```python
# Q: this is code, not a new card
grad_x = grad_y * f_prime(x)
```
Source: Goodfellow et al., chapter 6

## A heading ends a card
Q: Show dropout.
A: Kept units are scaled by 1/(1-p).
Demo: dropout p=0.5
"""


def test_markdown_deck_cards_metadata_and_code_blocks():
    parsed = parse_markdown_deck(MARKDOWN_DECK, Path("backprop.md"))
    [deck] = parsed.decks
    assert (deck.key, deck.name) == ("backpropagation", "Backpropagation")
    assert deck.description == "Cards about the chain rule."
    first, second, third = deck.cards
    assert first.key == "chain-rule"
    assert first.front == "What does the chain rule give for dL/dx when y = f(x)?"
    assert first.back == "dL/dx = dL/dy * f'(x).\nIt may continue over several lines:\n\n- with lists\n- and more"
    assert first.tags == ("calculus", "backprop")
    assert second.back.startswith("```python\n# Q: this is code")
    assert second.source == "Goodfellow et al., chapter 6"
    assert (third.kind, third.demo_name, third.demo_params) == ("demonstrate", "dropout", {"p": "0.5"})
    assert third.where == "line 24"


def test_markdown_without_title_uses_the_file_name_and_front_as_identity():
    parsed = parse_markdown_deck("Q: a\nA: b\n", Path("my notes.md"))
    assert (parsed.decks[0].key, parsed.decks[0].name) == ("my-notes", "my notes")
    assert parsed.decks[0].cards[0].key.startswith("q-")


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("A: answer first\n", "line 1", "'A:' without a 'Q:'"),
        ("Q: one\nA: two\nA: three\n", "line 3", "'A:' without a 'Q:'"),
        ("Q: question\n\nQ: next\nA: x\n", "line 1", "no 'A:' answer"),
        ("Q:   \nA: x\n", "line 1", "question after 'Q:' is empty"),
        ("Q: x\nA:\n\n---\n", "line 2", "answer after 'A:' is empty"),
        ("Q: x\nA: y\nId: Not Valid\n", "line 3", "'Id:' must be"),
        ("Q: x\nA: y\nId: a\nQ: z\nA: w\nId: a\n", "line 6", "already used on line 3"),
        ("Q: x\nA: y\nDemo: dropout p\n", "line 3", "name=value"),
        ("Q: x\nA: y\n```\ncode\n", "line 3", "never closed"),
        ("Just some notes\nwithout cards\n", None, "no cards found"),
    ],
)
def test_markdown_errors_name_the_line(text, where, problem):
    with pytest.raises(FormatError) as err:
        parse_markdown_deck(text, Path("bad.md"))
    assert err.value.where == where
    assert problem in err.value.problem


def test_markdown_unknown_demo_is_refused_by_the_loader(tmp_path):
    path = tmp_path / "demo.md"
    path.write_text("Q: x\nA: y\nDemo: no_such_demo\n", encoding="utf-8")
    with pytest.raises(FormatError, match="unknown demo 'no_such_demo'") as err:
        read_deck_file(path, ReadOptions())
    assert err.value.where == "line 3"  # the Demo: line, not the Q: line


def test_markdown_demo_with_out_of_range_parameter_is_refused(tmp_path):
    path = tmp_path / "demo.md"
    path.write_text("Q: x\nA: y\nDemo: dropout p=7\n\nQ: ok\nA: fine\n", encoding="utf-8")
    with pytest.raises(FormatError, match="bad demo parameters"):
        read_deck_file(path, ReadOptions())
    parsed = read_deck_file(path, ReadOptions(skip_invalid=True))
    assert [c.front for c in parsed.decks[0].cards] == ["ok"]
    assert "bad demo parameters" in str(parsed.skipped[0])


def test_the_documented_example_deck_reads_as_documented(tmp_path):
    docs = Path(__file__).resolve().parent.parent / "docs" / "formats.md"
    text = docs.read_text(encoding="utf-8")
    example = text.split("````markdown\n", 1)[1].split("\n````\n", 1)[0]
    path = tmp_path / "example.md"
    path.write_text(example, encoding="utf-8")
    [deck] = read_deck_file(path, ReadOptions()).decks
    assert deck.name == "Backpropagation"
    chain, code, demo = deck.cards
    assert (chain.key, chain.tags) == ("chain-rule", ("calculus", "backprop"))
    assert chain.back.endswith("- like this one")
    assert code.back.startswith("```python\n# Q: inside a code block")
    assert code.source.startswith("Goodfellow")
    # Markdown parameters are text; they are stored as the engine's typed values
    assert (demo.demo_name, demo.demo_params) == ("dropout", {"p": 0.5, "mode": "inverted"})
