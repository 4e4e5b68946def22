""""Did you mean ...?" for a mistyped name: a command, a deck, a demo, a parameter.

One rule everywhere: the closest names by difflib's similarity (case ignored), and failing that
the names that contain what was typed or are contained in it ("norm" finds "batchnorm").
Pure standard library, so the command line can use it before anything heavy is imported.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: how similar (difflib ratio) a name must be to be offered
CUTOFF = 0.5
#: names offered besides the closest one are at most this much less similar
NEAR_BEST = 0.1


def close_names(name: str, candidates: Iterable[str], most: int = 3) -> list[str]:
    """Up to ``most`` of ``candidates`` that ``name`` was probably meant to be, best first."""
    names = list(dict.fromkeys(candidates))
    by_folded: dict[str, str] = {}
    for candidate in names:
        by_folded.setdefault(candidate.casefold(), candidate)
    typed = name.casefold()
    scored = sorted(
        ((difflib.SequenceMatcher(None, typed, folded).ratio(), folded) for folded in by_folded),
        key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0.0
    # "studdy" is "study", not also "suspended": only names about as close as the closest
    close = [folded for score, folded in scored
             if score >= CUTOFF and score >= best - NEAR_BEST][:most]
    if not close and typed:
        close = [folded for folded in by_folded if typed in folded or folded in typed][:most]
    return [by_folded[folded] for folded in close]


def did_you_mean(name: str, candidates: Iterable[str], most: int = 3) -> str:
    """``"Did you mean 'study'?"`` (several: ``'a', 'b'``), or ``""`` when nothing is close."""
    close = close_names(name, candidates, most)
    return f"Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
