"""``flashdl study``: deck names checked before any UI, no Textual for the other commands, and a
whole answer given through a real terminal (tmux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import REPO, run_flashdl
from fixtures.study.kit import card_ids, make_store, review_log


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


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def wait_for(capture, needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        if needle in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; the terminal shows:\n{screen}")


@pytest.mark.slow
def test_flashdl_study_in_a_real_terminal_saves_the_answer(flashdl_home: Path, db_url: str):
    if not tmux_available():
        pytest.skip("tmux is not installed")
    store = make_store(db_url)
    l2 = card_ids(store, "study-basic")["l2-penalty"]
    socket = f"flashdl-test-{uuid.uuid4().hex[:8]}"  # a private tmux server, ours alone
    tmux = ["tmux", "-u", "-L", socket]
    command = (
        f"env FLASHDL_HOME={flashdl_home} LANG=C.UTF-8 TERM=xterm-256color "
        f"{sys.executable} -m flashdl study study-basic"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "study", "-x", "100", "-y", "30", "-c", str(REPO), command],
        check=True, timeout=30,
    )
    socket_path = subprocess.run(
        [*tmux, "display-message", "-p", "#{socket_path}"], capture_output=True, text=True
    ).stdout.strip()

    def capture() -> str:
        out = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "study"], capture_output=True, text=True, timeout=30
        )
        return out.stdout

    def keys(*names: str) -> None:
        subprocess.run([*tmux, "send-keys", "-t", "study", *names], check=True, timeout=30)

    try:
        wait_for(capture, "What does an L2 penalty add to the loss?")
        keys("Space")
        wait_for(capture, "shrinks every weight")
        keys("4")
        wait_for(capture, "He normal initialization")
        # the answer is committed by the time the next card is on screen
        assert review_log(store) == [(l2, 4, "study")]
        keys("q")
        wait_for(capture, "Session ended early")
        keys("q")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = subprocess.run([*tmux, "has-session", "-t", "study"], capture_output=True)
            if alive.returncode != 0:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("flashdl did not quit:\n" + capture())
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)
    assert review_log(store) == [(l2, 4, "study")]
    store.close()
