"""Images, sounds and MathJax on the study screen: drawn (half blocks here), named, opened in the
system viewer, played, never followed out of the media folder; snapshots at 80x24 and 120x40."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.study.kit import make_app, make_store, screen_text, settle

from flashdl.tui.widgets.media import fit, image_protocol, media_file

IMAGE = "0123456789ab-sigmoid.png"
SOUND = "ba9876543210-sigmoid.mp3"
DECKS = {
    "media-image": ("Media image", """
[[cards]]
id = "plot"
front = "Which function is plotted here? ![](0123456789ab-sigmoid.png)"
back = "The logistic sigmoid. [sound:ba9876543210-sigmoid.mp3]"
source = "Goodfellow et al., Deep Learning, 3.10"
"""),
    "media-math": ("Media math", r"""
[[cards]]
id = "sigmoid"
front = 'Sigmoid: \(\sigma(x)=\frac{1}{1+e^{-x}}\). Its derivative?'
back = '''
\[\sigma'(x) = \sigma(x)\,(1-\sigma(x))\]

Largest at x = 0: \(\sigma'(0) = \tfrac{1}{4}\). Unreadable LaTeX stays as written: \(x \xrightarrow{f} y\)
'''
"""),
}
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def sigmoid_png() -> bytes:
    """A 64x32 plot of the sigmoid: dark background, light curve (deterministic)."""
    import math

    from PIL import Image

    image = Image.new("RGB", (64, 32), (20, 24, 40))
    for x in range(64):
        y = 1 / (1 + math.exp(-(x - 32) / 6))
        for dy in (0, 1):
            image.putpixel((x, min(31, max(0, round(31 - y * 29) + dy))), (240, 200, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media_db(db_url: str, flashdl_home: Path, tmp_path: Path, monkeypatch) -> str:
    monkeypatch.setenv("FLASHDL_IMAGES", "halfblock")
    folder = tmp_path / "decks"
    folder.mkdir()
    for key, (name, cards) in DECKS.items():
        (folder / f"{key}.toml").write_text(
            f'[deck]\nid = "{key}"\nname = "{name}"\n{cards}', encoding="utf-8")
    media = flashdl_home / "media"
    media.mkdir()
    (media / IMAGE).write_bytes(sigmoid_png())
    (media / SOUND).write_bytes(b"ID3 a sound")
    make_store(db_url, folder).close()
    return db_url


async def front(pilot) -> None:
    await settle(pilot)


async def revealed(pilot) -> None:
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_image_card_snapshot(snap_compare, media_db, size):
    app = make_app(media_db, initial="study", deck_keys=["media-image"])
    assert snap_compare(app, terminal_size=size, run_before=revealed)


@pytest.mark.parametrize("size", SIZES)
def test_mathjax_card_snapshot(snap_compare, media_db, size):
    app = make_app(media_db, initial="study", deck_keys=["media-math"])
    assert snap_compare(app, terminal_size=size, run_before=revealed)


async def test_the_image_is_drawn_with_its_name_and_the_sound_is_a_chip(media_db):
    app = make_app(media_db, initial="study", deck_keys=["media-image"])
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Which function is plotted here? 🖼 sigmoid.png" in text
        assert "🖼 sigmoid.png   o opens it" in text
        assert "▀" in text or "▄" in text  # half blocks carry the pixels
        await pilot.press("space")
        await settle(pilot)
        app.screen.query_one("#card").scroll_end(animate=False)
        await settle(pilot)
        text = screen_text(app)
        assert "🔊 sigmoid.mp3   p plays it" in text
        assert "Source: Goodfellow et al., Deep Learning, 3.10" in text


def _fake_program(folder: Path, name: str, log: Path) -> None:
    script = folder / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


async def _wait_for(path: Path, pilot) -> str:
    for _ in range(200):
        if path.exists() and path.read_text():
            return path.read_text()
        await pilot.pause(0.02)
    raise AssertionError(f"{path} was never written")


async def test_o_opens_the_image_and_p_plays_the_sound(media_db, tmp_path, monkeypatch, flashdl_home):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_program(bin_dir, "xdg-open" if sys.platform != "darwin" else "open", tmp_path / "opened")
    _fake_program(bin_dir, "mpv", tmp_path / "played")
    monkeypatch.setenv("PATH", str(bin_dir))
    app = make_app(media_db, initial="study", deck_keys=["media-image"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        opened = await _wait_for(tmp_path / "opened", pilot)
        assert opened.split() == [str((flashdl_home / "media" / IMAGE).resolve())]
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("p")
        played = await _wait_for(tmp_path / "played", pilot)
        assert played.split()[-1] == str((flashdl_home / "media" / SOUND).resolve())


async def test_without_a_player_p_says_none_was_found(media_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = make_app(media_db, initial="study", deck_keys=["media-image"])
    async with app.run_test(size=(80, 24)) as pilot:
        await revealed(pilot)
        await pilot.press("p")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("No sound player found (looked for mpv") for m in messages)


@pytest.mark.parametrize("name", ["../secret.png", "/etc/passwd", "sub/x.png", "..", "", "link.png"])
def test_media_names_are_never_followed_out_of_the_media_folder(tmp_path, name):
    folder = tmp_path / "media"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    (folder / "sub").mkdir()
    (folder / "sub" / "x.png").write_bytes(b"x")
    os.symlink(tmp_path / "secret.png", folder / "link.png")
    assert media_file(name, folder) is None
    (folder / "ok.png").write_bytes(b"x")
    assert media_file("ok.png", folder) == (folder / "ok.png").resolve()


def test_images_fit_the_box_and_keep_their_shape():
    assert fit((640, 320), (10, 20), (60, 16)) == (60, 15)  # 2:1 picture, cells twice as tall
    assert fit((100, 1000), (10, 20), (60, 16)) == (3, 16)  # tall: the rows limit it
    assert fit((8, 4), (10, 20), (60, 16)) == (3, 1)  # tiny: enlarged at most 4 times


def test_protocol_follows_the_terminal(monkeypatch):
    for var in ("FLASHDL_IMAGES", "TMUX", "STY", "KITTY_WINDOW_ID", "TERM_PROGRAM", "KONSOLE_VERSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-kitty")
    assert image_protocol() == "kitty"
    monkeypatch.setenv("TERM", "foot")
    assert image_protocol() == "sixel"
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    assert image_protocol() == "halfblock"
    monkeypatch.setenv("FLASHDL_IMAGES", "off")
    assert image_protocol() == "off"


def test_pillow_and_textual_image_load_only_for_a_card_with_an_image():
    code = ("import sys; import flashdl.tui.screens.study, flashdl.cli, flashdl.render.card; "
            "print(sorted(m for m in ('PIL', 'textual_image') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
