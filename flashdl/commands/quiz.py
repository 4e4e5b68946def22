"""``flashdl quiz``: practice tests."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("quiz", help="take a practice test")
    parser.add_argument("decks", nargs="*", metavar="DECK")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import not_built

    raise not_built(6, "flashdl quiz")
