"""Backups: daily on first open, retention, `flashdl backup/backups/restore`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_flashdl
from storeutil import card_id, dump, fixture_decks

from flashdl.config import BackupPolicy
from flashdl.store import open_store
from flashdl.store.backup import (
    BackupInfo,
    backup_sqlite,
    backups_to_prune,
    daily_backup,
)
from flashdl.store.migrate import upgrade
from flashdl.store.reviews import record_answer
from flashdl.store.sqlite_file import sqlite_url
from flashdl.store.sync import sync_builtin_decks

DAY = dt.date(2026, 3, 14)


@pytest.fixture
def db(flashdl_home: Path, tmp_path: Path) -> Path:
    """A store with the two fixture decks, closed; the default database of FLASHDL_HOME."""
    with open_store() as store:
        sync_builtin_decks(store, fixture_decks(tmp_path))
    return flashdl_home / "flashdl.sqlite3"


def backups(home: Path, reason: str = "") -> list[Path]:
    return sorted((home / "backups").glob(f"flashdl-*{reason}.sqlite3"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_open_of_the_day_backs_up_once(fixed_clock, db: Path, flashdl_home: Path) -> None:
    assert backups(flashdl_home) == []  # the store was empty when first opened
    open_store().close()
    assert len(backups(flashdl_home, "-daily")) == 1
    open_store().close()
    open_store().close()
    assert len(backups(flashdl_home)) == 1
    copy = sqlite3.connect(backups(flashdl_home)[0])
    assert copy.execute("SELECT count(*) FROM cards").fetchone()[0] == 6
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_a_new_day_gets_its_own_backup(fixed_clock, db: Path, flashdl_home: Path) -> None:
    open_store().close()  # 2026-03-14's backup
    fixed_clock.advance(dt.timedelta(days=1))
    with open_store() as store:  # the first open of 2026-03-15 takes that day's
        assert daily_backup(store) is None  # and only one
        assert daily_backup(store, fixed_clock.today) is None
        assert daily_backup(store, fixed_clock.today + dt.timedelta(days=1)) is not None
    days = [path.name.split("-")[1] for path in backups(flashdl_home, "-daily")]
    assert days == ["20260314", "20260315", "20260315"]  # the last asked for the 16th explicitly


def test_with_todays_backup_the_check_is_a_directory_listing(fixed_clock, db: Path) -> None:
    open_store().close()  # takes today's backup

    class NoDatabase:
        """A store whose database must not be touched."""

        sqlite_path = db
        engine = None

    assert daily_backup(NoDatabase()) is None  # type: ignore[arg-type]


def test_an_empty_store_is_not_backed_up(flashdl_home: Path) -> None:
    open_store().close()
    open_store().close()
    assert backups(flashdl_home) == []


def test_backup_is_consistent_while_another_connection_writes(db: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE cards SET front = 'half-written' WHERE id = 1")
    try:
        made = backup_sqlite(db, tmp_path / "b", "test")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(made)
    assert copy.execute("SELECT front FROM cards WHERE id = 1").fetchone()[0] != "half-written"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list((tmp_path / "b").glob("*.partial"))
    copy.close()


def _info(when: dt.datetime, reason: str = "daily") -> BackupInfo:
    return BackupInfo(Path(f"/b/{when:%Y%m%d-%H%M%S}-{reason}"), when, reason, 1)


def test_retention_keeps_the_last_days_then_one_per_week_and_every_manual_backup() -> None:
    start = dt.datetime(2026, 1, 1, 9, 0)
    daily = [_info(start + dt.timedelta(days=i)) for i in range(60)]  # Jan 1 .. Mar 1
    extra_today = _info(start + dt.timedelta(days=59, hours=3), "before-import")
    manual = _info(start - dt.timedelta(days=300), "manual")
    everything = [manual, *daily, extra_today]
    pruned = {b.path for b in backups_to_prune(everything, BackupPolicy(keep_daily=10,
                                                                        keep_weekly=3))}
    kept = [b for b in everything if b.path not in pruned]
    assert manual in kept and extra_today in kept
    kept_daily = [b.taken_at.date() for b in kept if b.reason == "daily"]
    last_ten = [(start + dt.timedelta(days=i)).date() for i in range(50, 60)]
    assert kept_daily[-10:] == last_ten
    weekly = kept_daily[:-10]
    assert len(weekly) == 3
    assert len({d.isocalendar()[:2] for d in weekly}) == 3  # one per ISO week
    assert max(weekly) < last_ten[0] and weekly == sorted(weekly)
    # each weekly backup is the newest of its week among the older days
    for day in weekly:
        assert day.weekday() == 6 or day == last_ten[0] - dt.timedelta(days=1)


def test_daily_backup_applies_the_configured_retention(fixed_clock, db: Path,
                                                       flashdl_home: Path) -> None:
    (flashdl_home / "config.toml").write_text("[backups]\nkeep_daily = 2\nkeep_weekly = 0\n")
    folder = flashdl_home / "backups"
    folder.mkdir()
    for days in (3, 2, 1):
        old = fixed_clock.current - dt.timedelta(days=days)
        (folder / f"flashdl-{old:%Y%m%d-%H%M%S-%f}-daily.sqlite3").write_bytes(b"old")
    (folder / "flashdl-20200101-000000-000000-manual.sqlite3").write_bytes(b"mine")
    (folder / "notes.txt").write_text("not a backup")
    killed = folder / "flashdl-20200101-000000-000000-daily.partial"  # a backup killed half-way
    killed.write_bytes(b"half")
    os.utime(killed, (0, 0))
    open_store().close()
    names = sorted(p.name for p in folder.iterdir())
    assert killed.name not in names
    assert len([n for n in names if n.endswith("-daily.sqlite3")]) == 2  # today's + yesterday's
    assert "flashdl-20200101-000000-000000-manual.sqlite3" in names and "notes.txt" in names
    assert any(n.startswith("flashdl-20260313-") for n in names)  # yesterday's
    assert any(n.startswith("flashdl-20260314-") for n in names)  # today's


def test_backup_and_backups_commands(fixed_clock, db: Path, flashdl_home: Path, capsys) -> None:
    from flashdl.cli import main

    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "Backed up" in out and "manual" in out
    assert main(["backups"]) == 0
    out = capsys.readouterr().out
    assert "manual" in out and "KB" in out
    assert main(["backups", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert [b["reason"] for b in listed] == ["manual"]
    assert listed[0]["bytes"] == Path(listed[0]["file"]).stat().st_size > 0
    assert listed[0]["taken_at"].startswith("2026-03-14T12:00")


def test_restore_brings_back_the_old_state_and_keeps_the_current_one(
    db: Path, flashdl_home: Path, tmp_path: Path
) -> None:
    run_flashdl("backup")
    saved = backups(flashdl_home, "manual")[0]
    with open_store() as store:
        record_answer(store, card_id(store, "alpha", "a1"), 4, today=DAY)
        answered = dump(store)

    result = run_flashdl("restore", saved.name)  # no terminal, no --yes
    assert result.returncode == 2 and "--yes" in result.stderr
    with open_store() as store:
        assert dump(store) == answered

    result = run_flashdl("restore", str(saved), "--yes")
    assert result.returncode == 0, result.stderr
    with open_store() as store:
        assert dump(store)["review_log"] == []
    safety = backups(flashdl_home, "before-restore")
    assert len(safety) == 1 and str(safety[0]) in result.stdout
    copy = sqlite3.connect(safety[0])
    assert copy.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1
    copy.close()


def test_restore_refuses_what_is_not_a_flashdl_backup(db: Path, tmp_path: Path) -> None:
    before = sha(db)
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("hello")
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    for path, words in ((text_file, "not a flashdl database"),
                        (other, "not a flashdl database"),
                        (newer, "9999_future"),
                        (tmp_path / "missing.sqlite3", "no backup file")):
        result = run_flashdl("restore", str(path), "--yes")
        assert result.returncode == 3, result.stdout
        assert words in result.stderr and "Traceback" not in result.stderr
    assert sha(db) == before


def test_a_backup_from_an_older_schema_is_restored_and_upgraded(
    db: Path, flashdl_home: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.sqlite3"
    store = open_store(sqlite_url(old), migrate=False)
    upgrade(store, "0001_initial")
    store.close()
    conn = sqlite3.connect(old)
    conn.execute("INSERT INTO decks (id, key, name, description, origin, created_at, updated_at)"
                 " VALUES (1, 'kept', 'Kept deck', '', 'import', '2020-01-01 00:00:00',"
                 " '2020-01-01 00:00:00')")
    conn.commit()
    conn.close()
    result = run_flashdl("restore", str(old), "--yes")
    assert result.returncode == 0, result.stderr
    with open_store() as store:
        assert [d[1] for d in dump(store)["decks"]] == ["kept"]


def test_an_open_store_sees_the_restored_database(db: Path, flashdl_home: Path) -> None:
    run_flashdl("backup")
    saved = backups(flashdl_home, "manual")[0]
    with open_store() as store:
        record_answer(store, card_id(store, "alpha", "a1"), 4, today=DAY)
        result = run_flashdl("restore", str(saved), "--yes")
        assert result.returncode == 0, result.stderr
        assert dump(store)["review_log"] == []  # the same connection pool, the new content
