"""``flashdl decks``: the decks in the store with their counts, subdecks under their parents."""

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
    from flashdl.render.terminal import clean, json_text
    from flashdl.store.queries import deck_counts
    from flashdl.study.deck_tree import deck_tree, flatten, parent_name

    with open_synced_store(args) as store, store.read() as session:
        counts = deck_counts(session, today())
    tree = deck_tree(counts)
    if args.json:
        decks = [{**c.to_dict(), "parent": parent_name(c.name)} for c in counts]
        print(json_text({"decks": decks, "tree": [node.to_dict() for node in tree]}, indent=2))
        return 0
    if not counts:
        print("No decks yet. Import one with `flashdl import FILE`.")
        return 0
    # Subdecks (Anki's Parent::Child) are indented under their parent, whose counts include
    # theirs; a parent that is only a group of subdecks has no id of its own.
    rows = [["deck", "name", "total", "new", "due", "redrill"]]
    rows += [
        [node.key or "", clean("  " * node.depth + (node.label if node.depth else node.name))]
        + [str(getattr(node, field)) for field in ("total", "new", "due", "redrill")]
        for node in flatten(tree)
    ]
    rows.append(
        ["", "all decks"] + [str(sum(getattr(c, f) for c in counts)) for f in ("total", "new", "due", "redrill")]
    )
    print(format_table(rows, right={2, 3, 4, 5}))
    return 0
