"""Notes -> a sung pitch contour on a 5 ms grid: glides, scoops, overshoot,
vibrato, drift, jitter and per-note intonation error.

The contour is continuous MIDI (float) everywhere, gaps included (it holds
or glides there); the voice renderer decides where it is voiced. Frame ``j``
of the contour is at ``j * CONTOUR_PERIOD_S``; every second frame is a label
frame (``i * HOP_S``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.song_record import Note
from inference.constants import HOP_S
from inference.pitch_decode import midi_to_hz  # noqa: F401  (re-exported for the voice builders)

CONTOUR_PERIOD_S = HOP_S / 2
"""Seconds between contour frames (5 ms, 200 Hz)."""

CONTOUR_PERIOD_MS = CONTOUR_PERIOD_S * 1000.0


@dataclass(frozen=True)
class SingingStyle:
    """How one singer moves between and around notes (all drawn per clip)."""

    vibrato_rate_hz: float = 5.5
    vibrato_cents: float = 0.0
    """Half extent of the vibrato (0 = none)."""
    vibrato_delay_s: float = 0.0
    glide_p: float = 0.6
    glide_s: tuple[float, float] = (0.02, 0.2)
    scoop_p: float = 0.3
    scoop_cents: tuple[float, float] = (30.0, 200.0)
    overshoot_p: float = 0.3
    drift_cents: float = 15.0
    jitter_cents: float = 3.0
    intonation_cents: float = 10.0
    """Standard deviation of each note's error from its written pitch."""


def draw_style(rng: np.random.Generator, kind: str = "sung") -> SingingStyle:
    """A random singer; whistlers glide more and wobble less."""
    vib = 0.0 if rng.random() < 0.25 else rng.uniform(20.0, 80.0)
    delay = rng.uniform(0.1, 0.5) if rng.random() < 0.5 else 0.0
    if kind == "whistle":
        vib *= 0.4
    return SingingStyle(
        vibrato_rate_hz=rng.uniform(4.0, 7.0), vibrato_cents=vib, vibrato_delay_s=delay,
        glide_p=rng.uniform(0.3, 0.95), glide_s=(0.02, rng.uniform(0.06, 0.2)),
        scoop_p=rng.uniform(0.0, 0.5), scoop_cents=(30.0, rng.uniform(60.0, 200.0)),
        overshoot_p=rng.uniform(0.0, 0.5), drift_cents=rng.uniform(3.0, 30.0),
        jitter_cents=rng.uniform(0.5, 6.0), intonation_cents=rng.uniform(0.0, 25.0),
    )


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def pitch_contour(notes: Sequence[Note], style: SingingStyle, rng: np.random.Generator,
                  n_frames: int) -> np.ndarray:
    """float64 [n_frames] MIDI pitch at ``j * CONTOUR_PERIOD_S`` (see module docstring).

    notes: sorted by onset; times in seconds from the clip start.
    """
    if not notes:
        return np.full(n_frames, 60.0)
    t = np.arange(n_frames) * CONTOUR_PERIOD_S
    targets = np.array([n.pitch for n in notes]) + rng.normal(0, style.intonation_cents / 100, len(notes))
    onsets = np.array([n.onset_s for n in notes])
    offsets = np.array([n.offset_s for n in notes])
    idx = np.clip(np.searchsorted(onsets, t, side="right") - 1, 0, len(notes) - 1)
    midi = targets[idx].astype(np.float64)
    depth = np.zeros(n_frames)
    for k in range(len(notes)):
        a, b = onsets[k], offsets[k]
        contiguous = k > 0 and a - offsets[k - 1] < 0.06
        step = targets[k] - targets[k - 1] if k > 0 else 0.0
        if contiguous and abs(step) > 0.05 and rng.random() < style.glide_p:
            g = min(rng.uniform(*style.glide_s), 0.6 * (b - a), 0.6 * (a - onsets[k - 1]))
            g0 = a - g * rng.uniform(0.2, 0.6)
            sel = (t >= g0) & (t < g0 + g)
            midi[sel] = targets[k - 1] + step * _smoothstep((t[sel] - g0) / g)
            if rng.random() < style.overshoot_p:
                sel = (t >= g0 + g) & (t < b)
                tau = t[sel] - (g0 + g)
                amount = np.sign(step) * rng.uniform(0.1, 0.4)
                midi[sel] += amount * np.exp(-tau / rng.uniform(0.03, 0.08)) * np.cos(
                    2 * np.pi * tau / rng.uniform(0.12, 0.25))
        elif rng.random() < style.scoop_p:
            sel = (t >= a) & (t < b)
            midi[sel] -= rng.uniform(*style.scoop_cents) / 100.0 * np.exp(
                -(t[sel] - a) / rng.uniform(0.02, 0.06))
        if style.vibrato_cents > 0 and b - a > 0.3:
            sel = (t >= a) & (t < b)
            tau = t[sel] - a
            depth[sel] = (style.vibrato_cents / 100.0) * _smoothstep(
                (tau - style.vibrato_delay_s) / 0.2) * _smoothstep((b - t[sel]) / 0.06)
    rate = style.vibrato_rate_hz * (1.0 + 0.08 * np.sin(
        2 * np.pi * t / rng.uniform(1.5, 4.0) + rng.uniform(0, 2 * np.pi)))
    phase = 2 * np.pi * np.cumsum(rate) * CONTOUR_PERIOD_S + rng.uniform(0, 2 * np.pi)
    vibrato = depth * np.sin(phase)
    return midi + vibrato + _drift(rng, n_frames, style.drift_cents) + _jitter(rng, n_frames, style.jitter_cents)


def _drift(rng: np.random.Generator, n: int, cents: float) -> np.ndarray:
    """A slow random walk (time scale ~1 s) bounded by +-cents, in semitones."""
    walk = np.cumsum(rng.normal(0, 1, n))
    walk = np.convolve(walk - walk.mean(), np.ones(41) / 41, mode="same")
    top = np.max(np.abs(walk))
    return walk * (cents / 100.0 / top) if top > 0 else walk


def _jitter(rng: np.random.Generator, n: int, cents: float) -> np.ndarray:
    """Fast small pitch noise (std ``cents``), in semitones."""
    return np.convolve(rng.normal(0, cents / 100.0, n), [0.5, 0.5], mode="same")
