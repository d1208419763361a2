"""Bookkeeping of hnswlib labels (``embeddings.id``) and their owners, and
exact search over a subset of an index's vectors."""

from __future__ import annotations

from collections.abc import Callable

import hnswlib
import numpy as np


class LabelMap:
    """Live labels (``embeddings.id``) and their owner ids: int64 arrays sorted
    both ways, so lookups in either direction are binary searches. Immutable:
    a change makes a new map, which searches pick up atomically."""

    def __init__(self, labels: np.ndarray, owners: np.ndarray) -> None:
        labels, owners = np.asarray(labels, np.int64), np.asarray(owners, np.int64)
        order = np.argsort(labels, kind="stable")
        self.labels, self.owners = labels[order], owners[order]
        by_owner = np.argsort(self.owners, kind="stable")
        self._owners_sorted, self._labels_by_owner = self.owners[by_owner], self.labels[by_owner]

    @classmethod
    def empty(cls) -> LabelMap:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64))

    def __len__(self) -> int:
        return int(self.labels.size)

    def has(self, labels: np.ndarray) -> np.ndarray:
        """Boolean mask: which of ``labels`` are live."""
        return np.isin(labels, self.labels)

    def owners_of(self, labels: np.ndarray) -> np.ndarray:
        """Owner id per label, -1 where the label is not live."""
        return lookup(self.labels, self.owners, np.asarray(labels, np.int64))

    def labels_of(self, owner_ids: np.ndarray) -> np.ndarray:
        """Labels of those ``owner_ids`` that have a live vector, each once."""
        wanted = np.sort(owner_ids)  # sort + diff: np.unique is 4x slower here
        wanted = wanted[np.concatenate(([True], wanted[1:] != wanted[:-1]))[:wanted.size]]
        found = lookup(self._owners_sorted, self._labels_by_owner, wanted)
        return found[found >= 0]

    def replaced(self, drop: np.ndarray, labels: np.ndarray, owners: np.ndarray) -> LabelMap:
        keep = ~np.isin(self.labels, drop)
        return LabelMap(np.concatenate([self.labels[keep], labels]),
                        np.concatenate([self.owners[keep], owners]))


def label_filter(labels: np.ndarray, max_label: int) -> Callable[[int], object]:
    """A fast ``label -> truthy`` test for hnswlib's filter, for an index whose
    labels are all <= ``max_label``: a byte mask indexed by label (0.2 ms for
    100k labels up to 1M, where a set takes 7 ms), or a set when labels run
    into the tens of millions."""
    if max_label >= 1 << 26:
        return set(labels.tolist()).__contains__
    mask = np.zeros(max_label + 1, np.uint8)
    mask[labels] = 1
    return mask.tobytes().__getitem__


def lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    if keys.size == 0:
        return np.full(wanted.shape, -1, np.int64)
    pos = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[pos] == wanted, values[pos], -1)


def exact_search(index: hnswlib.Index, space: str, query: np.ndarray, labels: np.ndarray,
                 k: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force ``k`` nearest among ``labels`` using the vectors stored in
    ``index`` (normalised there for cosine). Returns (labels, distances)."""
    vectors = np.asarray(index.get_items(labels), dtype=np.float32).reshape(len(labels), -1)
    if space == "l2":
        dists = ((vectors - query) ** 2).sum(axis=1)
    else:
        q = query / np.linalg.norm(query) if space == "cosine" else query
        dists = 1.0 - vectors @ q
    top = np.argpartition(dists, k - 1)[:k] if k < dists.size else np.arange(dists.size)
    top = top[np.lexsort((labels[top], dists[top]))]
    return labels[top], dists[top]
