"""Crash safety: SIGKILL at random moments never loses an acknowledged answer or half-imports.

The child processes use the store API exactly as the app does (``tests/helpers/study_child.py``)
and the real ``flashdl import`` command.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from helpers.waiting import wait_until

from flashdl.formats.records import CardRecord, DeckRecord
from flashdl.store import open_store
from flashdl.store.doctor import diagnose
from flashdl.store.sqlite_file import sqlite_url
from flashdl.store.sync import sync_deck

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crash")]

CHILD = REPO / "tests" / "helpers" / "study_child.py"


def make_store(path: Path, cards: int) -> str:
    url = sqlite_url(path)
    deck = DeckRecord("crash", "Crash", "", tuple(
        CardRecord(key=f"c{i}", front=f"Front {i}", back=f"Back {i}") for i in range(cards)
    ))
    with open_store(url) as store, store.write() as session:
        sync_deck(session, deck, origin="import")
    return url


class Child:
    """A child process whose complete output lines are collected as they arrive."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not line.endswith("\n"):
                break  # cut off by the kill: not acknowledged
            if line == "ready\n":
                self.ready.set()
            else:
                self.lines.append(line)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)

    def finish(self, timeout: float) -> tuple[int, str]:
        _, err = self.proc.communicate(timeout=timeout)
        self._reader.join(timeout=10)
        return self.proc.returncode, err


def acknowledged(lines: list[str]) -> dict[int, tuple[int, int]]:
    out = {}
    for line in lines:
        log_id, card_id, grade, _when = line.split()
        out[int(log_id)] = (int(card_id), int(grade))
    return out


def test_sigkill_while_studying_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    db = tmp_path / "flashdl.sqlite3"
    url = make_store(db, 400)
    rng = random.Random(20260314)
    acked: dict[int, tuple[int, int]] = {}
    kills_mid_study = 0
    for round_no in range(24):
        child = Child([str(CHILD), url, "--seed", str(round_no)])
        if round_no % 6 == 5:
            time.sleep(rng.uniform(0.0, 0.5))  # sometimes while it is still opening the store
        else:
            # after a few acknowledged answers (counted, so a loaded machine still gets there),
            # then at a random moment of the answers that follow: mid-commit as often as not
            answers = rng.randint(5, 12)
            wait_until(lambda: len(child.lines) >= answers  # noqa: B023 - called right here
                       or child.proc.poll() is not None,  # noqa: B023
                       f"round {round_no}: {answers} acknowledged answers", timeout=60,
                       interval=0.002)
            time.sleep(rng.uniform(0.0, 0.02))
        child.kill()
        got = acknowledged(child.lines)
        kills_mid_study += bool(got)
        acked.update(got)

        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = dict(((i, (c, g)) for i, c, g in conn.execute(
                "SELECT id, card_id, grade FROM review_log")))
        finally:
            conn.close()
        missing = {i: v for i, v in acked.items() if stored.get(i) != v}
        assert not missing, f"round {round_no}: acknowledged answers lost: {missing}"

    assert kills_mid_study >= 20 and len(acked) >= 100  # 20 rounds of at least 5 answers
    with open_store(url) as store:
        report = diagnose(store)
    assert report.problems == [], report.problems  # every state matches its last answer


def test_sigkill_during_a_50000_card_import_leaves_nothing_or_everything(
    tmp_path: Path, flashdl_home: Path
) -> None:
    db = flashdl_home / "flashdl.sqlite3"
    source = tmp_path / "big.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        for i in range(50_000):
            writer.writerow([f"Question {i}", f"Answer {i}"])
    env = {**os.environ, "FLASHDL_DB": sqlite_url(db)}
    subprocess.run([sys.executable, "-m", "flashdl", "decks"], cwd=REPO, env=env, check=True,
                   capture_output=True)

    def snapshot() -> tuple[int, int, str]:
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            big = conn.execute(
                "SELECT count(*) FROM cards JOIN decks ON decks.id = cards.deck_id "
                "WHERE decks.key = 'big'").fetchone()[0]
            total = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
            decks = ",".join(r[0] for r in conn.execute("SELECT key FROM decks ORDER BY key"))
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        return big, total, decks

    before = snapshot()
    assert before[0] == 0
    wal = db.with_name(db.name + "-wal")
    rolled_back_mid_write = 0
    rng = random.Random(7)
    for delay in (0.0, 0.02, rng.uniform(0.0, 0.15), rng.uniform(0.0, 0.3)):
        proc = subprocess.Popen([sys.executable, "-m", "flashdl", "import", str(source)],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # The write transaction has begun once pages spill into the (truncated) WAL.
        wait_until(lambda: (wal.exists() and wal.stat().st_size >= 256 * 1024)
                   or proc.poll() is not None,  # noqa: B023 - called within this iteration
                   "the import to start writing (a WAL of 256 KB)", timeout=60, interval=0.002)
        time.sleep(delay)
        finished_first = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        after = snapshot()
        if after == before:
            rolled_back_mid_write += not finished_first
            continue
        assert after[0] == 50_000 and after[1] == before[1] + 50_000, (before, after)
        break  # fully imported: a later kill would meet an import with nothing to add
    assert rolled_back_mid_write >= 1  # at least one kill really landed inside the transaction

    result = subprocess.run([sys.executable, "-m", "flashdl", "import", str(source)], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    big, total, _ = snapshot()
    assert big == 50_000 and total == before[1] + 50_000
