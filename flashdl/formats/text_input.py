"""Reading an untrusted file as text: a size cap, encodings, and errors that name the byte.

Every text parser (CSV, Quizlet, Markdown, TOML) reads through :func:`read_text`, so a file that is
too big, empty, unreadable or not UTF-8 is refused the same way everywhere, before any parsing.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from flashdl.formats.records import FormatError

#: Default cap on an imported file (``[import] max_bytes`` in config.toml overrides it).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing a file larger than ``max_bytes`` before reading any of it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FormatError(
                path,
                None,
                f"the file is {size:,} bytes, more than the import limit of {max_bytes:,}",
                hint="raise [import] max_bytes in config.toml if the file is trusted",
            )
        with path.open("rb") as handle:
            # Read one byte past the cap: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FormatError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise FormatError(path, None, f"the file is larger than the import limit of {max_bytes:,}")
    return data


def decode_text(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 when a BOM says so; otherwise a clear error.

    The error names the byte offset of the first bad sequence, which is what a user needs to find
    it in a hex editor or to see that the file is Latin-1 / Windows-1252.
    """
    if not data.strip():
        raise FormatError(path, None, "the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FormatError(path, f"byte {exc.start}", "not valid UTF-16 text") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        raise FormatError(
            path,
            f"byte {offset}",
            f"not valid UTF-8 (found byte 0x{data[offset]:02x})",
            hint="save the file as UTF-8 and import it again",
        ) from exc
    if not text.strip():
        raise FormatError(path, None, "the file is empty")
    return text


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return decode_text(read_bytes(path, max_bytes), path)


def unescape_separator(value: str) -> str:
    r"""Turn ``\t``, ``\n``, ``\r`` and ``\\`` typed on a command line into the characters."""
    out: list[str] = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            mapped = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt)
            if mapped is not None:
                out.append(mapped)
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)
