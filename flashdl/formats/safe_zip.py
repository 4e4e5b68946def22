"""Reading members of an untrusted zip (an ``.apkg``) without trusting anything it declares.

Never ``extractall``: members are read one at a time, by exact name, into memory or a temporary
file, with caps on the number of entries, on the total uncompressed size, and on the compression
ratio of large members (a zip bomb inflates 1 MB into 1 GB). Member names with a path separator,
``..``, a drive letter or a NUL are refused outright: an ``.apkg`` only ever holds flat names.
Inner zstd streams (Anki's current format) are decompressed only where the format says so, and
through the same caps: a declared size where there is one, else the same ratio cap.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from flashdl.formats.records import FormatError

MAX_ENTRIES = 100_000
MAX_TOTAL_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
#: Ratio cap for members over RATIO_FLOOR bytes: real collections and media compress far less.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
#: zstd streams (Anki's current format) may always inflate this far, else MAX_RATIO x their size
ZSTD_FLOOR = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _unsafe_name(name: str) -> bool:
    return (
        not name
        or "/" in name
        or "\\" in name
        or ".." in name
        or "\x00" in name
        or (len(name) > 1 and name[1] == ":")
        or name.startswith("~")
    )


class SafeZip:
    """An opened, pre-checked zip archive. Use :meth:`read` / :meth:`copy_to` for members."""

    def __init__(self, data: bytes, path: Path, *, max_total: int = MAX_TOTAL_UNCOMPRESSED) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise FormatError(
                path, None, "not a valid .apkg: the zip archive is damaged, truncated or not a zip",
                hint="export the deck from Anki again",
            ) from exc
        if len(infos) > MAX_ENTRIES:
            raise FormatError(path, None, f"the archive has {len(infos):,} entries "
                              f"(more than the {MAX_ENTRIES:,} allowed)")
        total = 0
        self.sizes: dict[str, int] = {}
        for info in infos:
            if _unsafe_name(info.filename) or info.filename.startswith("/"):
                raise FormatError(path, f"member {info.filename!r}",
                                  "refusing an archive with a path in a member name")
            if info.is_dir():
                raise FormatError(path, f"member {info.filename!r}", "unexpected folder in the archive")
            if info.flag_bits & 0x1:
                raise FormatError(path, f"member {info.filename!r}", "the archive is encrypted")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FormatError(
                    path, f"member {info.filename!r}",
                    f"compression ratio over {MAX_RATIO}:1 (a zip bomb?); refusing to inflate it",
                )
            total += info.file_size
            self.sizes[info.filename] = info.file_size
        if total > max_total:
            raise FormatError(path, None, f"the archive would inflate to {total:,} bytes "
                              f"(more than the {max_total:,} allowed)")

    def names(self) -> set[str]:
        return set(self.sizes)

    def _stream(self, name: str) -> BinaryIO:
        return self._zip.open(name)

    def inflated_limit(self, name: str) -> int:
        """How far a zstd-compressed member may inflate: the same ratio cap as for the zip."""
        return min(MAX_TOTAL_UNCOMPRESSED, max(ZSTD_FLOOR, MAX_RATIO * self.sizes[name]))

    def copy_to(self, name: str, out: BinaryIO, *, zstd: bool = False, limit: int | None = None) -> int:
        """Copy member ``name`` into ``out`` (un-zstd-ing it when ``zstd``), at most ``limit``
        bytes (default: the member's declared size, or the ratio cap for zstd)."""
        if limit is None:
            limit = self.inflated_limit(name) if zstd else self.sizes[name]
        written = 0
        try:
            with self._stream(name) as raw:
                head = raw.read(4)
                if zstd:
                    if head != _ZSTD_MAGIC:
                        raise FormatError(self.path, f"member {name!r}", "is not zstd-compressed")
                    written = _copy_zstd(head, raw, out, limit, self.path, name)
                else:
                    out.write(head)
                    written = len(head)
                    while chunk := raw.read(_CHUNK):
                        written += len(chunk)
                        if written > limit:
                            raise FormatError(self.path, f"member {name!r}",
                                              "inflates to more than it declares")
                        out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError) as exc:
            raise FormatError(self.path, f"member {name!r}",
                              f"cannot be read ({exc}); the archive is damaged") from exc
        return written

    def read(self, name: str, *, limit: int, zstd: bool = False) -> bytes:
        buffer = io.BytesIO()
        self.copy_to(name, buffer, zstd=zstd, limit=limit)
        return buffer.getvalue()

    def close(self) -> None:
        self._zip.close()


def _copy_zstd(head: bytes, raw: BinaryIO, out: BinaryIO, limit: int, path: Path, name: str) -> int:
    import zstandard

    class _Rejoined(io.RawIOBase):
        """The member stream with its first four bytes put back."""

        def __init__(self) -> None:
            self.pending = head

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            data = self.pending or raw.read(len(buffer))
            self.pending = b""
            n = min(len(data), len(buffer))
            buffer[:n] = data[:n]
            if n < len(data):
                self.pending = data[n:]
            return n

    written = 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(_Rejoined(), read_across_frames=True)
        while chunk := reader.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise FormatError(path, f"member {name!r}",
                                  f"decompresses to more than {limit:,} bytes; refusing it")
            out.write(chunk)
    except zstandard.ZstdError as exc:
        raise FormatError(path, f"member {name!r}", f"damaged zstd data ({exc})") from exc
    return written
