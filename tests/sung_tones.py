"""Voice-like synthetic melodies with known notes, for pitch and import tests.

A harmonic source (1/h amplitudes through a fixed vowel-like formant filter)
follows a note list with vibrato and short glides; rests are silent.
"""

from __future__ import annotations

import numpy as np

from inference.constants import SAMPLE_RATE

_FORMANTS_HZ = ((700.0, 110.0), (1200.0, 120.0), (2600.0, 160.0))  # an open "ah"


def _formant_gain(freqs: np.ndarray) -> np.ndarray:
    gain = np.full_like(freqs, 0.05)
    for centre, width in _FORMANTS_HZ:
        gain += 1.0 / (1.0 + ((freqs - centre) / width) ** 2)
    return gain


def sung_melody(notes: list[tuple[float, float]], *, vibrato_cents: float = 40.0,
                vibrato_hz: float = 5.5, gap_s: float = 0.0, lead_s: float = 0.2,
                amplitude: float = 0.3) -> np.ndarray:
    """notes: (MIDI pitch, seconds) pairs; pitch None or <= 0 is a rest.

    Returns float32 [L] at SAMPLE_RATE: ``lead_s`` of silence, the notes
    (separated by ``gap_s`` of silence when > 0, otherwise joined by 40 ms
    glides), and ``lead_s`` of silence at the end.
    """
    lead = np.zeros(int(lead_s * SAMPLE_RATE))
    pieces, envs = [lead], [lead]
    previous = None
    for pitch, seconds in notes:
        n = int(seconds * SAMPLE_RATE)
        if not pitch or pitch <= 0:
            pieces.append(np.zeros(n))
            envs.append(np.zeros(n))
            previous = None
            continue
        t = np.arange(n) / SAMPLE_RATE
        midi = np.full(n, float(pitch))
        if previous is not None and gap_s <= 0:
            glide = min(n, int(0.04 * SAMPLE_RATE))
            midi[:glide] = np.linspace(previous, pitch, glide)
        midi += (vibrato_cents / 100.0) * np.sin(2 * np.pi * vibrato_hz * t) * np.clip(t / 0.15, 0, 1)
        pieces.append(midi)
        env = np.clip(np.minimum(t, seconds - t) / 0.02, 0, 1)
        envs.append(env)
        previous = pitch
        if gap_s > 0:
            gap = np.zeros(int(gap_s * SAMPLE_RATE))
            pieces.append(gap)
            envs.append(gap)
            previous = None
    pieces.append(lead)
    envs.append(lead)
    return _render(np.concatenate(pieces), np.concatenate(envs), amplitude)


def sung_glide(points: list[tuple[float, float]], *, vibrato_cents: float = 30.0,
               vibrato_hz: float = 5.5, lead_s: float = 0.2, amplitude: float = 0.3) -> np.ndarray:
    """A slide on "ah" through (seconds, MIDI pitch) breakpoints, the pitch moving
    in a straight line (in semitones) between them; the times start at 0.

    Returns float32 [L] at SAMPLE_RATE: ``lead_s`` of silence, the glide
    (20 ms fades at its ends) and ``lead_s`` of silence.
    """
    times, pitches = zip(*points)
    n = int(times[-1] * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    midi = np.interp(t, times, pitches) + (vibrato_cents / 100.0) * np.sin(2 * np.pi * vibrato_hz * t)
    env = np.clip(np.minimum(t, times[-1] - t) / 0.02, 0, 1)
    lead = np.zeros(int(lead_s * SAMPLE_RATE))
    return _render(np.concatenate([lead, midi, lead]), np.concatenate([lead, env, lead]), amplitude)


def _render(midi: np.ndarray, env: np.ndarray, amplitude: float) -> np.ndarray:
    """The harmonic "ah" voice following ``midi`` (per sample, <= 0 silent) under ``env``."""
    hz = np.where(midi > 0, 440.0 * 2.0 ** ((midi - 69.0) / 12.0), 0.0)
    phase = 2 * np.pi * np.cumsum(hz) / SAMPLE_RATE
    voice = np.zeros_like(phase)
    for h in range(1, 30):
        partial_hz = h * hz
        audible = (partial_hz > 0) & (partial_hz < SAMPLE_RATE / 2 - 200)
        voice += np.where(audible, _formant_gain(partial_hz) * np.sin(h * phase) / h, 0.0)
    voice *= env
    peak = np.abs(voice).max()
    return (amplitude * voice / peak if peak > 0 else voice).astype(np.float32)
