"""Song-level content vectors: what a song's melody is like, one vector per song.

Two candidates, compared by ``bench.similar_bench`` (the app uses
:data:`app.similar_constants.CONTENT_DEFAULT`):

* ``hum`` (the app's choice): the normalised mean of a song's hum-search
  window embeddings (``embeddings`` kind ``hum`` joined with ``segments``):
  nothing new to store;
* ``melody``: the key- and tempo-invariant melody statistics of
  :func:`app.melody_features.melody_vector`, computed from the stored notes
  when needed (the app's fallback for a catalog without hum windows).

Both are float32 [N, D] matrices beside int64 [N] song ids. Before use a
matrix is centred on the catalog mean and rows are scaled to unit length
(:func:`centred_unit`), so dot products are cosines of what sets songs apart.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.catalog_store import HUM_KIND, CatalogStore
from app.melody_codec import decode_notes_array
from app.melody_features import FEATURE_DIM, melody_vector
from inference.constants import HUM_EMBED_DIM
from inference.melody_contour import contour_from_notes, sung_windows


def centred_unit(vectors: np.ndarray) -> np.ndarray:
    """float [N, D] -> float32 [N, D]: minus the column means, rows at unit length
    (an all-zero row stays zero)."""
    v = np.asarray(vectors, dtype=np.float64)
    if len(v) == 0:
        return v.astype(np.float32)
    v = v - v.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return (v / np.maximum(norms, 1e-12)).astype(np.float32)


def _vectors(rows, dim: int) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(-1, dim) \
        if rows else np.zeros((0, dim), np.float32)
    return ids, matrix.astype(np.float32)


def melody_vectors(store: CatalogStore) -> tuple[np.ndarray, np.ndarray]:
    """(song ids int64 [N], raw melody vectors float32 [N, FEATURE_DIM]) of every
    song with a melody, computed from the stored notes (about 0.2 ms a song)."""
    rows = store.db.execute(
        "SELECT song_id, notes FROM melodies WHERE n_notes > 0 ORDER BY song_id").fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    if not rows:
        return ids, np.zeros((0, FEATURE_DIM), np.float32)
    return ids, np.stack([melody_vector(decode_notes_array(r[1])) for r in rows])


def pooled_hum_vectors(store: CatalogStore, model_sha256: str | None = None,
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(song ids int64 [N], unit mean hum-window embeddings float32 [N, 64]) of
    every song with windows embedded by ``model_sha256`` (default: the model
    that embedded the most windows)."""
    if model_sha256 is None:
        row = store.db.execute(
            "SELECT model_sha256 FROM embeddings WHERE kind = ? GROUP BY model_sha256 "
            "ORDER BY count(*) DESC LIMIT 1", [HUM_KIND]).fetchone()
        if row is None:
            return np.zeros(0, np.int64), np.zeros((0, HUM_EMBED_DIM), np.float32)
        model_sha256 = row[0]
    rows = store.db.execute(
        "SELECT s.song_id, e.vector FROM embeddings e JOIN segments s ON s.id = e.owner_id "
        "WHERE e.kind = ? AND e.model_sha256 = ? ORDER BY s.song_id",
        [HUM_KIND, model_sha256]).fetchall()
    window_song, windows = _vectors(rows, HUM_EMBED_DIM)
    ids, first = np.unique(window_song, return_index=True)
    sums = np.add.reduceat(windows.astype(np.float64), first, axis=0) if len(ids) else \
        np.zeros((0, HUM_EMBED_DIM))
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return ids, sums.astype(np.float32)


def pooled_hum_vector(notes: np.ndarray, embed: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """A melody not in the catalog (notes float [n, 3]) -> its unit mean hum
    embedding float32 [64]; ``embed`` is :meth:`inference.hum_encoder.HumEncoder.embed`."""
    windows, _starts = sung_windows(contour_from_notes(notes))
    if not len(windows):
        return np.zeros(HUM_EMBED_DIM, np.float32)
    mean = embed(windows).astype(np.float64).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
