"""``flashdl stats``: progress and history."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="show statistics: reviews per day, forecast, retention, progress, quizzes",
        description="Statistics over the whole store, or over the decks named.",
    )
    parser.add_argument("decks", nargs="*", metavar="DECK", help="deck ids or names (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import shutil
    import sys

    from flashdl.commands.common import open_synced_store, today
    from flashdl.render.terminal import json_text
    from flashdl.stats.queries import compute_stats
    from flashdl.store.queries import resolve_decks

    with open_synced_store(args) as store, store.read() as session:
        keys = resolve_decks(session, args.decks) if args.decks else None
        stats = compute_stats(session, today(), keys)
    if args.json:
        print(json_text(stats.to_dict(), indent=2))
        return 0
    from flashdl.stats.render import render_text

    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    from flashdl.render.terminal import raw

    # plotext's colour codes are flashdl's own; render_text cleans the data it puts around them
    raw(sys.stdout).write(render_text(stats, width=width, color=tty))
    return 0
