"""``flashdl export``: TOML re-imports identically, CSV is Anki's text format and spreadsheet-safe,
.apkg opens in Anki (Basic and Cloze, demonstrate cards as text) and comes back unchanged."""

from __future__ import annotations

import datetime as dt
import html
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from storeutil import card_id, dump

from flashdl.cli import main
from flashdl.formats.apkg_export import cloze_fields, write_apkg
from flashdl.formats.csv_anki import GUARD_MARK, guard, unguard
from flashdl.formats.csv_export import write_anki_csv
from flashdl.formats.load import ReadOptions, read_deck_file
from flashdl.formats.records import CardRecord, DeckRecord, ImportedSchedule
from flashdl.formats.toml_deck import read_toml_deck
from flashdl.render.card import plain_text
from flashdl.resources import decks_dir
from flashdl.store.models import Deck

MIXED_DECK = """\
# Mixed
Q: =SUM(A1:A9)
A: -1 is @not a formula
Tags: spreadsheet risk

Q: Multi-line, with "quotes"
A: line one
line two

Q: Show inverted dropout.
A: Kept units are scaled by 1/(1-p).
Demo: dropout p=0.5
"""


@pytest.fixture
def mixed(tmp_path, capsys) -> str:
    path = tmp_path / "mixed.md"
    path.write_text(MIXED_DECK, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return "mixed"


def test_toml_export_reimports_to_an_identical_deck(mixed, store, tmp_path, capsys):
    out = tmp_path / "mixed.toml"
    assert main(["export", mixed, "-o", str(out)]) == 0
    assert "exported 3 card(s) from 1 deck(s)" in capsys.readouterr().out
    before = dump(store)
    assert main(["import", str(out)]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert dump(store) == before
    exported = read_toml_deck(out)
    assert exported.cards[2].demo_name == "dropout" and exported.cards[2].kind == "demonstrate"


def test_built_in_deck_exports_to_the_deck_it_was_loaded_from(store, tmp_path):
    with store.read() as session:
        key = session.scalar(select(Deck.key).where(Deck.origin == "builtin").order_by(Deck.key))
    source = next(read_toml_deck(p) for p in decks_dir().glob("*.toml") if read_toml_deck(p).key == key)
    out = tmp_path / "copy.toml"
    assert main(["export", key, "-o", str(out)]) == 0
    assert read_toml_deck(out) == source


def test_several_decks_export_to_a_folder_of_toml_files(mixed, tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("#separator:comma\na,b\n", encoding="utf-8")
    main(["import", str(other)])
    folder = tmp_path / "out"
    assert main(["export", "mixed", "other", "-o", str(folder) + "/"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["mixed.toml", "other.toml"]


def test_csv_export_has_anki_headers_and_neutralized_formulas(mixed, tmp_path):
    out = tmp_path / "mixed.csv"
    assert main(["export", mixed, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        '#separator:Comma\n#html:true\n#flashdl:{"decks": {"Mixed": "mixed"}, "guard": "u2060", '
        '"version": 1}\n#columns:id,Note type,Front,Back,Tags,Deck,flashdl\n'
        "#guid column:1\n#notetype column:2\n#tags column:5\n#deck column:6\n"
    )
    assert f",Basic,{GUARD_MARK}=SUM(A1:A9),{GUARD_MARK}-1 is @not a formula,spreadsheet risk,Mixed," in text
    # the answer's two source lines are one Markdown paragraph: one line of HTML
    assert '"Multi-line, with &quot;quotes&quot;",line one line two' in text


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(x)", "\tx", "\rx", "\uff1d1", GUARD_MARK])
def test_every_formula_start_is_neutralized(cell):
    assert guard(cell) == GUARD_MARK + cell and unguard(guard(cell)) == cell
    assert guard("plain " + cell) == "plain " + cell


def test_csv_export_reimports_to_the_same_cards(mixed, store, tmp_path, capsys):
    out = tmp_path / "mixed.csv"
    main(["export", mixed, "-o", str(out)])
    parsed = read_deck_file(out, ReadOptions())
    [deck] = parsed.decks
    assert [(plain_text(c.front), plain_text(c.back)) for c in deck.cards][:2] == [
        ("=SUM(A1:A9)", "-1 is @not a formula"), ('Multi-line, with "quotes"', "line one\nline two"),
    ]  # the exact Markdown comes back from the export's flashdl column
    with store.read() as session:
        stored = session.scalars(select(Deck).where(Deck.key == mixed)).one()
        keys = [c.key for c in sorted(stored.cards, key=lambda c: c.position)]
    assert [c.key for c in deck.cards] == keys


def test_anki_reads_the_csv_export(mixed, tmp_path):
    pytest.importorskip("anki")
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportCsvRequest

    out = tmp_path / "mixed.csv"
    main(["export", mixed, "-o", str(out)])
    col = Collection(str(tmp_path / "anki.anki2"))
    try:
        metadata = col.get_csv_metadata(path=str(out), delimiter=None)
        col.import_csv(ImportCsvRequest(path=str(out), metadata=metadata))
        notes = [col.get_note(n) for n in col.find_notes("")]
        assert sorted(n.guid for n in notes) == sorted(
            key for key in (c.key for c in read_deck_file(out, ReadOptions()).decks[0].cards))
        # Anki stores text imported with #html:false as HTML; what it shows is the text exactly
        # (the guard is an invisible U+2060, not the usual visible "'")
        by_front = {html.unescape(n.fields[0]).replace("<br>", "\n"): n for n in notes}
        note = by_front[GUARD_MARK + "=SUM(A1:A9)"]
        assert sorted(note.tags) == ["risk", "spreadsheet"]
        assert html.unescape(note.fields[1]) == GUARD_MARK + "-1 is @not a formula"
        assert "'" not in note.fields[0] + note.fields[1]
        assert col.decks.name(note.cards()[0].did) == "Mixed"
    finally:
        col.close()


def test_apkg_export_opens_in_anki_and_comes_back_unchanged(mixed, store, tmp_path, capsys):
    out = tmp_path / "mixed.apkg"
    assert main(["export", mixed, "-o", str(out)]) == 0
    assert zipfile.ZipFile(out).namelist() == ["collection.anki2", "media"]
    capsys.readouterr()
    assert main(["import", str(out), "--dry-run"]) == 0
    report = capsys.readouterr().out
    # the demonstrate card comes back with its demo, every text exactly as it was
    assert "mixed: 0 would be added, 0 would be updated, 3 would be unchanged" in report
    pytest.importorskip("anki")
    from fixtures.import_kit import anki_notes_in

    notes = anki_notes_in(out, tmp_path / "anki")
    fields = {tuple(f[:2]) for _, f, _ in notes}
    assert ("Show inverted dropout.", "Kept units are scaled by 1/(1-p).") in fields
    assert ("Multi-line, with &quot;quotes&quot;", "line one line two") in fields


def test_cloze_cards_export_as_anki_cloze_notes(tmp_path):
    cards = (
        CardRecord("n-c1", "[...] is the capital of France", "**Paris** is the capital of France\nextra",
                   kind="cloze"),
        CardRecord("n-c2", "Paris is the capital of [country]", "Paris is the capital of **France**",
                   kind="cloze"),
        CardRecord("odd", "no gap here", "answer", kind="cloze"),
    )
    assert cloze_fields(cards[0]) == ("{{c1::Paris}} is the capital of France", "extra")
    assert cloze_fields(cards[1]) == ("Paris is the capital of {{c2::France::country}}", "")
    assert cloze_fields(cards[2]) is None  # exported as Basic instead
    out = tmp_path / "cloze.apkg"
    write_apkg([DeckRecord("geo", "Geo", "", cards)], out)
    parsed = read_deck_file(out, ReadOptions())
    got = [(c.key, c.front, c.back, c.kind) for c in parsed.decks[0].cards]
    parsed.cleanup()
    assert got == [(c.key, c.front, c.back, "cloze" if c.key != "odd" else "basic") for c in cards]


def test_apkg_export_with_scheduling_gives_anki_review_cards(tmp_path):
    pytest.importorskip("anki")
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    schedule = ImportedSchedule(repetitions=3, ef_hundredths=260, interval=12, due_offset_days=5)
    deck = DeckRecord("s", "Scheduled", "", (CardRecord("k1", "front", "back", schedule=schedule),
                                             CardRecord("k2", "new", "card")))
    out = tmp_path / "s.apkg"
    today = dt.date(2026, 3, 14)
    write_apkg([deck], out, today=today)
    back = read_deck_file(out, ReadOptions(with_scheduling=True, today=today))
    got = {c.key: c.schedule for c in back.decks[0].cards}
    back.cleanup()
    assert got["k2"] is None
    assert (got["k1"].interval, got["k1"].ef_hundredths, got["k1"].due_offset_days) == (12, 260, 5)
    col = Collection(str(tmp_path / "a.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(out), options=ImportAnkiPackageOptions(with_scheduling=True)))
        [reviewed] = [col.get_card(c) for c in col.find_cards("is:review")]
        assert (reviewed.ivl, reviewed.factor) == (12, 2600)
    finally:
        col.close()


def test_export_with_scheduling_from_the_store(fixed_clock, mixed, store, tmp_path, capsys):
    from flashdl.store.reviews import record_answer

    with store.read() as session:
        first = session.scalars(select(Deck).where(Deck.key == mixed)).one().cards[0].key
    record_answer(store, card_id(store, mixed, first), 5, today=fixed_clock.today)
    out = tmp_path / "s.apkg"
    assert main(["export", mixed, "-o", str(out), "--with-scheduling"]) == 0
    parsed = read_deck_file(out, ReadOptions(with_scheduling=True, today=fixed_clock.today))
    schedules = {c.key: c.schedule for c in parsed.decks[0].cards}
    parsed.cleanup()
    assert schedules[first] is not None and schedules[first].interval == 1
    assert schedules[first].due_offset_days == 1  # answered today, due tomorrow
    assert sum(s is not None for s in schedules.values()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "-o", "x.toml"], "no deck called 'nope'"),
        (["mixed", "-o", "x.toml", "--with-scheduling"], "only applies to --format apkg"),
        (["mixed", "-o", "x.docx"], "cannot tell the format"),
    ],
)
def test_export_errors_are_one_clear_line(mixed, tmp_path, capsys, args, message):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert main(["export", *args]) != 0
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_csv_writer_uses_tabs_for_tsv(tmp_path):
    deck = DeckRecord("d", "D", "", (CardRecord("k", "a,b", "c"),))
    text = write_anki_csv([deck], separator="\t")
    assert text.splitlines()[0] == "#separator:Tab"
    assert text.splitlines()[-1].startswith("k\tBasic\ta,b\tc\t\tD\t")
    path = Path(tmp_path / "d.tsv")
    path.write_text(text, encoding="utf-8")
    assert read_deck_file(path, ReadOptions()).decks[0].cards[0].front == "a,b"


def _other_deck(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("#separator:comma\na,b\n", encoding="utf-8")
    assert main(["import", str(other)]) == 0


def test_several_decks_into_one_toml_file_is_a_clear_error(mixed, tmp_path, capsys):
    _other_deck(tmp_path)
    capsys.readouterr()
    out = tmp_path / "multi.toml"
    assert main(["export", "mixed", "other", "-o", str(out)]) != 0
    assert "cannot go into one TOML file" in capsys.readouterr().err
    assert not out.exists()


def test_several_decks_go_into_one_csv_or_apkg_file(mixed, tmp_path):
    _other_deck(tmp_path)
    for name in ("multi.csv", "multi.apkg"):
        out = tmp_path / name
        assert main(["export", "mixed", "other", "-o", str(out)]) == 0
        assert out.is_file()
        parsed = read_deck_file(out, ReadOptions())
        assert len(parsed.decks) == 2, name
        parsed.cleanup()


def test_several_decks_to_a_path_without_extension_make_a_folder(mixed, tmp_path):
    _other_deck(tmp_path)
    folder = tmp_path / "decks"
    assert main(["export", "mixed", "other", "--format", "toml", "-o", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["mixed.toml", "other.toml"]


def test_missing_parent_folder_is_an_error_not_created(mixed, tmp_path, capsys):
    out = tmp_path / "nonexistent" / "dir" / "x.toml"
    assert main(["export", mixed, "-o", str(out)]) != 0
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nonexistent").exists()


def test_existing_file_is_refused_without_force(mixed, tmp_path, capsys):
    out = tmp_path / "mixed.csv"
    out.write_text("precious", encoding="utf-8")
    assert main(["export", mixed, "-o", str(out)]) != 0
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "precious"
    assert main(["export", mixed, "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8") != "precious"
    folder = tmp_path / "f"
    assert main(["export", mixed, "-o", str(folder) + "/"]) == 0
    assert main(["export", mixed, "-o", str(folder) + "/"]) != 0
    assert main(["export", mixed, "-o", str(folder) + "/", "--force"]) == 0
