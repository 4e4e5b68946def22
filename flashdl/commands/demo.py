"""``flashdl demo``: run a NumPy demo without the TUI."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="run a live NumPy demo (--list shows them)")
    parser.add_argument("name", nargs="?", metavar="NAME")
    parser.add_argument("--list", dest="list_", action="store_true", help="list the demos")
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
        help="set a parameter (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--json", action="store_true",
        help="print the result as JSON (numbers to 12 significant digits; the screen shows 4)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.engine.command import run as run_demo_command

    return run_demo_command(args.name, args.list_, args.sets, args.seed, args.json)
