"""Posing an exercise card's question through the engine.

A card names a demo and that demo's parameters; the demo's exercise generator may take only
some of them (or none). The card's parameters are tried first, then the generator's defaults, so
a deck written for the demo still poses a question.
"""

from __future__ import annotations

from typing import Any


def pose_exercise(demo_name: str, params: dict[str, Any], seed: int) -> Any:
    """A fresh :class:`flashdl.engine.Exercise`; ``DemoError`` if the demo poses none."""
    from flashdl.engine import DemoError, make_exercise

    try:
        return make_exercise(demo_name, seed=seed, **params)
    except DemoError:
        if not params:
            raise
        return make_exercise(demo_name, seed=seed)
