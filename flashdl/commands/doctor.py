"""``flashdl doctor``: check and repair the store."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    return None
