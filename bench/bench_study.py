"""Study-screen benchmark on a store of 100,000 cards.

Prints:

* launch to first card: ``flashdl study DECK`` started in a real terminal (a pty read through
  pexpect, or tmux when pexpect is missing) until the first card's question is on screen;
  target <= 1.0 s;
* key press to next card: with Textual's Pilot, the time from pressing a grade key (answer
  committed to the store, next card loaded) until the next frame is drawn; target p95 <= 30 ms.
  The reveal key is timed too.

The store is generated with bulk Core inserts into a temporary FLASHDL_HOME: 10 decks of 10,000
cards, 70% of them with a review state (due dates spread around today, some overdue) and a
review log of 200,000 rows. Run: ``.venv/bin/python bench/bench_study.py`` (or ``make bench``);
``--cards`` makes a smaller store for a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from flashdl.store.sqlite_file import sqlite_url

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DECKS = 10
LAUNCH_TARGET_S = 1.0
KEY_TARGET_P95_MS = 30.0


def build_store(url: str, cards: int, seed: int = 7) -> None:
    """Fill a fresh store at ``url`` with ``cards`` cards, review states and a review log."""
    from sqlalchemy import insert

    from flashdl.store import open_store
    from flashdl.store.models import Card, Deck, ReviewLog, ReviewState, utcnow

    rng = random.Random(seed)
    today = dt.date.today()
    now = utcnow()
    store = open_store(url)
    per_deck = cards // DECKS
    with store.write() as session:
        session.execute(
            insert(Deck),
            [
                {"key": f"bench-{d:02d}", "name": f"Bench deck {d:02d}", "description": "generated",
                 "origin": "import", "created_at": now, "updated_at": now}
                for d in range(DECKS)
            ],
        )
        card_rows = []
        for i in range(cards):
            deck = i // per_deck if i // per_deck < DECKS else DECKS - 1
            card_rows.append({
                "deck_id": deck + 1, "key": f"card-{i:06d}",
                "front": f"Bench card {i:06d}: which penalty does $\\lambda\\sum_i w_i^2$ add?",
                "back": "L2 (ridge): $\\lambda\\sum_i w_i^2$, it **shrinks** the weights.\n\n"
                        "- one point\n- another point with $\\frac{1}{1-p}$\n",
                "tags": ["bench"], "kind": "basic", "source": "bench", "position": i,
                "suspended": False, "retired": False, "created_at": now, "updated_at": now,
            })
        session.execute(insert(Card), card_rows)
        states = []
        for card_id in range(1, cards + 1):
            if rng.random() >= 0.7:
                continue
            interval = rng.choice((1, 2, 6, 15, 40, 100, 250))
            due = today + dt.timedelta(days=rng.randint(-10, 90))
            states.append({
                "card_id": card_id, "repetitions": rng.randint(1, 8),
                "ef_hundredths": rng.randint(130, 280), "interval": interval, "due": due,
                "needs_redrill": False, "lapses": rng.randint(0, 3), "last_review": now,
            })
        session.execute(insert(ReviewState), states)
        log = []
        for n in range(200_000):
            state = states[n % len(states)]
            day = today - dt.timedelta(days=rng.randint(1, 700))
            log.append({
                "card_id": state["card_id"], "reviewed_at": now - dt.timedelta(days=(today - day).days),
                "review_day": day, "grade": rng.choice((1, 3, 4, 4, 5, 5)), "duration_ms": 4000,
                "mode": "study", "scheduler": "sm2", "state_before": None,
                "state_after": {"repetitions": 1, "ef_hundredths": 250, "interval": 1,
                                "due": day.isoformat(), "needs_redrill": False, "lapses": 0},
                "session_id": None,
            })
        session.execute(insert(ReviewLog), log)
    store.close()


def first_card_front(url: str, deck: str) -> str:
    """The question ``flashdl study DECK`` will show first (from the same queue query)."""
    from flashdl.config import load_settings
    from flashdl.store import open_store
    from flashdl.study.cards import load_card, todays_queue

    with open_store(url) as store:
        queue = todays_queue(store, dt.date.today(), load_settings(), [deck])
        card = load_card(store, queue[0])
    assert card is not None
    return card.front.split(":")[0]  # "Bench card 001234": plain text, no math


def launch_tmux(home: Path, deck: str, needle: str, timeout: float = 20) -> float:
    socket = f"flashdl-bench-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-u", "-L", socket]
    command = (
        f"env FLASHDL_HOME={home} LANG=C.UTF-8 TERM=xterm-256color "
        f"{sys.executable} -m flashdl study {deck}"
    )
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", "b", "-x", "100", "-y", "30",
                    "-c", str(REPO), command], check=True)
    socket_path = subprocess.run([*tmux, "display-message", "-p", "#{socket_path}"],
                                 capture_output=True, text=True).stdout.strip()
    try:
        while time.perf_counter() - start < timeout:
            shown = subprocess.run([*tmux, "capture-pane", "-p", "-t", "b"],
                                   capture_output=True, text=True).stdout
            if needle in shown:
                return time.perf_counter() - start
            time.sleep(0.02)
        raise RuntimeError(f"the first card never appeared:\n{shown}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


def launch_pty(home: Path, deck: str, needle: str, timeout: float = 20) -> float:
    import pexpect

    env = {**os.environ, "FLASHDL_HOME": str(home), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "flashdl", "study", deck], env=env,
                          cwd=str(REPO), dimensions=(30, 100), encoding="utf-8")
    try:
        child.expect_exact(needle, timeout=timeout)
        return time.perf_counter() - start
    finally:
        child.terminate(force=True)


async def key_latencies(url: str, presses: int) -> tuple[list[float], list[float]]:
    """Milliseconds from a key press to the first frame drawn after it was handled: for the
    grade key (answer committed, next card loaded and drawn) and for the reveal key.

    Pilot's ``press`` itself waits until the whole process has been idle for a while (tens of
    milliseconds by design), so the frame is timed instead: ``App._display`` is where Textual
    hands a finished frame to the terminal driver.
    """
    from flashdl.tui.app import FlashdlApp
    from flashdl.tui.screens.study import StudyScreen

    app = FlashdlApp(url, initial="study", sync_builtin=False)
    frames: list[float] = []
    grade_ms: list[float] = []
    reveal_ms: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        display = app._display

        def timed_display(screen, renderable):  # noqa: ANN001, ANN202 - a timing probe
            if renderable is not None:
                frames.append(time.perf_counter())
            return display(screen, renderable)

        app._display = timed_display  # type: ignore[method-assign]
        for _ in range(500):
            screen = app.screen
            if isinstance(screen, StudyScreen) and screen.card is not None:
                break
            await pilot.pause(0.02)
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None, "no card to study"
        await pilot.pause(0.2)
        finished: list[float] = []
        for name in ("show_current", "reveal"):
            method = getattr(screen, name)

            async def probe(*args, _method=method):  # noqa: ANN002, ANN202
                await _method(*args)
                finished.append(time.perf_counter())

            setattr(screen, name, probe)

        async def timed(key: str, done) -> float:  # noqa: ANN001
            """From the key press to the first frame drawn after the screen finished."""
            start = time.perf_counter()
            await pilot.press(key)
            assert done(), f"pressing {key!r} did not do its job"
            ready = next(t for t in finished if t > start)
            frame = next((f for f in frames if f >= ready), None)
            assert frame is not None, "no frame was drawn"
            return (frame - start) * 1000

        for _ in range(presses):
            if screen.card is None or app.screen is not screen:
                break
            reveal_ms.append(await timed("space", lambda: screen.phase == "answer"))
            before = screen.card.id
            grade_ms.append(
                await timed("4", lambda b=before: screen.card is None or screen.card.id != b)
            )
    return grade_ms, reveal_ms


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--launches", type=int, default=7)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="flashdl-bench-study-"))
    os.environ["FLASHDL_HOME"] = str(home)
    url = sqlite_url(home / "flashdl.sqlite3")
    try:
        start = time.perf_counter()
        build_store(url, args.cards)
        print(f"store: {args.cards:,} cards, 200,000 log rows, built in "
              f"{time.perf_counter() - start:.1f} s")

        deck = "bench-00"
        needle = first_card_front(url, deck)
        # A pty read by pexpect sees the frame the moment flashdl writes it; tmux has to be
        # polled (a process per look), which on a small machine slows what it measures.
        try:
            import pexpect  # noqa: F401

            how, launch = "pty via pexpect", launch_pty
        except ImportError:
            how, launch = "tmux", launch_tmux
        launch(home, deck, needle)  # warm-up: syncs the built-in decks once, fills OS caches
        times = sorted(launch(home, deck, needle) for _ in range(args.launches))
        median = statistics.median(times)
        verdict = "ok" if median <= LAUNCH_TARGET_S else "OVER TARGET"
        print(f"launch to first card ({how}, 100x30): median {median:.3f} s, "
              f"best {times[0]:.3f} s, worst {times[-1]:.3f} s "
              f"(target <= {LAUNCH_TARGET_S} s: {verdict})")

        grade_ms, reveal_ms = asyncio.run(key_latencies(url, args.presses))
        verdict = "ok" if p95(grade_ms) <= KEY_TARGET_P95_MS else "OVER TARGET"
        print(f"grade key to next card ({len(grade_ms)} cards, Pilot): "
              f"p50 {statistics.median(grade_ms):.1f} ms, p95 {p95(grade_ms):.1f} ms, "
              f"max {max(grade_ms):.1f} ms (target p95 <= {KEY_TARGET_P95_MS:.0f} ms: {verdict})")
        print(f"reveal key to answer shown: p50 {statistics.median(reveal_ms):.1f} ms, "
              f"p95 {p95(reveal_ms):.1f} ms")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
