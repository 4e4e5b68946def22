"""``flashdl decks``: the decks in the store with their counts."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("decks", help="list decks with total / new / due counts")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=run)


def format_table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import open_synced_store, today
    from flashdl.render.terminal import json_text
    from flashdl.store.queries import deck_counts

    with open_synced_store(args) as store, store.read() as session:
        counts = deck_counts(session, today())
    if args.json:
        print(json_text({"decks": [c.to_dict() for c in counts]}, indent=2))
        return 0
    if not counts:
        print("No decks yet. Import one with `flashdl import FILE`.")
        return 0
    rows = [["deck", "name", "total", "new", "due", "redrill"]]
    rows += [[c.key, c.name, str(c.total), str(c.new), str(c.due), str(c.redrill)] for c in counts]
    rows.append(
        ["", "all decks"] + [str(sum(getattr(c, f) for c in counts)) for f in ("total", "new", "due", "redrill")]
    )
    print(format_table(rows, right={2, 3, 4, 5}))
    return 0
