"""Markdown decks: ``Q:`` / ``A:`` blocks (the format is defined in ``docs/formats.md``).

::

    # Backpropagation                 <- optional: the deck name (else the file name)
    Text before the first card is the deck description.

    Q: What does the chain rule give for dL/dx when y = f(x)?
    A: dL/dx = dL/dy * f'(x).
    It may continue on more lines, with lists and ``` code blocks.
    Tags: calculus, backprop          <- optional card metadata lines
    Id: chain-rule

    ---                               <- optional separator

A card runs from its ``Q:`` line to the next ``Q:``, a ``---`` line, a heading, or the end of the
file. Inside fenced code blocks nothing is a marker. Identity: ``Id:``, else the question.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from flashdl.formats.html_text import tidy
from flashdl.formats.keys import deck_key, key_from_front
from flashdl.formats.parsed import ParsedFile, RecordErrors, group_decks
from flashdl.formats.records import CardRecord, FormatError
from flashdl.formats.toml_deck import ID_PATTERN

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}(-{3,}|\*{3,}|_{3,})\s*$")
_META = re.compile(r"^(tags|id|source|demo):\s*(.*)$", re.IGNORECASE)


@dataclasses.dataclass
class _Block:
    line: int
    question: list[str]
    answer: list[str] | None = None
    answer_line: int = 0
    meta: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)


def _demo(path: Path, where: str, text: str) -> tuple[str, dict[str, str]]:
    """``Demo: dropout p=0.5 mode=inverted`` -> ("dropout", {"p": "0.5", "mode": "inverted"})."""
    words = text.split()
    if not words:
        raise FormatError(path, where, "'Demo:' needs a demo name, e.g. 'Demo: dropout p=0.5'")
    params: dict[str, str] = {}
    for word in words[1:]:
        name, eq, value = word.partition("=")
        if not eq or not name or not value:
            raise FormatError(path, where, f"demo parameter {word!r} must look like name=value")
        params[name] = value
    return words[0], params


def _card(path: Path, block: _Block, errors: RecordErrors, seen: dict[str, int]) -> CardRecord | None:
    where = f"line {block.line}"
    if block.answer is None:
        errors.reject(FormatError(path, where, "the question has no 'A:' answer"))
        return None
    front, back = tidy("\n".join(block.question)), tidy("\n".join(block.answer))
    if not front:
        errors.reject(FormatError(path, where, "the question after 'Q:' is empty"))
        return None
    if not back:
        errors.reject(FormatError(path, f"line {block.answer_line}", "the answer after 'A:' is empty"))
        return None
    try:
        key = key_from_front(front)
        if "id" in block.meta:
            meta_line, value = block.meta["id"]
            if not ID_PATTERN.match(value):
                raise FormatError(path, f"line {meta_line}",
                                  f"'Id:' must be lowercase letters, digits, '-', '_' or '.', got {value!r}")
            if value in seen:
                raise FormatError(path, f"line {meta_line}",
                                  f"the id {value!r} is already used on line {seen[value]}")
            seen[value] = meta_line
            key = value
        tags = ()
        if "tags" in block.meta:
            tags = tuple(t.strip() for t in re.split(r"[,\s]+", block.meta["tags"][1]) if t.strip())
        demo_name, demo_params = None, None
        if "demo" in block.meta:
            meta_line, value = block.meta["demo"]
            demo_name, demo_params = _demo(path, f"line {meta_line}", value)
    except FormatError as exc:
        errors.reject(exc)
        return None
    card = CardRecord(
        key=key, front=front, back=back, tags=tags,
        kind="demonstrate" if demo_name else "basic",
        demo_name=demo_name, demo_params=demo_params,
        source=block.meta.get("source", (0, ""))[1].strip(), where=where,
    )
    if demo_name:
        # Checked here, not only in load.check_demos, so the error names the 'Demo:' line.
        from flashdl.formats.load import checked_demo

        problem, _ = checked_demo(card)
        if problem is not None:
            errors.reject(FormatError(path, f"line {block.meta['demo'][0]}", problem))
            return None
    return card


def parse_markdown_deck(
    text: str, path: Path | str, *, deck_name: str | None = None, skip_invalid: bool = False
) -> ParsedFile:
    path = Path(path)
    errors = RecordErrors(skip_invalid)
    title: str | None = None
    preamble: list[str] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    fence_line = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.rstrip()
        target = None if current is None else (current.question if current.answer is None
                                               else current.answer)
        if fence_line:
            if _FENCE.match(line):
                fence_line = 0
            (target if target is not None else preamble).append(raw)
            continue
        if _FENCE.match(line):
            fence_line = number
            (target if target is not None else preamble).append(raw)
            continue
        if line.startswith("Q:"):
            current = _Block(line=number, question=[line[2:].strip()])
            blocks.append(current)
            continue
        if line.startswith("A:"):
            if current is None or current.answer is not None:
                errors.reject(FormatError(path, f"line {number}", "'A:' without a 'Q:' before it"))
                current = None
                continue
            current.answer, current.answer_line = [line[2:].strip()], number
            continue
        heading = _HEADING.match(line)
        if heading or _RULE.match(line):
            if heading and title is None and not blocks and len(heading.group(1)) == 1:
                title = heading.group(2)
            current = None
            continue
        meta = _META.match(line)
        if current is not None and meta:
            current.meta[meta.group(1).lower()] = (number, meta.group(2).strip())
            continue
        if target is not None:
            target.append(raw)
        elif not blocks:
            preamble.append(raw)
    if fence_line:
        raise FormatError(path, f"line {fence_line}", "this ``` code block is never closed")
    seen: dict[str, int] = {}
    cards = [card for block in blocks if (card := _card(path, block, errors, seen)) is not None]
    name = deck_name or title or path.stem
    key = deck_key(name)
    decks = group_decks({key: cards}, {key: name}, path, description=tidy("\n".join(preamble)))
    return ParsedFile(path=path, format="md", decks=decks, skipped=errors.skipped)
