"""Moving between the app's screens where more than one screen decides: "back to decks"."""

from __future__ import annotations

import datetime as dt

from textual.app import App


def back_to_decks(app: App[object], today: dt.date) -> None:
    """Show the deck list, as a "Back to decks" key promises, from however deep the learner is
    (a quiz's end screen, then a session of the missed cards, then its summary): the screens
    above the deck list close; with no deck list underneath (``flashdl quiz``, ``flashdl study
    DECK``) one replaces them."""
    from flashdl.tui.screens.deck_list import DeckListScreen

    stack = app.screen_stack
    lists = [depth for depth, screen in enumerate(stack) if isinstance(screen, DeckListScreen)]
    keep = lists[-1] + 1 if lists else 2  # the deck list, or the app's default screen and one
    for _ in range(len(stack) - keep):
        app.pop_screen()
    if not lists:
        app.switch_screen(DeckListScreen(today=today))
