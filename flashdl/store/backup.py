"""SQLite backups through the online backup API (consistent even while another process writes).

When backups are taken: on the first open of each day (:func:`daily_backup`, from ``open_store``),
before every schema upgrade, import and restore, and on ``flashdl backup``.

Names say what a backup is: ``<db stem>-<local YYYYmmdd-HHMMSS-micro>-<reason>.sqlite3`` in the
backups folder, so a directory listing is enough to know whether today's backup exists, and
backups of two databases sharing the folder never mix.

Retention (:func:`prune_backups`), with ``keep_daily`` and ``keep_weekly`` from ``config.toml``:
every backup from the newest ``keep_daily`` days that have backups is kept; of older days, the
newest backup of each of the ``keep_weekly`` most recent ISO weeks is kept; the rest are deleted.
Backups made by hand (``flashdl backup``, reason ``manual``) are never deleted automatically.

Locking contract (see ``docs/data-safety.md``):

* a **backup** is one read transaction on its own read-only connection (the online backup API
  copying every page in one step). In WAL mode that is a snapshot: it never waits for a writer,
  never blocks one, and holds exactly the transactions committed before it began. It is safe from
  any thread or process, at any time;
* a **restore** (:func:`restore_sqlite`) takes the store's write lock first (``BEGIN IMMEDIATE``,
  the same lock every flashdl write takes), then lets its caller take the safety backup (a
  snapshot, which now holds everything ever committed), then replaces the contents inside that
  same write transaction, then commits. A writer that arrives meanwhile waits (busy timeout) and
  then writes into the restored store; nothing it committed is in neither file.

This module knows files only: no engine, no schema upgrade (``migrate`` uses it, not the other
way round).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl import clock
from flashdl.errors import StoreError
from flashdl.store.ownership import REQUIRED_TABLES as REQUIRED_TABLES  # re-exported
from flashdl.store.sqlite_file import connect_readonly, describe_os_error, sqlite_uri

if TYPE_CHECKING:
    from flashdl.config import BackupPolicy
    from flashdl.store.db import Store

MANUAL = "manual"
DAILY = "daily"
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[\w.-]+)\.sqlite3$")


@dataclasses.dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  #: local time, from the name
    reason: str
    size: int

    @property
    def day(self) -> dt.date:
        return self.taken_at.date()


def _prefix(db_path: Path) -> str:
    return db_path.stem or "flashdl"


def backup_sqlite(db_path: Path, dest_dir: Path, reason: str) -> Path:
    """Copy the live database ``db_path`` to ``dest_dir`` atomically; return the new file.

    A consistent snapshot (see the locking contract above), written to a ``.partial`` file and
    renamed only once complete, so a crash never leaves something that looks like a backup but
    is not; what a killed backup leaves behind is pruned later (:func:`prune_backups`).
    """
    reason = re.sub(r"[^\w.-]+", "-", reason) or "backup"
    make_folder(dest_dir, "backups folder")
    dest = dest_dir / f"{_prefix(db_path)}-{clock.now().strftime(_STAMP)}-{reason}.sqlite3"
    tmp = dest.with_suffix(".partial")
    try:
        src = connect_readonly(db_path)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # every page in one step: one read transaction, one snapshot
                # A backup is a standalone file: no WAL beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        discard(tmp, tmp.with_name(tmp.name + "-journal"))
        raise StoreError(f"could not back up {db_path} to {dest_dir}: {describe_os_error(exc, dest_dir)}",
                         hint="free some space or make the folder writable, then try again") from exc
    return dest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_folder(folder: Path, what: str) -> None:
    """``mkdir -p`` as one clear StoreError (read-only disk, a file in the way) instead of a
    traceback."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the {what} {folder}: {exc.strerror or exc}",
                         hint="make it writable, or set FLASHDL_HOME to a writable folder") from exc


