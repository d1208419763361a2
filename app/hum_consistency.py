"""Stage 1b of hum search: score candidate songs by windows that agree in time.

The index lookup (:meth:`app.hum_search.HumSearch.candidates`) only sees each
query window's nearest catalog windows, one window at a time. A song that was
hummed matches *every* query window, each at the same place relative to the
query: window ``i`` of the query (starting at frame ``q_i`` of the query
stretched to one tempo) meets the song window starting near ``offset + q_i``.
A wrong song that resembles one window of the query does not line up with the
others. So, for the best few hundred candidates, every query window is
compared (exact cosine) with every window of the song, and the song scores the
best, over query scales and offsets, of the mean over that scale's query
windows of the cosine with the song window at ``offset + q_i`` (the best one
within ``VOTE_TOLERANCE`` catalog hops of it, so a tempo a little off the
scale still lines up, less ``VOTE_OFF_GRID_COST`` per hop; ``VOTE_FLOOR``
where the song has no window there).

Catalog windows start every ``HUM_CATALOG_HOP_FRAMES`` contour frames, and so
do query windows at each scale, so offsets live on that grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.catalog_store import HUM_KIND, CatalogStore
from inference.constants import CONTOUR_HOP_S, HUM_CATALOG_HOP_FRAMES, HUM_EMBED_DIM

VOTE_TOLERANCE = 1
"""Catalog hops a song window may sit away from where the offset puts it."""
VOTE_OFF_GRID_COST = 0.02
"""Cosine taken off a song window one catalog hop away from where the offset
puts it, so among offsets that see the same windows the exact one wins."""
VOTE_FLOOR = 0.0
"""Cosine counted for a query window with no song window where it should fall."""


@dataclass(frozen=True)
class SongWindows:
    """The stored windows of some songs, flat: ``song`` int64 [N] (song id of
    each window), ``start`` int64 [N] (start contour frame), ``vectors``
    float32 [N, HUM_EMBED_DIM] (L2-normalised embeddings)."""

    song: np.ndarray
    start: np.ndarray
    vectors: np.ndarray


@dataclass(frozen=True)
class Votes:
    """Per song of :func:`offset_votes`, in the order of its ``songs``:
    ``score`` float64 [S] (mean cosine at the best scale and offset),
    ``scale`` int64 [S] (query scale index), ``offset`` int64 [S] (song frame
    where frame 0 of the query, stretched to that scale, falls)."""

    score: np.ndarray
    scale: np.ndarray
    offset: np.ndarray


def song_windows(store: CatalogStore, song_ids: list[int]) -> SongWindows:
    """The hum-index windows of ``song_ids`` (in ascending song order) from SQLite."""
    rows = []
    for i in range(0, len(song_ids), 500):
        chunk = song_ids[i:i + 500]
        rows += store.db.execute(
            # CROSS JOIN keeps segments the outer loop: SQLite would otherwise
            # walk every hum embedding (the kind is its index's first column).
            "SELECT g.song_id, g.start_s, e.vector FROM segments g CROSS JOIN embeddings e"
            " ON e.kind = ? AND e.owner_id = g.id"
            f" WHERE g.song_id IN ({','.join('?' * len(chunk))})", [HUM_KIND, *chunk]).fetchall()
    n = len(rows)
    vectors = np.frombuffer(b"".join([r[2] for r in rows]), dtype="<f4").reshape(-1, HUM_EMBED_DIM)
    song = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    start = np.round(np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
                     / CONTOUR_HOP_S).astype(np.int64)
    order = np.lexsort((start, song))
    return SongWindows(song[order], start[order], vectors[order])


def offset_votes(query_vectors: np.ndarray, scale_of: np.ndarray, q_starts: np.ndarray,
                 windows: SongWindows, hop: int = HUM_CATALOG_HOP_FRAMES) -> tuple[np.ndarray, Votes]:
    """Score songs by temporally consistent window matches (module docstring).

    query_vectors float32 [Wq, D]; scale_of int [Wq] (query scale of each
    window); q_starts int [Wq] (its start frame in the stretched query);
    windows: the songs' windows, grouped by song. Returns (song ids int64
    [S], ascending, :class:`Votes` for them).
    """
    songs, first, counts = np.unique(windows.song, return_index=True, return_counts=True)
    if not len(songs):
        empty = np.zeros(0, dtype=np.int64)
        return empty, Votes(np.zeros(0), empty, empty)
    sims = np.asarray(query_vectors, dtype=np.float32) @ windows.vectors.T  # [Wq, N]
    grid = np.round(windows.start / hop).astype(np.int64)
    q_grid = np.round(np.asarray(q_starts) / hop).astype(np.int64)
    pad = int(q_grid.max()) + VOTE_TOLERANCE
    # Each song gets a stretch of positions: pad, its grid, pad.
    length = np.maximum.reduceat(grid, first) + 1 + 2 * pad
    base = np.concatenate([[0], np.cumsum(length)[:-1]])
    position = np.repeat(base, counts) + pad + grid
    total = int(length.sum())
    table = np.full((len(sims), total + pad), VOTE_FLOOR, dtype=np.float32)
    table[:, position] = sims  # a song's last window may share the grid point before it: one counts
    spread = table.copy()
    for t in range(1, VOTE_TOLERANCE + 1):
        np.maximum(spread[:, t:], table[:, :-t] - t * VOTE_OFF_GRID_COST, out=spread[:, t:])
        np.maximum(spread[:, :-t], table[:, t:] - t * VOTE_OFF_GRID_COST, out=spread[:, :-t])
    best = np.full(len(songs), -np.inf)
    best_scale = np.zeros(len(songs), dtype=np.int64)
    best_at = np.zeros(len(songs), dtype=np.int64)
    for k in np.unique(scale_of):
        rows = np.flatnonzero(scale_of == k)
        # at[p]: mean over this scale's windows of the cosine at p + their grid.
        at = np.mean([spread[r, q_grid[r]:q_grid[r] + total] for r in rows], axis=0)
        peak = np.maximum.reduceat(at, base)
        first_peak = np.minimum.reduceat(
            np.where(at == np.repeat(peak, length), np.arange(total), total), base)
        better = peak > best
        best[better], best_scale[better], best_at[better] = peak[better], k, first_peak[better]
    offset = (best_at - base - pad) * hop
    return songs, Votes(best, best_scale, offset)
