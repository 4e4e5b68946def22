"""The ``flashdl`` command: parse arguments, call the layers below, print.

Each subcommand lives in ``flashdl/commands/<name>.py`` with a ``register(subparsers)`` that only
declares arguments; everything heavy (SQLAlchemy, Textual, NumPy) is imported inside the command
that needs it, so ``flashdl --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from flashdl import __version__

#: Subcommand modules, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "study",
    "quiz",
    "decks",
    "unsuspend",
    "import_",
    "export",
    "stats",
    "scheduler",
    "demo",
    "backup",
    "doctor",
)


class Parser(argparse.ArgumentParser):
    """argparse's parser, with a "did you mean" for a mistyped command or choice."""

    def _check_value(self, action: argparse.Action, value: object) -> None:
        choices = action.choices
        if choices is not None and isinstance(value, str) and value not in choices:
            from flashdl.suggest import did_you_mean

            names = [str(choice) for choice in choices]
            guess = did_you_mean(value, names)
            raise argparse.ArgumentError(
                action,
                f"invalid choice: {value!r}{'. ' + guess if guess else ''} "
                f"(choose from {', '.join(names)})",
            )
        super()._check_value(action, value)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="flashdl",
        description="Spaced-repetition flashcards and quizzes for learning deep learning.",
        epilog="Data lives in FLASHDL_HOME (default: the platform's user-data folder); "
        "FLASHDL_DB or --db picks another database.",
    )
    parser.add_argument("--version", action="version", version=f"flashdl {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy database URL (default: FLASHDL_DB or the data dir)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"flashdl.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Everything it writes to stdout and stderr (output, errors, warnings,
    argparse's complaints) goes through the terminal boundary: no control character from a deck,
    a file name or the database reaches the terminal."""
    from flashdl.render.terminal import cleaned_output

    with cleaned_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    from flashdl.errors import FlashdlError, Terminated

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except FlashdlError as exc:
        print(f"flashdl: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("flashdl: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except Terminated:
        print("flashdl: terminated; nothing was left half-written", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
