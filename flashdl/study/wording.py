"""What the study screen says about a card and about an empty session. Pure."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 card``, ``2 cards``: ``n`` with the noun agreeing."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def card_status(deck_name: str, kind: str, *, is_new: bool, is_repeat: bool) -> str:
    """``Dropout · new · demonstrate``: where the card is from and why it is shown now."""
    if is_repeat:
        status = "again"  # missed earlier in this session
    elif is_new:
        status = "new"
    else:
        status = "review"
    extra = "" if kind in ("basic", "cloze") else f" · {kind}"
    return f"{deck_name} · {status}{extra}"


def progress(remaining: int, answered: int) -> str:
    return f"{remaining} to go · {answered} answered"


def nothing_to_study(*, chosen_cards: bool, one_deck: bool, next_due: str) -> str:
    """Why an empty session is empty, and when there will be something (``next_due``)."""
    if chosen_cards:
        return "None of these cards can be studied any more.  Press q to go back."
    where = "this deck" if one_deck else "these decks"
    return f"Nothing to study in {where} today. {next_due}  Press q to go back."
