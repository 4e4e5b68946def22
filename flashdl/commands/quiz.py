"""``flashdl quiz``: practice tests (multiple choice, true/false, typed, matching, exercises).

Every argument is checked, and the selection shown to contain cards, before the terminal UI
starts: a typo ends with one clear line and a non-zero exit, never with a half-drawn screen.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

QUESTION_TYPES = "mc,tf,typed,match,exercise"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "quiz",
        help="take a practice test",
        description="A practice test on your decks. Answers are stored; the SM-2 schedule is "
        "left alone unless --update-schedule is given.",
    )
    parser.add_argument("decks", nargs="*", metavar="DECK", help="decks to quiz on (default: all)")
    # Numbers are taken as text and checked in run(), so that a bad value gets flashdl's one-line
    # error instead of argparse's usage dump.
    parser.add_argument("--count", metavar="N", default="10", help="number of questions (default 10)")
    parser.add_argument(
        "--types",
        metavar="TYPES",
        default=QUESTION_TYPES,
        help=f"comma-separated question types (default {QUESTION_TYPES})",
    )
    parser.add_argument(
        "--time-limit", metavar="MINUTES", help="end the quiz after this many minutes"
    )
    parser.add_argument("--seed", metavar="N", help="the same seed gives the same quiz")
    parser.add_argument(
        "--update-schedule",
        action="store_true",
        help="also grade the cards for spaced repetition (right = quality 4, wrong = 1)",
    )
    parser.set_defaults(func=run)


def _integer(text: str, option: str, minimum: int) -> int:
    from flashdl.errors import UsageError

    try:
        value = int(str(text).strip())
    except ValueError:
        raise UsageError(f"{option} must be a whole number, not {text!r}") from None
    if value < minimum:
        raise UsageError(f"{option} must be at least {minimum}, not {value}")
    return value


def _time_limit_seconds(text: str | None) -> int | None:
    from flashdl.errors import UsageError

    if text is None:
        return None
    try:
        minutes = float(str(text).strip())
    except ValueError:
        raise UsageError(f"--time-limit must be a number of minutes, not {text!r}") from None
    if not math.isfinite(minutes) or minutes <= 0:
        raise UsageError(f"--time-limit must be a positive number of minutes, not {text}")
    if minutes > 24 * 60:
        raise UsageError(f"--time-limit of {text} minutes is more than a day; use at most 1440")
    return max(1, round(minutes * 60))


def build_config(args: argparse.Namespace) -> Any:
    """The validated :class:`~flashdl.quiz.cards.QuizConfig` (no store needed yet)."""
    import random

    from flashdl.commands.common import today
    from flashdl.quiz.builder import parse_types
    from flashdl.quiz.cards import QuizConfig

    count = _integer(args.count, "--count", 1)
    types = parse_types(args.types)
    time_limit_s = _time_limit_seconds(args.time_limit)
    seed = (
        _integer(args.seed, "--seed", 0) if args.seed is not None
        else random.SystemRandom().randrange(2**31)
    )
    if seed >= 2**63:
        from flashdl.errors import UsageError

        raise UsageError(f"--seed must be below 2**63, not {seed}")
    return QuizConfig(
        deck_keys=None,
        count=count,
        types=types,
        time_limit_s=time_limit_s,
        seed=seed,
        update_schedule=bool(args.update_schedule),
        today=today(),
    )


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from flashdl.commands.common import open_synced_store
    from flashdl.errors import UsageError
    from flashdl.store.quiz import load_selection

    config = build_config(args)
    with open_synced_store(args) as store:
        deck_keys, cards = load_selection(store, args.decks or None)
    if not cards:
        which = ", ".join(args.decks) if args.decks else "your decks"
        raise UsageError(f"there are no cards to quiz on in {which}",
                         hint="suspended cards are left out; `flashdl decks` lists the decks")
    config = dataclasses.replace(config, deck_keys=tuple(deck_keys) if args.decks else None)

    from flashdl.commands.common import require_terminal

    require_terminal("flashdl quiz")
    from flashdl.tui.app import FlashdlApp

    app = FlashdlApp(
        getattr(args, "db", None),
        today=config.today,
        initial="quiz",
        deck_keys=list(deck_keys) if args.decks else None,
        quiz_config=config,
    )
    app.run()
    if app.error is not None:
        raise app.error
    return int(app.return_code or 0)
