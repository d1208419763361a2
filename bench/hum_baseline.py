"""The plain hum-search baseline the bench compares Norae with.

pYIN pitch (``librosa.pyin``, fmin :data:`PYIN_FMIN_HZ`, fmax
:data:`PYIN_FMAX_HZ`, 16 kHz, hop 160 = 10 ms, frames of
:data:`PYIN_FRAME_LENGTH` samples) becomes a contour with the same
:func:`inference.melody_contour.contour_from_f0` Norae uses; the whole query
contour is then aligned against every catalog song's full melody contour by
key-normalised subsequence DTW (:func:`app.contour_alignment.subsequence_dtw`,
the core of Norae's own re-ranking: holds and skips for tempo changes, clipped
pitch differences, silences dropped) and the songs are ranked by alignment
cost. No index, no stretching, no learned embedding: the cost of a query grows
with the whole catalog's length.

Key: the query is first moved onto the song's semitone grid (by the circular
mean of both sides' cents), then transposed to the song's median and tried at
every whole semitone within +-:data:`KEY_RANGE_ST` of it; the best counts.
Norae's re-ranking (:func:`app.contour_alignment.align_pairs`) searches only
+-3 semitones around the medians' gap of the query and the short song stretch
it aligns with; against a whole song that is not enough: the median of a long
song is more than a semitone from that of a 10 s excerpt for nearly half the
held-out songs. (On 60 simulated 10 s hums against 300 held-out songs, with
an earlier +-1 semitone search: top-1 0.75, against 0.93 with this search, at
1.9x the DTW work.)
"""

from __future__ import annotations

import numpy as np

from app.contour_alignment import subsequence_dtw, sung
from inference.constants import HOP_SAMPLES, SAMPLE_RATE
from inference.melody_contour import contour_from_f0

PYIN_FMIN_HZ = 65.0
PYIN_FMAX_HZ = 1050.0
PYIN_FRAME_LENGTH = 1024
"""Samples (64 ms) per pYIN frame: two periods of the lowest pitch fit its 32 ms window."""
KEY_RANGE_ST = 4
KEY_TRIALS = np.arange(-KEY_RANGE_ST, KEY_RANGE_ST + 1, dtype=np.float64)
"""Whole semitones tried around the median transposition."""
MIN_ALIGNED = 5
"""Fewer aligned (sung, every ALIGN_STEP-th) frames than this cannot be ranked."""
CELL_BUDGET = 10_000_000
"""DTW cost-matrix cells (float32) per subsequence_dtw call: 40 MB, about 3x that at peak."""


def pyin_f0(audio: np.ndarray) -> np.ndarray:
    """audio float32 [L] at SAMPLE_RATE -> f0 float64 [L // 160 + 1] in Hz, 0 where
    pYIN's HMM calls the frame unvoiced."""
    import librosa

    audio = np.asarray(audio, dtype=np.float32)
    f0, voiced, _prob = librosa.pyin(audio, fmin=PYIN_FMIN_HZ, fmax=PYIN_FMAX_HZ, sr=SAMPLE_RATE,
                                     frame_length=PYIN_FRAME_LENGTH, hop_length=HOP_SAMPLES,
                                     center=True)
    return np.where(voiced & np.isfinite(f0), f0, 0.0)


def pyin_contour(audio: np.ndarray) -> np.ndarray:
    """audio float32 [L] at SAMPLE_RATE -> contour float32 [T] (MIDI, NaN silent)."""
    return contour_from_f0(pyin_f0(audio))


def tuning(pitches: np.ndarray) -> float:
    """Offset in semitones, -0.5..0.5, of MIDI pitches float [n] from the
    semitone grid: the circular mean of their cents."""
    if not len(pitches):
        return 0.0
    return float(np.angle(np.mean(np.exp(2j * np.pi * np.asarray(pitches)))) / (2 * np.pi))


class DtwBaseline:
    """Ranks every song of a catalog for a query contour by alignment cost.

    song_ids: int [N]; contours: N song contours (float32 [T_i] MIDI at
    CONTOUR_HOP_S, NaN in rests). Songs are aligned in chunks of similar
    length, sized so one chunk's cost matrix stays within ``cell_budget``.
    """

    def __init__(self, song_ids: list[int], contours: list[np.ndarray], *,
                 cell_budget: int = CELL_BUDGET):
        if len(song_ids) != len(contours):
            raise ValueError(f"{len(song_ids)} song ids for {len(contours)} contours")
        self.song_ids = np.asarray(song_ids, dtype=np.int64)
        self.pitches = [sung(c)[0] for c in contours]
        """Per song, float64 [n_i]: every ALIGN_STEP-th sung pitch (what is aligned)."""
        self.medians = np.array([np.median(p) if len(p) else 0.0 for p in self.pitches])
        self.tunings = np.array([tuning(p) for p in self.pitches])
        lengths = np.array([len(p) for p in self.pitches], dtype=np.int64)
        self.order = np.argsort(lengths, kind="stable")
        self.order = self.order[lengths[self.order] >= MIN_ALIGNED]
        self.lengths = lengths
        self.cell_budget = int(cell_budget)

    def costs(self, query: np.ndarray) -> np.ndarray:
        """float64 [N]: alignment cost per song (mean clipped semitones per
        aligned query frame), inf where the song or the query has fewer than
        MIN_ALIGNED aligned frames."""
        out = np.full(len(self.pitches), np.inf)
        q = sung(query)[0]
        if len(q) < MIN_ALIGNED:
            return out
        q = q - tuning(q)
        q_median = float(np.median(q))
        per_song = len(KEY_TRIALS) * len(q)
        start = 0
        while start < len(self.order):
            stop = start + 1  # grow the chunk while its longest song keeps it in budget
            while (stop < len(self.order) and per_song * (stop + 1 - start)
                   * self.lengths[self.order[stop]] <= self.cell_budget):
                stop += 1
            chunk = self.order[start:stop]
            width = int(self.lengths[chunk[-1]])
            songs = np.full((len(chunk), width), np.nan)
            rows = np.empty((len(chunk), len(KEY_TRIALS), len(q)))
            for k, i in enumerate(chunk):
                songs[k, :self.lengths[i]] = self.pitches[i]
                base = np.round(self.medians[i] - self.tunings[i] - q_median) + self.tunings[i]
                rows[k] = q[None, :] + base + KEY_TRIALS[:, None]
            costs, _, _ = subsequence_dtw(rows.reshape(-1, len(q)),
                                          np.repeat(songs, len(KEY_TRIALS), axis=0))
            out[chunk] = costs.reshape(len(chunk), len(KEY_TRIALS)).min(axis=1)
            start = stop
        return out

    def ranking(self, query: np.ndarray) -> list[tuple[int, float]]:
        """(song id, cost) of the alignable songs, lowest cost first (ties in catalog order)."""
        costs = self.costs(query)
        order = np.argsort(costs, kind="stable")
        return [(int(self.song_ids[i]), float(costs[i])) for i in order if np.isfinite(costs[i])]

    def rank_of(self, query: np.ndarray, song_id: int, top: int | None = None) -> int | None:
        """1-based rank of ``song_id`` for ``query``; None when it is not
        alignable or ranks below ``top``."""
        for rank, (found, _cost) in enumerate(self.ranking(query), start=1):
            if top is not None and rank > top:
                return None
            if found == song_id:
                return rank
        return None
