"""Anki fields are HTML; flashdl card text is Markdown. markdownify does the conversion.

Why markdownify and not html2text (both were run on the corpus of real Anki HTML in
``tests/fixtures/anki_html.py``): markdownify writes lists flat and numbered from the margin
(html2text indents every item by two spaces, which is what once put the first item of a list at
another level), writes tables as GFM tables (html2text's ``a| 1`` rows lose their header and the
outer pipes), keeps ``<pre>`` as a fenced code block with its indentation (html2text turns it into an
indented block wrapped in stray blank lines), and escapes Markdown characters in the text
(``2*3*4`` stays ``2*3*4``; html2text leaves them to be read as emphasis, and doubles MathJax's
backslashes instead). It is slower: with lxml as its parser about 0.4 ms for a typical field against
0.2 ms (``make bench``: bench/bench_render.py), which an import pays once per field; nothing
converts HTML when a card is shown.

What flashdl adds on top (:class:`_AnkiMarkdown`):

- ``<sup>``/``<sub>`` become Unicode super/subscripts where every character has one (x², QKᵀ,
  dₖ) and ``^{...}``/``_{...}`` where not, so the maths keeps its meaning;
- ``<br>`` and Anki's ``<div>`` lines become Markdown hard line breaks (``\\`` at the end of the
  line), with the browser's rules: a ``<br>`` that ends a block adds nothing, an empty
  ``<div><br></div>`` is an empty line;
- MathJax ``\\(...\\)``, ``\\[...\\]`` and ``$...$`` spans and ``[sound:...]`` tags are set aside
  before conversion and put back verbatim (entities decoded), so no escaping touches them;
- image sources with spaces are written ``![](<a b.png>)`` so they stay one image.

The result is what every screen renders through :mod:`flashdl.render.card`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flashdl.render.math import SUBSCRIPTS, SUPERSCRIPTS

_HTML_HINT = re.compile(
    r"<\s*/?\s*(br|b|i|u|em|strong|div|p|span|img|ul|ol|li|sub|sup|code|pre|a|font|hr|table|tr|td"
    r"|h[1-6]|audio|video|blockquote)\b[^>]*>|&(nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_NEWLINES = re.compile(r"\n{3,}")

# Private-use characters mark what the converter must not touch, and where lines break.
_BR, _BLOCK = "\ue002", "\ue003"
_HOLD_OPEN, _HOLD_CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile("[\ue000-\ue003]")
_HELD = re.compile(f"{_HOLD_OPEN}(\\d+){_HOLD_CLOSE}")
#: Set aside before conversion: MathJax and dollar math, and Anki's sound tags.
_VERBATIM = re.compile(
    r"\\\((?:.|\n)+?\\\)|\\\[(?:.|\n)+?\\\]|\$\$(?:.|\n)+?\$\$"
    r"|\$(?=\S)(?:[^$\\\n]|\\.)+?(?<=\S)\$(?!\d)|\[sound:[^\]\n]+\]"
)
_TAG = re.compile(r"<[^>]*>")

#: Markdown characters escaped in text, so the text is shown as written, never interpreted.
#: ``[`` is left alone (``\\[`` opens MathJax display math), and ``]`` is escaped only where it
#: would close a link (``](``, ``][``, ``]:``), which is enough to keep ``[text](address)`` text.
_INLINE_SPECIAL = re.compile(r"([\\`*_<>|~]|\](?=[(\[:]))|&(?=#?\w+;)")
_LINE_START_SPECIAL = re.compile(r"(?m)^([ \t]*)([#+=-]|\d{1,9}[.)])(?=[ \t]|$)")


def escape_markdown_text(text: str) -> str:
    """``text`` with every character that could start Markdown syntax backslash-escaped."""
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    return _LINE_START_SPECIAL.sub(r"\1\\\2", text)


def looks_like_html(text: str) -> bool:
    """Whether a field without an ``#html:`` header is best read as HTML."""
    return bool(_HTML_HINT.search(text))


def tidy(text: str) -> str:
    """Plain line endings, no trailing spaces, at most one blank line, no outer whitespace."""
    if "\n" not in text and "\r" not in text and "\xa0" not in text:
        return text.strip()
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _scripted(text: str, table: dict[str, str], marker: str) -> str:
    plain = re.sub(r"\\(.)", r"\1", text).strip()
    if plain and all(ch in table for ch in plain):
        return "".join(table[ch] for ch in plain)
    return f"{marker}{{{text.strip()}}}" if plain else ""


_converter_instance: Any = None


