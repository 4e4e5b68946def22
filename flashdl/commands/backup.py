"""``flashdl backup``, ``backups``, ``restore``: copies of the SQLite store and getting one back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backup", help="back up the database now",
        description="Copy the database into the backups folder (kept until you delete it).",
    )
    parser.set_defaults(func=run_backup)

    parser = subparsers.add_parser(
        "backups", help="list the backups with dates and sizes",
        description="List the backups of the database, oldest first.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=run_list)

    parser = subparsers.add_parser(
        "restore", help="replace the database with a backup",
        description="Replace the database with FILE (a path, or a name from `flashdl backups`). "
        "The current database is backed up first.",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(func=run_restore)


def sqlite_database(args: argparse.Namespace) -> Path:
    """The SQLite file the command works on; UsageError for another kind of database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from flashdl import config
    from flashdl.errors import UsageError
    from flashdl.store.db import _sqlite_path

    url_text = config.database_url(getattr(args, "db", None))
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise UsageError(f"the database URL {url_text!r} is not valid") from exc
    if url.get_backend_name() != "sqlite":
        raise UsageError(
            "flashdl's backups are for SQLite databases; this one is "
            f"{url.render_as_string(hide_password=True)}",
            hint="back a PostgreSQL database up with pg_dump and restore it with pg_restore",
        )
    path = _sqlite_path(url)
    if path is None:
        raise UsageError(f"the database {url_text} is not a file; there is nothing to back up")
    from flashdl.store.sqlite_file import check_regular_file

    check_regular_file(path)  # a folder or a device in its place: one clear error
    return path


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def run_backup(args: argparse.Namespace) -> int:
    from flashdl import config
    from flashdl.errors import StoreError
    from flashdl.store.backup import MANUAL, backup_sqlite

    path = sqlite_database(args)
    if not path.exists():
        raise StoreError(f"there is no database at {path} yet; nothing to back up")
    made = backup_sqlite(path, config.backups_dir(), MANUAL)
    print(f"Backed up {path} to {made} ({_size(made.stat().st_size)}).")
    return 0


def run_list(args: argparse.Namespace) -> int:
    import json

    from flashdl import config
    from flashdl.store.backup import list_backups

    path = sqlite_database(args)
    folder = config.backups_dir()
    backups = list_backups(folder, path)
    if args.json:
        print(json.dumps({"folder": str(folder), "backups": [
            {"file": str(b.path), "taken_at": b.taken_at.isoformat(timespec="seconds"),
             "reason": b.reason, "bytes": b.size} for b in backups]}, indent=2))
        return 0
    if not backups:
        print(f"No backups of {path} in {folder} yet. Make one with `flashdl backup`.")
        return 0
    from flashdl.commands.decks import format_table

    rows = [["taken", "reason", "size", "file"]]
    rows += [[b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.reason, _size(b.size), b.path.name]
             for b in backups]
    print(format_table(rows, right={2}))
    print(f"\n{len(backups)} backup(s) in {folder}. Restore one with `flashdl restore FILE`.")
    return 0


def _find_backup(name: str) -> Path:
    from flashdl import config

    given = Path(name).expanduser()
    if given.exists() or given.parent != Path("."):
        return given
    in_folder = config.backups_dir() / name
    return in_folder if in_folder.exists() else given


def _confirm(question: str) -> bool:
    import sys

    from flashdl.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError("restore needs a confirmation and there is no terminal to ask",
                         hint="add --yes to restore without asking")
    from flashdl.render.terminal import clean

    try:
        # input() on a terminal writes its prompt itself, past the cleaning writer on stdout
        answer = input(clean(f"{question} [y/N] "))
    except EOFError:
        return False
    return answer.strip().casefold() in ("y", "yes")


def run_restore(args: argparse.Namespace) -> int:
    from flashdl.store import open_store
    from flashdl.store.restore import check_backup_file, restore_backup

    path = sqlite_database(args)
    backup = _find_backup(args.file)
    revision = check_backup_file(backup)
    if backup.resolve() == path.resolve():
        from flashdl.errors import UsageError

        raise UsageError(f"{backup} is the database itself", hint="pick a file from `flashdl backups`")
    if not args.yes and not _confirm(
        f"Replace {path} with {backup}? The current database is backed up first."
    ):
        print("Nothing restored.")
        return 1
    safety = restore_backup(backup, path)
    with open_store(getattr(args, "db", None)):  # upgrades a backup from an older flashdl
        pass
    print(f"Restored {path} from {backup} (schema {revision}).")
    if safety is not None:
        print(f"The database as it was before is saved as {safety}.")
    return 0
