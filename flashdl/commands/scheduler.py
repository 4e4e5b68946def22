"""``flashdl scheduler``: choose SM-2 or FSRS, fit FSRS to your history, compare them on it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.scheduler.choice import SchedulerChoice
    from flashdl.store.db import Store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scheduler",
        help="choose SM-2 or FSRS-6, fit FSRS to your history, compare them on it",
        description="The scheduler is stored with your history (in the database). Switching "
        "recomputes every card from the review log, so switching back loses nothing.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    use = actions.add_parser("use", help="schedule with sm2 or fsrs from now on",
                             description="Switch scheduler: a backup, then every card's state "
                             "recomputed from its review log, in one transaction.")
    use.add_argument("name", choices=("sm2", "fsrs"), help="sm2 (SuperMemo 2) or fsrs (FSRS-6)")
    use.add_argument("--retention", type=float, metavar="R",
                     help="FSRS: the share of reviews you want to recall, 0.70 to 0.99 (default 0.9)")
    use.add_argument("--fuzz", action=argparse.BooleanOptionalAction, default=None,
                     help="FSRS: spread intervals by a few days as Anki does (default: off)")
    use.set_defaults(func=run_use)
    show = actions.add_parser("show", help="the scheduler in use and its settings")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    show.set_defaults(func=run_show)
    optimize = actions.add_parser("optimize", help="fit FSRS's weights to your review history",
                                  description="FSRS's optimizer (the library's) on your own "
                                  "answers; the weights are used whenever FSRS schedules.")
    optimize.add_argument("--json", action="store_true", help="print JSON for scripts")
    optimize.set_defaults(func=run_optimize)
    evaluate = actions.add_parser(
        "evaluate", help="how well SM-2 and FSRS predict your own answers",
        description="Log loss and RMSE (bins) of SM-2, FSRS with default weights and FSRS with "
        "your optimized weights, trained on the past and tested on the answers after it, and "
        "the reviews per day each would ask for.")
    evaluate.add_argument("--json", action="store_true", help="print JSON for scripts")
    evaluate.set_defaults(func=run_evaluate)


def _describe(choice: SchedulerChoice) -> str:
    if not choice.is_fsrs:
        return "SM-2"
    weights = "your optimized weights" if choice.weights is not None else "default weights"
    fuzz = ", fuzz on" if choice.fuzz else ""
    return f"FSRS-6 (desired retention {choice.desired_retention:.2f}, {weights}{fuzz})"


def _current(store: Store) -> SchedulerChoice:
    from flashdl.store.scheduling import load_choice

    with store.read() as session:
        return load_choice(session)


def _switch(store: Store, choice: SchedulerChoice, **kwargs: Any) -> Any:
    from flashdl.commands.common import progress_factory
    from flashdl.store.replay import log_size, switch_scheduler

    answers, _ = log_size(store)
    start = progress_factory("recomputing")
    advance, stop = start(answers) if start and answers >= 10_000 else (None, lambda: None)
    try:
        return switch_scheduler(store, choice, progress=advance, **kwargs)
    finally:
        stop()


def run_use(args: argparse.Namespace) -> int:
    import dataclasses

    from flashdl.commands.common import open_synced_store
    from flashdl.errors import UsageError
    from flashdl.render.terminal import clean
    from flashdl.scheduler.fsrs import MAX_RETENTION, MIN_RETENTION

    if args.name == "sm2" and (args.retention is not None or args.fuzz is not None):
        raise UsageError("--retention and --fuzz are FSRS settings",
                         hint="use them with `flashdl scheduler use fsrs`")
    if args.retention is not None and not MIN_RETENTION <= args.retention <= MAX_RETENTION:
        raise UsageError(f"--retention must be between {MIN_RETENTION:.2f} and {MAX_RETENTION:.2f}, "
                         f"got {args.retention:g}", hint="0.9 (the default) suits most learners")
    with open_synced_store(args) as store:
        current = _current(store)
        changes: dict[str, Any] = {"name": args.name}
        if args.retention is not None:
            changes["desired_retention"] = round(args.retention, 4)
        if args.fuzz is not None:
            changes["fuzz"] = args.fuzz
        choice = dataclasses.replace(current, **changes)
        if choice == current:
            print(f"Already scheduling with {_describe(choice)}; nothing changed.")
            return 0
        report = _switch(store, choice)
    print(f"Now scheduling with {_describe(choice)}.")
    print(f"{report.cards:,} card(s) recomputed from {report.answers:,} answer(s) "
          f"in {report.seconds:.1f} s.")
    if report.backup is not None:
        print(f"Backup taken first: {clean(str(report.backup))}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    import json

    from flashdl.commands.common import open_synced_store
    from flashdl.scheduler.fsrs import default_weights
    from flashdl.store.scheduling import optimization_info

    with open_synced_store(args) as store:
        choice = _current(store)
        with store.read() as session:
            optimized_at, optimized_reviews = optimization_info(session)
    weights = list(choice.weights) if choice.weights is not None else list(default_weights())
    if args.json:
        print(json.dumps({
            "scheduler": choice.name,
            "desired_retention": choice.desired_retention,
            "fuzz": choice.fuzz,
            "weights": weights,
            "weights_optimized": choice.weights is not None,
            "optimized_at": optimized_at.isoformat() if optimized_at else None,
            "optimized_reviews": optimized_reviews,
        }, indent=2))
        return 0
    print(f"Scheduler: {_describe(choice)}")
    if not choice.is_fsrs:
        print(f"FSRS settings kept for a switch: desired retention {choice.desired_retention:.2f}, "
              f"fuzz {'on' if choice.fuzz else 'off'}.")
    if choice.weights is None:
        print("FSRS weights: the library's defaults (run `flashdl scheduler optimize` to fit yours).")
    else:
        when = f" on {optimized_at:%Y-%m-%d}" if optimized_at else ""
        print(f"FSRS weights: fitted{when} to {optimized_reviews or 0:,} of your answers.")
    print("  " + ", ".join(f"{w:.4f}" for w in weights))
    return 0


def _read_items(store: Store) -> tuple[list[Any], list[Any]]:
    from flashdl.commands.common import progress_factory
    from flashdl.scheduler.evaluation import build_items
    from flashdl.store.replay import answer_histories, log_size

    answers, _ = log_size(store)
    start = progress_factory("reading history")
    advance, stop = start(answers) if start and answers >= 10_000 else (None, lambda: None)
    try:
        histories = answer_histories(store, advance)
    finally:
        stop()
    return histories, build_items(histories)


def _working(label: str) -> tuple[Any, Any]:
    from flashdl.commands.common import progress_factory

    start = progress_factory(label)
    return start(None) if start else (None, lambda: None)


def run_optimize(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from flashdl.commands.common import open_synced_store
    from flashdl.errors import UsageError
    from flashdl.scheduler.evaluation import MIN_OPTIMIZE_ITEMS, fit_weights

    with open_synced_store(args) as store:
        current = _current(store)
        _, items = _read_items(store)
        if len(items) < MIN_OPTIMIZE_ITEMS:
            raise UsageError(
                f"optimizing needs at least {MIN_OPTIMIZE_ITEMS} answers given on a later day than "
                f"the card's previous answer; your history has {len(items)}",
                hint="keep studying (or import your Anki history with --with-scheduling) and try "
                "again; until then FSRS uses its default weights",
            )
        _, stop = _working("fitting FSRS weights")
        try:
            weights = fit_weights(items)
        finally:
            stop()
        choice = dataclasses.replace(current, weights=weights)
        report = _switch(store, choice, optimized_reviews=len(items))
    if args.json:
        print(json.dumps({"weights": list(weights), "reviews": len(items),
                          "scheduler": choice.name, "cards_recomputed": report.cards}, indent=2))
        return 0
    print(f"FSRS weights fitted to {len(items):,} of your answers:")
    print("  " + ", ".join(f"{w:.4f}" for w in weights))
    if choice.is_fsrs:
        print(f"FSRS now schedules with them: {report.cards:,} card(s) recomputed.")
    else:
        print("They are used once you switch: `flashdl scheduler use fsrs`.")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    import json

    from flashdl.commands.common import open_synced_store
    from flashdl.config import load_settings
    from flashdl.errors import UsageError
    from flashdl.scheduler import evaluation as ev

    settings = load_settings()
    with open_synced_store(args) as store:
        choice = _current(store)
        histories, items = _read_items(store)
        deck_size = _card_count(store)
    if len(items) < ev.MIN_EVALUATION_ITEMS:
        raise UsageError(
            f"evaluating needs at least {ev.MIN_EVALUATION_ITEMS} answers given on a later day "
            f"than the card's previous answer; your history has {len(items)}",
            hint="keep studying, or import your Anki history with --with-scheduling",
        )
    _, stop = _working("evaluating")
    try:
        tested = ev.test_segment(items)
        first, passed = ev.rating_shares(histories)
        workload = ev.Workload(
            deck_size=max(1, deck_size), new_per_day=max(1, settings.limits.new_per_day),
            **({"first_rating": first} if first else {}),
            **({"review_rating": passed} if passed else {}),
        )
        retention = choice.desired_retention
        memory_weights = choice.weights
        sm2 = ev.score(tested, [i.sm2_prediction for i in tested])
        sm2 = _with_reviews(sm2, ev.sm2_reviews_per_day(memory_weights, workload))
        default = ev.score(tested, ev.fsrs_predictions(tested, None))
        default = _with_reviews(default, ev.fsrs_reviews_per_day(None, retention, workload))
        optimized = None
        if choice.weights is not None:
            optimized = _with_reviews(ev.optimized_score(items),
                                      ev.fsrs_reviews_per_day(choice.weights, retention, workload))
    finally:
        stop()
    result = {"sm2": sm2.to_dict(), "fsrs_default": default.to_dict(),
              "fsrs_optimized": optimized.to_dict() if optimized else None}
    if args.json:
        print(json.dumps({**result, "answers_tested": len(tested), "answers": len(items),
                          "desired_retention": retention}, indent=2))
        return 0
    print(f"Predicting your next answer, trained on the past: {len(tested):,} answers tested "
          f"(of {len(items):,}). Lower is better.\n")
    rows = [("", "log loss", "RMSE (bins)", "reviews/day")]
    for label, entry in (("SM-2", sm2), ("FSRS, default weights", default),
                         ("FSRS, your weights", optimized)):
        if entry is None:
            rows.append((label, "-", "-", "-"))
        else:
            rows.append((label, f"{entry.log_loss:.4f}", f"{entry.rmse_bins:.4f}",
                         f"{entry.reviews:.1f}" if entry.reviews is not None else "-"))
    for row in rows:
        print(f"{row[0]:<24}{row[1]:>10}{row[2]:>13}{row[3]:>13}")
    print(f"\nSM-2 has no recall model: as the open SRS benchmark does, its interval is read as the "
          f"point of 90% recall. Reviews per day: simulated over {ev.SIMULATION_DAYS} days at your "
          f"desired retention {retention:.2f}, {workload.new_per_day} new cards a day.")
    if optimized is None:
        print("FSRS with your weights: run `flashdl scheduler optimize` first.")
    return 0


def _with_reviews(score: Any, reviews: float) -> Any:
    import dataclasses

    return dataclasses.replace(score, reviews=reviews)


def _card_count(store: Store) -> int:
    from sqlalchemy import func, select

    from flashdl.store.models import Card

    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Card).where(Card.retired.is_(False))) or 0
