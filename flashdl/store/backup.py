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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl import clock
from flashdl.errors import StoreError

if TYPE_CHECKING:
    from flashdl.config import BackupPolicy
    from flashdl.store.db import Store

MANUAL = "manual"
DAILY = "daily"
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[\w.-]+)\.sqlite3$")
#: Tables every flashdl database has, whatever its schema revision.
REQUIRED_TABLES = {"alembic_version", "decks", "cards", "review_states", "review_log"}


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

    The copy is written to a ``.partial`` file and renamed only once complete, so a crash never
    leaves something that looks like a backup but is not.
    """
    reason = re.sub(r"[^\w.-]+", "-", reason) or "backup"
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{_prefix(db_path)}-{clock.now().strftime(_STAMP)}-{reason}.sqlite3"
    tmp = dest.with_suffix(".partial")
    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                # A backup is a standalone file: no WAL beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"could not back up {db_path} to {dest_dir}: {exc}") from exc
    return dest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    for partial in dest_dir.glob(f"{_prefix(db_path)}-*.partial"):
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


def check_backup_file(backup: Path) -> str:
    """Make sure ``backup`` is an intact flashdl database at a schema we know; return its revision.

    Raises StoreError naming what is wrong, before anything is restored.
    """
    from flashdl.store.migrate import known_revisions

    if not backup.is_file():
        raise StoreError(f"there is no backup file {backup}", hint="list them with `flashdl backups`")
    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
            if result is None or result[0] != "ok":
                raise StoreError(f"the backup {backup} is damaged ({result and result[0]})",
                                 hint="pick another one from `flashdl backups`")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise StoreError(f"{backup} is not a flashdl database "
                                 f"(no {', '.join(sorted(missing))} table)",
                                 hint="pick a file from `flashdl backups`")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{backup} is not a flashdl database ({exc})",
                         hint="pick a file from `flashdl backups`") from exc
    revision = row[0] if row else None
    if revision not in known_revisions():
        raise StoreError(f"the backup {backup} has a schema ({revision}) this flashdl does not know",
                         hint="restore it with the flashdl that made it, or upgrade flashdl")
    return revision


def restore_sqlite(backup: Path, db_path: Path) -> None:
    """Overwrite the live database with ``backup`` in one step, through the backup API.

    The backup API copies every page inside one write transaction on ``db_path``: other
    processes see the old database or the new one, never a mix, and a crash half-way leaves the
    old one (its journal rolls the copy back).
    """
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(db_path, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"could not restore {db_path} from {backup}: {exc}") from exc


def restore_backup(backup: Path, db_path: Path) -> Path | None:
    """Check ``backup``, back up the current database, then restore. Returns the safety backup.

    The next ``open_store`` upgrades a backup made at an older schema (with its own backup).
    """
    from flashdl import config

    check_backup_file(backup)
    safety = None
    if db_path.exists():
        try:
            safety = backup_sqlite(db_path, config.backups_dir(), "before-restore")
        except StoreError:
            # Too damaged to read page by page: keep its bytes as they are instead.
            safety = _copy_raw(db_path, config.backups_dir())
    try:
        restore_sqlite(backup, db_path)
    except StoreError:
        _replace_file(backup, db_path)
    return safety


def _copy_raw(db_path: Path, dest_dir: Path) -> Path:
    import shutil

    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime(_STAMP)
    dest = dest_dir / f"{_prefix(db_path)}-{stamp}-before-restore-damaged.sqlite3"
    shutil.copyfile(db_path, dest)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
    return dest


def _replace_file(backup: Path, db_path: Path) -> None:
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
        tmp.unlink(missing_ok=True)
        raise StoreError(f"could not restore {db_path} from {backup}: {exc}") from exc
