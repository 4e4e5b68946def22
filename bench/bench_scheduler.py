"""Scheduler benchmark: FSRS's answer path against SM-2's, switching schedulers on a big
history, and ``scheduler evaluate`` on 100,000 reviews.

* answering one card with ``record_answer`` (durable commit) under SM-2, then under FSRS, on the
  100,000-card / 1,000,000-answer store of ``bench_store.py`` (target: FSRS p50 within 1.5x SM-2);
* ``flashdl scheduler use fsrs`` on that store: every card recomputed from 1,000,000 log rows in
  one transaction, backup included (target <= 30 s), and back to SM-2;
* ``flashdl scheduler evaluate`` (SM-2, FSRS default, FSRS optimized with its time-series
  training, and the simulations) on a store of 100,000 answers (target <= 10 s).

Wall time and the process's CPU time are both printed: on a shared machine the CPU time is the
better guide to what an idle one does. Run: ``.venv/bin/python bench/bench_scheduler.py`` (or ``make bench``); ``--reviews`` makes the
big store smaller for a quick look.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_store import TODAY, build_sqlite  # noqa: E402


def answer_times(url: str, answers: int, seed: int) -> tuple[float, float]:
    """(p50, p95) ms of record_answer on random due cards, each a durable commit."""
    from sqlalchemy import select

    from flashdl.store import open_store
    from flashdl.store.models import ReviewState
    from flashdl.store.reviews import record_answer

    store = open_store(url)
    with store.read() as session:
        due = session.scalars(select(ReviewState.card_id).where(ReviewState.due <= TODAY)
                              .limit(answers * 2)).all()
    rng = random.Random(seed)
    cards = rng.sample(list(due), min(answers, len(due)))
    times = []
    for card_id in cards:
        start = time.perf_counter()
        record_answer(store, card_id, rng.choice((3, 4, 5)), today=TODAY)
        times.append((time.perf_counter() - start) * 1000)
    store.close()
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.95)]


def switch(url: str, name: str) -> tuple[float, int]:
    from flashdl.scheduler.choice import SchedulerChoice
    from flashdl.store import open_store
    from flashdl.store.replay import switch_scheduler

    store = open_store(url)
    start, cpu = time.perf_counter(), time.process_time()
    report = switch_scheduler(store, SchedulerChoice(name))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    return seconds, cpu, report.answers


def evaluate_seconds(url: str) -> tuple[float, str]:
    from flashdl.cli import main

    os.environ["FLASHDL_DB"] = url
    with contextlib.redirect_stdout(io.StringIO()):
        main(["scheduler", "optimize"])  # so that the optimized column is computed too
    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        main(["scheduler", "evaluate", "--json"])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    os.environ.pop("FLASHDL_DB")
    return seconds, cpu, out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="flashdl-bench-") as tmp:
        os.environ["FLASHDL_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("FLASHDL_DB", None)
        big = Path(tmp) / "big.sqlite3"
        start = time.perf_counter()
        build_sqlite(big, args.cards, args.reviews)
        print(f"built {args.cards:,} cards / {args.reviews:,} answers in "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        url = f"sqlite:///{big}"
        os.sync()
        sm2 = answer_times(url, args.answers, 1)
        results.append(f"answer, SM-2 (durable commit)        p50 {sm2[0]:6.2f} ms  p95 {sm2[1]:6.2f} ms")
        seconds, cpu, answers = switch(url, "fsrs")
        results.append(f"switch to FSRS: {answers:,} log rows replayed in {seconds:.1f} s "
                       f"(CPU {cpu:.1f} s; target <= 30 s, backup included)")
        fsrs = answer_times(url, args.answers, 2)
        results.append(f"answer, FSRS (durable commit)        p50 {fsrs[0]:6.2f} ms  p95 {fsrs[1]:6.2f} ms"
                       f"  = {fsrs[0] / sm2[0]:.2f}x SM-2's p50 (target <= 1.5x)")
        seconds, cpu, answers = switch(url, "sm2")
        results.append(f"switch back to SM-2: {answers:,} log rows in {seconds:.1f} s (CPU {cpu:.1f} s)")
        for line in results:
            print(line, flush=True)

        small = Path(tmp) / "evaluate.sqlite3"
        build_sqlite(small, 10_000, 100_000)
        seconds, cpu, output = evaluate_seconds(f"sqlite:///{small}")
        line = (f"scheduler evaluate on 100,000 answers: {seconds:.1f} s (CPU, all threads, "
                f"{cpu:.1f} s; target <= 10 s)")
        results.append(line)
        print(line)
        print(output)
    print("\nsummary")
    for line in results:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
