"""``flashdl study``: the Textual study session."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("study", help="study due and new cards in the terminal UI")
    parser.add_argument("decks", nargs="*", metavar="DECK", help="decks to study (default: choose)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import not_built

    raise not_built(5, "flashdl study")
