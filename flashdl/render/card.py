"""Card text as the learner sees it: one rendering path for every screen and command.

A card's stored text (its *source*) is Markdown, whether it was written for a built-in deck,
in a Markdown deck, or converted from an Anki field (:mod:`flashdl.formats.html_text`). On top
of Markdown it may hold:

- math: ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``, shown as Unicode by
  :mod:`flashdl.render.math` (or as its LaTeX source when it cannot be read faithfully);
- images ``![alt](name)`` and sounds ``[sound:name]``, where ``name`` is a file in the media
  folder. The text shows them as ``🖼 name`` and ``🔊 name`` labels; the study screen draws the
  images and plays the sounds (``flashdl.tui.widgets.media``).

The study screen shows :func:`screen_markdown` through Textual's Markdown widget; the command
line, JSON output and the quiz show :func:`plain_text`, which is the same text without the
Markdown: both are parsed by the same markdown-it parser Textual uses, so they agree. Both go
through :func:`flashdl.render.terminal.clean`, so no control character from a deck reaches
the terminal.

Pure: no Textual, no store.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flashdl.render.math import (
    MATH_SPANS,
    escape_markdown,
    latex_to_unicode,
    math_span,
    render_math,
)
from flashdl.render.terminal import clean

IMAGE_LABEL = "🖼"
SOUND_LABEL = "🔊"

# An image: ![alt](name), ![alt](<name with spaces>), optionally with a "title".
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\]\\\n]|\\.)*)\]\(\s*(?:<(?P<angled>[^>\n]+)>|(?P<bare>[^)\s]+))"
    r"(?:\s+\"[^\"\n]*\")?\s*\)"
)
_SOUND = re.compile(r"\[sound:([^\]\n]+)\]")
#: flashdl stores imported media as ``<12 hex digits of the content>-<original name>``
_CONTENT_PREFIX = re.compile(r"^[0-9a-f]{12}-(?=.)")
#: Characters that make a text more than plain text (Markdown, math, media, entities).
_SPECIAL = re.compile(r"[\\`*_\[\]<>|~$&#!]|^\s*(?:[-+]\s|\d+[.)]\s|>)|https?:|www\.", re.MULTILINE)


def media_label(name: str) -> str:
    """The name a learner knows a media file by: its stored name without the content prefix."""
    return clean(_CONTENT_PREFIX.sub("", name.strip()))


def _image_name(match: re.Match[str]) -> str:
    return (match.group("angled") or match.group("bare") or "").strip()


def media_names(source: str) -> list[str]:
    """The media files a card's text refers to (images and sounds) as stored in the media
    folder, in order of appearance, each once."""
    found = [(m.start(), _image_name(m)) for m in _IMAGE.finditer(source)]
    found += [(m.start(), m.group(1).strip()) for m in _SOUND.finditer(source)]
    return list(dict.fromkeys(clean(name) for _, name in sorted(found) if name))


def image_names(source: str) -> list[str]:
    """The images of a card's text, in order, each once."""
    return list(dict.fromkeys(clean(n) for n in (_image_name(m) for m in _IMAGE.finditer(source)) if n))


def sound_names(source: str) -> list[str]:
    """The sounds of a card's text, in order, each once."""
    return list(dict.fromkeys(clean(m.group(1).strip()) for m in _SOUND.finditer(source)))


def _media_as_labels(text: str) -> str:
    """Images and sounds as escaped ``🖼 name`` / ``🔊 name`` text, outside code."""
    if "](" not in text and "[sound:" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group("code") is not None:
            return match.group(0)
        if match.group("image") is not None:
            name = _image_name(match)
            return escape_markdown(f"{IMAGE_LABEL} {media_label(name)}") if name else ""
        return escape_markdown(f"{SOUND_LABEL} {media_label(match.group('sound_name'))}")

    return _MEDIA_OR_CODE.sub(replace, text)


_MEDIA_OR_CODE = re.compile(
    r"(?P<code>^[ ]{0,3}(?P<mark>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=mark)[`~]*[ \t]*$|\Z)"
    r"|(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))"
    rf"|(?P<image>{_IMAGE.pattern})"
    r"|\[sound:(?P<sound_name>[^\]\n]+)\]",
    re.MULTILINE | re.DOTALL,
)


@functools.lru_cache(maxsize=512)
def screen_markdown(source: str) -> str:
    """The Markdown the study screen renders for a card's front or back: math as Unicode,
    images and sounds as labels (the screen draws and plays them beside the text)."""
    return clean(render_math(_media_as_labels(source)))


# -- plain text --------------------------------------------------------------------------------

