"""``flashdl restore``: check a backup, then put it in place of the live database without losing
anything written meanwhile.

Order, and why: the store's write lock first (a writer in progress finishes, later ones wait),
then the safety backup of the current database (so it holds everything ever committed), then the
swap, then the lock is released. Taking the safety backup before the lock, as v0.1 did, lost an
import or answers committed between the two.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flashdl.errors import StoreError
from flashdl.store.backup import backup_sqlite, copy_raw, replace_file, restore_sqlite
from flashdl.store.ownership import REQUIRED_TABLES, foreign_database_error
from flashdl.store.sqlite_file import (
    check_regular_file,
    connect_readonly,
    describe_os_error,
    inspect_file,
)


def check_backup_file(backup: Path) -> str:
    """Make sure ``backup`` is an intact flashdl database at a schema we know; return its revision.

    Raises StoreError naming what is wrong, before anything is restored.
    """
    from flashdl.store.migrate import known_revisions

    try:
        exists = check_regular_file(backup, "backup")
    except StoreError as exc:
        raise StoreError(exc.message, hint="pick a file from `flashdl backups`") from exc
    if not exists:
        raise StoreError(f"there is no backup file {backup}", hint="list them with `flashdl backups`")
    try:
        conn = connect_readonly(backup)
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


def _readable(db_path: Path) -> bool:
    """Whether SQLite can still read the live database (else it is replaced as a file)."""
    try:
        conn = connect_readonly(db_path)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


def restore_backup(backup: Path, db_path: Path, *, timeout: float | None = None) -> Path | None:
    """Check ``backup``, then, under the store's write lock, back up the current database and
    replace it. Returns the safety backup (None if there was no database).

    The next ``open_store`` upgrades a backup made at an older schema (with its own backup).
    """
    from flashdl import config
    from flashdl.store.db import busy_timeout_ms

    check_backup_file(backup)
    exists = check_regular_file(db_path) and db_path.stat().st_size > 0
    if exists and not _readable(db_path):
        # Too damaged for SQLite to open: nothing can be writing to it. Keep its bytes as they
        # are, then put a complete copy of the backup in its place.
        kept = copy_raw(db_path, config.backups_dir())
        replace_file(backup, db_path)
        return kept
    if exists:
        schema = inspect_file(db_path)
        problem = schema and foreign_database_error(schema.tables, f"the database {db_path}")
        if problem:
            raise problem
    timeout = busy_timeout_ms() / 1000 if timeout is None else timeout
    safety: list[Path] = []

    def take_safety_backup() -> None:
        if exists:
            safety.append(backup_sqlite(db_path, config.backups_dir(), "before-restore"))

    try:
        restore_sqlite(backup, db_path, under_lock=take_safety_backup, timeout=timeout)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"the database {db_path} stayed busy for {timeout:g} s (another flashdl is "
                "writing); nothing was restored",
                hint="let the other flashdl finish (an import, a study session) and try again",
            ) from exc
        raise StoreError(f"could not restore {db_path}: {describe_os_error(exc, db_path)}; "
                         "nothing was restored") from exc
    except sqlite3.DatabaseError:
        # A damaged page met while rewriting (the transaction rolled back): replace the file.
        kept = safety[0] if safety else copy_raw(db_path, config.backups_dir())
        replace_file(backup, db_path)
        return kept
    return safety[0] if safety else None
