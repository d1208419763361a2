"""RIFF/WAVE chunks: is the audio all there, and which INFO tags are present.

A WAV file is ``RIFF <size> WAVE`` (``RIFX`` when big-endian) followed by
chunks ``<id:4> <length:4> <body, padded to an even length>``. libsndfile
quietly shortens a file whose ``data`` chunk is cut off, so
:func:`wav_truncation` compares the declared length with the bytes present
and returns a verdict (a reason, or None); callers turn it into their own
error. :func:`read_riff_info` returns the ``LIST/INFO`` tag bytes undecoded:
Windows tools write them in the system code page (CP949 on Korean systems),
so decoding them is the caller's business.

Only the standard library is used; nothing here raises for odd bytes
(OSError only when the file cannot be read).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

STREAMING_SIZES = (0, 0xFFFFFFFF)
"""data-chunk sizes left by recorders that never patched the header."""
INFO_FIELDS = {
    b"INAM": "title",
    b"IART": "artist",
    b"IGNR": "genre",
    b"ICRD": "date",
    b"ILNG": "language",
}
"""INFO sub-chunk id -> the tag name read_riff_info returns it under."""
_MAX_LIST_BYTES = 1 << 20
_RIFF_HEADER_BYTES = 12


def riff_layout(head: bytes) -> str | None:
    """struct layout of chunk headers ("<4sL" RIFF, ">4sL" RIFX) for a file
    starting with ``head`` (its first 12 bytes); None when it is no RIFF/WAVE file.

    RF64/BW64 files (64-bit sizes in a ds64 chunk) also give None.
    """
    if len(head) < _RIFF_HEADER_BYTES or head[8:12] != b"WAVE":
        return None
    return {b"RIFF": "<4sL", b"RIFX": ">4sL"}.get(head[:4])


def riff_chunks(fh: BinaryIO, size: int, layout: str) -> Iterator[tuple[bytes, int, int]]:
    """(chunk id, body offset, declared body length) for each chunk after the
    12-byte RIFF header of the ``size``-byte file ``fh``, stopping where no full
    chunk header is left. Declared lengths are not checked against ``size``."""
    pos = _RIFF_HEADER_BYTES
    while pos + 8 <= size:
        fh.seek(pos)
        chunk_id, length = struct.unpack(layout, fh.read(8))
        yield chunk_id, pos + 8, length
        pos += 8 + length + (length & 1)


def wav_truncation(path: str | Path) -> str | None:
    """Why the RIFF/WAVE file ``path`` is truncated, or None when it is whole.

    Truncated: the ``data`` chunk declares more bytes than the file holds (even
    one byte: the header then promises more frames than are present), or the
    chunks end before any ``data`` chunk. Streaming sizes (0, 0xFFFFFFFF) are
    accepted. Files that are not RIFF/WAVE (including RF64) give None: whatever
    reads them judges them. Example verdict:
    ``"truncated wav file (only 49% of the audio data is present)"``.
    """
    size = Path(path).stat().st_size
    with open(path, "rb") as fh:
        layout = riff_layout(fh.read(_RIFF_HEADER_BYTES))
        if layout is None:
            return None
        for chunk_id, body, length in riff_chunks(fh, size, layout):
            if chunk_id != b"data":
                continue
            present = size - body
            if length in STREAMING_SIZES or length <= present:
                return None
            share = int(100 * present / length)  # floor: 1 byte short is 99 %, not 100 %
            return f"truncated wav file (only {share}% of the audio data is present)"
    return "truncated wav file (no audio data chunk)"


def read_riff_info(path: str | Path) -> dict[str, bytes]:
    """INFO tags as {"title"|"artist"|"genre"|"date"|"language": raw bytes},
    the first non-empty value of each, NUL-terminated and stripped; {} when the
    file has none or is not a RIFF/WAVE file. Never raises for bad tag bytes."""
    size = Path(path).stat().st_size
    raw: dict[str, bytes] = {}
    with open(path, "rb") as fh:
        layout = riff_layout(fh.read(_RIFF_HEADER_BYTES))
        if layout is None:
            return {}
        for chunk_id, body, length in riff_chunks(fh, size, layout):
            if chunk_id != b"LIST" or length > _MAX_LIST_BYTES:
                continue
            fh.seek(body)
            block = fh.read(length)
            if block[:4] == b"INFO":
                _info_fields(block, layout, raw)
    return raw


def _info_fields(block: bytes, layout: str, into: dict[str, bytes]) -> None:
    """Add the known sub-chunks of one ``INFO`` list body to ``into``."""
    pos = 4
    while pos + 8 <= len(block):
        sub_id, sub_len = struct.unpack(layout, block[pos : pos + 8])
        value = block[pos + 8 : pos + 8 + sub_len].split(b"\x00", 1)[0].strip()
        if sub_id in INFO_FIELDS and value:
            into.setdefault(INFO_FIELDS[sub_id], value)
        pos += 8 + sub_len + (sub_len & 1)
