"""On CI the real components are required: a missing one fails the run instead of skipping.

The suite tests flashdl against a real terminal (tmux), a real PostgreSQL server, and files made
by Anki's own ``anki`` package. On a developer's machine a missing one skips its tests with the
reason; under ``CI=true`` (what GitHub Actions, GitLab CI and most others set) the run stops at
the start, naming what is missing and how to get it, so CI can never go green without them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import NoReturn

import pytest


def on_ci() -> bool:
    """``CI`` is set to something true (``true``, ``1``, ``yes``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test here; fail it on CI, where every real component must be exercised."""
    if on_ci():
        pytest.fail(f"{reason} (CI=true: the real components are required, not skipped)",
                    pytrace=False)
    pytest.skip(reason)


def missing_real_components() -> list[str]:
    """What this machine lacks of the real components, each with how to get it."""
    from helpers.pg_cluster import unavailable_reason

    missing = []
    if shutil.which("tmux") is None:
        missing.append("tmux is not on PATH (the real-terminal tests): apt-get install tmux")
    reason = unavailable_reason()
    if reason is not None:
        missing.append(f"PostgreSQL (the PostgreSQL store tests): {reason}")
    for module, why in (("anki", "builds real Anki packages"), ("pexpect", "drives flashdl quiz")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"the Python package {module} ({why}): pip install -e '.[test]'")
    return missing