@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"linkify": False})  # Textual's parser; URLs stay text


_HELD = re.compile("\ue000(\\d+)\ue001")


@functools.lru_cache(maxsize=4096)
def plain_text(source: str) -> str:
    """A card's front or back as plain text, as the learner sees it: math in Unicode, emphasis
    marks and escapes gone, line breaks and list markers kept, tables as aligned columns,
    images and sounds as ``🖼 name`` / ``🔊 name``, links as ``text (address)``."""
    if not _SPECIAL.search(source):
        return clean(source.strip())
    # Math and media first, set aside so that Markdown does not read their backslashes.
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return f"\ue000{len(held) - 1}\ue001"

    def math(match: re.Match[str]) -> str:
        span = math_span(match)
        return match.group(0) if span is None else hold(latex_to_unicode(span[0]))

    def media(match: re.Match[str]) -> str:
        if match.group("code") is not None:
            return match.group(0)
        if match.group("image") is not None:
            name = _image_name(match)
            return hold(f"{IMAGE_LABEL} {media_label(name)}") if name else ""
        return hold(f"{SOUND_LABEL} {media_label(match.group('sound_name'))}")

    text = source.replace("\ue000", "").replace("\ue001", "")
    text = MATH_SPANS.sub(math, _MEDIA_OR_CODE.sub(media, text))
    try:
        rendered = _render_blocks(_parser().parse(text))
    except Exception:  # noqa: BLE001 - a card must always display
        rendered = text
    rendered = _HELD.sub(lambda m: held[int(m.group(1))], rendered)
    return clean(rendered.strip("\n").rstrip())


def _inline(token: Any) -> str:
    out: list[str] = []
    href_stack: list[str] = []
    start_stack: list[int] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            out.append(child.content or "")
        elif kind == "link_open":
            href_stack.append(str(child.attrs.get("href", "")))
            start_stack.append(len(out))
        elif kind == "link_close" and href_stack:
            href, start = href_stack.pop(), start_stack.pop()
            label = "".join(out[start:])
            if href and label.strip() != href and f"<{href}>" != label:
                out.append(f" ({href})")
    return "".join(out)


def _table(rows: list[list[str]], header_rows: int) -> list[str]:
    if header_rows and rows and not any(cell.strip() for cell in rows[0]):
        rows, header_rows = rows[1:], 0  # an HTML table without a header row
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(columns)]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"
             for row in rows]
    if header_rows:
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines


def _render_blocks(tokens: list[Any]) -> str:
    """Plain text from markdown-it block tokens, blocks apart as far as in the source (one blank
    line at most)."""
    out: list[str] = []
    lists: list[list[Any]] = []  # per open list: [ordered, next number, marker character]
    indents: list[str] = []  # per open list item: the indent of its continuation lines
    pending_marker = ""
    table: list[list[str]] | None = None
    table_map: list[int] = [0, 0]
    row: list[str] = []
    header_rows = 0
    quote = 0
    last_line = -1

    def emit(text: str, lines_map: Any) -> None:
        nonlocal pending_marker, last_line
        start, end = (lines_map or (last_line, last_line))
        if out:
            out.append("\n\n" if start > last_line else "\n")
        last_line = max(last_line, end)
        indent = "".join(indents)
        lines = text.split("\n")
        first = ("".join(indents[:-1]) + pending_marker) if pending_marker else indent
        body = [first + lines[0]] + [indent + line if line else "" for line in lines[1:]]
        if quote:
            body = ["> " * quote + line for line in body]
        pending_marker = ""
        out.append("\n".join(body))

    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 0
            lists.append([kind == "ordered_list_open", start, token.markup or "-"])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number, mark = lists[-1]
            marker = f"{number}{mark if mark in '.)' else '.'} " if ordered else f"{mark} "
            lists[-1][1] = number + 1
            pending_marker = marker
            indents.append(" " * len(marker))
        elif kind == "list_item_close":
            indents.pop()
            pending_marker = ""
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "inline" and table is not None:
            row.append(_inline(token).strip())
        elif kind == "inline":
            emit(_inline(token), token.map)
        elif kind in ("fence", "code_block", "html_block"):
            emit(token.content.rstrip("\n"), token.map)
        elif kind == "hr":
            emit("—" * 10, token.map)
        elif kind == "table_open":
            table, header_rows, table_map = [], 0, token.map
        elif kind == "thead_close":
            header_rows = len(table or [])
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and table is not None:
            table.append(row)
        elif kind == "table_close" and table is not None:
            lines = _table(table, header_rows)
            table = None
            if lines:
                emit("\n".join(lines), table_map)
    return "".join(out)
