"""Images and sounds of a card: drawn in the terminal, opened in the system viewer, played.

A card's text names its media files (:func:`flashdl.render.card.media_names`); the text itself
shows ``🖼 name`` / ``🔊 name`` labels, and a :class:`MediaPanel` under it draws each image, sized
to fit, with its file name under it, and a labelled chip for each sound.

Drawing uses textual-image (Pillow underneath), loaded only when a card with an image is shown:
Kitty's graphics protocol in Kitty and Ghostty, Sixel in terminals known to support it (WezTerm,
foot, mlterm, iTerm2, Konsole, contour), Unicode half blocks everywhere else, including inside
tmux and screen. ``FLASHDL_IMAGES=kitty|sixel|halfblock|off`` overrides the choice. The
terminal is never *asked*: textual-image would query it on import and read the answer from
stdin, which Textual's input thread owns once the app runs (keys could be lost), so flashdl
refuses those queries and decides from the environment.

Media names come from deck files and are never trusted as paths: :func:`media_file` only
returns a plain file name found directly inside the media folder.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from flashdl.render.card import IMAGE_LABEL, SOUND_LABEL, image_names, media_label, sound_names
from flashdl.render.terminal import clean

PROTOCOLS = ("kitty", "sixel", "halfblock", "off")
#: Sound players tried in order, with the arguments that make them play once, quietly, no window.
PLAYERS = (
    ("mpv", ("--no-video", "--really-quiet")),
    ("ffplay", ("-nodisp", "-autoexit", "-loglevel", "quiet")),
    ("afplay", ()),
    ("paplay", ()),
    ("aplay", ("-q",)),
    ("play", ("-q",)),
    ("cvlc", ("--play-and-exit", "--quiet")),
)
#: The tallest an image is drawn, in rows (it never takes more than a third of the screen either,
#: so the card's text stays in view).
MAX_IMAGE_ROWS = 16
MAX_UPSCALE = 4


def media_file(name: str, folder: Path | None = None) -> Path | None:
    """The file ``name`` in the media folder, or None: a name with a path in it (``../x``,
    ``/etc/passwd``, ``a/b``), a link out of the folder or a missing file is never followed."""
    from flashdl import config

    folder = folder if folder is not None else config.media_dir()
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return None
    try:
        base = folder.resolve()
        path = (base / name).resolve()
    except (OSError, RuntimeError):
        return None
    return path if path.parent == base and path.is_file() else None


def image_protocol() -> str:
    """How images are drawn in this terminal (see the module docstring)."""
    chosen = os.environ.get("FLASHDL_IMAGES", "").strip().lower()
    if chosen in PROTOCOLS:
        return chosen
    if os.environ.get("TMUX") or os.environ.get("STY"):
        return "halfblock"  # multiplexers pass graphics through unreliably
    term = os.environ.get("TERM", "").lower()
    program = os.environ.get("TERM_PROGRAM", "")
    if "kitty" in term or "ghostty" in term or os.environ.get("KITTY_WINDOW_ID") or program == "ghostty":
        return "kitty"
    if (program in ("WezTerm", "iTerm.app", "mlterm", "contour")
            or term.startswith(("foot", "mlterm", "contour", "yaft"))
            or os.environ.get("KONSOLE_VERSION")):
        return "sixel"
    return "halfblock"


@functools.cache
def _image_class(protocol: str) -> Any:
    """textual-image's widget for ``protocol``, imported without querying the terminal."""
    import textual_image._terminal as terminal

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise terminal.TerminalError("flashdl does not query the terminal while the app runs")

    terminal.capture_terminal_response = refuse  # type: ignore[assignment]
    if protocol == "halfblock":
        # Half blocks only need the cells' shape; a fixed 1:2 also keeps snapshots stable.
        terminal.get_cell_size._result = terminal.CellSize(10, 20)  # type: ignore[attr-defined]
    from textual_image import widget

    return {"kitty": widget.TGPImage, "sixel": widget.SixelImage}.get(protocol, widget.HalfcellImage)