def discard(*paths: Path) -> None:
    """Remove leftovers of a failed write, never raising (an error handler must not fail: on a
    read-only file system even unlinking a missing file raises)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def list_backups(dest_dir: Path, db_path: Path | None = None) -> list[BackupInfo]:
    """The backups in ``dest_dir`` (of ``db_path`` only, if given), oldest first."""
    try:
        names = os.listdir(dest_dir)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        match = _NAME.match(name)
        if match is None or (db_path is not None and match["stem"] != _prefix(db_path)):
            continue
        try:
            taken = dt.datetime.strptime(match["stamp"], _STAMP)
            size = (dest_dir / name).stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(dest_dir / name, taken, match["reason"], size))
    return sorted(found, key=lambda b: b.taken_at)


def has_backup_on(dest_dir: Path, db_path: Path, day: dt.date) -> bool:
    """Whether a backup of ``db_path`` was taken on ``day`` (local): names only, no file opened."""
    start = f"{_prefix(db_path)}-{day.strftime('%Y%m%d')}-"
    try:
        return any(n.startswith(start) and n.endswith(".sqlite3") for n in os.listdir(dest_dir))
    except FileNotFoundError:
        return False


def backups_to_prune(backups: list[BackupInfo], policy: BackupPolicy) -> list[BackupInfo]:
    """Which of ``backups`` the retention policy deletes (see the module docstring)."""
    automatic = [b for b in backups if b.reason != MANUAL]
    days = sorted({b.day for b in automatic}, reverse=True)
    kept_days = set(days[: policy.keep_daily])
    older = sorted((b for b in automatic if b.day not in kept_days), key=lambda b: b.taken_at,
                   reverse=True)
    keep: set[Path] = {b.path for b in automatic if b.day in kept_days}
    weeks: list[tuple[int, int]] = []
    for backup in older:
        week = backup.day.isocalendar()[:2]
        if week in weeks:
            continue
        if len(weeks) >= policy.keep_weekly:
            break
        weeks.append(week)
        keep.add(backup.path)
    return [b for b in automatic if b.path not in keep]


#: A ``.partial`` file this old is what a backup killed half-way left behind.
STALE_PARTIAL_SECONDS = 3600


def prune_backups(dest_dir: Path, db_path: Path, policy: BackupPolicy) -> list[Path]:
    """Delete the backups of ``db_path`` that the policy does not keep, and the leftovers of
    backups that were killed half-way; return what was deleted."""
    import time

    removed = []
    partials = [*dest_dir.glob(f"{_prefix(db_path)}-*.partial"),
                *dest_dir.glob(f"{_prefix(db_path)}-*.partial-journal")]
    for partial in partials:
        try:
            if time.time() - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                partial.unlink()
                removed.append(partial)
        except OSError:
            continue
    for backup in backups_to_prune(list_backups(dest_dir, db_path), policy):
        try:
            backup.path.unlink()
        except OSError:
            continue  # another flashdl got there first, or a read-only folder: harmless
        removed.append(backup.path)
    return removed


def daily_backup(store: Store, today: dt.date | None = None) -> Path | None:
    """Back up a SQLite store on its first open of the day, then apply the retention policy.

    Costs one directory listing when today's backup exists. An empty store (no deck yet) is not
    worth a backup. Failing to back up never stops flashdl from opening: the error is reported
    on stderr instead.
    """
    import sys

    from flashdl import config

    path = store.sqlite_path
    if path is None:
        return None
    dest_dir = config.backups_dir()
    if has_backup_on(dest_dir, path, today or clock.today()):
        return None
    from sqlalchemy import text

    with store.engine.connect().execution_options(flashdl_readonly=True) as conn:
        if conn.execute(text("SELECT 1 FROM decks LIMIT 1")).first() is None:
            return None
    try:
        made = backup_sqlite(path, dest_dir, DAILY)
        prune_backups(dest_dir, path, config.load_settings().backups)
    except Exception as exc:  # noqa: BLE001 - a backup problem must not lock the learner out
        print(f"flashdl: warning: the daily backup failed: {exc}", file=sys.stderr)
        return None
    return made


def restore_sqlite(
    backup: Path, db_path: Path, *, under_lock: Callable[[], object] | None = None,
    timeout: float = 30.0,
) -> None:
    """Replace the contents of the live database ``db_path`` with those of ``backup``.

    Takes the store's write lock first (``BEGIN IMMEDIATE``: it waits for a writer in progress),
    calls ``under_lock`` (where the caller takes its safety backup: a snapshot that now holds
    every committed write), then drops every table and recreates and fills them from ``backup``
    inside that same transaction, and commits. Other connections see the old contents or the new,
    never a mix; a crash before the commit leaves the old contents. A writer that comes during
    the restore waits for it and then writes into the restored store.
    """
    conn = sqlite3.connect(sqlite_uri(db_path), uri=True, timeout=timeout, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")  # dropping tables must not cascade
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("ATTACH DATABASE ? AS restored", (sqlite_uri(backup, mode="ro"),))
        conn.execute("BEGIN IMMEDIATE")
        try:
            if under_lock is not None:
                under_lock()
            _replace_contents(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _replace_contents(conn: sqlite3.Connection) -> None:
    """Inside the caller's write transaction: make ``main`` a copy of ``restored``."""
    current = conn.execute(
        "SELECT type, name FROM main.sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    for kind, name in current:
        if kind in ("view", "trigger"):
            conn.execute(f"DROP {kind.upper()} IF EXISTS main.{_quoted(name)}")
    for kind, name in current:
        if kind == "table":
            conn.execute(f"DROP TABLE IF EXISTS main.{_quoted(name)}")
    wanted = conn.execute(
        "SELECT type, name, sql FROM restored.sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
    ).fetchall()
    for kind, name, sql in wanted:
        conn.execute(sql)  # unqualified CREATE: made in main
        if kind != "table":
            continue
        columns = ", ".join(_quoted(row[1]) for row in conn.execute(
            f"PRAGMA restored.table_info({_quoted(name)})"))
        target = f"main.{_quoted(name)}"
        try:  # rowids too, so that tables without an INTEGER PRIMARY KEY keep them
            conn.execute(f"INSERT INTO {target} (rowid, {columns}) "
                         f"SELECT rowid, {columns} FROM restored.{_quoted(name)}")
        except sqlite3.OperationalError:  # WITHOUT ROWID
            conn.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM restored.{_quoted(name)}")
    has_sequence = conn.execute(
        "SELECT 1 FROM restored.sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
    if has_sequence and conn.execute(
            "SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")
    version = conn.execute("PRAGMA restored.user_version").fetchone()[0]
    conn.execute(f"PRAGMA main.user_version = {int(version)}")


def copy_raw(db_path: Path, dest_dir: Path) -> Path:
    """The database file's bytes (and its WAL) as they are, for a file too damaged to read."""
    import shutil

    make_folder(dest_dir, "backups folder")
    stamp = clock.now().strftime(_STAMP)
    dest = dest_dir / f"{_prefix(db_path)}-{stamp}-before-restore-damaged.sqlite3"
    try:
        shutil.copyfile(db_path, dest)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
    except OSError as exc:
        discard(dest)
        raise StoreError(f"could not copy {db_path} to {dest_dir}: {describe_os_error(exc, dest_dir)}",
                         hint="nothing was restored; free some space and try again") from exc
    return dest


def replace_file(backup: Path, db_path: Path) -> None:
    """Restore by renaming a complete copy over the database file (for a file SQLite cannot
    open any more). The rename is atomic; the stale WAL and shared-memory files go first."""
    import shutil

    tmp = db_path.with_name(db_path.name + ".restoring")
    try:
        shutil.copyfile(backup, tmp)
        _fsync(tmp)
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, db_path)
    except OSError as exc:
        discard(tmp)
        raise StoreError(f"could not restore {db_path} from {backup}: {describe_os_error(exc, db_path)}") from exc
