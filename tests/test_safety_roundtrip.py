"""Round trips that must not change data (issue 11): the CSV formula guard is symmetric, a deck's
own CSV or .apkg export imports back into the same deck as a no-op, and odd CSV files get
messages that say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storeutil import dump

from flashdl.cli import main
from flashdl.formats.csv_anki import FIELD_SIZE_LIMIT, GUARD_MARK, parse_anki_csv
from flashdl.formats.csv_export import write_anki_csv
from flashdl.formats.records import CardRecord, DeckRecord, FormatError

STARTS = ["=", "+", "-", "@", "'", "\t", "\r", "\uff1d", GUARD_MARK, "'=", "- "]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# (a card's front and back hold more than white space: a blank side is no card, in any format)
@given(front=st.tuples(st.sampled_from(STARTS), TEXT).map("".join).filter(str.strip),
       back=st.tuples(st.sampled_from(STARTS), TEXT).map("".join).filter(str.strip),
       separator=st.sampled_from([",", "\t"]))
def test_csv_export_then_import_gives_every_text_back_byte_for_byte(front, back, separator):
    deck = DeckRecord("my-deck", "My deck", "", (CardRecord("c1", front, back),))
    [parsed] = parse_anki_csv(write_anki_csv([deck], separator=separator), Path("x.csv")).decks
    assert [(c.front, c.back) for c in parsed.cards] == [(front, back)]
    assert parsed.key == "my-deck"


TOML_DECK = '''\
[deck]
id = "dl101"
name = "Deep Learning 101"
description = "Its key is not its name's slug"

[[cards]]
id = "formula"
front = "=SUM(A1:A9) is not a formula here"
back = "- one\\n- two"
tags = ["spreadsheet", "lists"]

[[cards]]
id = "quoted"
front = "'=quoted, \\"twice\\""
back = "@mention\\ttab"

[[cards]]
id = "plain"
front = "What does dropout zero?"
back = "Units, with probability p."
'''


@pytest.fixture
def dl101(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    deck = tmp_path / "dl101.toml"
    deck.write_text(TOML_DECK, encoding="utf-8")
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    return "dl101"


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".apkg"])
def test_a_decks_own_export_imports_back_as_a_no_op(
    dl101: str, suffix: str, tmp_path: Path, store: object, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"export{suffix}"
    assert main(["export", dl101, "-o", str(out)]) == 0
    capsys.readouterr()
    before = dump(store)
    assert main(["import", str(out)]) == 0
    report = capsys.readouterr().out
    assert report.startswith("dl101: 0 added, 0 updated, 3 unchanged"), report
    assert dump(store) == before  # no second deck, nothing touched


def test_extra_columns_are_reported_with_how_many_were_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "wide.csv"
    deck.write_text("#separator:comma\none,1,x,y,z\ntwo,2\nthree,3,extra\n", encoding="utf-8")
    assert main(["import", str(deck)]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "4 column(s) in 2 row(s) were ignored (from line 2)" in out


def test_a_field_over_the_limit_is_named_as_such() -> None:
    big = "x" * (FIELD_SIZE_LIMIT + 10)
    for text in (f"front,back\nok,{big}\n", f"#separator:comma\nok,{big}\n", f"ok\t{big}\n"):
        with pytest.raises(FormatError) as err:
            parse_anki_csv(text, Path("big.csv"))
        message = str(err.value)
        assert "larger than" in message and "MiB" in message, message
        assert "column" not in message and '"' not in message, message
