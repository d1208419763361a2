"""The pitch model's front end: audio to log-frequency spectrum frames.

Frame ``i`` is centred at sample ``i * HOP_SAMPLES`` and sees the samples
``[i*HOP - PITCH_WINDOW_LEFT, i*HOP + PITCH_WINDOW_RIGHT)`` through an
asymmetric Hann window that peaks at the centre: 40 ms of past, 24 ms of
lookahead. Samples outside the signal are zeros. The magnitude spectrum is
mapped onto PITCH_SPEC_BINS log-spaced bins (1/3 semitone apart from C1),
then turned into decibels relative to the frame's loudest bin, so the features
do not depend on the recording level; the level itself is one more column.

Both the offline function and :class:`FeatureStream` produce the same frames;
the stream keeps the last window of samples as its explicit state.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from inference.constants import (
    HOP_SAMPLES,
    PITCH_N_FFT,
    PITCH_SPEC_BINS,
    PITCH_SPEC_MIDI_MIN,
    PITCH_WINDOW_LEFT,
    PITCH_WINDOW_RIGHT,
    SAMPLE_RATE,
)

WINDOW_SAMPLES = PITCH_WINDOW_LEFT + PITCH_WINDOW_RIGHT
FEATURE_DIM = PITCH_SPEC_BINS + 1
"""Columns of a feature frame: the normalised log spectrum, then the level."""

DYNAMIC_RANGE_DB = 80.0
"""Spectrum values span this many dB below the frame's peak, mapped to 0..1."""

LEVEL_FLOOR_DB = -100.0
"""Frame level (dB re a full-scale sine) mapped to 0; 0 dB maps to 1."""

_EPS_POWER = 1e-16


@lru_cache(maxsize=1)
def analysis_window() -> np.ndarray:
    """float32 [WINDOW_SAMPLES]: rising half-Hann over the past, falling over the
    lookahead, scaled so a full-scale sine peaks at magnitude 1."""
    rise = np.sin(0.5 * np.pi * np.arange(PITCH_WINDOW_LEFT) / PITCH_WINDOW_LEFT) ** 2
    fall = np.cos(0.5 * np.pi * np.arange(PITCH_WINDOW_RIGHT) / PITCH_WINDOW_RIGHT) ** 2
    window = np.concatenate([rise, fall])
    return (window * (2.0 / window.sum())).astype(np.float32)


@lru_cache(maxsize=1)
def log_bin_matrix() -> np.ndarray:
    """float32 [PITCH_N_FFT//2 + 1, PITCH_SPEC_BINS]: linear FFT magnitudes to
    log-spaced bins by triangular interpolation in frequency.

    Each log bin's triangle is as wide as its spacing or one FFT bin, whichever
    is wider, and each column sums to 1 (a weighted average of magnitudes).
    """
    n_lin = PITCH_N_FFT // 2 + 1
    lin_hz = np.arange(n_lin) * SAMPLE_RATE / PITCH_N_FFT
    df = SAMPLE_RATE / PITCH_N_FFT
    midi = PITCH_SPEC_MIDI_MIN + np.arange(PITCH_SPEC_BINS) / 3.0
    centre = 440.0 * 2.0 ** ((midi - 69.0) / 12.0)
    spacing = centre * (2.0 ** (1.0 / 36.0) - 1.0)
    half = np.maximum(spacing, df)
    weights = np.maximum(0.0, 1.0 - np.abs(lin_hz[:, None] - centre[None, :]) / half[None, :])
    weights /= weights.sum(axis=0, keepdims=True)
    return weights.astype(np.float32)


LOG_BIN_BLOCK = 12
"""Log bins mapped per block by :func:`log_bins_of`."""


@lru_cache(maxsize=1)
def _log_bin_blocks() -> tuple[tuple[int, int, int, int, np.ndarray], ...]:
    """:func:`log_bin_matrix` cut into blocks of LOG_BIN_BLOCK columns, each
    with only the rows (linear bins) it uses: (first column, end column,
    first row, end row, float32 [rows, columns])."""
    matrix = log_bin_matrix()
    blocks = []
    for c0 in range(0, matrix.shape[1], LOG_BIN_BLOCK):
        part = matrix[:, c0:c0 + LOG_BIN_BLOCK]
        rows = np.flatnonzero(np.any(part != 0, axis=1))
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        blocks.append((c0, c0 + part.shape[1], r0, r1, np.ascontiguousarray(part[r0:r1])))
    return tuple(blocks)


