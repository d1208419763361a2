"""The timbre encoder's front end: audio to log-mel frames of the sung part.

Frame ``i`` is centred at sample ``i * HOP_SAMPLES`` (the melody model's
frame grid, so its voicing decisions pick the frames), Hann-windowed over
TIMBRE_WINDOW samples with zeros outside the signal. Power spectra are
pooled into TIMBRE_N_MELS mel bands (Slaney-style triangles between
TIMBRE_FMIN_HZ and TIMBRE_FMAX_HZ) and turned into natural-log values (floored 80 dB below the signal's loudest
band value).

:func:`voiced_features` keeps the frames the melody model calls sung and
subtracts their overall mean, so a take's loudness does not matter but the
shape of its spectrum (the voice) does.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from inference.constants import (
    HOP_SAMPLES,
    SAMPLE_RATE,
    TIMBRE_FMAX_HZ,
    TIMBRE_FMIN_HZ,
    TIMBRE_N_FFT,
    TIMBRE_N_MELS,
    TIMBRE_WINDOW,
)

_LOG_FLOOR = 1e-8
"""Mel power floor before the log, relative to the signal's loudest band
value (80 dB below it), so the floor moves with the recording level."""


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz, np.float64) / 700.0)


def _mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel, np.float64) / 2595.0) - 1.0)


@lru_cache(maxsize=1)
def mel_matrix() -> np.ndarray:
    """float32 [TIMBRE_N_FFT // 2 + 1, TIMBRE_N_MELS]: power spectrum to mel
    bands, triangles of unit area so every band is a mean power density."""
    freqs = np.fft.rfftfreq(TIMBRE_N_FFT, 1.0 / SAMPLE_RATE)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(TIMBRE_FMIN_HZ), _hz_to_mel(TIMBRE_FMAX_HZ),
                                   TIMBRE_N_MELS + 2))
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    tri = np.maximum(0.0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
    tri /= np.maximum(tri.sum(axis=1, keepdims=True), 1e-12)
    return tri.T.astype(np.float32)


def log_mel(audio: np.ndarray) -> np.ndarray:
    """audio float [L] at 16 kHz -> float32 [L // HOP_SAMPLES + 1, TIMBRE_N_MELS] log mel power."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim != 1:
        raise ValueError(f"audio must be 1-D, got shape {x.shape}")
    n_frames = len(x) // HOP_SAMPLES + 1
    half = TIMBRE_WINDOW // 2
    padded = np.concatenate([np.zeros(half, np.float32), x, np.zeros(half + HOP_SAMPLES, np.float32)])
    starts = np.arange(n_frames) * HOP_SAMPLES
    frames = padded[starts[:, None] + np.arange(TIMBRE_WINDOW)[None, :]]
    frames *= np.hanning(TIMBRE_WINDOW + 2)[1:-1].astype(np.float32)
    power = np.abs(np.fft.rfft(frames, n=TIMBRE_N_FFT, axis=1)).astype(np.float32) ** 2
    mel = power @ mel_matrix()
    floor = max(float(mel.max()) * _LOG_FLOOR, 1e-20) if mel.size else 1e-20
    return np.log(mel + floor).astype(np.float32)


def voiced_features(audio: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """The encoder input of a take: float32 [V, TIMBRE_N_MELS].

    audio: float [L] at 16 kHz; voiced: bool [L // HOP_SAMPLES + 1] (the melody
    model's decision per frame; a shorter or longer mask is cut or padded with
    False). Keeps the voiced frames in order and subtracts their mean over
    frames and bands. V may be 0 (nothing sung).
    """
    feats = log_mel(audio)
    mask = np.zeros(len(feats), bool)
    v = np.asarray(voiced, bool)[: len(feats)]
    mask[: len(v)] = v
    kept = feats[mask]
    if len(kept):
        kept = kept - kept.mean()
    return kept.astype(np.float32)
