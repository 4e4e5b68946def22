"""The store: pragmas, answers and undo, deck sync that keeps history, counts and the queue."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from storeutil import card_id, dump, fixture_decks

from flashdl.config import load_settings
from flashdl.store import open_store
from flashdl.store.queries import deck_counts, resolve_decks, study_queue
from flashdl.store.reviews import bury, record_answer, set_suspended, undo_answer
from flashdl.store.sync import sync_builtin_decks

DAY = dt.date(2026, 3, 14)


@pytest.fixture
def decks_folder(tmp_path: Path) -> Path:
    return fixture_decks(tmp_path)


@pytest.fixture
def small(db_url: str, decks_folder: Path):  # type: ignore[no-untyped-def]
    store = open_store(db_url)
    sync_builtin_decks(store, decks_folder)
    yield store
    store.close()


@pytest.mark.sqlite_only
def test_sqlite_connections_get_wal_foreign_keys_full_sync_and_a_busy_timeout(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    store.close()


def test_default_database_lives_in_flashdl_home(flashdl_home: Path) -> None:
    with open_store() as store:
        assert store.sqlite_path == flashdl_home / "flashdl.sqlite3"
    assert (flashdl_home / "flashdl.sqlite3").exists()


#: Another process that takes the store's write lock, says so on stdout, and holds it (with an
#: uncommitted row) until it reads a line on stdin; then it commits.
LOCK_HOLDER = """
import sys
from sqlalchemy import text
from flashdl.store import open_store

