"""Migration 0002 on an old store: JSON nulls become SQL NULL, interval_before is filled in, and
the statistics and the daily new-card limit read the old history correctly. Both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from flashdl.config import Limits, Settings
from flashdl.stats.queries import compute_stats
from flashdl.store import open_store
from flashdl.store.migrate import upgrade
from flashdl.store.models import Card, ReviewLog
from flashdl.store.queries import study_queue

DAY = dt.date(2026, 3, 14)
STATE = ('{{"repetitions": {r}, "ef_hundredths": 250, "interval": {i}, "due": "2026-03-20", '
         '"needs_redrill": false, "lapses": 0}}')


def test_old_history_is_converted_for_statistics_and_limits(db_url: str) -> None:
    store = open_store(db_url, migrate=False)
    upgrade(store, "0001_initial")
    stamp = "'2026-03-14 09:00:00'"
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO decks (id, key, name, description, origin, created_at, updated_at) "
            f"VALUES (1, 'old', 'Old', '', 'import', {stamp}, {stamp})"))
        for card in (1, 2, 3):
            conn.execute(text(
                "INSERT INTO cards (id, deck_id, key, front, back, tags, kind, demo_params, source,"
                " position, suspended, retired, created_at, updated_at) VALUES "
                f"({card}, 1, 'k{card}', 'F', 'B', '[]', 'basic', 'null', '', {card}, false, false,"
                f" {stamp}, {stamp})"))
        rows = [  # (card, grade, state_before): two first answers today, one review at 6 days
            (1, 4, "'null'", STATE.format(r=1, i=1)),
            (2, 2, "'null'", STATE.format(r=0, i=0)),
            (3, 5, f"'{STATE.format(r=2, i=6)}'", STATE.format(r=3, i=15)),
        ]
        for card, grade, before, after in rows:
            conn.execute(text(
                "INSERT INTO review_states (card_id, repetitions, ef_hundredths, interval, due,"
                f" needs_redrill, lapses) VALUES ({card}, 1, 250, 1, '2026-03-20', false, 0)"))
            conn.execute(text(
                "INSERT INTO review_log (card_id, reviewed_at, review_day, grade, duration_ms, mode,"
                " scheduler, state_before, state_after) VALUES "
                f"({card}, {stamp}, '2026-03-14', {grade}, 1000, 'study', 'sm2', {before},"
                f" '{after}')"))
    store.close()

    with open_store(db_url) as store:  # upgrades to head
        with store.read() as session:
            logs = session.query(ReviewLog).order_by(ReviewLog.card_id).all()
            assert [log.interval_before for log in logs] == [None, None, 6]
            new_cards = session.query(ReviewLog).filter(ReviewLog.state_before.is_(None)).count()
            assert new_cards == 2
            assert session.query(Card).filter(Card.demo_params.is_(None)).count() == 3

            stats = compute_stats(session, DAY)
            by_label = {b.label: (b.reviews, b.passed) for b in stats.retention}
            assert by_label["new"] == (2, 1) and by_label["2-6 d"] == (1, 1)

            # Two new cards were introduced today: a limit of 2 leaves no room for more.
            with store.write() as writer:
                writer.execute(text(
                    "INSERT INTO cards (id, deck_id, key, front, back, tags, kind, source, position,"
                    " suspended, retired, created_at, updated_at) VALUES (4, 1, 'k4', 'F', 'B',"
                    f" '[]', 'basic', '', 4, false, false, {stamp}, {stamp})"))
        with store.read() as session:
            limited = Settings(limits=Limits(new_per_day=2, reviews_per_day=100))
            assert 4 not in study_queue(session, DAY, limited)
            roomier = Settings(limits=Limits(new_per_day=3, reviews_per_day=100))
            assert 4 in study_queue(session, DAY, roomier)
