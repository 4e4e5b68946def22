"""The terminal boundary: no control character from a deck reaches the terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashdl.render.card import media_names, plain_text, screen_markdown
from flashdl.render.terminal import clean, is_clean

HOSTILE = "\x1b]52;c;aGk=\x07\x1b]0;title\x07\x1b[2J\x1b[31mred\x9b2J\x7f\rend"


def test_escape_sequences_become_visible_placeholders() -> None:
    shown = clean(HOSTILE)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\r" not in shown and "\x7f" not in shown
    assert shown.startswith("␛]52;c;aGk=␇")
    assert "red\ufffd2J" in shown


def test_newline_tab_and_ordinary_unicode_are_kept() -> None:
    text = "line one\n\tλ · x² — “quoted” 🖼"
    assert clean(text) is text


@given(st.text())
def test_cleaned_text_never_holds_a_control_character(text: str) -> None:
    shown = clean(text)
    assert is_clean(shown)
    assert not any(
        (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in shown
    )
    assert len(shown) == len(text)  # one placeholder per character: nothing vanishes


def test_card_renderings_are_cleaned() -> None:
    assert is_clean(plain_text(HOSTILE))
    assert is_clean(screen_markdown(HOSTILE))


def test_media_names_lists_images_and_sounds_once_in_order() -> None:
    source = "![](a.png) and ![x](b.jpg) [sound:c.mp3] ![](a.png)"
    assert media_names(source) == ["a.png", "b.jpg", "c.mp3"]
