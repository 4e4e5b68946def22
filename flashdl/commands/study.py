"""``flashdl study [DECK...]``: the Textual study session.

Deck names are resolved (and the settings file read) *before* the terminal UI starts, so a typo
or a broken config.toml is one clear line on stderr and a non-zero exit, never a half-drawn
screen. Textual is imported only here, inside :func:`run`.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "study",
        help="study due and new cards in the terminal UI",
        description="Open the deck list, or start studying the named decks straight away.",
    )
    parser.add_argument(
        "decks", nargs="*", metavar="DECK", help="decks to study, by id or name (default: choose)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import open_synced_store, require_terminal, today
    from flashdl.config import load_settings

    load_settings()  # a broken config.toml is reported here, not inside the UI
    deck_keys: list[str] | None = None
    store = None
    if args.decks:
        from flashdl.store.queries import resolve_decks

        store = open_synced_store(args)
        try:
            with store.read() as session:
                deck_keys = resolve_decks(session, args.decks)
            from flashdl.tui.app import FlashdlApp
        except BaseException:
            store.close()
            raise
    else:
        # Nothing to check first: the UI comes up at once and opens the store itself.
        from flashdl.tui.app import FlashdlApp

    try:
        require_terminal("flashdl study")
    except BaseException:
        if store is not None:
            store.close()
        raise
    app = FlashdlApp(
        getattr(args, "db", None),
        today=today(),
        initial="study" if deck_keys else "decks",
        deck_keys=deck_keys,
        store=store,  # already open and synced: the app uses it and closes it
    )
    app.run()
    if app.error is not None:
        raise app.error
    return int(app.return_code or 0)
