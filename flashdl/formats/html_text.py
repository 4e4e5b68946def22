"""Anki fields are HTML; flashdl cards are Markdown / plain text. html2text does the conversion.

Two deliberate departures from html2text's defaults: no line wrapping (card text keeps its own
lines), and no Markdown escaping of the text itself (html2text would turn MathJax ``\\(x\\)`` into
``\\\\(x\\\\)`` and ``- 1`` into ``\\- 1``; the text is shown as written, never interpreted).
"""

from __future__ import annotations

import html
import re
from typing import Any

_HTML_HINT = re.compile(
    r"<\s*/?\s*(br|b|i|u|em|strong|div|p|span|img|ul|ol|li|sub|sup|code|pre|a|font|hr|table|tr|td"
    r"|h[1-6]|audio|video|blockquote)\b[^>]*>|&(nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_STRAY_SPACE = re.compile(r"(?m)^ (?=\S)")
_converter_class: Any = None


def looks_like_html(text: str) -> bool:
    """Whether a field without an ``#html:`` header is best read as HTML."""
    return bool(_HTML_HINT.search(text))


def _converter() -> Any:
    global _converter_class
    if _converter_class is None:
        import html2text

        class _Unescaped(html2text.HTML2Text):
            def handle_data(self, data: str, entity_char: bool = False) -> None:
                # entity_char=True is html2text's own switch for "do not Markdown-escape this".
                super().handle_data(data, entity_char=True)

        _converter_class = _Unescaped
    converter = _converter_class()
    converter.body_width = 0
    converter.unicode_snob = True
    converter.single_line_break = False
    return converter


def tidy(text: str) -> str:
    """Plain line endings, no trailing spaces, at most one blank line, no outer whitespace."""
    if "\n" not in text and "\r" not in text and "\xa0" not in text:
        return text.strip()
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def html_to_text(markup: str) -> str:
    """Markdown-ish plain text for an HTML fragment. Never raises on odd HTML."""
    if "<" not in markup and "&" not in markup:
        return tidy(markup)
    try:
        # html2text leaves a stray space at the start of a line after some block elements; two
        # or more (list nesting, code) are meaningful and kept.
        return tidy(_STRAY_SPACE.sub("", _converter().handle(markup)))
    except Exception:  # html2text on pathological input: fall back to stripping the tags
        return tidy(html.unescape(re.sub(r"<[^>]*>", " ", markup)))


def text_to_html(text: str) -> str:
    """Plain text as an HTML field: escaped, with line breaks kept (for Anki export)."""
    return html.escape(text, quote=False).replace("\n", "<br>")
