"""``flashdl export``: take decks out (TOML, CSV, Anki)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="export decks to TOML, CSV or Anki")
    parser.add_argument("decks", nargs="*", metavar="DECK")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import not_built

    raise not_built(7, "flashdl export")
