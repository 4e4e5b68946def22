"""Migrations: one head, the models' exact schema, upgrades that lose nothing, refusals that
touch nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flashdl.errors import StoreError
from flashdl.store import migrate, open_store
from flashdl.store.models import Base
from flashdl.store.sqlite_file import sqlite_url


def _script():  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config())


def test_exactly_one_head_and_it_is_the_schema_head_constant() -> None:
    heads = _script().get_heads()
    assert heads == [migrate.SCHEMA_HEAD]


def test_revisions_form_one_line_from_the_first() -> None:
    revisions = list(_script().walk_revisions())
    assert revisions[-1].down_revision is None
    assert all(len(r._all_down_revisions) <= 1 for r in revisions)


def test_upgrade_from_empty_gives_exactly_the_models_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = open_store(db_url)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    store.close()
    assert diff == []


def _revisions_oldest_first() -> list[str]:
    return [r.revision for r in reversed(list(_script().walk_revisions()))]


def test_database_made_at_the_first_revision_upgrades_to_head_with_nothing_lost(
    db_url: str,
) -> None:
    """Fill a database at the first revision with data of every table, then upgrade.

    Grows with every revision: each later revision must keep every row written here.
    """
    first = _revisions_oldest_first()[0]
    store = open_store(db_url, migrate=False)
    migrate.upgrade(store, first)
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO decks (id, key, name, description, origin, content_hash, created_at, updated_at)"
            " VALUES (1, 'old', 'Old deck', 'd', 'import', NULL, '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
        ))
        conn.execute(text(
            "INSERT INTO cards (id, deck_id, key, front, back, tags, kind, demo_name, demo_params,"
            " source, position, content_hash, suspended, buried_until, retired, created_at, updated_at)"
            " VALUES (7, 1, 'k', 'Front', 'Back', '[\"t\"]', 'basic', NULL, NULL, 's', 0, NULL,"
            " false, NULL, false, '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
        ))
        conn.execute(text(
            "INSERT INTO review_states (card_id, repetitions, ef_hundredths, interval, due,"
            " needs_redrill, lapses, last_review) VALUES (7, 2, 250, 6, '2020-01-08', false, 0,"
            " '2020-01-02 10:00:00')"
        ))
        conn.execute(text(
            "INSERT INTO review_log (id, card_id, reviewed_at, review_day, grade, duration_ms, mode,"
            " scheduler, state_before, state_after, session_id) VALUES (3, 7, '2020-01-02 10:00:00',"
            " '2020-01-02', 4, 1500, 'study', 'sm2', NULL,"
            " '{\"repetitions\": 1, \"ef_hundredths\": 250, \"interval\": 1, \"due\": \"2020-01-03\","
            " \"needs_redrill\": false, \"lapses\": 0}', 'sess')"
        ))
        # the same card again the same day (a redrill): 0005 marks it as not the first of the day
        conn.execute(text(
            "INSERT INTO review_log (id, card_id, reviewed_at, review_day, grade, duration_ms, mode,"
            " scheduler, state_before, state_after, session_id) VALUES (4, 7, '2020-01-02 10:05:00',"
            " '2020-01-02', 5, 900, 'study', 'sm2',"
            " '{\"repetitions\": 1, \"ef_hundredths\": 250, \"interval\": 1, \"due\": \"2020-01-03\","
            " \"needs_redrill\": false, \"lapses\": 0}',"
            " '{\"repetitions\": 1, \"ef_hundredths\": 250, \"interval\": 1, \"due\": \"2020-01-03\","
            " \"needs_redrill\": false, \"lapses\": 0}', 'sess')"
        ))
        conn.execute(text(
            "INSERT INTO quiz_attempts (id, started_at, finished_at, decks, types, seed, question_count,"
            " correct_count, time_limit_s, update_schedule) VALUES (5, '2020-01-02 11:00:00', NULL,"
            " '[\"old\"]', '[\"mc\"]', 1, 1, 1, NULL, false)"
        ))
        conn.execute(text(
            "INSERT INTO quiz_answers (id, attempt_id, card_id, position, qtype, prompt, expected, given,"
            " correct, overridden, duration_ms, answered_at) VALUES (9, 5, 7, 0, 'mc', 'P', 'E', 'E',"
            " true, false, 800, '2020-01-02 11:00:05')"
        ))
    store.close()

    store = open_store(db_url)  # upgrades to head
    assert migrate.current_revision(store) == migrate.SCHEMA_HEAD
    from flashdl.store.models import Card, QuizAnswer, ReviewLog, ReviewState

    with store.read() as session:
        card = session.get(Card, 7)
        state = session.get(ReviewState, 7)
        log = session.get(ReviewLog, 3)
        answer = session.get(QuizAnswer, 9)
        assert (card.front, card.back, card.tags, card.deck.key) == ("Front", "Back", ["t"], "old")
        assert (state.repetitions, state.ef_hundredths, state.interval) == (2, 250, 6)
        assert state.due == dt.date(2020, 1, 8)
        assert (log.grade, log.duration_ms, log.state_after["interval"]) == (4, 1500, 1)
        assert log.reviewed_at == dt.datetime(2020, 1, 2, 10, tzinfo=dt.UTC)
        assert (answer.correct, answer.attempt.seed) == (True, 1)
        # 0005: answers keep their rows; only the later same-day one is not the first of the day
        later = session.get(ReviewLog, 4)
        assert (log.first_of_day, later.first_of_day) == (True, False)
        assert (later.grade, later.state_before["interval"], later.external_id) == (5, 1, None)
        assert (state.stability, state.difficulty) == (None, None)
        from flashdl.store.scheduling import load_choice

        assert load_choice(session).name == "sm2"  # no settings row yet: SM-2, as before
    store.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_database_from_a_newer_flashdl_is_refused_untouched(flashdl_home: Path) -> None:
    url = sqlite_url(flashdl_home / "flashdl.sqlite3")
    open_store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    path = flashdl_home / "flashdl.sqlite3"
    digest = _sha(path)
    with pytest.raises(StoreError, match="newer flashdl.*9999_from_the_future"):
        open_store(url)
    assert _sha(path) == digest
    assert not (flashdl_home / "backups").exists()


def test_failed_upgrade_restores_the_backup_and_says_so(
    flashdl_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(flashdl_home / "flashdl.sqlite3")
    with open_store(url) as store, store.write() as session:
        session.execute(text(
            "INSERT INTO decks (key, name, description, origin, created_at, updated_at)"
            " VALUES ('mine', 'Mine', '', 'import', '2020-01-01', '2020-01-01')"
        ))
        session.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))

    def broken_upgrade(store, target="head"):  # type: ignore[no-untyped-def]
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM decks"))
        raise RuntimeError("simulated migration bug")

    monkeypatch.setattr(migrate, "known_revisions", lambda: {"0000_older", migrate.SCHEMA_HEAD})
    monkeypatch.setattr(migrate, "upgrade", broken_upgrade)
    with pytest.raises(StoreError, match="restored from"):
        open_store(url)
    backups = list((flashdl_home / "backups").glob("*before-upgrade*.sqlite3"))
    assert len(backups) == 1
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT key FROM decks")).scalars().all() == ["mine"]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0000_older"
    engine.dispose()
