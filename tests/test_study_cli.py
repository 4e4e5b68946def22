"""``flashdl study``: deck names checked before any UI, no Textual for the other commands, and a
whole answer given through a real terminal (tmux)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_flashdl
from fixtures.study.kit import card_ids, make_store, review_log
from helpers.tmux import terminal


def modules_after(argv: list[str], home: Path) -> tuple[int, set[str], str]:
    """Run ``main(argv)`` in a fresh interpreter; return its exit code, the modules it loaded
    and what it wrote to stderr."""
    code = (
        "import contextlib, io, json, sys\n"
        "from flashdl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        rc = main({argv!r})\n    except SystemExit as exc:\n        rc = exc.code\n"
        "print(json.dumps([rc, sorted(sys.modules)]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FLASHDL_DB"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
        env={**env, "FLASHDL_HOME": str(home)}, timeout=60,
    )
    import json

    rc, modules = json.loads(out.stdout.strip().splitlines()[-1])
    return rc, set(modules), out.stderr


def test_an_unknown_deck_is_a_clear_error_before_any_ui(flashdl_home: Path):
    rc, modules, stderr = modules_after(["study", "no-such-deck"], flashdl_home)
    assert rc == 2
    assert "flashdl: error: no deck called 'no-such-deck'" in stderr
    assert "Traceback" not in stderr
    assert "textual" not in modules  # the TUI was never started


def test_a_close_deck_name_is_suggested(flashdl_home: Path, db_url: str):
    make_store(db_url).close()
    result = run_flashdl("study", "study-basc")
    assert result.returncode == 2
    assert "did you mean study-basic" in result.stderr


def test_a_broken_config_file_is_reported_before_the_ui(flashdl_home: Path):
    (flashdl_home / "config.toml").write_text("[limits]\nnew_per_day = -3\n")
    rc, modules, stderr = modules_after(["study"], flashdl_home)
    assert rc == 2
    assert "new_per_day" in stderr and "Traceback" not in stderr
    assert "textual" not in modules


@pytest.mark.parametrize("argv", [["--help"], ["study", "--help"], ["decks"]])
def test_help_and_other_commands_never_import_textual(argv: list[str], flashdl_home: Path):
    rc, modules, _ = modules_after(argv, flashdl_home)
    assert rc == 0
    assert "textual" not in modules


@pytest.mark.slow
def test_flashdl_study_in_a_real_terminal_saves_the_answer(flashdl_home: Path, db_url: str):
    store = make_store(db_url)
    l2 = card_ids(store, "study-basic")["l2-penalty"]
    argv = [sys.executable, "-m", "flashdl", "study", "study-basic"]
    with terminal(argv, env={"FLASHDL_HOME": str(flashdl_home)}, cwd=REPO) as term:
        term.wait_for("What does an L2 penalty add to the loss?")
        term.keys("Space")
        term.wait_for("shrinks every weight")
        term.keys("4")
        term.wait_for("He normal initialization")
        # the answer is committed by the time the next card is on screen
        assert review_log(store) == [(l2, 4, "study")]
        term.keys("q")
        term.wait_for("Session ended early")
        term.keys("q")
        term.wait_exit()
    assert review_log(store) == [(l2, 4, "study")]
    store.close()
