"""Data safety of the store: odd folder names, other programs' databases, and restore racing a
writer (issue 11). Each test failed on v0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO
from storeutil import card_id

from flashdl.cli import main
from flashdl.store import open_store
from flashdl.store.sqlite_file import sqlite_url

#: Every character that means something in a URL or a URI, and some that mean something to a
#: shell, in one folder name.
ODD_NAME = "a#b?c%d%25e f'g\"h-é"
DAY = dt.date(2026, 3, 14)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_home_with_url_characters_in_its_name_keeps_everything_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = tmp_path / "parent"
    home = parent / ODD_NAME
    home.mkdir(parents=True)
    monkeypatch.setenv("FLASHDL_HOME", str(home))
    deck = tmp_path / "words.csv"
    deck.write_text("#deck:Odd words\none,1\ntwo,2\n", encoding="utf-8")

    code, out, err = _cli(capsys, "import", str(deck))
    assert code == 0, err
    from flashdl.store.reviews import record_answer

    with open_store() as store:
        first, last = sorted(_card_keys(store))
        record_answer(store, card_id(store, "odd-words", first), 4, today=DAY)
    code, out, err = _cli(capsys, "backup")
    assert code == 0, err
    code, out, err = _cli(capsys, "backups", "--json")
    listed = json.loads(out)["backups"]
    manual = [Path(b["file"]) for b in listed if b["reason"] == "manual"]
    assert len(manual) == 1 and manual[0].parent == home / "backups"
    copy = sqlite3.connect(manual[0])  # the backup holds the data, not an empty 4 KB file
    assert copy.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1
    assert copy.execute("SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id "
                        "WHERE d.key = 'odd-words'").fetchone()[0] == 2
    copy.close()

    with open_store() as store:  # a second answer, which the restore takes away again
        record_answer(store, card_id(store, "odd-words", last), 3, today=DAY)
    code, out, err = _cli(capsys, "restore", manual[0].name, "--yes")
    assert code == 0, err
    with open_store() as store, store.read() as session:
        from sqlalchemy import func, select

        from flashdl.store.models import ReviewLog

        assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    code, out, err = _cli(capsys, "doctor")
    assert code == 0, out + err
    assert (home / "flashdl.sqlite3").is_file()
    assert _tree(parent) == {ODD_NAME} | {f"{ODD_NAME}/{name}" for name in _tree(home)}


def _card_keys(store: object) -> set[str]:
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck

    with store.read() as session:  # type: ignore[attr-defined]
        return set(session.scalars(select(Card.key).join(Deck).where(Deck.key == "odd-words")))


def test_the_url_builder_names_exactly_the_path(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from flashdl.store.sqlite_file import sqlite_uri

    path = tmp_path / ODD_NAME / "x.sqlite3"
    assert make_url(sqlite_url(path)).database == str(path)
    path.parent.mkdir()
    conn = sqlite3.connect(sqlite_uri(path, mode="rwc"), uri=True)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.sqlite3"]


# --- other programs' databases ------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_another_programs_database_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    db = folder / "photos.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    conn.execute("INSERT INTO photos (path) VALUES ('/a.jpg')")
    conn.commit()
    conn.close()
    before = _files(folder)
    for argv in (["decks"], ["doctor", "--fix"], ["stats"]):
        code, out, err = _cli(capsys, "--db", sqlite_url(db), *argv)
        assert code == 3, (argv, out, err)
        assert "belongs to another program" in err and "photos" in err and "Traceback" not in err
    assert _files(folder) == before  # same bytes, no -wal or -shm beside it


@pytest.mark.slow
def test_an_anki_collection_is_recognised_and_import_is_suggested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from anki.collection import Collection

    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    col.close()
    before = _files(folder)
    code, out, err = _cli(capsys, "--db", sqlite_url(folder / "collection.anki2"), "decks")
    assert code == 3
    assert "Anki collection" in err and "flashdl import" in err and ".apkg" in err
    assert "already exists" not in err
    assert _files(folder) == before


@pytest.mark.postgres_only
def test_another_programs_postgresql_database_is_refused_untouched(db_url: str) -> None:
    from sqlalchemy import create_engine, inspect, text

    from flashdl.errors import StoreError

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer primary key)"))
    try:
        with pytest.raises(StoreError, match="belongs to another program"):
            open_store(db_url)
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["invoices"]
    finally:
        engine.dispose()


# --- restore and backup against writers ------------------------------------------------------------


def _count(db: Path, deck: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id "
                            "WHERE d.key = ?", (deck,)).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_a_restore_during_a_big_import_loses_none_of_its_cards(
    tmp_path: Path, flashdl_home: Path
) -> None:
    """The import holds the write lock when the restore starts: its cards end up in the live
    store or in the restore's safety backup, never in neither."""
    from flashdl.store.backup import backup_sqlite
    from flashdl.store.importer import ImportOptions, import_paths
    from flashdl.store.restore import restore_backup

    db = flashdl_home / "flashdl.sqlite3"
    open_store().close()
    saved = backup_sqlite(db, tmp_path, "manual")
    big = tmp_path / "big.tsv"
    big.write_text("".join(f"question {i}\tanswer {i}\n" for i in range(100_000)), encoding="utf-8")

    importing = threading.Event()
    outcome: dict[str, object] = {}

    def progress_factory(total: int):  # type: ignore[no-untyped-def]
        def advance(n: int) -> None:
            importing.set()  # the first chunk is in: the import's transaction holds the lock

        return advance, lambda: None

    def run_import() -> None:
        try:
            with open_store() as store:
                outcome["report"] = import_paths(store, [big], ImportOptions(),
                                                 today=DAY,
                                                 progress_factory=progress_factory)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc
            importing.set()

    worker = threading.Thread(target=run_import)
    worker.start()
    assert importing.wait(60)
    safety = restore_backup(saved, db)
    worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert safety is not None
    in_live, in_safety = _count(db, "big"), _count(safety, "big")
    assert (in_live, in_safety) in ((100_000, 0), (0, 100_000)), (in_live, in_safety)


