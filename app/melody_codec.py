"""Compact storage of a note list: a little-endian float32 array of shape (n, 3).

Columns are onset_s, duration_s and pitch (MIDI). Lyrics are stored separately
(the ``songs.lyrics`` text), so the blob stays 12 bytes per note.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.song_record import Note

_DTYPE = np.dtype("<f4")


def encode_notes(notes: Sequence[Note]) -> bytes:
    """Notes -> bytes (12 bytes per note)."""
    arr = np.array([(n.onset_s, n.duration_s, n.pitch) for n in notes], dtype=_DTYPE)
    return arr.reshape(-1, 3).tobytes()


def decode_notes_array(blob: bytes) -> np.ndarray:
    """Bytes -> float32 array of shape (n, 3): onset_s, duration_s, pitch."""
    if len(blob) % (3 * _DTYPE.itemsize):
        raise ValueError(f"melody blob of {len(blob)} bytes is not a whole number of notes")
    return np.frombuffer(blob, dtype=_DTYPE).reshape(-1, 3)


def decode_notes(blob: bytes) -> list[Note]:
    """Bytes -> list of :class:`Note` (without lyrics)."""
    return [Note(float(o), float(d), float(p)) for o, d, p in decode_notes_array(blob)]
