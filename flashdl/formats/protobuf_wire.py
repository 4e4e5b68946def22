"""Just enough of the protobuf wire format to read Anki's ``meta``, ``media`` and config blobs.

Anki's current package format stores a few small protobuf messages. flashdl needs four fields
of them, so instead of depending on ``protobuf`` and Anki's schema this decodes the wire format
(varints and length-delimited fields) into ``{field number: [values]}``. Malformed input raises
:class:`ValueError`, which callers turn into a FormatError.
"""

from __future__ import annotations

MAX_VARINT_BYTES = 10


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    for _ in range(MAX_VARINT_BYTES):
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
    raise ValueError("varint too long")


def decode(data: bytes) -> dict[int, list[int | bytes]]:
    """Top-level fields of one message: varints as ints, length-delimited fields as bytes."""
    fields: dict[int, list[int | bytes]] = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire_type = key >> 3, key & 7
        value: int | bytes
        if wire_type == 0:
            value, pos = _varint(data, pos)
        elif wire_type == 1:
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wire_type == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos:pos + length], pos + length
        elif wire_type == 5:
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if pos > len(data):
            raise ValueError("truncated field")
        fields.setdefault(number, []).append(value)
    return fields


def first_int(fields: dict[int, list[int | bytes]], number: int, default: int = 0) -> int:
    for value in fields.get(number, []):
        if isinstance(value, int):
            return value
    return default


def first_text(fields: dict[int, list[int | bytes]], number: int, default: str = "") -> str:
    for value in fields.get(number, []):
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
    return default
