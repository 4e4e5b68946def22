"""A throwaway PostgreSQL cluster for the test suite and the benchmark.

The store tests run against a real PostgreSQL when its server binaries are on the machine
(``initdb`` and ``pg_ctl`` on PATH, or Debian's ``/usr/lib/postgresql/*/bin``). The cluster lives in
a temporary folder, listens only on a free loopback port (no Unix socket), trusts local
connections, and skips fsync: it holds nothing worth keeping and must start in about a second.
PostgreSQL refuses to run as root, so under root the cluster belongs to an unprivileged user
(``postgres`` when the Debian package made it, else a ``flashdl-test`` system user made here).

``FLASHDL_TEST_PG=0`` turns the PostgreSQL runs off; ``FLASHDL_TEST_PG_URL`` points them at an
existing server instead (a superuser URL such as ``postgresql+psycopg://me@127.0.0.1:5432/postgres``).
Where there is no PostgreSQL the tests are skipped, except under ``CI=true`` (see helpers/ci.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "flashdl"
FALLBACK_OS_USER = "flashdl-test"
_names = itertools.count(1)


class PgUnavailable(RuntimeError):
    """No PostgreSQL to test against; the reason says why (shown as the skip reason)."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest Debian version first."""
    initdb = shutil.which("initdb")
    if initdb:
        folder = Path(initdb).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _os_user() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as (None: we are not root, run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    useradd = shutil.which("useradd")
    if useradd is None:
        raise PgUnavailable("running as root and there is no useradd to make an unprivileged user")
    subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_OS_USER],
        check=False,
        capture_output=True,
    )
    try:
        return pwd.getpwnam(FALLBACK_OS_USER)
    except KeyError as exc:
        raise PgUnavailable(f"could not create the system user {FALLBACK_OS_USER}") from exc


class PgServer:
    """A PostgreSQL server to make test databases on: our own cluster, or an external one."""

    def __init__(self, admin_url: str, *, root: Path | None = None, stop: list[str] | None = None,
                 user: pwd.struct_passwd | None = None) -> None:
        self.admin_url = admin_url
        self.root = root
        self._stop_cmd = stop
        self._user = user
        self._strategy: str | None = None

    def url(self, dbname: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.admin_url).set(database=dbname).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> object:
        import psycopg

        conninfo = self.admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def create_database(self, prefix: str = "t") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        if self._strategy is None:
            # PostgreSQL 15+ copies a small template much faster file by file than through WAL.
            version = int(str(self._admin("SHOW server_version_num")))
            self._strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        self._admin(f'CREATE DATABASE "{name}"{self._strategy}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        with contextlib.suppress(Exception):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._stop_cmd is not None:
            _run(self._stop_cmd, self._user, self.root, check=False)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def _run(cmd: list[str], user: pwd.struct_passwd | None, cwd: Path | None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    kwargs: dict[str, object] = {}
    if user is not None:
        kwargs = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=check,
                          timeout=60, **kwargs)  # type: ignore[arg-type]


def unavailable_reason() -> str | None:
    """Why there is no PostgreSQL to test against (None: there is one), without starting it."""
    if os.environ.get("FLASHDL_TEST_PG", "1") == "0":
        return "FLASHDL_TEST_PG=0 turns the PostgreSQL runs off (unset it)"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.environ.get("FLASHDL_TEST_PG_URL"):
        return None
    if find_bindir() is None:
        return ("no PostgreSQL server binaries (initdb, pg_ctl) on this machine "
                "(apt-get install postgresql, or set FLASHDL_TEST_PG_URL)")
    return None


def start_server(tag: str = "flashdl", *, durable: bool = False) -> PgServer:
    """Start a throwaway cluster (or use ``FLASHDL_TEST_PG_URL``); PgUnavailable if we cannot.

    ``durable=True`` keeps PostgreSQL's own fsync settings (for the benchmark's commit timings).
    """
    reason = unavailable_reason()
    if reason is not None:
        raise PgUnavailable(reason)
    external = os.environ.get("FLASHDL_TEST_PG_URL")
    if external:
        return PgServer(external)
    bindir = find_bindir()
    assert bindir is not None  # unavailable_reason() checked it
    user = _os_user()
    root = Path(tempfile.mkdtemp(prefix=f"{tag}-pg-"))
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    data = root / "data"
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], user, root)
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", "") or str(exc)
        raise PgUnavailable(f"initdb failed: {detail.strip()[-300:]}") from exc
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=60 -c shared_buffers=64MB"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        result = _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
                       "-w", "-t", "30", "-o", options, "start"], user, root, check=False)
        if result.returncode == 0:
            stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            return PgServer(f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres",
                            root=root, stop=stop, user=user)
        last_error = (root / "server.log").read_text(errors="replace")[-300:]
    shutil.rmtree(root, ignore_errors=True)
    raise PgUnavailable(f"pg_ctl could not start a cluster: {last_error.strip()}")
