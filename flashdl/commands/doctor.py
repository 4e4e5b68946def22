"""``flashdl doctor``: check the store and, with ``--fix``, repair what is safe to repair."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check the database (and repair it with --fix)",
        description="Check the database: integrity, references, schema, review states against "
        "the review log. Exits non-zero while a problem remains.",
    )
    parser.add_argument("--fix", action="store_true",
                        help="repair what can be repaired without losing anything (backs up first)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=run)


LABELS = {"ok": "ok", "problem": "PROBLEM", "fixed": "fixed", "skipped": "skipped"}


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from flashdl import config
    from flashdl.store import open_store
    from flashdl.store.db import sqlite_error_message
    from flashdl.store.doctor import diagnose

    store = open_store(getattr(args, "db", None), migrate=False)
    try:
        path = store.sqlite_path
        if path is not None and not path.exists():
            from flashdl.errors import StoreError

            raise StoreError(f"there is no database at {path} yet", hint="nothing to check")

        def backup() -> None:
            if path is not None:
                from flashdl.store.backup import backup_sqlite

                made = backup_sqlite(path, config.backups_dir(), "before-doctor")
                if not args.json:
                    print(f"Backed up the database to {made} before repairing.")

        try:
            report = diagnose(store, fix=args.fix, backup=backup)
        except (DBAPIError, sqlite3.Error) as exc:
            raise sqlite_error_message(exc, store.display_name) from exc
    finally:
        store.close()

    if args.json:
        print(json.dumps({"database": store.display_name,
                          "findings": [dataclasses.asdict(f) for f in report.findings],
                          "problems": len(report.problems)}, indent=2))
        return 1 if report.problems else 0
    print(f"Checking {store.display_name}")
    width = max(len(f.check) for f in report.findings)
    for finding in report.findings:
        line = f"  {LABELS[finding.status]:<8} {finding.check:<{width}}"
        if finding.detail:
            line += f"  {finding.detail}"
        print(line.rstrip())
        if finding.hint and finding.status == "problem":
            print(f"  {'':<8} {'':<{width}}  -> {finding.hint}")
    if report.problems:
        fixable = any("--fix" in f.hint for f in report.problems)
        print(f"{len(report.problems)} problem(s) remain."
              + (" Run `flashdl doctor --fix` to repair what is safe." if fixable else ""))
        return 1
    fixed = sum(f.status == "fixed" for f in report.findings)
    print(f"All good{f' after {fixed} repair(s)' if fixed else ''}.")
    return 0
