"""Reading hnswlib 0.8 index files without handing them to hnswlib: the
labels and deleted flags of every element, and a checksum of the file."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np


class HnswFileError(Exception):
    """The file is not an hnswlib index of the expected layout."""


_HEADER = struct.Struct("<6QiI3QdQ")
"""The header hnswlib 0.8 writes (hnswalg.h ``saveIndex``): offsetLevel0,
max_elements, cur_element_count, size_data_per_element, label_offset,
offsetData, maxlevel, enterpoint, maxM, maxM0, M, mult, ef_construction."""


def read_file_labels(path: Path, m: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Every label stored in an hnswlib index file and its deleted flag, as
    (int64 labels, bool deleted), read straight from the file's level-0 block
    (per element: link count word whose third byte holds the delete mark,
    links, vector, 8-byte label). The Python API can list labels but cannot
    tell deleted ones apart without copying each vector out. Raises
    :class:`HnswFileError` when the layout is not the expected one for an
    index of ``m`` and ``dim`` (so such a file is rebuilt, never handed to hnswlib)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(_HEADER.size)
    if len(head) != _HEADER.size:
        raise HnswFileError(f"{path.name}: too short for an hnswlib index")
    (level0, max_elements, count, per_element, label_at, data_at, _, _, _, max_m0, m, _,
     _) = _HEADER.unpack(head)
    links = 4 + 4 * max_m0
    if (level0, m, max_m0, data_at, label_at, per_element) != (
            0, m, 2 * m, links, links + 4 * dim,
            links + 4 * dim + 8) or count > max_elements or (
            size < _HEADER.size + count * per_element):
        raise HnswFileError(f"{path.name}: not an hnswlib index with M={m}, dim={dim}")
    if count == 0:
        return np.empty(0, np.int64), np.empty(0, bool)
    block = np.memmap(path, dtype=np.uint8, mode="r", offset=_HEADER.size,
                      shape=(count, per_element))
    try:
        deleted = (block[:, 2] & 1).astype(bool)
        labels = np.ascontiguousarray(block[:, label_at:label_at + 8]).view("<u8").ravel()
        return labels.astype(np.int64), deleted
    finally:
        del block  # unmap now: the file may be replaced next (Windows forbids mapped files)


def file_checksum(path: Path) -> str:
    """``"sha256:<hex>"`` of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return "sha256:" + digest.hexdigest()
