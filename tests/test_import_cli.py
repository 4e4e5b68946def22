"""``flashdl import`` as a user runs it: the malformed corpus is refused with one clear line and
an unchanged store; a killed import leaves the store as it was or fully imported, never between."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_flashdl
from fixtures.import_kit import build_genanki_package, malformed_corpus
from storeutil import dump

from flashdl.cli import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    valid = build_genanki_package(folder / "valid.apkg", folder / "media").read_bytes()
    files = {}
    for name, (filename, data) in malformed_corpus(folder / "work", valid).items():
        path = folder / filename
        path.write_bytes(data)
        files[name] = path
    return files


CORPUS_NAMES = [
    "truncated zip", "zip bomb", "dot-dot member", "absolute member", "not a zip",
    "zip without collection", "hostile sqlite (view)", "malformed models json", "corrupt sqlite",
    "not sqlite inside", "non-utf8 text", "unbalanced quotes", "empty file", "whitespace only",
    "0-column csv", "single column csv",
]


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_malformed_file_is_refused_cleanly_and_the_store_is_unchanged(name, corpus, store, capsys,
                                                                      tmp_path):
    # some history and an imported deck, so there is something to lose
    good = tmp_path / "good.csv"
    good.write_text("#separator:comma\nfront,back\n", encoding="utf-8")
    assert main(["import", str(good)]) == 0
    capsys.readouterr()
    before = dump(store)
    code = main(["import", str(corpus[name])])
    err = capsys.readouterr().err
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("flashdl: error: ") and corpus[name].name in lines[0]
    assert "Traceback" not in err
    assert dump(store) == before


def test_corpus_messages_say_what_is_wrong(corpus, capsys):
    expectations = {
        "zip bomb": "zip bomb", "dot-dot member": "path in a member name",
        "hostile sqlite (view)": "not an Anki collection", "corrupt sqlite": "corrupt",
        "non-utf8 text": "byte 3: not valid UTF-8", "unbalanced quotes": "line 2: malformed CSV",
        "zip without collection": "no Anki collection inside", "empty file": "the file is empty",
        "0-column csv": "no cards found",
    }
    for name, phrase in expectations.items():
        main(["import", str(corpus[name])])
        assert phrase in capsys.readouterr().err, name


def test_the_real_command_prints_a_summary_and_a_dry_run_changes_nothing(tmp_path):
    deck = tmp_path / "terms.txt"
    deck.write_text("gradient\tvector of partials\nepoch\tone pass\n", encoding="utf-8")
    dry = run_flashdl("import", str(deck), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "terms (new deck): 2 would be added" in dry.stdout
    assert "dry run: nothing was changed" in dry.stdout
    real = run_flashdl("import", str(deck), "--deck", "ML Terms")
    assert real.returncode == 0, real.stderr
    assert "ml-terms (new deck): 2 added" in real.stdout
    again = run_flashdl("import", str(deck), "--deck", "ML Terms")
    assert "0 added, 0 updated, 2 unchanged" in again.stdout
    listed = run_flashdl("decks")
    assert "ML Terms" in listed.stdout


def test_the_real_command_refuses_a_bomb_without_a_traceback(corpus):
    result = run_flashdl("import", str(corpus["zip bomb"]))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_quizlet_separators_from_the_command_line(tmp_path, capsys):
    deck = tmp_path / "export.txt"
    deck.write_text("relu, max(0, x)|sigmoid, 1/(1+e^-x)|", encoding="utf-8")
    assert main(["import", str(deck), "--sep", ", ", "--row-sep", "|"]) == 0
    assert "export (new deck): 2 added" in capsys.readouterr().out


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from flashdl.commands import import_

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert import_._progress_factory() is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    advance, finish = import_._progress_factory()(5000)
    advance(2500)
    advance(2500)
    finish()


@pytest.mark.slow
def test_a_killed_import_leaves_the_store_before_or_after_never_between(tmp_path, flashdl_home):
    """SIGKILL at several moments of a big import: every time, either nothing or everything."""
    from flashdl.store import open_store

    rows = 40_000
    big = tmp_path / "big.tsv"
    with big.open("w", encoding="utf-8") as out:
        out.write("#separator:tab\n#deck:Big\n")
        for i in range(rows):
            out.write(f"question {i}\tanswer {i}\n")
    env = {**os.environ, "FLASHDL_HOME": str(flashdl_home)}
    assert run_flashdl("decks").returncode == 0  # create the store and the built-in decks
    for delay in (0.3, 0.7, 1.1, 1.6):
        with open_store() as store:
            before = dump(store)
        child = subprocess.Popen([sys.executable, "-m", "flashdl", "import", str(big)],
                                 env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        with open_store() as store:
            after = dump(store)
            with store.read() as session:
                from sqlalchemy import func, select

                from flashdl.store.models import Card, Deck

                imported = session.scalar(select(func.count()).select_from(Card).join(Deck)
                                          .where(Deck.key == "big"))
        assert after == before or imported == rows, (delay, imported)
        if imported == rows:
            break


def test_skip_invalid_report_is_consistent(tmp_path, capsys):
    deck = tmp_path / "half.md"
    deck.write_text("# Half\nQ: good\nA: yes\n\nQ: no answer here\n", encoding="utf-8")
    assert main(["import", str(deck), "--skip-invalid", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 would be added" in out and "would be skipped" not in out
    assert "would leave out 1 invalid record(s)" in out
    assert main(["import", str(deck), "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "skipped" not in out and "left out 1 invalid record(s)" in out


def test_bad_demo_line_in_markdown_is_reported_at_the_demo_line(tmp_path, capsys):
    deck = tmp_path / "demo.md"
    deck.write_text("# D\nQ: Show dropout.\nA: scaled\nTags: x\nDemo: no-such-demo p=0.5\n",
                    encoding="utf-8")
    assert main(["import", str(deck)]) != 0
    err = capsys.readouterr().err
    assert "line 5" in err and "no-such-demo" in err
    deck.write_text("# D\nQ: Show dropout.\nA: scaled\n\nDemo: dropout p=7\n", encoding="utf-8")
    assert main(["import", str(deck)]) != 0
    assert "line 5" in capsys.readouterr().err
