"""Find the files that ship with flashdl: built-in decks and the Alembic scripts.

In a wheel they are inside the package (``flashdl/_data/``, hatch force-include); in an editable
checkout they are the repository's top-level ``decks/`` and ``migrations/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"flashdl's {name}/ folder is missing; reinstall flashdl")


def decks_dir() -> Path:
    return _find("decks")


def migrations_dir() -> Path:
    return _find("migrations")