store = open_store(sys.argv[1])
with store.write() as session:
    session.execute(text("INSERT INTO decks (key, name, description, origin, created_at, updated_at)"
                         " VALUES ('held', 'Held', '', 'import', '2026-01-01', '2026-01-01')"))
    print("locked", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
store.close()
"""


@pytest.mark.sqlite_only
def test_a_writer_waits_for_another_process_writer_instead_of_failing(db_url: str) -> None:
    """BEGIN IMMEDIATE + busy timeout: the second writer queues and then succeeds."""
    import subprocess
    import sys

    from sqlalchemy import text

    open_store(db_url).close()  # migrated before the two writers meet
    second = open_store(db_url)
    wrote, failed = threading.Event(), []

    def write() -> None:
        try:
            with second.write() as session:
                session.execute(text(
                    "INSERT INTO decks (key, name, description, origin, created_at, updated_at)"
                    " VALUES ('waited', 'Waited', '', 'import', '2026-01-01', '2026-01-01')"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            failed.append(exc)
        wrote.set()

    with subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, db_url], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "locked"  # the lock is held from here on
            writer = threading.Thread(target=write)
            writer.start()
            # while the other process holds the lock the writer cannot get through (a slow
            # machine only makes this wait longer, never wrong)
            assert not wrote.wait(0.5), failed or "the second writer did not wait for the lock"
            holder.stdin.write("commit\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "committed"
        finally:
            holder.kill()
    assert wrote.wait(30), "the second writer never got the lock after it was released"
    writer.join()
    assert failed == []
    with second.read() as session:
        keys = set(session.execute(text("SELECT key FROM decks")).scalars())
    assert {"held", "waited"} <= keys
    second.close()


def test_answer_is_committed_with_a_complete_log_row(small) -> None:  # type: ignore[no-untyped-def]
    cid = card_id(small, "alpha", "a1")
    answer = record_answer(small, cid, 5, today=DAY, duration_ms=1234, session_id="s1")
    assert answer.before is None and answer.after.interval == 1
    # a brand-new connection sees it: it was committed
    with open_store(small.url) as other, other.read() as session:
        from flashdl.store.models import ReviewLog, ReviewState

        log = session.get(ReviewLog, answer.log_id)
        state = session.get(ReviewState, cid)
    assert (log.grade, log.duration_ms, log.mode, log.review_day) == (5, 1234, "study", DAY)
    assert log.state_before is None and log.state_after["interval"] == 1
    assert state.due == DAY + dt.timedelta(days=1) and state.ef_hundredths == 260


def test_undo_restores_state_and_log_exactly(small) -> None:  # type: ignore[no-untyped-def]
    cid = card_id(small, "alpha", "a2")
    record_answer(small, cid, 4, today=DAY)
    before = dump(small)
    second = record_answer(small, cid, 2, today=DAY + dt.timedelta(days=1))
    assert dump(small) != before
    undo_answer(small, second.log_id)
    assert dump(small) == before


def test_undo_of_a_first_answer_makes_the_card_new_again(small) -> None:  # type: ignore[no-untyped-def]
    before = dump(small)
    cid = card_id(small, "alpha", "a3")
    undo_answer(small, record_answer(small, cid, 3, today=DAY).log_id)
    assert dump(small) == before


def test_only_the_latest_answer_of_a_card_can_be_undone(small) -> None:  # type: ignore[no-untyped-def]
    from flashdl.errors import FlashdlError

    cid = card_id(small, "alpha", "a1")
    first = record_answer(small, cid, 5, today=DAY)
    record_answer(small, cid, 5, today=DAY + dt.timedelta(days=1))
    with pytest.raises(FlashdlError, match="latest"):
        undo_answer(small, first.log_id)


def test_counts_per_deck(small) -> None:  # type: ignore[no-untyped-def]
    record_answer(small, card_id(small, "alpha", "a1"), 5, today=DAY - dt.timedelta(days=1))
    record_answer(small, card_id(small, "alpha", "a2"), 1, today=DAY)
    record_answer(small, card_id(small, "alpha", "a3"), 3, today=DAY)
    set_suspended(small, card_id(small, "beta", "b1"))
    with small.read() as session:
        counts = {c.key: c for c in deck_counts(session, DAY)}
    a, b = counts["alpha"], counts["beta"]
    assert (a.total, a.new, a.due, a.redrill) == (4, 1, 2, 1)  # a1 due today, a2 lapsed today
    assert (b.total, b.new, b.due, b.suspended) == (2, 1, 0, 1)


def test_queue_puts_most_overdue_first_then_new_cards_in_deck_order(small) -> None:  # type: ignore[no-untyped-def]
    a1, a2 = card_id(small, "alpha", "a1"), card_id(small, "alpha", "a2")
    record_answer(small, a1, 5, today=DAY - dt.timedelta(days=3))  # due DAY-2
    record_answer(small, a2, 5, today=DAY - dt.timedelta(days=5))  # due DAY-4: more overdue
    with small.read() as session:
        queue = study_queue(session, DAY, load_settings(), ["alpha"])
    assert queue[:2] == [a2, a1]
    assert queue[2:] == [card_id(small, "alpha", k) for k in ("a3", "a4")]


def test_new_card_limit_counts_cards_introduced_today_and_honours_deck_overrides(
    small, flashdl_home: Path
) -> None:  # type: ignore[no-untyped-def]
    (flashdl_home / "config.toml").write_text(
        "[limits]\nnew_per_day = 3\n\n[decks.beta]\nnew_per_day = 1\n", encoding="utf-8"
    )
    settings = load_settings()
    record_answer(small, card_id(small, "alpha", "a1"), 4, today=DAY)  # one new card introduced
    with small.read() as session:
        alpha = study_queue(session, DAY, settings, ["alpha"])
        beta = study_queue(session, DAY, settings, ["beta"])
    assert alpha == [card_id(small, "alpha", k) for k in ("a2", "a3")]
    assert beta == [card_id(small, "beta", "b1")]


def test_review_limit_caps_the_whole_session(small, flashdl_home: Path) -> None:  # type: ignore[no-untyped-def]
    (flashdl_home / "config.toml").write_text("[limits]\nreviews_per_day = 2\n", encoding="utf-8")
    with small.read() as session:
        assert len(study_queue(session, DAY, load_settings(), None)) == 2


def test_suspended_and_buried_cards_stay_out_of_the_queue(small) -> None:  # type: ignore[no-untyped-def]
    a1, a2 = card_id(small, "alpha", "a1"), card_id(small, "alpha", "a2")
    set_suspended(small, a1)
    bury(small, a2, DAY + dt.timedelta(days=1))
    with small.read() as session:
        today_queue = study_queue(session, DAY, load_settings(), ["alpha"])
        tomorrow_queue = study_queue(session, DAY + dt.timedelta(days=1), load_settings(), ["alpha"])
    assert a1 not in today_queue and a2 not in today_queue
    assert a2 in tomorrow_queue and a1 not in tomorrow_queue


def test_changed_deck_file_updates_cards_by_id_and_keeps_their_history(
    small, decks_folder: Path
) -> None:  # type: ignore[no-untyped-def]
    a1 = card_id(small, "alpha", "a1")
    answer = record_answer(small, a1, 5, today=DAY)
    path = decks_folder / "alpha.toml"
    text = path.read_text().replace('back = "A1 back"', 'back = "A1 better back"')
    text = text.replace('[[cards]]\nid = "a4"\nfront = "A4 front"\nback = "A4 back"\n', "")
    text += '\n[[cards]]\nid = "a5"\nfront = "A5 front"\nback = "A5 back"\n'
    path.write_text(text)
    report = sync_builtin_decks(small, decks_folder)
    assert (report.added, report.updated, report.retired) == (1, 1, 1)
    assert card_id(small, "alpha", "a1") == a1
    from flashdl.store.models import Card, ReviewLog, ReviewState

    with small.read() as session:
        assert session.get(Card, a1).back == "A1 better back"
        assert session.get(ReviewState, a1).interval == 1
        assert session.get(ReviewLog, answer.log_id) is not None
        counts = {c.key: c for c in deck_counts(session, DAY)}
    assert counts["alpha"].total == 4  # a4 retired (hidden), a5 added


def test_unchanged_deck_files_cost_no_write(small, decks_folder: Path) -> None:  # type: ignore[no-untyped-def]
    before = dump(small)
    report = sync_builtin_decks(small, decks_folder)
    assert report.unchanged == 2 and report.added == report.updated == 0
    assert dump(small) == before


def test_resync_never_duplicates_cards(small, decks_folder: Path) -> None:  # type: ignore[no-untyped-def]
    for path in decks_folder.glob("*.toml"):
        path.write_text(path.read_text() + "\n# touched\n")
    sync_builtin_decks(small, decks_folder)
    with small.read() as session:
        counts = {c.key: c.total for c in deck_counts(session, DAY)}
    assert counts == {"alpha": 4, "beta": 2}


def test_unknown_deck_name_suggests_close_matches(small) -> None:  # type: ignore[no-untyped-def]
    from flashdl.errors import UsageError

    with small.read() as session:
        assert resolve_decks(session, ["ALPHA", "Beta"]) == ["alpha", "beta"]
        with pytest.raises(UsageError, match="no deck called 'alpah'.*alpha"):
            resolve_decks(session, ["alpah"])


def test_a_removed_deck_file_drops_unanswered_cards_and_keeps_answered_ones_history(
    small, decks_folder: Path
) -> None:  # type: ignore[no-untyped-def]
    from flashdl.store.models import Card, ReviewLog

    b1 = card_id(small, "beta", "b1")
    answer = record_answer(small, b1, 4, today=DAY)
    (decks_folder / "beta.toml").unlink()
    sync_builtin_decks(small, decks_folder)
    with small.read() as session:
        assert [c.key for c in deck_counts(session, DAY)] == ["alpha"]
        assert session.get(Card, b1).retired
        assert session.get(ReviewLog, answer.log_id) is not None
        assert card_id(small, "beta", "b2") is None
    # and a second start does no more work
    assert sync_builtin_decks(small, decks_folder).unchanged == 1
