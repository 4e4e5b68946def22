"""flashdl card text (Markdown) as HTML for Anki: what the ``.apkg`` and CSV exports write.

markdown-it-py (the parser Textual itself uses) renders the Markdown: emphasis, lists, tables,
code blocks as ``<pre><code>``, links, and images as ``<img src>`` naming the media file. A
paragraph's hard-wrapped source lines become one paragraph (HTML white space), a Markdown hard
break (``\\`` at the end of a line) a ``<br>``. Raw HTML in card text is escaped, never passed
on: card text is data.

Math (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) is set aside before Markdown sees it
and written as MathJax ``\\(...\\)`` (inline) or ``\\[...\\]`` (display), which Anki typesets;
``[sound:...]`` tags are kept as Anki writes them.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from flashdl.render.math import MATH_SPANS, math_span

_SOUND = re.compile(r"\[sound:[^\]\n]+\]")
_HELD = re.compile("\ue000(\\d+)\ue001")


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    # A soft line break (a hard-wrapped source line) is a space; a hard break is Anki's <br>.
    parser.add_render_rule("softbreak", lambda *args: " ")
    parser.add_render_rule("hardbreak", lambda *args: "<br>")
    parser.add_render_rule("image", _image)
    return parser


def _image(self: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
    """``<img src="name">`` with the media file's own name (Anki looks files up by it)."""
    from urllib.parse import unquote

    token = tokens[index]
    src = unquote(str(token.attrs.get("src", "")))
    alt = "".join(child.content for child in token.children or ())
    alt_part = f' alt="{html.escape(alt)}"' if alt else ""
    return f'<img src="{html.escape(src)}"{alt_part}>'


def markdown_to_html(source: str) -> str:
    """The HTML of a card's front or back, for Anki."""
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return f"\ue000{len(held) - 1}\ue001"

    def math(match: re.Match[str]) -> str:
        span = math_span(match)
        if span is None:
            return match.group(0)
        body = html.escape(span[0].strip(), quote=False)
        return hold(f"\\[{body}\\]" if span[1] else f"\\({body}\\)")

    text = source.replace("\ue000", "").replace("\ue001", "")
    text = _SOUND.sub(lambda m: hold(html.escape(m.group(0), quote=False)), text)
    text = MATH_SPANS.sub(math, text)
    rendered = _parser().render(text).strip()
    # One paragraph is plain text in Anki's editor, as Anki itself writes a one-line field.
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _HELD.sub(lambda m: held[int(m.group(1))], rendered)
