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
    """The file's bytes, refusing a file larger than ``max_bytes`` before reading any of it.

    Only a regular file is read: a folder, a FIFO (whose ``open`` would wait forever for a
    writer) or a device is refused at once. The check is made on the opened file itself
    (``O_NONBLOCK`` makes opening a FIFO return at once), so swapping the path in between does
    not get around it.
    """
    import os
    import stat

    try:
        if path.is_dir():
            raise FormatError(path, None, "is a folder, not a file",
                              hint="give the deck files inside it, e.g. folder/*.csv")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                        else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                        else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
                raise FormatError(path, None, f"is {kind}, not a regular file",
                                  hint="save the deck to a file first, then import that file")
            if info.st_size > max_bytes:
                raise FormatError(
                    path,
                    None,
                    f"the file is {info.st_size:,} bytes, more than the import limit of {max_bytes:,}",
                    hint="raise [import] max_bytes in config.toml if the file is trusted",
                )
            # Read one byte past the cap: the file may have grown since fstat().
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FormatError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise FormatError(path, None, f"the file is larger than the import limit of {max_bytes:,}")
    return data


def looks_like_bomless_utf16(data: bytes) -> bool:
    """Every other byte zero (and the others not): Latin text in UTF-16 with no BOM. Such bytes
    are valid UTF-8 full of NULs, which would otherwise reach the parsers as garbage."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return False
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return (odd > 0.3 * half and even < 0.05 * half) or (even > 0.3 * half and odd < 0.05 * half)


def decode_text(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 when a BOM says so; otherwise a clear error.

    The error names the byte offset of the first bad sequence, which is what a user needs to find
    it in a hex editor or to see that the file is Latin-1 / Windows-1252.
    """
    if not data.strip():
        raise FormatError(path, None, "the file is empty")
    if looks_like_bomless_utf16(data):
        raise FormatError(
            path, None, "the file looks like UTF-16 text without a byte-order mark",
            hint="save it as UTF-8 (or as UTF-16 with a BOM) and import it again",
        )
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