@pytest.mark.slow
def test_answers_given_while_a_restore_runs_are_all_kept(tmp_path: Path, flashdl_home: Path) -> None:
    """A learner answering in another process while the store is restored: every answer it
    was told was saved is in the live store or in the safety backup."""
    from fixtures.study.kit import make_store
    from sqlalchemy import text

    from flashdl.store.backup import backup_sqlite
    from flashdl.store.restore import restore_backup

    db = flashdl_home / "flashdl.sqlite3"
    store = make_store(sqlite_url(db))
    with store.write() as session:  # a store of some size: a snapshot of it takes a while
        session.execute(text(
            "CREATE TABLE padding AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            "FROM n WHERE i < 5000) SELECT i, printf('%.1000c', 'x') AS s FROM n"))
    store.close()
    saved = backup_sqlite(db, flashdl_home / "backups", "manual")  # also today's backup
    child = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "helpers" / "study_child.py"), sqlite_url(db),
         "--think-ms", "6"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "FLASHDL_HOME": str(flashdl_home)},
    )
    assert child.stdout is not None
    acked: list[tuple[int, int, int]] = []
    try:
        assert child.stdout.readline() == "ready\n"
        while len(acked) < 10:
            acked.append(tuple(int(v) for v in child.stdout.readline().split()[:3]))
        safety = restore_backup(saved, db)
        after = len(acked)
        while len(acked) < after + 10:  # it goes on answering into the restored store
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else ""
            acked.append(tuple(int(v) for v in line.split()[:3]))
    finally:
        child.kill()
        child.wait(10)
    assert safety is not None

    def answers(path: Path) -> set[tuple[int, int, int]]:
        conn = sqlite3.connect(path)
        try:
            return set(conn.execute("SELECT id, card_id, grade FROM review_log"))
        finally:
            conn.close()

    kept = answers(db) | answers(safety)
    assert [a for a in acked if a not in kept] == []


# --- a PostgreSQL server that never answers ------------------------------------------------------


@pytest.mark.parametrize("in_url", [True, False], ids=["timeout-in-url", "default-timeout"])
def test_a_server_that_accepts_and_never_answers_is_given_up_on(
    in_url: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TCP connection is accepted (by the kernel, into the listen backlog) and then nothing
    comes back: flashdl gives up after its connect timeout and names the server."""
    import socket
    import time

    from flashdl.errors import StoreError
    from flashdl.store import db

    pytest.importorskip("psycopg")
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    if not in_url:
        monkeypatch.setattr(db, "CONNECT_TIMEOUT_S", 2)  # the default, made short for the test
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    url = f"postgresql+psycopg://learner@127.0.0.1:{port}/flashdl"
    if in_url:
        url += "?connect_timeout=2"
    failure: list[BaseException] = []

    def connect() -> None:
        try:
            open_store(url).close()
        except BaseException as exc:  # noqa: BLE001 - inspected below
            failure.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=connect, daemon=True)  # a hang must fail, not hang the run
    worker.start()
    worker.join(20)
    silent.close()
    assert not worker.is_alive(), "flashdl waits forever for a server that never answers"
    assert time.monotonic() - started < 15
    [err] = failure
    assert isinstance(err, StoreError)
    assert f"127.0.0.1:{port} did not answer within 2 s" in str(err)
    assert "connect_timeout" in str(err)


def test_the_docs_say_what_is_true() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "a class sharing one server" not in readme
    assert "one learner" in readme  # a store holds one learner's schedule
    guarantees = (REPO / "docs" / "data-safety.md").read_text(encoding="utf-8")
    for promise in ("What is cleaned", "What is refused", "A backup is a snapshot",
                    "A restore takes the write lock first"):
        assert promise in guarantees


def test_the_store_modules_import_each_other_without_a_circle() -> None:
    """backup knows files, migrate uses backup, db uses neither, opening puts them together.
    Every import counts, also those inside functions and under TYPE_CHECKING."""
    import ast

    folder = REPO / "flashdl" / "store"
    names = {p.stem for p in folder.glob("*.py")} - {"__init__"}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name in names:
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = {node.module.rpartition(".")[2]} if node.module.startswith(
                    "flashdl.store.") else {a.name for a in node.names} if node.module == \
                    "flashdl.store" else set()
                graph[name] |= targets & names

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in graph[start])

    assert [name for name in sorted(names) if reaches(name, name, {name})] == []