def _converter() -> Any:
    global _converter_instance
    if _converter_instance is not None:
        return _converter_instance
    from markdownify import MarkdownConverter

    class _AnkiMarkdown(MarkdownConverter):  # type: ignore[misc]
        def escape(self, text: str, parent_tags: Any) -> str:
            return escape_markdown_text(text) if text else ""

        def convert_br(self, el: Any, text: str, parent_tags: Any) -> str:
            if "pre" in parent_tags or "_noformat" in parent_tags:
                return "\n" + text
            if parent_tags & {"td", "th"}:
                return " " + text
            return _BR + text

        def convert_div(self, el: Any, text: str, parent_tags: Any) -> str:
            if parent_tags & {"td", "th", "pre"}:
                return " " + text.strip() + " "
            return _BLOCK + text + _BLOCK

        def convert_li(self, el: Any, text: str, parent_tags: Any) -> str:
            return super().convert_li(el, _edge_markers(text), parent_tags)

        def convert_sup(self, el: Any, text: str, parent_tags: Any) -> str:
            return _scripted(text, SUPERSCRIPTS, "^")

        def convert_sub(self, el: Any, text: str, parent_tags: Any) -> str:
            return _scripted(text, SUBSCRIPTS, "\\_")

        def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
            src = (el.attrs.get("src") or "").strip()
            if not src:
                return ""
            alt = escape_markdown_text(el.attrs.get("alt") or "")
            target = f"<{src}>" if re.search(r"[\s()<>]", src) else src
            return f"![{alt}]({target})"

    _converter_instance = _AnkiMarkdown(
        heading_style="ATX", bullets="-", strip_document=None, code_language_callback=_language,
        newline_style="backslash", bs4_options=_html_parser(),
    )
    return _converter_instance


def _html_parser() -> str:
    """lxml's parser when installed (about three times faster on Anki fields, same Markdown),
    else Python's own."""
    try:
        import lxml  # noqa: F401
    except ImportError:
        return "html.parser"
    return "lxml"


def _language(el: Any) -> str | None:
    """``<pre><code class="language-python">`` -> ``python`` (the fence's info string)."""
    code = el.find("code") if el is not None else None
    for node in (el, code):
        for name in (node.get("class") or []) if node is not None else []:
            if name.startswith(("language-", "lang-")):
                return name.split("-", 1)[1]
    return None


def _edge_markers(text: str) -> str:
    """A list item's or cell's own text, without line-break markers at its edges."""
    return text.strip(f" \t\n{_BR}{_BLOCK}")


def _lines(text: str) -> str:
    """Resolve the line-break markers into Markdown: a hard break (``\\`` + newline) between
    lines of one paragraph, a blank line for an empty line."""
    out: list[str] = []
    line = ""
    for piece in re.split(f"([{_BR}{_BLOCK}])", text):
        if piece == _BR:
            out.append(line)
            line = ""
        elif piece == _BLOCK:
            if line.strip():
                out.append(line)
                line = ""
        else:
            line += piece
    if line.strip():
        out.append(line)
    result = ""
    for index, part in enumerate(out):
        if index == 0:
            result = part
        elif not part.strip():  # an empty line
            result = result.rstrip(" \t\n") + "\n\n"
        elif not result.strip():
            result = part.lstrip(" \t\n")
        elif result.endswith("\n") or part.startswith("\n\n"):  # next to a block (list, table)
            result = result.rstrip(" \t\n") + "\n\n" + part.lstrip(" \t\n")
        else:
            result = result.rstrip(" \t") + "\\\n" + part.lstrip(" \t\n")
    return result


def html_to_markdown(markup: str) -> str:
    """The Markdown for an Anki HTML field. Never raises on odd HTML."""
    markup = _MARKERS.sub("", markup)
    if "<" not in markup and "&" not in markup and "\\" not in markup and "$" not in markup \
            and "[" not in markup:
        return tidy(escape_markdown_text(" ".join(markup.split())))
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(html.unescape(_TAG.sub("", match.group(0))))
        return f"{_HOLD_OPEN}{len(held) - 1}{_HOLD_CLOSE}"

    text = _VERBATIM.sub(hold, markup)
    try:
        converted = _lines(_converter().convert(text))
    except Exception:  # markdownify on pathological input: fall back to the bare text
        converted = escape_markdown_text(html.unescape(_TAG.sub(" ", text)))
    converted = _HELD.sub(lambda m: held[int(m.group(1))], converted)
    converted = re.sub(r"\\\n(?=\s*\n|\s*$)", "\n", converted)  # a break that ends a block
    return tidy(_MARKERS.sub("", converted))
