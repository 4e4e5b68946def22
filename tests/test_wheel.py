"""The wheel carries the built-in decks and the migrations, and works outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("flashdl-*.whl")
    return path


def test_wheel_contains_decks_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    decks = {Path(n).name for n in names if n.startswith("flashdl/_data/decks/")}
    assert {p.name for p in (REPO / "decks").glob("*.toml")} <= decks
    assert "flashdl/_data/migrations/env.py" in names
    shipped_revisions = {Path(n).name for n in names if n.startswith("flashdl/_data/migrations/versions/")}
    assert {p.name for p in (REPO / "migrations" / "versions").glob("*.py")} <= shipped_revisions


def test_installed_wheel_runs_flashdl_decks_in_a_clean_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("FLASHDL_DB", "PYTHONPATH")}
    env["FLASHDL_HOME"] = str(home)
    # run from an unrelated folder so nothing can come from the checkout
    result = subprocess.run(
        [str(env_dir / "bin" / "flashdl"), "decks", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    decks = json.loads(result.stdout)["decks"]
    assert len(decks) == len(list((REPO / "decks").glob("*.toml")))
    assert all(d["total"] > 0 for d in decks)
    where = subprocess.run(
        [str(py), "-c", "import flashdl.resources as r; print(r.decks_dir())"],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert str(env_dir) in where.stdout
