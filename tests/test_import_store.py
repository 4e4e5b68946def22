"""Importing into the store: idempotence, history kept, duplicates, dry run, atomicity, backups,
scheduling, media, built-in collisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from storeutil import card_id, dump

from flashdl.errors import UsageError
from flashdl.formats.records import FormatError
from flashdl.store.importer import ImportOptions, import_paths
from flashdl.store.models import Card, Deck, ReviewLog, ReviewState
from flashdl.store.reviews import record_answer

TODAY = dt.date(2026, 3, 14)
# the importer writes with bulk inserts straight to the driver: check them on both backends
pytestmark = pytest.mark.both_backends


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_import(store, *paths: Path, **options) -> object:
    return import_paths(store, list(paths), ImportOptions(**options), today=TODAY)


def cards_in(store, deck: str) -> list[tuple[str, str, str]]:
    with store.read() as session:
        return [
            (c.key, c.front, c.back)
            for c in session.scalars(
                select(Card).join(Deck).where(Deck.key == deck).order_by(Card.position)
            )
        ]


@pytest.fixture
def vocab(tmp_path) -> Path:
    return write(tmp_path / "vocab.csv", "#separator:comma\n#deck:Vocab\nhund,dog\nkatze,cat\n")


def test_first_import_adds_an_imported_deck(store, vocab):
    report = run_import(store, vocab)
    assert (report.total("added"), report.decks[0].new_deck) == (2, True)
    assert cards_in(store, "vocab")[1][1:] == ("katze", "cat")
    with store.read() as session:
        assert session.scalar(select(Deck.origin).where(Deck.key == "vocab")) == "import"


def test_every_card_field_is_stored_as_parsed(store, tmp_path):
    path = write(tmp_path / "full.md", "Q: Show dropout\nA: scaled\nTags: a, b\nSource: paper\n"
                 "Demo: dropout p=0.25 mode=inverted\n\nQ: plain\nA: card\n")
    run_import(store, path)
    with store.read() as session:
        demo, plain = session.scalars(select(Card).join(Deck).where(Deck.key == "full")
                                      .order_by(Card.position)).all()
    assert (demo.tags, demo.source, demo.kind) == (["a", "b"], "paper", "demonstrate")
    assert (demo.demo_name, demo.demo_params) == ("dropout", {"p": 0.25, "mode": "inverted"})
    assert (plain.tags, plain.demo_params, plain.kind, plain.position) == ([], None, "basic", 1)
    assert demo.created_at.tzinfo is not None and not demo.suspended and not demo.retired


def test_reimport_is_idempotent_and_keeps_history(store, vocab, tmp_path):
    run_import(store, vocab)
    hund = card_id(store, "vocab", cards_in(store, "vocab")[0][0])
    record_answer(store, hund, 4, today=TODAY)
    before = dump(store)
    again = run_import(store, vocab)
    assert (again.total("added"), again.total("updated"), again.total("unchanged")) == (0, 0, 2)
    assert dump(store) == before

    changed = write(tmp_path / "vocab.csv", "#separator:comma\n#deck:Vocab\nhund,the dog\nkatze,cat\n")
    report = run_import(store, changed)
    assert (report.total("added"), report.total("updated")) == (0, 1)
    assert cards_in(store, "vocab")[0][1:] == ("hund", "the dog")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ReviewLog)
                              .where(ReviewLog.card_id == hund)) == 1
        assert session.get(ReviewState, hund) is not None


def test_on_duplicate_skip_leaves_existing_cards_alone(store, vocab, tmp_path):
    run_import(store, vocab)
    changed = write(tmp_path / "v2.csv", "#separator:comma\n#deck:Vocab\nhund,the dog\nmaus,mouse\n")
    report = run_import(store, changed, on_duplicate="skip")
    assert (report.total("added"), report.total("skipped"), report.total("updated")) == (1, 1, 0)
    assert [c[1:] for c in cards_in(store, "vocab")] == [("hund", "dog"), ("katze", "cat"),
                                                         ("maus", "mouse")]


def test_on_duplicate_new_adds_copies_under_fresh_keys(store, vocab):
    run_import(store, vocab)
    report = run_import(store, vocab, on_duplicate="new")
    assert report.total("added") == 2
    keys = [c[0] for c in cards_in(store, "vocab")]
    assert len(keys) == len(set(keys)) == 4
    assert keys[2] == keys[0] + "-2"


def test_a_card_repeated_in_one_file_is_kept_once_with_a_warning(store, tmp_path):
    path = write(tmp_path / "dup.csv", "#separator:comma\nsame,first\nsame,second\n")
    report = run_import(store, path)
    assert report.total("added") == 1
    assert cards_in(store, "dup")[0][2] == "first"
    assert "line 3 repeats line 2" in report.warnings[0]


def test_dry_run_reports_and_changes_nothing(store, vocab, tmp_path):
    run_import(store, vocab)
    before = dump(store)
    changed = write(tmp_path / "v.csv", "#separator:comma\n#deck:Vocab\nhund,the dog\nmaus,mouse\nkatze,cat\n")
    report = run_import(store, changed, dry_run=True)
    assert (report.total("added"), report.total("updated"), report.total("unchanged")) == (1, 1, 1)
    assert report.dry_run and report.backup is None
    assert dump(store) == before


def test_all_files_of_one_import_are_one_transaction(store, vocab, tmp_path):
    before = dump(store)
    bad = write(tmp_path / "bad.md", "Q: fine\nA: yes\n\nQ: no answer\n")
    with pytest.raises(FormatError, match="bad.md, line 4"):
        run_import(store, vocab, bad)
    assert dump(store) == before


def test_an_interrupt_during_the_write_leaves_the_store_as_it_was(store, vocab, tmp_path, monkeypatch):
    from flashdl.store import importer

    run_import(store, vocab)
    before = dump(store)
    second = write(tmp_path / "other.md", "# Other\nQ: q\nA: a\n")
    real_merge = importer.merge_deck
    calls = []

    def merge_then_interrupt(*args, **kwargs):
        outcome = real_merge(*args, **kwargs)
        calls.append(outcome)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C after two decks were written in the transaction
        return outcome

    monkeypatch.setattr(importer, "merge_deck", merge_then_interrupt)
    updated = write(tmp_path / "vocab.csv", "#separator:comma\n#deck:Vocab\nhund,CHANGED\n")
    with pytest.raises(KeyboardInterrupt):
        run_import(store, updated, second)
    assert len(calls) == 2
    assert dump(store) == before


def test_deck_colliding_with_a_built_in_deck_needs_a_new_name(store, tmp_path):
    with store.read() as session:
        builtin = session.scalar(select(Deck).where(Deck.origin == "builtin"))
    path = write(tmp_path / "clash.csv", f"#separator:comma\n#deck:{builtin.key}\na,b\n")
    before = dump(store)
    with pytest.raises(UsageError, match="built-in deck") as err:
        run_import(store, path)
    assert "--deck" in str(err.value)
    assert dump(store) == before
    report = run_import(store, path, deck_name="My Copy")
    assert report.decks[0].key == "my-copy"


def test_deck_option_puts_every_file_into_one_deck(store, vocab, tmp_path):
    more = write(tmp_path / "more.md", "# Something else\nQ: maus\nA: mouse\n")
    report = run_import(store, vocab, more, deck_name="German")
    assert [(d.key, d.name, d.added) for d in report.decks] == [("german", "German", 3)]
    assert report.decks[0].sources == [str(vocab), str(more)]


def test_skip_invalid_imports_the_rest_and_lists_what_was_left_out(store, tmp_path):
    path = write(tmp_path / "mixed.csv", "#separator:comma\nok,fine\nno back\n,no front\n")
    with pytest.raises(FormatError, match="mixed.csv, line 3"):
        run_import(store, path)
    report = run_import(store, path, skip_invalid=True)
    assert report.total("added") == 1
    assert [e.where for e in report.invalid] == ["line 3", "line 4"]


def test_with_scheduling_sets_state_only_for_cards_without_history(store, tmp_path, monkeypatch):
    import flashdl.formats.load as load
    from flashdl.formats.parsed import ParsedFile
    from flashdl.formats.records import CardRecord, DeckRecord, ImportedSchedule

    schedule = ImportedSchedule(repetitions=2, ef_hundredths=230, interval=10, due_offset_days=4,
                                lapses=1)
    deck = DeckRecord("sched", "Sched", "", (
        CardRecord("a", "A", "a", schedule=schedule), CardRecord("b", "B", "b", schedule=schedule),
        CardRecord("c", "C", "c"),
    ))
    # an .apkg reader result with scheduling (the Anki mapping itself is tested with real files)
    monkeypatch.setattr(load, "read_deck_file",
                        lambda path, options: ParsedFile(path=path, format="apkg", decks=[deck]))
    run_import(store, tmp_path / "x.apkg")  # first import: no scheduling
    b = card_id(store, "sched", "b")
    record_answer(store, b, 5, today=TODAY)
    with store.read() as session:
        b_state = session.get(ReviewState, b)
        b_before = (b_state.interval, b_state.due)
    report = run_import(store, tmp_path / "x.apkg", with_scheduling=True)
    assert report.decks[0].scheduled == 1
    with store.read() as session:
        a_state = session.get(ReviewState, card_id(store, "sched", "a"))
        assert (a_state.repetitions, a_state.ef_hundredths, a_state.interval, a_state.lapses) == (2, 230, 10, 1)
        assert a_state.due == TODAY + dt.timedelta(days=4)
        b_state = session.get(ReviewState, b)
        assert (b_state.interval, b_state.due) == b_before  # has history: untouched
        assert session.get(ReviewState, card_id(store, "sched", "c")) is None  # stays new


@pytest.mark.sqlite_only
def test_backup_is_taken_before_importing_into_a_store_with_history(store, vocab, flashdl_home):
    first = run_import(store, vocab)
    assert first.backup is None  # nothing of the user's to protect yet
    second = run_import(store, vocab)
    assert second.backup is not None and second.backup.exists()
    assert second.backup.parent == flashdl_home / "backups"
    assert "before-import" in second.backup.name


def test_media_is_copied_after_the_import_commits(store, tmp_path, flashdl_home):
    from fixtures.import_kit import CAT_PNG, build_genanki_package

    package = build_genanki_package(tmp_path / "deck.apkg", tmp_path / "media-src")
    dry = run_import(store, package, dry_run=True)
    assert dry.media_copied == 0 and not (flashdl_home / "media").exists()
    report = run_import(store, package)
    assert report.media_copied == 1
    [copied] = list((flashdl_home / "media").iterdir())
    assert copied.read_bytes() == CAT_PNG
    fronts = [c[1] for c in cards_in(store, "dl-basics")]
    assert f"What is this? ![]({copied.name})" in fronts
    assert any("missing.mp3" in w for w in report.warnings)
    again = run_import(store, package)
    assert again.media_copied == 0 and again.total("unchanged") == 7


def test_import_limit_from_settings_is_enforced(store, vocab):
    with pytest.raises(FormatError, match="import limit"):
        import_paths(store, [vocab], ImportOptions(), today=TODAY, max_bytes=10)


def test_unknown_on_duplicate_and_blank_deck_name_are_usage_errors(store, vocab):
    with pytest.raises(UsageError):
        run_import(store, vocab, on_duplicate="merge")
    with pytest.raises(UsageError):
        run_import(store, vocab, deck_name="  ")


def test_deck_option_naming_a_built_in_deck_says_to_choose_another_name(store, tmp_path):
    with store.read() as session:
        builtin = session.scalar(select(Deck).where(Deck.origin == "builtin"))
    path = write(tmp_path / "mine.csv", "#separator:comma\na,b\n")
    with pytest.raises(UsageError) as err:
        run_import(store, path, deck_name=builtin.name)
    text = f"{err.value} {getattr(err.value, 'hint', '')}"
    assert "not a built-in deck's" in text and "another name with --deck NAME" not in text


@pytest.mark.sqlite_only
def test_imports_in_a_row_share_one_backup_until_an_answer_is_logged(store, vocab, flashdl_home):
    import time

    run_import(store, vocab)
    second = run_import(store, vocab)
    third = run_import(store, vocab)
    assert second.backup is not None and third.backup == second.backup
    backups = sorted((flashdl_home / "backups").glob("*before-import*"))
    assert len(backups) == 1
    time.sleep(0.01)
    with store.read() as session:
        any_card = session.scalar(select(Card.id))
    record_answer(store, any_card, 4, today=TODAY)
    fourth = run_import(store, vocab)
    assert fourth.backup is not None and fourth.backup != second.backup
    assert len(sorted((flashdl_home / "backups").glob("*before-import*"))) == 2


@pytest.mark.sqlite_only
def test_a_backup_older_than_an_hour_is_not_reused(store, vocab, flashdl_home):
    import datetime as _dt

    from flashdl.store.importer import recent_import_backup

    run_import(store, vocab)
    second = run_import(store, vocab)
    backups = flashdl_home / "backups"
    assert recent_import_backup(store, backups) == second.backup
    later = _dt.datetime.now() + _dt.timedelta(hours=1, minutes=1)
    assert recent_import_backup(store, backups, now=later) is None
