"""A shared deck cannot take over the terminal (issue 11).

One hostile ``.apkg`` (built with genanki) whose deck name, fronts, backs, tags, media names and
file name carry a window title (``ESC ] 0``), a clipboard write (``ESC ] 52``), a clear screen,
SGR colours and the 8-bit CSI (U+009B): through every command, the study and quiz screens, the
deck list, statistics and notifications, not one of those bytes reaches the terminal, and in a
real terminal (tmux) the pane title and the paste buffer stay as they were.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import REPO
from helpers.tmux import require_tmux

from flashdl.cli import main

TITLE = "\x1b]0;pwned-title\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"  # "rm -rf ~"
PAYLOAD = TITLE + CLIPBOARD + "\x1b[2J" + "\x1b[31;1m" + "\x9b2J"
UNSAFE = ("\x1b", "\x07", "\x9b")
DECK_NAME = f"Evil{PAYLOAD} deck"


def hostile_package(folder: Path) -> Path:
    import genanki

    deck = genanki.Deck(2_059_400_110, DECK_NAME)
    for i in range(6):
        deck.add_note(genanki.Note(
            model=genanki.BASIC_MODEL, guid=f"hostile-{i}", tags=[f"tag{i}{TITLE}"],
            fields=[f"Front {i} {PAYLOAD}", f"Back {i} {PAYLOAD}<br>[sound:boom{TITLE}.mp3]"],
        ))
    path = folder / f"shared{TITLE}.apkg"
    genanki.Package(deck).write_to_file(str(path))
    return path


def assert_safe(text: str, where: str) -> None:
    found = [c for c in UNSAFE if c in text]
    assert not found, f"{where}: {found} reached the terminal:\n{text!r}"


@pytest.fixture
def hostile_home(tmp_path: Path, flashdl_home: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """FLASHDL_HOME holding the imported hostile deck; returns the deck's key."""
    package = hostile_package(tmp_path)
    assert main(["import", str(package)]) == 0
    out, err = capsys.readouterr()
    assert_safe(out + err, "import report")
    assert "\u241b]0;pwned-title" in out  # the file name is shown, with the ESC made visible
    assert "boom" in out  # the warning about the missing media names it
    from flashdl.store import open_store

    with open_store() as store:  # the store keeps the file's text as it was (cleaned on display)
        from sqlalchemy import select, update

        from flashdl.store.models import Card, Deck

        with store.write() as session:
            key, name = session.execute(select(Deck.key, Deck.name).where(Deck.origin == "import")).one()
            session.execute(update(Card).where(Card.key == "hostile-5").values(suspended=True))
    assert name == DECK_NAME
    return key


def test_no_command_prints_a_control_character_from_the_deck(
    hostile_home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = [
        ["decks"], ["suspended"], ["stats"], ["stats", hostile_home], ["backups"], ["doctor"],
        ["export", hostile_home, "-o", str(tmp_path / f"out{TITLE}.csv")],
        ["export", hostile_home, "-o", str(tmp_path / "out.toml")],
        ["stats", DECK_NAME[:-1]],  # did you mean <the hostile name>?
        ["unsuspend", hostile_home, "--card", f"nope{TITLE}"],
        ["import", str(tmp_path / f"missing{PAYLOAD}.csv")],  # a file name in an error
        ["demo", f"nope{PAYLOAD}"],
        ["study", f"Evil{TITLE}"],
        ["no-such-command{TITLE}"],  # argparse's own message
    ]
    shown = ""
    for argv in runs:
        try:
            main(argv)
        except SystemExit:
            pass
        out, err = capsys.readouterr()
        assert_safe(out + err, " ".join(argv))
        shown += out + err
    assert "Evil\u241b]0;pwned-title" in shown  # the deck name is there, made visible
    # (suggestions keep the deck's own spelling: "Evil...")
    assert "did you mean evil\u241b]0;pwned-title" in shown.casefold()


def test_json_output_is_exact_and_safe(hostile_home: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "--json"]) == 0
    out, err = capsys.readouterr()
    assert_safe(out + err, "decks --json")
    names = {d["key"]: d["name"] for d in json.loads(out)["decks"]}
    assert names[hostile_home] == DECK_NAME  # escaped, not altered


def _screen(app: object) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # type: ignore[attr-defined]


async def test_no_screen_draws_a_control_character_from_the_deck(hostile_home: str) -> None:
    from fixtures.study.kit import settle

    from flashdl.quiz.cards import QuizConfig
    from flashdl.tui.app import FlashdlApp

    app = FlashdlApp(None, sync_builtin=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert_safe(screen, "deck list")
        assert "Evil\u241b]0;pwned-title" in screen
        table = app.screen.query_one("DataTable")
        table.move_cursor(row=table.get_row_index(hostile_home))
        await pilot.press("enter")  # study the hostile deck: header and front
        await settle(pilot)
        assert "Front" in _screen(app) and "Evil\u241b]0;pwned-title" in _screen(app)  # header
        assert_safe(_screen(app), "study front")
        await pilot.press("space")  # the back
        await settle(pilot)
        assert "Back" in _screen(app)
        assert_safe(_screen(app), "study back")
        app.notify(f"Saved: {PAYLOAD}", markup=False)
        await settle(pilot)
        assert_safe(_screen(app), "notification")
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("t")  # statistics
        await settle(pilot)
        assert_safe(_screen(app), "statistics")

    quiz = FlashdlApp(None, sync_builtin=False, initial="quiz",
                      quiz_config=QuizConfig(deck_keys=(hostile_home,), count=4, seed=3))
    async with quiz.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Front" in _screen(quiz) or "Back" in _screen(quiz)
        assert_safe(_screen(quiz), "quiz")


@pytest.mark.slow
def test_a_real_terminal_keeps_its_title_and_clipboard(hostile_home: str, flashdl_home: Path) -> None:
    require_tmux()  # skips without tmux; fails under CI=true
    socket = f"flashdl-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-u", "-L", socket]
    python = f"env FLASHDL_HOME='{flashdl_home}' LANG=C.UTF-8 TERM=xterm-256color {sys.executable}"
    script = f"{python} -m flashdl decks; {python} -m flashdl study {hostile_home}"
    subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "100",
                    "-y", "30", "-c", str(REPO), "sh", "-c", script], check=True, timeout=30)

    def tmux_out(*args: str) -> str:
        return subprocess.run([*tmux, *args], capture_output=True, text=True, timeout=30).stdout

    # let applications write tmux's paste buffer (OSC 52), so that an attack would show
    subprocess.run([*tmux, "set-option", "-g", "set-clipboard", "on"], check=True, timeout=30)
    title = tmux_out("display-message", "-p", "-t", "t", "#{pane_title}")
    try:
        deadline = time.monotonic() + 60
        while "Front" not in (screen := tmux_out("capture-pane", "-p", "-t", "t")):
            assert time.monotonic() < deadline, screen
            time.sleep(0.1)
        subprocess.run([*tmux, "send-keys", "-t", "t", "Space"], check=True, timeout=30)
        while "Back" not in (screen := tmux_out("capture-pane", "-p", "-t", "t")):
            assert time.monotonic() < deadline, screen
            time.sleep(0.1)
        assert tmux_out("display-message", "-p", "-t", "t", "#{pane_title}") == title
        assert "pwned" not in title
        assert tmux_out("list-buffers") == ""  # nothing reached the clipboard
        assert "\u241b" in screen  # the placeholders are on screen instead
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=30)
