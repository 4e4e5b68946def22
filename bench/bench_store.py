"""Store benchmark: a learner with years of history, on SQLite and PostgreSQL.

Builds (once per run, in a temporary folder) a store of 100,000 cards in 10 decks with
1,000,000 review-log rows made by simulating real SM-2 histories, so review states, intervals and
the log agree the way they do for a real learner. Then prints:

* open + count today's due cards (SQLite; target <= 50 ms) and open + today's queue,
* p50/p95 of answering one card with ``record_answer`` (durable commit; target p95 <= 5 ms),
* statistics (``compute_stats``) over all decks and one deck (target <= 0.5 s),
* a backup through the online backup API,
* the same open/queue/answer/statistics figures on PostgreSQL when a throwaway cluster can be
  started (``tests/helpers/pg_cluster.py``).

Run: ``.venv/bin/python bench/bench_store.py`` (or ``make bench``). ``--cards``/``--reviews``
make a smaller store for a quick look.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from flashdl.store.sqlite_file import sqlite_url

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

TODAY = dt.date(2026, 3, 14)
DECKS = 10
GRADES = (1, 2, 3, 4, 4, 4, 5, 5, 5, 5)  # four answers in five remembered


def simulate(cards: int, reviews: int, seed: int = 1) -> tuple[list[tuple], list[tuple]]:
    """(review_states rows, review_log rows): real SM-2 histories until ``reviews`` answers.

    Each card starts on a random day of the last two years and is answered on every due day
    up to yesterday, so what is due today is what a real learner would find due today.
    """
    from flashdl.scheduler.sm2 import SM2State, review

    rng = random.Random(seed)
    states: list[tuple] = []
    log: list[tuple] = []
    for card_id in range(1, cards + 1):
        if len(log) >= reviews:
            break
        day = TODAY - dt.timedelta(days=rng.randint(1, 730))
        state = SM2State.new(day)
        before: SM2State | None = None
        moment = None
        while day < TODAY and len(log) < reviews:
            grade = rng.choice(GRADES)
            after = review(state, grade, day)
            moment = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 12), rng.randint(0, 59)))
            log.append((
                card_id, moment.isoformat(" "), day.isoformat(), grade, rng.randint(1500, 20000),
                "study", "sm2",
                None if before is None else json.dumps(before.to_dict()),
                None if before is None else before.interval,
                json.dumps(after.to_dict()),
            ))
            before = state = after
            # a lapse or a same-day repeat comes back today; otherwise on the due day
            day = day if after.needs_redrill or after.due <= day else after.due
        if moment is not None:
            states.append((
                card_id, state.repetitions, state.ef_hundredths, state.interval,
                state.due.isoformat(), int(state.needs_redrill), state.lapses, moment.isoformat(" "),
            ))
    return states, log


def card_rows(cards: int) -> Iterator[tuple]:
    stamp = "2024-01-01 00:00:00"
    for card_id in range(1, cards + 1):
        deck = (card_id - 1) % DECKS + 1
        yield (card_id, deck, f"c{card_id}", f"Front {card_id}", f"Back {card_id}", "[]", "basic",
               None, None, "", card_id, None, 0, None, 0, stamp, stamp)


LOG_COLUMNS = ("card_id, reviewed_at, review_day, grade, duration_ms, mode, scheduler, "
               "state_before, interval_before, state_after")
STATE_COLUMNS = "card_id, repetitions, ef_hundredths, interval, due, needs_redrill, lapses, last_review"
CARD_COLUMNS = ("id, deck_id, key, front, back, tags, kind, demo_name, demo_params, source, "
                "position, content_hash, suspended, buried_until, retired, created_at, updated_at")


def build_sqlite(path: Path, cards: int, reviews: int) -> None:
    """An empty store at head (through flashdl itself), then bulk inserts."""
    from flashdl.store import open_store

    open_store(sqlite_url(path)).close()
    states, log = simulate(cards, reviews)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO decks (id, key, name, description, origin, created_at, updated_at) "
            "VALUES (?, ?, ?, '', 'import', '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
            [(d, f"deck{d}", f"Deck {d}") for d in range(1, DECKS + 1)],
        )
        conn.executemany(f"INSERT INTO cards ({CARD_COLUMNS}) VALUES ({','.join('?' * 17)})",
                         card_rows(cards))
        conn.executemany(f"INSERT INTO review_states ({STATE_COLUMNS}) VALUES ({','.join('?' * 8)})",
                         states)
        conn.executemany(f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES ({','.join('?' * 10)})",
                         log)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def copy_to_postgres(sqlite_file: Path, url: str) -> None:
    """Same data into PostgreSQL (schema by flashdl's migrations, rows by COPY)."""
    import psycopg

    from flashdl.store import open_store

    open_store(url).close()
    src = sqlite3.connect(sqlite_file)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    tables = (
        ("decks", "id, key, name, description, origin, content_hash, created_at, updated_at"),
        ("cards", CARD_COLUMNS),
        ("review_states", STATE_COLUMNS),
        ("review_log", LOG_COLUMNS),
    )
    booleans = {"suspended", "retired", "needs_redrill"}
    with psycopg.connect(conninfo) as conn:
        with conn.cursor() as cur:
            for table, columns in tables:
                names = [c.strip() for c in columns.split(",")]
                flags = [n in booleans for n in names]
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in src.execute(f"SELECT {columns} FROM {table}"):
                        copy.write_row([bool(v) if f and v is not None else v
                                        for v, f in zip(row, flags, strict=True)])
            for table in ("decks", "cards", "review_log"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # what autovacuum does to an old history: visibility maps set, statistics fresh
        conn.execute("VACUUM (FREEZE, ANALYZE)")
    src.close()


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """(best, median) wall time in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def measure(label: str, url: str, backup_path: Path | None, results: list[str]) -> None:
    from flashdl.config import Settings
    from flashdl.stats.queries import compute_stats
    from flashdl.store import open_store
    from flashdl.store.queries import due_count, study_queue
    from flashdl.store.reviews import record_answer

    settings = Settings()

    def open_and_count() -> None:
        with open_store(url) as store, store.read() as session:
            due_count(session, TODAY)

    def open_and_queue() -> None:
        with open_store(url) as store, store.read() as session:
            study_queue(session, TODAY, settings)

    def line(what: str, best: float, median: float, target: str = "") -> None:
        text = f"{label:<10} {what:<44} best {best:8.1f} ms   median {median:8.1f} ms  {target}"
        results.append(text)
        print(text, flush=True)

    if backup_path is not None:
        first, _ = timed(open_and_count, 1)
        line("first open of the day (+ daily backup)", first, first)
    line("open + count today's due cards", *timed(open_and_count), "(target <= 50 ms)")
    line("open + today's study queue", *timed(open_and_queue))

    with open_store(url) as store:
        with store.read() as session:
            line("statistics, all decks", *timed(lambda: compute_stats(session, TODAY), 3),
                 "(target <= 500 ms)")
            line("statistics, one deck", *timed(lambda: compute_stats(session, TODAY, ["deck3"]), 3))
            queue = study_queue(session, TODAY, settings)
        rng = random.Random(7)
        times = []
        for card_id in (queue * 3)[:200]:
            start = time.perf_counter()
            record_answer(store, card_id, rng.choice((3, 4, 5)), today=TODAY)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
        text = (f"{label:<10} {'record_answer, ' + str(len(times)) + ' answers':<44} "
                f"p50  {p50:8.2f} ms   p95    {p95:8.2f} ms  (target p95 <= 5 ms)")
        results.append(text)
        print(text, flush=True)
        if backup_path is not None:
            from flashdl.store.backup import backup_sqlite

            dest = backup_path.parent / "bench-backups"
            best, median = timed(lambda: backup_sqlite(backup_path, dest, "bench"), 3)
            size = backup_path.stat().st_size / 1e6
            line(f"backup ({size:.0f} MB, online backup API)", best, median)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="flashdl-bench-") as tmp:
        os.environ["FLASHDL_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("FLASHDL_DB", None)
        db = Path(tmp) / "bench.sqlite3"
        start = time.perf_counter()
        build_sqlite(db, args.cards, args.reviews)
        with sqlite3.connect(db) as conn:
            n_log = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
            n_cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        print(f"generated {n_cards:,} cards and {n_log:,} review-log rows in "
              f"{time.perf_counter() - start:.1f} s ({db.stat().st_size / 1e6:.0f} MB)", flush=True)
        results: list[str] = []
        os.sync()  # write the generated file out now, not during the commits being timed
        measure("sqlite", sqlite_url(db), db, results)

        if not args.no_postgres:
            from helpers.pg_cluster import PgUnavailable, start_server

            try:
                server = start_server("flashdl-bench", durable=True)  # real fsync on commit
            except PgUnavailable as exc:
                print(f"postgres   skipped: {exc}")
            else:
                try:
                    url = server.create_database("bench")
                    start = time.perf_counter()
                    copy_to_postgres(db, url)
                    os.sync()
                    print(f"copied the store to PostgreSQL in {time.perf_counter() - start:.1f} s",
                          flush=True)
                    measure("postgres", url, None, results)
                finally:
                    server.stop()
        print("\nsummary")
        for text in results:
            print("  " + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
