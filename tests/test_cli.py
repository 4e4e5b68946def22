"""The command line: start-up cost, `flashdl decks`, and clear errors instead of tracebacks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_flashdl

from flashdl.store.sqlite_file import sqlite_url

HEAVY = ("textual", "numpy", "alembic")


def _modules_after(code: str, env_home: Path) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint('\\n' + json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**_env(), "FLASHDL_HOME": str(env_home)},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "FLASHDL_DB"}


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["decks"], ["decks", "--json"]])
def test_commands_without_ui_import_neither_textual_nor_numpy(argv: list[str], tmp_path: Path) -> None:
    code = (
        "import contextlib, io\n"
        "from flashdl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        main({argv!r})\n    except SystemExit:\n        pass\n"
    )
    loaded = _modules_after(code, tmp_path)
    assert not {"textual", "numpy", "fsrs_rs_python"} & loaded  # FSRS loads only when it schedules
    if argv[0] in ("--help", "--version"):
        assert not {"sqlalchemy", "alembic"} & loaded


def test_opening_a_database_already_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    code = "from flashdl.store import open_store\nopen_store().close()\n"
    _modules_after(code, tmp_path)  # creates it (needs alembic)
    assert "alembic" not in _modules_after(code, tmp_path)


@pytest.mark.parametrize(
    "module",
    ["flashdl.scheduler", "flashdl.formats", "flashdl.formats.toml_deck", "flashdl.engine", "flashdl.quiz"],
)
def test_pure_layers_import_neither_textual_nor_the_store(module: str, tmp_path: Path) -> None:
    import importlib.util
    import pkgutil

    spec = importlib.util.find_spec(module)
    names = [module]
    if spec and spec.submodule_search_locations:
        names += [
            f"{module}.{info.name}"
            for info in pkgutil.iter_modules(spec.submodule_search_locations)
        ]
    loaded = _modules_after("\n".join(f"import {n}" for n in names), tmp_path)
    assert "textual" not in loaded
    assert not any(m.startswith("flashdl.store") or m.startswith("flashdl.tui") for m in loaded)
    assert "sqlalchemy" not in loaded


def test_python_dash_m_flashdl_prints_the_version() -> None:
    from flashdl import __version__

    result = run_flashdl("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"flashdl {__version__}"


def test_decks_json_lists_the_built_in_decks_from_a_fresh_home(flashdl_home: Path) -> None:
    result = run_flashdl("decks", "--json")
    assert result.returncode == 0, result.stderr
    decks = json.loads(result.stdout)["decks"]
    from flashdl.formats.toml_deck import read_toml_deck
    from flashdl.resources import decks_dir

    shipped = {read_toml_deck(p).key: len(read_toml_deck(p).cards) for p in decks_dir().glob("*.toml")}
    assert {d["key"]: d["total"] for d in decks} == shipped
    # nothing seen yet; "new" is what a session of the deck would introduce today (20 a day)
    assert all(d["unseen"] == d["total"] and d["new"] == min(d["total"], 20) and d["due"] == 0
               for d in decks)
    assert (flashdl_home / "flashdl.sqlite3").exists()


def test_decks_table_shows_counts(flashdl_home: Path) -> None:
    result = run_flashdl("decks")
    assert result.returncode == 0
    header = result.stdout.splitlines()[0].split()
    assert header == ["deck", "name", "total", "new", "due", "redrill"]


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_newer_schema_is_one_clear_line_and_the_file_is_untouched(flashdl_home: Path) -> None:
    assert run_flashdl("decks").returncode == 0
    db = flashdl_home / "flashdl.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zzzz_newer'")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = db.read_bytes()
    result = run_flashdl("decks")
    _assert_one_clear_line(result, "newer flashdl", "upgrade flashdl")
    assert db.read_bytes() == before


def test_a_file_that_is_not_a_database_is_one_clear_line(flashdl_home: Path) -> None:
    db = flashdl_home / "flashdl.sqlite3"
    db.write_bytes(b"this is not sqlite at all, just some text" * 100)
    before = db.read_bytes()
    result = run_flashdl("decks")
    _assert_one_clear_line(result, "not a flashdl database", str(db))
    assert db.read_bytes() == before


def test_a_locked_database_is_one_clear_line(flashdl_home: Path) -> None:
    db = flashdl_home / "flashdl.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("CREATE TABLE squat (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_flashdl("decks", env={"FLASHDL_BUSY_TIMEOUT_MS": "200"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_one_clear_line(result, "locked", "try again")


def test_a_bad_database_url_is_one_clear_line() -> None:
    result = run_flashdl("--db", "not a url", "decks")
    _assert_one_clear_line(result, "not valid")


def test_flashdl_db_selects_another_database(tmp_path: Path, flashdl_home: Path) -> None:
    other = tmp_path / "elsewhere.sqlite3"
    result = run_flashdl("decks", env={"FLASHDL_DB": sqlite_url(other)})
    assert result.returncode == 0 and other.exists()
    assert not (flashdl_home / "flashdl.sqlite3").exists()


@pytest.mark.parametrize("command", ["study", "quiz"])
def test_the_tui_without_a_terminal_is_one_clear_line_not_a_hang(command: str) -> None:
    result = run_flashdl(command, timeout=30)
    _assert_one_clear_line(result, "needs an interactive terminal")
