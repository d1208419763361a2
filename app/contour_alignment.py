"""Key-invariant alignment of a hummed contour against a stretch of a song.

Hum search re-ranks its candidate songs with this: the query's pitch line is
laid over the song's melody contour by subsequence dynamic time warping (free
start and end in the song, the query used whole), after transposing the query
to the song's key. Silent frames are dropped on both sides first, so breaths
and held rests cost nothing; pitch differences are clipped so one wrong note
costs a bounded amount. The key is searched in two passes: whole semitones on
a coarse pitch line (the query first moved onto the song's semitone grid),
then half semitones around the best of them, on the finer line, near where
the coarse pass matched.

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
KEY_STEP = 8
"""Every KEY_STEP-th sung frame is aligned while the transposition is searched
(2.5 frames/s); a multiple of ALIGN_STEP."""
KEY_TRIALS = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
"""Semitones tried, coarsely, around the expected transposition: the medians of
a hum and of the song stretch it lands on often differ by two or three
semitones more than the key does (the stretch is a little off, or the hum
leaves out the song's highest or lowest notes)."""
REFINE_MARGIN = 10
"""Aligned frames (1 s) kept on both sides of the coarse match for the fine pass."""
SHIFT_TRIALS = (-0.5, 0.0, 0.5)
"""Semitones tried around the best coarse transposition, at every ALIGN_STEP-th frame."""


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

    queries float [B, n]; songs float [B, m]; both NaN-padded at the end
    (padding is never matched; a query row ends at its first NaN). Steps:
    diagonal; *hold* (the next query frame stays on the same song frame: the
    singer is slower here); *skip* (the song moves on two frames: the singer
    is up to twice as fast); hold and skip cost STEP_PENALTY more. Returns
    (mean cost per query frame [B], song start index [B], song end index [B]).
    """
    queries = np.asarray(queries, dtype=np.float32)
    songs = np.asarray(songs, dtype=np.float32)
    b, n = queries.shape
    m = songs.shape[1]
    lengths = np.where(np.isnan(queries).any(axis=1), np.argmax(np.isnan(queries), axis=1), n)
    cost = np.minimum(np.abs(queries[:, :, None] - songs[:, None, :]), COST_CLIP)  # [B, n, m]
    cost[np.broadcast_to(np.isnan(songs)[:, None, :], cost.shape)] = np.inf
    # Two never-reachable columns in front, so a skip, a diagonal step and a
    # hold into column j read columns j, j + 1 and j + 2 of these.
    total = np.full((b, m + 2), np.inf, dtype=np.float32)
    start = np.zeros((b, m + 2), dtype=np.int32)
    total[:, 2:] = cost[:, 0]
    start[:, 2:] = np.arange(m)
    final_total, final_start = total[:, 2:].copy(), start[:, 2:].copy()
    for i in range(1, int(lengths.max(initial=1))):
        diag, skip, hold = total[:, 1:-1], total[:, :-2] + STEP_PENALTY, total[:, 2:] + STEP_PENALTY
        take_skip = skip < diag
        best = np.where(take_skip, skip, diag)
        moved = np.where(take_skip, start[:, :-2], start[:, 1:-1])
        use_hold = hold < best
        start[:, 2:] = np.where(use_hold, start[:, 2:], moved)  # a hold keeps this cell's own start
        total[:, 2:] = np.where(use_hold, hold, best) + cost[:, i]
        ending = np.flatnonzero(lengths == i + 1)
        if len(ending):
            final_total[ending], final_start[ending] = total[ending, 2:], start[ending, 2:]
    end = np.argmin(final_total, axis=1)
    rows = np.arange(b)
    return final_total[rows, end] / np.maximum(lengths, 1), final_start[rows, end], end


def tuning(pitches: np.ndarray) -> float:
    """Where a pitch line sits between semitones: the circular mean of its
    pitches' fractions, in semitones (-0.5, 0.5]; 0 for nothing."""
    pitches = np.asarray(pitches, dtype=np.float64)
    pitches = pitches[np.isfinite(pitches)]
    if not len(pitches):
        return 0.0
    angle = np.angle(np.mean(np.exp(2j * np.pi * pitches)))
    return float(angle / (2 * np.pi))


def on_grid(shift: float, query_tuning: float, song_tuning: float) -> float:
    """The transposition nearest ``shift`` that moves a query tuned at
    ``query_tuning`` onto the semitone grid of a song tuned at ``song_tuning``."""
    gap = song_tuning - query_tuning
    return float(np.round(shift - gap) + gap)


def median_gap(song: np.ndarray, query: np.ndarray) -> float | None:
    """Semitones from the query's median sung pitch to the song's (None when
    either has nothing sung): the transposition that brings one to the other
    when both cover the same notes."""
    s, q = np.asarray(song, dtype=np.float64), np.asarray(query, dtype=np.float64)
    s, q = s[np.isfinite(s)], q[np.isfinite(q)]
    if not len(s) or not len(q):
        return None
    return float(np.median(s) - np.median(q))


def _padded(rows: list[np.ndarray]) -> np.ndarray:
    """float rows [n_i] -> float64 [len(rows), max n_i], NaN-padded at the end."""
    out = np.full((len(rows), max(len(r) for r in rows)), np.nan)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def _best_shifts(queries: list[np.ndarray], songs: list[np.ndarray], bases: list[float],
                 trials: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Align each query float [n_i] with its song float [m_i] at every
    base_i + trial. Returns, per pair, the best (cost, start, end, shift):
    float [P], int [P], int [P], float [P]; start and end index the song's array."""
    shifts = np.asarray(bases)[:, None] + np.asarray(trials)[None, :]  # [P, K]
    costs, starts, ends = subsequence_dtw(
        np.repeat(_padded(queries), len(trials), axis=0) + shifts.reshape(-1, 1),
        np.repeat(_padded(songs), len(trials), axis=0))
    best = np.argmin(costs.reshape(shifts.shape), axis=1)
    flat = np.arange(len(songs)) * len(trials) + best
    return costs[flat], starts[flat], ends[flat], shifts.reshape(-1)[flat]


def align_pairs(queries: list[np.ndarray], songs: list[np.ndarray],
                keys: list[float | None] | None = None) -> list[Alignment | None]:
    """Align each query contour with its song contour (a stretch), all at
    once; None for a pair with too little sung to compare (fewer than 5
    aligned frames on either side).

    keys: per pair, the transposition to search around; None (or no list)
    uses the gap between the stretch's and the query's medians. The
    transposition is found in two passes: KEY_TRIALS around it (moved onto
    the song's semitone grid) on every KEY_STEP-th sung frame, then
    SHIFT_TRIALS around the best of those on every ALIGN_STEP-th.
    """
    q_parts = [sung(query) for query in queries]
    s_parts = [sung(song) for song in songs]
    usable = [i for i, (q, s) in enumerate(zip(q_parts, s_parts)) if len(q[0]) >= 5 and len(s[0]) >= 5]
    out: list[Alignment | None] = [None] * len(songs)
    if not usable:
        return out
    qs, ss, bases = [q_parts[i][0] for i in usable], [s_parts[i][0] for i in usable], []
    for i, q, s in zip(usable, qs, ss):
        key = keys[i] if keys is not None else None
        key = float(np.median(s) - np.median(q)) if key is None else key
        bases.append(on_grid(key, tuning(q), tuning(s)))
    ratio = KEY_STEP // ALIGN_STEP
    coarse = [j for j, q in enumerate(qs) if len(q[::ratio]) >= 5]
    firsts = np.zeros(len(usable), dtype=np.int64)
    if coarse:
        _, c_starts, c_ends, found = _best_shifts([qs[j][::ratio] for j in coarse],
                                                  [ss[j][::ratio] for j in coarse],
                                                  [bases[j] for j in coarse], KEY_TRIALS)
        for j, a, b, shift in zip(coarse, c_starts, c_ends, found):
            # The fine pass looks only around where the coarse one matched.
            firsts[j] = max(0, a * ratio - REFINE_MARGIN)
            ss[j] = ss[j][firsts[j]:(b + 1) * ratio + REFINE_MARGIN]
            bases[j] = float(shift)
    costs, starts, ends, shifts = _best_shifts(qs, ss, bases, SHIFT_TRIALS)
    starts, ends = starts + firsts, ends + firsts
    for j, i in enumerate(usable):
        index = s_parts[i][1]
        out[i] = Alignment(float(costs[j]), int(index[starts[j]]), int(index[ends[j]]),
                           float(shifts[j]))
    return out


def align_many(query: np.ndarray, songs: list[np.ndarray],
               keys: list[float | None] | None = None) -> list[Alignment | None]:
    """Align one query contour with several song contours; see :func:`align_pairs`."""
    return align_pairs([query] * len(songs), songs, keys)


def align(query: np.ndarray, song: np.ndarray) -> Alignment | None:
    """Align a query contour to one song contour (stretch); see :func:`align_many`."""
    return align_many(query, [song])[0]
