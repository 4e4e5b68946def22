"""Files that are not regular files, unreadable encodings, read-only folders, leftovers (issue 11).

No test here ever writes to a device: an audit hook refuses (and records) any open for writing
of the FIFO, device and link targets the tests hand to flashdl, so a regression fails loudly
instead of touching /dev/null.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from flashdl.cli import main
from flashdl.store.sqlite_file import sqlite_url

_WATCHED: set[str] = set()
_WRITES: list[str] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _audit(event: str, args: tuple) -> None:
    if event != "open" or not _WATCHED:
        return
    path, mode, flags = args
    writing = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+"))
    if writing and isinstance(path, (str, bytes, os.PathLike)):
        real = os.path.realpath(os.fsdecode(path))
        if real in _WATCHED or os.fsdecode(path) in _WATCHED:
            _WRITES.append(real)
            raise PermissionError(f"test guard: no writing to {real}")


sys.addaudithook(_audit)


@pytest.fixture
def guarded():
    """Paths that must never be opened for writing while the test runs."""
    _WRITES.clear()
    yield _WATCHED
    _WATCHED.clear()
    assert _WRITES == [], f"opened for writing: {_WRITES}"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_export_force_replaces_regular_files_only(
    tmp_path: Path, guarded: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    targets = {fifo: "FIFO", link: "symbolic link"}
    device = tmp_path / "null-device.csv"
    try:  # a second /dev/null, made here (needs root and CAP_MKNOD)
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        targets[device] = "device"
    except OSError:
        pass
    guarded.update({str(p) for p in targets} | {"/dev/null"})
    for target, kind in targets.items():
        for fmt in ("csv", "apkg"):
            code, text = _run(capsys, "export", "dropout", "--force", "--format", fmt, "-o", str(target))
            assert code == 2 and kind in text and "regular" in text, text
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.readlink(link) == "/dev/null"
    if device in targets:
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    regular = tmp_path / "old.csv"
    regular.write_text("old", encoding="utf-8")
    assert _run(capsys, "export", "dropout", "-o", str(regular))[0] == 2  # exists, no --force
    assert _run(capsys, "export", "dropout", "--force", "-o", str(regular))[0] == 0
    assert "dropout" in regular.read_text(encoding="utf-8")


def test_export_to_an_empty_path_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = _run(capsys, "export", "dropout", "-o", "")
    assert code == 2 and "-o needs a file name" in text
    assert list(tmp_path.iterdir()) == []


def test_importing_a_fifo_a_device_or_a_folder_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "deck.csv"
    os.mkfifo(fifo)
    results: dict[str, tuple[int, str]] = {}

    def attempt() -> None:
        for path in (fifo, Path("/dev/null"), tmp_path):
            results[str(path)] = (main(["import", str(path)]), "")

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "flashdl import hangs on a FIFO"
    text = capsys.readouterr().err
    assert [code for code, _ in results.values()] == [2, 2, 2]
    for words in ("FIFO", "a device", "is a folder"):
        assert words in text


def test_utf16_without_a_bom_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "deck.csv"
    deck.write_bytes("front,back\nhello,bonjour\n".encode("utf-16-le"))
    code, text = _run(capsys, "import", str(deck))
    assert code == 2 and "UTF-16" in text and "byte-order mark" in text


# --- read-only folders: one clear line, no traceback -------------------------------------------


def _unshare_available() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.slow
def test_read_only_folders_give_one_clear_line(tmp_path: Path, flashdl_home: Path) -> None:
    """backup, restore and export when the folder they write to is on a read-only file system
    (a private read-only bind mount: the clean-up used to raise inside the error handler)."""
    if not _unshare_available():
        pytest.skip("needs root and unshare to mount a read-only folder")
    assert main(["decks"]) == 0
    assert main(["backup"]) == 0
    saved = next((flashdl_home / "backups").glob("*-manual.sqlite3"))
    out = tmp_path / "out"
    out.mkdir()
    backups = flashdl_home / "backups"
    flashdl = f"{sys.executable} -m flashdl"
    script = "\n".join([
        f"mount --bind '{out}' '{out}' && mount -o remount,bind,ro '{out}' || exit 99",
        f"mount --bind '{backups}' '{backups}' && mount -o remount,bind,ro '{backups}' || exit 99",
        f"{flashdl} export dropout -o '{out}/d.csv'; echo rc=$?",
        f"{flashdl} export dropout -o '{out}/d.toml'; echo rc=$?",
        f"{flashdl} export dropout -o '{out}/d.apkg'; echo rc=$?",
        f"{flashdl} backup; echo rc=$?",
        f"{flashdl} restore --yes '{saved}'; echo rc=$?",
    ])
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "FLASHDL_HOME": str(flashdl_home)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.count("rc=2") + result.stdout.count("rc=3") == 5, result.stdout
    assert result.stderr.lower().count("read-only") >= 5, result.stderr
    assert list(out.iterdir()) == []


def test_restore_onto_a_folder_is_one_clear_line(
    tmp_path: Path, flashdl_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decks"]) == 0
    assert main(["backup"]) == 0
    saved = next((flashdl_home / "backups").glob("*-manual.sqlite3"))
    folder = tmp_path / "db-is-a-folder"
    folder.mkdir()
    capsys.readouterr()
    code, text = _run(capsys, "--db", sqlite_url(folder), "restore", "--yes", str(saved))
    assert code == 3 and "is a folder" in text and "Traceback" not in text
    assert list(folder.iterdir()) == []


# --- leftovers of killed imports and backups -----------------------------------------------------


def _package(path: Path, notes: int) -> Path:
    import genanki

    deck = genanki.Deck(2_059_400_120, "Big")
    for i in range(notes):
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, guid=f"g{i}",
                                   fields=[f"Front {i}", f"Back {i}"]))
    genanki.Package(deck).write_to_file(str(path))
    return path


@pytest.mark.slow
def test_a_terminated_apkg_import_removes_its_temporary_folder(
    tmp_path: Path, flashdl_home: Path
) -> None:
    import signal
    import time

    package = _package(tmp_path / "big.apkg", 3000)
    temp = tmp_path / "tmp"
    temp.mkdir()
    child = subprocess.Popen([sys.executable, "-m", "flashdl", "import", str(package)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(temp),
                                  "FLASHDL_HOME": str(flashdl_home)})
    deadline = time.monotonic() + 60
    while not list(temp.glob("flashdl-import-*")) and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    if child.returncode == 0:
        pytest.skip("the import finished before SIGTERM arrived")
    assert child.returncode == 143 and "terminated" in err and "Traceback" not in err, err
    assert list(temp.iterdir()) == []


def test_leftovers_of_killed_imports_and_backups_are_pruned(
    tmp_path: Path, flashdl_home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    import tempfile
    import time

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = {}
    for name, owner in (("dead", dead), ("live", str(os.getpid())), ("old", None), ("new", None)):
        folder = temp / f"flashdl-import-{name}"
        folder.mkdir()
        (folder / "collection.sqlite3").write_bytes(b"x" * 100)
        if owner is not None:
            (folder / "owner.pid").write_text(owner, encoding="ascii")
        stale[name] = folder
    two_hours_ago = time.time() - 7200
    os.utime(stale["old"], (two_hours_ago, two_hours_ago))
    backups = flashdl_home / "backups"
    backups.mkdir()
    leftovers = [backups / "flashdl-20200101-000000-000000-daily.partial",
                 backups / "flashdl-20200101-000000-000000-daily.partial-journal"]
    for path in leftovers:
        path.write_bytes(b"half a backup")
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert main(["import", str(_package(tmp_path / "small.apkg", 3))]) == 0  # prunes on its way
    assert sorted(p.name for p in temp.glob("flashdl-import-*")) == [
        "flashdl-import-live", "flashdl-import-new"]
    from flashdl.config import BackupPolicy
    from flashdl.store import open_store
    from flashdl.store.backup import prune_backups

    with open_store() as store:
        assert store.sqlite_path is not None
        prune_backups(backups, store.sqlite_path, BackupPolicy())
    assert not any(path.exists() for path in leftovers)


@pytest.mark.slow
def test_a_full_disk_is_named_and_the_store_survives(tmp_path: Path) -> None:
    """The home on a 300 KB file system: the import that fills it says the disk is full (not
    "disk I/O error"), rolls back, and the store still opens."""
    if not _unshare_available():
        pytest.skip("needs root and unshare to mount a small file system")
    home = tmp_path / "small"
    home.mkdir()
    deck = tmp_path / "deck.csv"
    deck.write_text("".join(f"Question {i} {'x' * 100},Answer {i}\n" for i in range(3000)),
                    encoding="utf-8")
    flashdl = f"{sys.executable} -m flashdl"
    script = "\n".join([
        f"mount -t tmpfs -o size=300k tmpfs '{home}' || exit 99",
        f"{flashdl} decks > /dev/null || exit 98",
        f"{flashdl} import '{deck}'; echo rc=$?",
        f"{flashdl} decks | tail -1",
    ])
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "FLASHDL_HOME": str(home)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rc=3" in result.stdout and "the disk is full" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "disk I/O error" not in result.stderr
    assert "all decks" in result.stdout  # the store is intact
