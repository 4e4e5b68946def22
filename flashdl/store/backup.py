"""SQLite backups through the online backup API (consistent even while another process writes)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from flashdl.errors import StoreError


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def backup_sqlite(db_path: Path, dest_dir: Path, reason: str) -> Path:
    """Copy the live database ``db_path`` to ``dest_dir`` atomically; return the new file."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"flashdl-{_stamp()}-{reason}.sqlite3"
    tmp = dest.with_suffix(".partial")
    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"could not back up {db_path} to {dest_dir}: {exc}") from exc
    return dest


def restore_sqlite(backup: Path, db_path: Path) -> None:
    """Overwrite the live database with ``backup`` in one step, through the backup API."""
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