def fit(pixels: tuple[int, int], cell: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """(columns, rows) for an image of ``pixels`` drawn in cells of ``cell`` pixels, as large as
    fits in ``box`` (columns, rows) keeping its shape, enlarged at most MAX_UPSCALE times."""
    width, height = max(1, pixels[0]), max(1, pixels[1])
    scale = min(box[0] * cell[0] / width, box[1] * cell[1] / height, MAX_UPSCALE)
    return max(1, round(width * scale / cell[0])), max(1, round(height * scale / cell[1]))


class CardImage(Vertical):
    """One image, sized to fit, with its file name under it."""

    def __init__(self, name: str, path: Path | None, *, protocol: str) -> None:
        super().__init__(classes="card-image")
        self.media_name, self.path, self.protocol = name, path, protocol
        self.pixels: tuple[int, int] | None = None
        self.problem: str | None = None
        if path is None:
            self.problem = "not in the media folder"
        elif protocol != "off":
            try:
                from PIL import Image

                with Image.open(path) as image:
                    self.pixels = image.size
            except Exception:  # noqa: BLE001 - any unreadable file: say so, never crash
                self.problem = "not an image flashdl can draw"

    def compose(self) -> ComposeResult:
        if self.pixels is not None and self.path is not None:
            yield _image_class(self.protocol)(str(self.path), classes="picture")
        caption = f"{IMAGE_LABEL} {media_label(self.media_name)}"
        caption += f" ({self.problem})" if self.problem else "   o opens it"
        yield Static(clean(caption), classes="caption", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        pictures = self.query(".picture")
        if not pictures or self.pixels is None:
            return
        import textual_image._terminal as terminal

        cell = terminal.get_cell_size()
        screen_rows = self.app.size.height if self.is_attached else 24
        rows = max(4, min(MAX_IMAGE_ROWS, screen_rows // 3))
        columns = max(1, min(self.size.width or 60, 80))
        width, height = fit(self.pixels, (cell.width, cell.height), (columns, rows))
        picture = pictures.first()
        if (picture.styles.width, picture.styles.height) != (width, height):
            picture.styles.width, picture.styles.height = width, height


class MediaPanel(Vertical):
    """The images and sounds of one side of a card (hidden when it has none)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="media")
        self.source = ""
        self.images: list[str] = []
        self.sounds: list[str] = []
        self.display = False

    async def show(self, source: str) -> None:
        """Draw the media of ``source`` (a card's front or back text)."""
        if source == self.source and self.children:
            return
        self.source = source
        self.images, self.sounds = image_names(source), sound_names(source)
        if not (self.images or self.sounds or self.children):  # the usual card: nothing to do
            self.display = False
            return
        await self.remove_children()
        self.display = bool(self.images or self.sounds)
        if not self.display:
            return
        protocol = image_protocol()
        widgets: list[Any] = [CardImage(name, media_file(name), protocol=protocol)
                              for name in self.images]
        widgets += [Static(clean(f"{SOUND_LABEL} {media_label(name)}   p plays it"),
                           classes="sound-chip", markup=False) for name in self.sounds]
        await self.mount_all(widgets)

    async def clear(self) -> None:
        self.source, self.images, self.sounds = "", [], []
        self.display = False
        await self.remove_children()


def _start(command: list[str]) -> None:
    """Run a viewer or player in the background, detached, with no terminal I/O."""
    subprocess.Popen(  # noqa: S603 - a fixed program and a checked path, never a shell
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )


def open_in_viewer(name: str) -> str:
    """Open an image in the system viewer; returns what to tell the learner."""
    path = media_file(name)
    label = media_label(name)
    if path is None:
        return f"{label} is not in the media folder."
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    program = shutil.which(opener)
    if program is None:
        return f"No image viewer found ({opener} is not installed)."
    try:
        _start([program, str(path)])
    except OSError as exc:
        return f"Could not open {label}: {exc.strerror or exc}"
    return f"Opened {label} in the system viewer."


def play_sound(name: str) -> str:
    """Play a sound with the first player found; returns what to tell the learner."""
    path = media_file(name)
    label = media_label(name)
    if path is None:
        return f"{label} is not in the media folder."
    for player, arguments in PLAYERS:
        program = shutil.which(player)
        if program is not None:
            try:
                _start([program, *arguments, str(path)])
            except OSError as exc:
                return f"Could not play {label}: {exc.strerror or exc}"
            return f"Playing {label} ({player})."
    names = ", ".join(player for player, _ in PLAYERS)
    return f"No sound player found (looked for {names})."
