"""Shared fixtures. Every test runs with its own temporary FLASHDL_HOME: no test ever touches the
user's real data directory."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashdl.store.sqlite_file import sqlite_url

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def flashdl_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data directory for each test (set as FLASHDL_HOME)."""
    home = tmp_path_factory.mktemp("flashdl-home")
    monkeypatch.setenv("FLASHDL_HOME", str(home))
    monkeypatch.delenv("FLASHDL_DB", raising=False)
    return home


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 3, 14)


class FixedClock:
    """flashdl's wall clock (:mod:`flashdl.clock`) held at a chosen moment. Each reading moves it
    on by a millisecond, as a real clock would between two backups (their names hold the time)."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        reading = self.current
        self.current += dt.timedelta(milliseconds=1)
        return reading

    @property
    def today(self) -> dt.date:
        return self.current.date()

    def advance(self, delta: dt.timedelta) -> None:
        self.current += delta


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """Noon on 2026-03-14 for everything in this process that asks flashdl.clock (the commands'
    "today", backup names): no test fails because it ran across midnight. Subprocesses still read
    the real clock, so a test with a fixed clock runs the CLI in-process (flashdl.cli.main)."""
    import flashdl.clock

    clock = FixedClock(dt.datetime(2026, 3, 14, 12, 0))
    monkeypatch.setattr(flashdl.clock, "now", clock)
    return clock


#: Test modules whose ``db_url`` (and so ``store``) runs on SQLite and on PostgreSQL.
BOTH_BACKENDS_MODULES = ("test_store", "test_migrations", "test_stats", "test_doctor", "test_postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run this test's db_url/store on SQLite and on PostgreSQL"
    )
    config.addinivalue_line("markers", "sqlite_only: keep this test's db_url on SQLite")
    config.addinivalue_line("markers", "postgres_only: run this test's db_url on PostgreSQL only")
    from helpers.ci import missing_real_components, on_ci

    if on_ci() and not hasattr(config, "workerinput"):  # checked once, before any worker starts
        missing = missing_real_components()
        if missing:
            raise pytest.UsageError(
                "CI=true, but the real components the suite tests against are missing, so "
                "their tests would be skipped:\n  - " + "\n  - ".join(missing)
            )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the store tests twice, on SQLite and on PostgreSQL, through the ``db_backend`` fixture."""
    if "db_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    postgres = pytest.param("postgres", marks=pytest.mark.postgres)
    if metafunc.definition.get_closest_marker("postgres_only"):
        metafunc.parametrize("db_backend", [postgres], indirect=True)
        return
    module = metafunc.module.__name__.rpartition(".")[2]
    if module.startswith(BOTH_BACKENDS_MODULES) or metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("db_backend", ["sqlite", postgres], indirect=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """This worker's throwaway PostgreSQL cluster (skips the test where there is none; fails
    it under CI=true)."""
    from helpers.ci import skip_or_fail
    from helpers.pg_cluster import PgUnavailable, start_server

    try:
        server = start_server()
    except PgUnavailable as exc:
        skip_or_fail(f"PostgreSQL not available: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_url(flashdl_home: Path, db_backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The database under test: a SQLite file in FLASHDL_HOME, or a fresh PostgreSQL database
    (for the modules in BOTH_BACKENDS_MODULES, which run once per backend)."""
    if db_backend == "sqlite":
        yield sqlite_url(flashdl_home / "flashdl.sqlite3")
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """An open, migrated store with the built-in decks loaded."""
    from flashdl.store import open_store
    from flashdl.store.sync import sync_builtin_decks

    s = open_store(db_url)
    sync_builtin_decks(s)
    try:
        yield s
    finally:
        s.close()


def run_flashdl(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the CLI in a subprocess (the way a user does) and return the CompletedProcess."""
    import subprocess

    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "flashdl", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )
