"""``flashdl import``: bring decks in from other applications."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("import", help="import decks (TOML, CSV/TSV, Markdown, Anki)")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import not_built

    raise not_built(7, "flashdl import")
