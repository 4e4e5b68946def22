"""``flashdl stats``: progress and history."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("stats", help="show statistics")
    parser.add_argument("decks", nargs="*", metavar="DECK")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import not_built

    raise not_built(8, "flashdl stats")
