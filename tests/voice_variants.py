"""Other "singers" and other "songs" made from one recorded phrase, for timbre tests.

WORLD (pyworld) splits a recording into pitch, spectral envelope and
aperiodicity. Moving only the pitch gives the same voice singing elsewhere in
its range; scaling the envelope's frequency axis too (a longer or shorter
vocal tract) gives a different-sounding voice.
"""

from __future__ import annotations

import numpy as np

from inference.constants import SAMPLE_RATE

_FRAME_MS = 5.0


def resung(audio: np.ndarray, semitones: float, formant_warp: float = 1.0) -> np.ndarray:
    """audio float [L] at 16 kHz, resynthesised ``semitones`` higher with its
    formants scaled by ``formant_warp`` (> 1 = smaller vocal tract): float32 [L']."""
    import pyworld

    x = np.ascontiguousarray(audio, dtype=np.float64)
    f0, t = pyworld.harvest(x, SAMPLE_RATE, f0_floor=60.0, f0_ceil=1100.0, frame_period=_FRAME_MS)
    sp = pyworld.cheaptrick(x, f0, t, SAMPLE_RATE)
    ap = pyworld.d4c(x, f0, t, SAMPLE_RATE)
    if formant_warp != 1.0:
        bins = sp.shape[1]
        source = np.minimum(np.arange(bins) / formant_warp, bins - 1.0)
        sp = np.stack([np.interp(source, np.arange(bins), row) for row in sp])
        ap = np.stack([np.interp(source, np.arange(bins), row) for row in ap])
    y = pyworld.synthesize(f0 * 2.0 ** (semitones / 12.0), sp, ap, SAMPLE_RATE, frame_period=_FRAME_MS)
    peak = float(np.max(np.abs(y))) or 1.0
    return (0.5 * y / peak).astype(np.float32)
