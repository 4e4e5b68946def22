"""``flashdl scheduler``: use/show with the choice in the database, clear refusals that change
nothing, and optimize/evaluate on a learner's history (with the exact --json keys)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from conftest import run_flashdl
from sqlalchemy import insert, select
from storeutil import dump

from flashdl.cli import main
from flashdl.scheduler.choice import SchedulerChoice
from flashdl.store import open_store
from flashdl.store.models import Card, ReviewLog
from flashdl.store.replay import replay_cards
from flashdl.store.sync import sync_builtin_decks

START = dt.date(2025, 1, 1)


def seed_history(cards: int = 40, days: int = 120, seed: int = 3) -> None:
    """A learner who answered built-in cards on their due days with SM-2 (bulk-written)."""
    store = open_store()
    sync_builtin_decks(store)
    rng = random.Random(seed)
    sm2 = SchedulerChoice()
    rows = []
    with store.read() as session:
        ids = session.scalars(select(Card.id).order_by(Card.id).limit(cards)).all()
    for card_id in ids:
        day, state = START + dt.timedelta(days=rng.randrange(20)), None
        while day < START + dt.timedelta(days=days):
            grade = rng.choice((1, 3, 4, 4, 4, 5))
            after = sm2.review(state, grade, day)
            rows.append({
                "card_id": card_id, "review_day": day, "grade": grade, "mode": "study",
                "reviewed_at": dt.datetime.combine(day, dt.time(9), dt.UTC) + dt.timedelta(
                    seconds=len(rows)),
                "scheduler": "sm2", "state_before": None if state is None else state.to_dict(),
                "interval_before": None if state is None else state.interval,
                "state_after": after.to_dict(), "duration_ms": 5000,
            })
            state = after
            day = max(day + dt.timedelta(days=1), after.due)
    with store.write() as session:
        session.execute(insert(ReviewLog), rows)
        replay_cards(session, sm2)
    store.close()


def flashdl(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_use_and_show_keep_the_choice_in_the_database(capsys, tmp_path: Path) -> None:
    code, out, _ = flashdl(capsys, "scheduler", "use", "fsrs", "--retention", "0.85")
    assert code == 0 and "Now scheduling with FSRS-6 (desired retention 0.85" in out
    code, out, _ = flashdl(capsys, "scheduler", "show", "--json")
    shown = json.loads(out)
    assert (shown["scheduler"], shown["desired_retention"], shown["fuzz"]) == ("fsrs", 0.85, False)
    assert len(shown["weights"]) == 21 and shown["weights_optimized"] is False
    # another database (FLASHDL_DB / --db) has its own learner and its own choice
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    code, out, _ = flashdl(capsys, "--db", other, "scheduler", "show", "--json")
    assert json.loads(out)["scheduler"] == "sm2"
    code, out, _ = flashdl(capsys, "scheduler", "use", "sm2")
    assert code == 0 and "Now scheduling with SM-2." in out
    code, out, _ = flashdl(capsys, "scheduler", "use", "sm2")
    assert "Already scheduling with SM-2; nothing changed." in out


@pytest.mark.parametrize("argv, message", [
    (["use", "fsrs", "--retention", "0.5"], "--retention must be between 0.70 and 0.99, got 0.5"),
    (["use", "sm2", "--retention", "0.9"], "--retention and --fuzz are FSRS settings"),
    (["optimize"], "optimizing needs at least 64 answers"),
    (["evaluate"], "evaluating needs at least 6 answers"),
])
def test_bad_requests_get_one_clear_line_and_change_nothing(argv, message, capsys) -> None:
    flashdl(capsys, "decks")  # the store exists
    store = open_store()
    before = dump(store)
    store.close()
    code, out, err = flashdl(capsys, "scheduler", *argv)
    assert code == 2 and message in err and "Traceback" not in err
    store = open_store()
    assert dump(store) == before
    store.close()


def test_optimize_then_evaluate_compare_the_three_on_the_learners_history(capsys) -> None:
    seed_history()
    code, out, _ = flashdl(capsys, "scheduler", "evaluate", "--json")
    result = json.loads(out)
    assert code == 0 and result["fsrs_optimized"] is None  # never optimized
    for key in ("sm2", "fsrs_default"):
        assert set(result[key]) == {"log_loss", "rmse_bins", "reviews"}
        assert 0 < result[key]["log_loss"] < 2 and 0 <= result[key]["rmse_bins"] < 1
        assert result[key]["reviews"] > 0
    code, out, _ = flashdl(capsys, "scheduler", "optimize", "--json")
    fitted = json.loads(out)
    assert code == 0 and len(fitted["weights"]) == 21 and fitted["reviews"] >= 64
    code, out, _ = flashdl(capsys, "scheduler", "show", "--json")
    assert json.loads(out)["weights"] == fitted["weights"]
    code, out, _ = flashdl(capsys, "scheduler", "evaluate")
    assert "FSRS, your weights" in out and "90% recall" in out
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    assert all(label in lines for label in ("SM-2", "FSRS, default weights", "FSRS, your weights"))


def test_the_sm2_answer_path_and_help_never_load_the_fsrs_library(tmp_path: Path) -> None:
    code = (
        "import datetime as dt, sys\n"
        "from flashdl.store import open_store\n"
        "from flashdl.store.sync import sync_builtin_decks\n"
        "from flashdl.store.reviews import record_answer\n"
        "from flashdl.study.cards import load_card\n"
        "s = open_store(); sync_builtin_decks(s)\n"
        "record_answer(s, 1, 4, today=dt.date(2026, 1, 1)); load_card(s, 1)\n"
        "print('fsrs_rs_python' in sys.modules)\n"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "FLASHDL_HOME": str(tmp_path)})
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr
    assert "scheduler" in run_flashdl("--help").stdout
