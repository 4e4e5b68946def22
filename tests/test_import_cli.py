"""``flashdl import`` as a user runs it: the malformed corpus is refused with one clear line and
an unchanged store; a killed import leaves the store as it was or fully imported, never between."""

from __future__ import annotations

import os
import pty
import re
import select
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


def import_in_a_terminal(path: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """``flashdl import path`` with stderr on a pseudo-terminal, so it draws its progress bar;
    returns the process and the terminal's reading end."""
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "flashdl", "import", str(path)],
                             env={**env, "TERM": "xterm", "COLUMNS": "100"}, cwd=REPO,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    return child, master


def wait_for_progress(master: int, total: int, at_least: int, timeout: float = 60) -> int | None:
    """Read the progress bar ("importing ━━━ 12000/40000") until it shows at least ``at_least``
    cards written; return that count, or None if the import ended first."""
    pattern = re.compile(rf"(\d+)/{total}\b".encode())
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the import closed the terminal (finished or failed)
            return None
        if not chunk:
            return None
        seen = (seen + chunk)[-4096:]
        shown = [int(n) for n in pattern.findall(seen)]
        if shown and max(shown) >= at_least:
            return max(shown)
    raise AssertionError(f"the progress bar never reached {at_least}/{total}; last output: "
                         f"{seen[-300:]!r}")


@pytest.mark.slow
def test_a_killed_import_leaves_the_store_before_or_after_never_between(tmp_path, flashdl_home):
    """SIGKILL at several points of a big import's write, read off its own progress bar: every
    time, either nothing or everything, and at least one kill really lands inside the write."""
    from sqlalchemy import func, select

    from flashdl.store import open_store
    from flashdl.store.importer import CHUNK
    from flashdl.store.models import Card, Deck

    rows = 6 * CHUNK
    big = tmp_path / "big.tsv"
    with big.open("w", encoding="utf-8") as out:
        out.write("#separator:tab\n#deck:Big\n")
        for i in range(rows):
            out.write(f"question {i}\tanswer {i}\n")
    env = {**os.environ, "FLASHDL_HOME": str(flashdl_home)}
    assert run_flashdl("decks").returncode == 0  # create the store and the built-in decks
    killed_mid_write = 0
    # once the first chunk is written, and half-way
    for at_least in (1, rows // 2):
        with open_store() as store:
            before = dump(store)
        child, master = import_in_a_terminal(big, env)
        try:
            shown = wait_for_progress(master, rows, at_least)
            # the bar advances inside the import's one transaction, which commits after the last
            # chunk: a count below the total on screen means the write is under way
            mid_write = shown is not None and shown < rows
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            os.close(master)
            if child.poll() is None:
                child.kill()
        with open_store() as store:
            after = dump(store)
            with store.read() as session:
                imported = session.scalar(select(func.count()).select_from(Card).join(Deck)
                                          .where(Deck.key == "big"))
        assert after == before or imported == rows, (at_least, shown, imported)
        if after == before:
            killed_mid_write += mid_write
        else:
            break  # fully imported (the kill came after the commit): nothing left to interrupt
    assert killed_mid_write >= 1  # at least one kill landed inside the write and was rolled back


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
