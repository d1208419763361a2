"""A melody's style as one vector of key- and tempo-invariant statistics.

The content baseline of similar songs: no model, just histograms of what a
melody does, so two renditions of a tune (another key, another tempo, a few
notes ornamented) land near each other and tunes of one style (jigs, airs,
hymns) nearer than tunes of different styles. Pure numpy; the input is the
note array of :func:`app.melody_codec.decode_notes_array`.

Blocks (each a histogram, normalised to sum 1, square-rooted so that a
dot product of two blocks is their Bhattacharyya coefficient, then weighted):

========================  =====  ==============================================
block                     bins   what
========================  =====  ==============================================
intervals                 25     steps between notes, -12..+12 semitones (clipped)
interval pairs            25     consecutive steps, each as one of 5 classes
                                 (leap down, step down, repeat, step up, leap up)
scale degrees             12     duration-weighted pitch classes, relative to
                                 the estimated tonic
duration ratios           9      log2(this note / previous note), -2..+2 by 0.5
relative durations        9      log2(note / median note), -2..+2 by 0.5
========================  =====  ==============================================
"""

from __future__ import annotations

import numpy as np

from app.melody_stats import _MAJOR_PROFILE, _MINOR_PROFILE

BLOCK_WEIGHTS = {"intervals": 1.0, "interval_pairs": 1.0, "degrees": 1.0,
                 "duration_ratios": 0.7, "durations": 0.7}
MAX_INTERVAL = 12
STEP_CLASSES = (-2.5, -0.5, 0.5, 2.5)
"""Edges (semitones) between the five step classes: leap down | step down | repeat | step up | leap up."""
LOG2_EDGES = np.arange(-1.75, 2.0, 0.5)
"""Edges of the 9 duration bins, centred on -2, -1.5, ..., +2 (log2 of a ratio)."""

FEATURE_DIM = 25 + 25 + 12 + 9 + 9
"""Length of :func:`melody_vector`'s output."""

_PROFILES = np.stack([np.roll(p, k) for p in (_MAJOR_PROFILE, _MINOR_PROFILE) for k in range(12)])


def _normalised(hist: np.ndarray) -> np.ndarray:
    total = float(hist.sum())
    return np.sqrt(hist / total) if total > 0 else np.zeros_like(hist, dtype=np.float64)


def tonic(pitches: np.ndarray, weights: np.ndarray) -> int:
    """Pitch class 0..11 of the most likely tonic (Krumhansl-Kessler correlation)."""
    hist = np.bincount(np.round(pitches).astype(np.int64) % 12, weights=weights, minlength=12)
    if np.count_nonzero(hist) < 2:
        return int(np.argmax(hist))
    centred = _PROFILES - _PROFILES.mean(axis=1, keepdims=True)
    h = hist - hist.mean()
    r = centred @ h / (np.linalg.norm(centred, axis=1) * max(float(np.linalg.norm(h)), 1e-12))
    return int(np.argmax(r)) % 12


def melody_blocks(notes: np.ndarray) -> dict[str, np.ndarray]:
    """Notes float [n, 3] (onset_s, duration_s, MIDI) -> the five normalised
    histograms by name (float64). An empty melody gives all-zero blocks."""
    notes = np.asarray(notes, dtype=np.float64).reshape(-1, 3)
    notes = notes[np.argsort(notes[:, 0], kind="stable")]
    pitches, durations = notes[:, 2], np.maximum(notes[:, 1], 1e-3)
    steps = np.round(np.diff(pitches)).astype(np.int64)
    intervals = np.bincount(np.clip(steps, -MAX_INTERVAL, MAX_INTERVAL) + MAX_INTERVAL,
                            minlength=2 * MAX_INTERVAL + 1).astype(np.float64)
    classes = np.digitize(steps, STEP_CLASSES)
    pairs = np.bincount(classes[:-1] * 5 + classes[1:], minlength=25).astype(np.float64) \
        if len(classes) > 1 else np.zeros(25)
    degrees = np.zeros(12)
    if len(pitches):
        key = tonic(pitches, durations)
        degrees = np.bincount((np.round(pitches).astype(np.int64) - key) % 12,
                              weights=durations, minlength=12)
    logs = np.log2(durations)
    ratios = np.bincount(np.digitize(np.diff(logs), LOG2_EDGES), minlength=9).astype(np.float64)
    relative = np.bincount(np.digitize(logs - np.median(logs), LOG2_EDGES), minlength=9) \
        .astype(np.float64) if len(logs) else np.zeros(9)
    blocks = {"intervals": intervals, "interval_pairs": pairs, "degrees": degrees,
              "duration_ratios": ratios, "durations": relative}
    return {name: _normalised(h) for name, h in blocks.items()}


def melody_vector(notes: np.ndarray) -> np.ndarray:
    """Notes float [n, 3] -> float32 [FEATURE_DIM]: the weighted blocks, one after
    another (not yet unit length: :mod:`app.song_content` centres and normalises)."""
    blocks = melody_blocks(notes)
    return np.concatenate([BLOCK_WEIGHTS[name] * blocks[name] for name in BLOCK_WEIGHTS]) \
        .astype(np.float32)
