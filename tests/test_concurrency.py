"""Two learners on one database at once: both make progress, neither sees "database is locked",
and no answer is lost. On SQLite (two processes, one file) and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from flashdl.formats.records import CardRecord, DeckRecord
from flashdl.store import open_store
from flashdl.store.doctor import diagnose
from flashdl.store.sync import sync_deck

pytestmark = [pytest.mark.slow, pytest.mark.both_backends]

CHILD = REPO / "tests" / "helpers" / "study_child.py"
ANSWERS = 150
# Each child pauses up to 20 ms before an answer: together still ~100 answers a second, far more
# than two people studying, but with room for the other to get in (a child that writes
# back-to-back starves SQLite's sleeping busy handler, which no learner can do).


def test_two_processes_studying_at_once_both_progress_and_lose_nothing(
    db_url: str, flashdl_home: Path
) -> None:
    deck = DeckRecord("shared", "Shared", "", tuple(
        CardRecord(key=f"c{i}", front=f"Front {i}", back=f"Back {i}") for i in range(120)
    ))
    with open_store(db_url) as store, store.write() as session:
        sync_deck(session, deck, origin="import")

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FLASHDL_HOME": str(flashdl_home)}
    children = [
        subprocess.Popen([sys.executable, str(CHILD), db_url, "--answers", str(ANSWERS),
                          "--seed", str(seed), "--think-ms", "20", "--wait-go"],
                         stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                         env=env)
        for seed in (1, 2)
    ]
    for child in children:  # both have the store open: start them together
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=120) for child in children]
    answers = []
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "locked" not in err.lower()
        lines = [line.split() for line in out.splitlines()]
        assert len(lines) == ANSWERS
        answers.append([(int(log_id), int(card), int(grade), float(when))
                        for log_id, card, grade, when in lines])

    # both were answering at the same time: their spans overlap
    first, second = answers
    assert first[0][3] < second[-1][3] and second[0][3] < first[-1][3]
    for mine in answers:  # neither starved: it never waited long for the other's writes
        assert max(b[3] - a[3] for a, b in zip(mine, mine[1:], strict=False)) < 10

    with open_store(db_url) as store:
        from sqlalchemy import select

        from flashdl.store.models import ReviewLog

        with store.read() as session:
            stored = {row.id: (row.card_id, row.grade)
                      for row in session.execute(select(ReviewLog.id, ReviewLog.card_id,
                                                        ReviewLog.grade))}
        assert stored == {a[0]: (a[1], a[2]) for a in first + second}
        assert diagnose(store).problems == []  # every state is what its latest answer left
