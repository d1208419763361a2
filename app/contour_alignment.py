"""Key-invariant alignment of a hummed contour against a stretch of a song.

Hum search re-ranks its candidate songs with this: the query's pitch line is
laid over the song's melody contour by subsequence dynamic time warping (free
start and end in the song, the query used whole), after transposing the query
to the song's key. Silent frames are dropped on both sides first, so breaths
and held rests cost nothing; pitch differences are clipped so one wrong note
costs a bounded amount.

Contours are float32 [T] MIDI at CONTOUR_HOP_S, NaN where silent (see
:mod:`inference.melody_contour`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALIGN_STEP = 2
"""Every ALIGN_STEP-th sung frame is aligned (10 frames/s)."""
COST_CLIP = 2.5
"""Semitones: a frame further off than this costs no more."""
STEP_PENALTY = 0.3
"""Extra cost, in clipped semitones, of a non-diagonal step (a tempo change)."""
SHIFT_TRIALS = (-1.0, -0.5, 0.0, 0.5, 1.0)
"""Semitones tried around the median-difference transposition."""


@dataclass(frozen=True)
class Alignment:
    cost: float
    """Mean clipped pitch difference per query frame, semitones (0 = perfect)."""
    song_start: int
    """Contour frame of the song where the aligned stretch starts."""
    song_end: int
    shift: float
    """Semitones added to the query to meet the song."""


def sung(contour: np.ndarray, step: int = ALIGN_STEP) -> tuple[np.ndarray, np.ndarray]:
    """(sung pitches float64 [n], their frame indices int64 [n]), every ``step``-th sung frame."""
    contour = np.asarray(contour, dtype=np.float64)
    index = np.flatnonzero(np.isfinite(contour))[::step]
    return contour[index], index


def subsequence_dtw(queries: np.ndarray, songs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best match of each whole query inside its song, for a batch.

    queries float [B, n]; songs float [B, m], NaN-padded at the end (padding is
    never matched). Steps: diagonal; *hold* (the next query frame stays on the
    same song frame: the singer is slower here); *skip* (the song moves on two
    frames: the singer is up to twice as fast); hold and skip cost
    STEP_PENALTY more. Returns (mean cost per query frame [B], song start
    index [B], song end index [B]).
    """
    queries = np.asarray(queries, dtype=np.float32)
    songs = np.asarray(songs, dtype=np.float32)
    b, n = queries.shape
    m = songs.shape[1]
    cost = np.minimum(np.abs(queries[:, :, None] - songs[:, None, :]), COST_CLIP)  # [B, n, m]
    cost[np.broadcast_to(np.isnan(songs)[:, None, :], cost.shape)] = np.inf
    total = cost[:, 0].copy()
    start = np.broadcast_to(np.arange(m), (b, m)).copy()
    pad1, pad2 = np.full((b, 1), np.inf, np.float32), np.full((b, 2), np.inf, np.float32)
    zero1, zero2 = np.zeros((b, 1), np.int64), np.zeros((b, 2), np.int64)
    for i in range(1, n):
        diag = np.concatenate([pad1, total[:, :-1]], axis=1)
        skip = np.concatenate([pad2, total[:, :-2]], axis=1) + STEP_PENALTY
        hold = total + STEP_PENALTY
        from_diag = np.concatenate([zero1, start[:, :-1]], axis=1)
        from_skip = np.concatenate([zero2, start[:, :-2]], axis=1)
        best = np.minimum(diag, skip)
        moved = np.where(diag <= skip, from_diag, from_skip)
        use_hold = hold < best
        start = np.where(use_hold, start, moved)  # a hold keeps this cell's own start
        best = np.where(use_hold, hold, best)
        total = best + cost[:, i]
    end = np.argmin(total, axis=1)
    rows = np.arange(b)
    return total[rows, end] / n, start[rows, end], end


def median_gap(song: np.ndarray, query: np.ndarray) -> float | None:
    """Semitones from the query's median sung pitch to the song's (None when
    either has nothing sung): the transposition that brings one to the other
    when both cover the same notes."""
    s, q = np.asarray(song, dtype=np.float64), np.asarray(query, dtype=np.float64)
    if not np.isfinite(s).any() or not np.isfinite(q).any():
        return None
    return float(np.nanmedian(s) - np.nanmedian(q))


def align_many(query: np.ndarray, songs: list[np.ndarray],
               keys: list[float | None] | None = None) -> list[Alignment | None]:
    """Align one query contour with several song contours (stretches) at once;
    None for a song (or all, for the query) with too little sung to compare
    (fewer than 5 aligned frames).

    keys: per song, the transposition to try around (SHIFT_TRIALS); None (or
    no list) uses the gap between the whole stretch's and the query's medians.
    """
    q, _ = sung(query)
    parts = [sung(song) for song in songs]
    usable = [i for i, (s, _) in enumerate(parts) if len(s) >= 5]
    out: list[Alignment | None] = [None] * len(songs)
    if len(q) < 5 or not usable:
        return out
    m = max(len(parts[i][0]) for i in usable)
    rows_q, rows_s, owner, shifts = [], [], [], []
    for i in usable:
        s, _ = parts[i]
        key = keys[i] if keys is not None else None
        base = float(np.median(s) - np.median(q)) if key is None else key
        padded = np.full(m, np.nan)
        padded[:len(s)] = s
        for delta in SHIFT_TRIALS:
            rows_q.append(q + base + delta)
            rows_s.append(padded)
            owner.append(i)
            shifts.append(base + delta)
    costs, starts, ends = subsequence_dtw(np.stack(rows_q), np.stack(rows_s))
    for r in np.argsort(costs, kind="stable"):
        i = owner[r]
        if out[i] is None:
            index = parts[i][1]
            out[i] = Alignment(float(costs[r]), int(index[starts[r]]), int(index[ends[r]]), shifts[r])
    return out


def align(query: np.ndarray, song: np.ndarray) -> Alignment | None:
    """Align a query contour to one song contour (stretch); see :func:`align_many`."""
    return align_many(query, [song])[0]
