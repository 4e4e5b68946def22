"""A learner in a child process, for the crash and concurrency tests (no TUI: the store API).

Prints ``ready`` once the store is open, then one line per answer *after* ``record_answer``
returned, i.e. after the commit: ``<log id> <card id> <grade> <unix time>``. Whatever this process
printed is an acknowledged answer that must survive a SIGKILL a moment later.

Usage: ``python study_child.py URL [--answers N] [--seed S] [--deck KEY] [--today YYYY-MM-DD]
[--think-ms MS] [--wait-go]``
(``--answers 0``: study until killed, moving on to the next day when the queue is empty).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--answers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deck", action="append")
    parser.add_argument("--today", default="2026-03-14")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="pause up to this long before each answer, like a learner reading")
    parser.add_argument("--wait-go", action="store_true",
                        help="after `ready`, wait for a line on stdin before studying")
    args = parser.parse_args()

    from flashdl.config import Limits, Settings
    from flashdl.store import open_store
    from flashdl.store.queries import study_queue
    from flashdl.store.reviews import record_answer

    rng = random.Random(args.seed)
    settings = Settings(limits=Limits(new_per_day=100_000, reviews_per_day=100_000))
    today = dt.date.fromisoformat(args.today)
    session_id = f"child-{os.getpid()}"
    store = open_store(args.url)
    print("ready", flush=True)
    if args.wait_go:
        sys.stdin.readline()
    answered = 0
    empty_days = 0
    while args.answers == 0 or answered < args.answers:
        with store.read() as session:
            queue = study_queue(session, today, settings, args.deck)
        if not queue:
            empty_days += 1
            if empty_days > 400:
                break
            today += dt.timedelta(days=1)
            continue
        empty_days = 0
        for card_id in queue:
            if args.think_ms:
                time.sleep(rng.uniform(0, args.think_ms) / 1000)
            grade = rng.choice((1, 3, 4, 4, 5, 5))
            answer = record_answer(store, card_id, grade, today=today, session_id=session_id,
                                   duration_ms=rng.randint(500, 9000))
            print(f"{answer.log_id} {card_id} {grade} {time.time():.6f}", flush=True)
            answered += 1
            if args.answers and answered >= args.answers:
                break
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
