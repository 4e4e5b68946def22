"""The TUI's side of the terminal boundary: a line filter on everything Textual draws.

Textual passes every line of every widget (deck list, study header and card, quiz, statistics,
notifications, the header's title) through the app's line filters just before it goes to the
terminal. :class:`TerminalSafe` replaces each control character in the text of those lines with
the visible placeholder :func:`flashdl.render.terminal.clean` uses, so a deck name, a card or a tag
carrying ``ESC ] 52`` can never write the clipboard, whichever widget shows it, including widgets
written after this one.

Textual lays a line out before the filter runs and counts a control character as zero cells
wide; its placeholder takes one cell, so the line is cut back to its width from the right (the
last cells of a line holding hostile text may be lost; the line never spills into the next).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from flashdl.render.terminal import clean, is_clean


class TerminalSafe(LineFilter):
    """Show control characters in drawn text as placeholders instead of sending them."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(segment.control or is_clean(segment.text) for segment in segments):
            return segments
        width = sum(cell_len(segment.text) for segment in segments if not segment.control)
        cleaned = [
            segment if segment.control else Segment(clean(segment.text), segment.style)
            for segment in segments
        ]
        return list(Segment.adjust_line_length(cleaned, width))