def log_bins_of(magnitudes: np.ndarray) -> np.ndarray:
    """float32 [T, PITCH_N_FFT//2 + 1] linear magnitudes -> float32 [T,
    PITCH_SPEC_BINS]: ``magnitudes @ log_bin_matrix()``, block by block over
    the nonzero band of the matrix (about 8x fewer multiplications)."""
    out = np.empty((magnitudes.shape[0], PITCH_SPEC_BINS), np.float32)
    for c0, c1, r0, r1, part in _log_bin_blocks():
        np.matmul(magnitudes[:, r0:r1], part, out=out[:, c0:c1])
    return out


def frame_count(n_samples: int) -> int:
    """Frames for a signal of ``n_samples``: one per hop, frame 0 at sample 0."""
    return n_samples // HOP_SAMPLES + 1


def frames_to_features(frames: np.ndarray) -> np.ndarray:
    """Windowed sample frames float32 [T, WINDOW_SAMPLES] -> features float32
    [T, FEATURE_DIM] (spectrum in 0..1, then level in 0..1)."""
    spectrum = np.abs(np.fft.rfft(frames * analysis_window(), n=PITCH_N_FFT, axis=-1))
    log_mag = log_bins_of(spectrum.astype(np.float32))
    db = 10.0 * np.log10(log_mag * log_mag + _EPS_POWER)
    peak = db.max(axis=-1, keepdims=True)
    spec = np.clip((db - peak + DYNAMIC_RANGE_DB) / DYNAMIC_RANGE_DB, 0.0, 1.0)
    level = np.clip((peak - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 0.0, 1.0)
    return np.concatenate([spec, level], axis=-1).astype(np.float32)


def _frames(padded: np.ndarray, n_frames: int) -> np.ndarray:
    """Strided view [n_frames, WINDOW_SAMPLES] of ``padded`` at hop spacing."""
    step = padded.strides[0]
    return np.lib.stride_tricks.as_strided(
        padded, shape=(n_frames, WINDOW_SAMPLES), strides=(HOP_SAMPLES * step, step), writeable=False
    )


def pitch_features(audio: np.ndarray, chunk_frames: int = 2048) -> np.ndarray:
    """Offline features of a whole signal.

    audio: float32 [L] mono at SAMPLE_RATE. Returns float32 [frame_count(L), FEATURE_DIM].
    """
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    n_frames = frame_count(len(audio))
    padded = np.concatenate([
        np.zeros(PITCH_WINDOW_LEFT, np.float32),
        audio,
        np.zeros(PITCH_WINDOW_RIGHT + HOP_SAMPLES, np.float32),
    ])
    frames = _frames(padded, n_frames)
    out = np.empty((n_frames, FEATURE_DIM), np.float32)
    for start in range(0, n_frames, chunk_frames):
        out[start:start + chunk_frames] = frames_to_features(frames[start:start + chunk_frames])
    return out


class FeatureStream:
    """Incremental features: push blocks of samples, get the frames they complete.

    State is the unconsumed tail of samples (at most one window plus a block)
    and the index of the next frame. ``push`` then ``finish`` yields exactly the
    frames of :func:`pitch_features` on the concatenated signal.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._buffer = np.zeros(PITCH_WINDOW_LEFT, np.float32)
        self._n_samples = 0
        self.frames_out = 0

    @property
    def samples_in(self) -> int:
        return self._n_samples

    def push(self, block: np.ndarray) -> np.ndarray:
        """block: float32 [n] -> features float32 [k, FEATURE_DIM] for every frame
        whose window is now complete (frame i needs i*HOP + PITCH_WINDOW_RIGHT samples)."""
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        self._buffer = np.concatenate([self._buffer, block])
        self._n_samples += len(block)
        ready = (self._n_samples - PITCH_WINDOW_RIGHT) // HOP_SAMPLES + 1
        return self._emit(max(0, ready - self.frames_out))

    def finish(self) -> np.ndarray:
        """Zero-pad the end and return the remaining frames up to frame_count(samples_in)."""
        remaining = frame_count(self._n_samples) - self.frames_out
        self._buffer = np.concatenate([self._buffer, np.zeros(PITCH_WINDOW_RIGHT + HOP_SAMPLES, np.float32)])
        return self._emit(max(0, remaining))

    def _emit(self, k: int) -> np.ndarray:
        if k == 0:
            return np.zeros((0, FEATURE_DIM), np.float32)
        feats = frames_to_features(_frames(self._buffer, k))
        self._buffer = self._buffer[k * HOP_SAMPLES:]
        self.frames_out += k
        return feats
