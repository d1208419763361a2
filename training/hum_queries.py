"""Simulated hummed queries, at the level of the pitch track.

A person humming a song they half remember does not reproduce its notes: they
drift in pitch, land a semitone off, drop or add notes, run repeated notes
together, breathe, speed up and slow down, and the pitch tracker adds octave
slips and voicing dropouts. :func:`perform` applies the note-level part to a
song excerpt and :func:`query_f0` renders the result as a 10 ms f0 track (with
portamento, scoops, vibrato and tracker errors), which the runtime's own
:func:`inference.melody_contour.contour_from_f0` turns into a query contour.

Notes are float64 [n, 3]: onset_s, duration_s, MIDI pitch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.constants import HOP_S
from inference.pitch_decode import midi_to_hz


@dataclass(frozen=True)
class QueryStyle:
    """How one query is sung; drawn per query by :func:`draw_style`."""

    legato: bool
    """Hummed: repeated notes often run together, few gaps."""
    pitch_sd: float
    """Semitones of per-note intonation error."""
    wrong_note_p: float
    drop_p: float
    add_p: float
    drift_st: float
    """Total pitch drift over the query, semitones (either sign)."""
    rubato: float
    """Standard deviation of per-note log-duration changes."""
    vibrato_st: float
    glide_s: float
    """Portamento time constant."""
    octave_slip_per_s: float
    dropout_per_s: float


def draw_style(rng: np.random.Generator, difficulty: float = 1.0) -> QueryStyle:
    """A random singing style; ``difficulty`` scales every error rate (1 = typical amateur)."""
    d = float(difficulty)
    return QueryStyle(
        legato=bool(rng.random() < 0.4),
        pitch_sd=d * float(rng.uniform(0.05, 0.45)),
        wrong_note_p=d * float(rng.uniform(0.0, 0.12)),
        drop_p=d * float(rng.uniform(0.0, 0.08)),
        add_p=d * float(rng.uniform(0.0, 0.06)),
        drift_st=d * float(rng.uniform(-1.5, 1.5)),
        rubato=d * float(rng.uniform(0.02, 0.15)),
        vibrato_st=float(rng.uniform(0.0, 0.6)),
        glide_s=float(rng.uniform(0.01, 0.07)),
        octave_slip_per_s=d * float(rng.uniform(0.0, 0.15)),
        dropout_per_s=d * float(rng.uniform(0.0, 0.5)),
    )


def excerpt(notes: np.ndarray, start_s: float, seconds: float) -> np.ndarray:
    """Notes sounding within [start_s, start_s + seconds), clipped to it and
    shifted so the excerpt starts at 0."""
    ends = notes[:, 0] + notes[:, 1]
    keep = (ends > start_s) & (notes[:, 0] < start_s + seconds)
    out = notes[keep].copy()
    out_end = np.minimum(out[:, 0] + out[:, 1], start_s + seconds)
    out[:, 0] = np.maximum(out[:, 0], start_s)
    out[:, 1] = out_end - out[:, 0]
    out[:, 0] -= start_s
    return out[out[:, 1] > 0.02]


def perform(notes: np.ndarray, rng: np.random.Generator, style: QueryStyle, *,
            tempo: float = 1.0, key_shift: float = 0.0) -> np.ndarray:
    """Note-level singing errors. ``tempo`` > 1 sings faster (durations / tempo).

    Returns the performed notes [m, 3], onsets from 0 in query seconds.
    """
    out: list[list[float]] = []
    for onset, duration, pitch in notes:
        if out and rng.random() < style.drop_p:  # forgotten: the previous note holds on
            out[-1][1] = onset - out[-1][0] + duration
            continue
        if rng.random() < style.wrong_note_p:
            pitch += float(rng.choice([-2, -1, 1, 2]))
        if (out and style.legato and abs(out[-1][2] - pitch) < 0.5
                and abs(out[-1][0] + out[-1][1] - onset) < 0.05 and rng.random() < 0.6):
            out[-1][1] = onset + duration - out[-1][0]  # repeated note hummed through
            continue
        if duration > 0.3 and rng.random() < style.add_p:  # an ornament or passing note
            cut = duration * float(rng.uniform(0.5, 0.8))
            out.append([onset, cut, pitch])
            out.append([onset + cut, duration - cut, pitch + float(rng.choice([-2, -1, 1, 2]))])
            continue
        out.append([onset, duration, pitch])
    if not out:
        return np.zeros((0, 3))
    perf = np.array(out, dtype=np.float64)
    # Timing: global tempo and per-note rubato, rests kept in proportion.
    lengths = np.diff(np.append(perf[:, 0], perf[-1, 0] + perf[-1, 1]))
    stretch = np.exp(rng.normal(0.0, style.rubato, len(perf))) / tempo
    fill = np.clip(perf[:, 1] / np.maximum(lengths, 1e-6), 0.05, 1.0)
    new_lengths = lengths * stretch
    perf[:, 0] = np.concatenate([[0.0], np.cumsum(new_lengths)[:-1]])
    gap = 0.0 if style.legato else float(rng.uniform(0.0, 0.08))
    perf[:, 1] = np.maximum(0.04, new_lengths * fill - gap)
    # Pitch: intonation, drift over the whole query, key.
    total = perf[-1, 0] + perf[-1, 1]
    drift = style.drift_st * perf[:, 0] / max(total, 1e-6)
    perf[:, 2] += rng.normal(0.0, style.pitch_sd, len(perf)) + drift + key_shift
    return perf


def query_f0(notes: np.ndarray, rng: np.random.Generator, style: QueryStyle,
             seconds: float | None = None) -> np.ndarray:
    """Performed notes -> f0 track float64 [T] in Hz at HOP_S (0 = unvoiced),
    with glides, onset scoops, vibrato, jitter, octave slips and dropouts."""
    total = seconds if seconds is not None else float((notes[:, 0] + notes[:, 1]).max()) + 0.2
    n = int(np.ceil(total / HOP_S))
    target = np.full(n, np.nan)
    onset_frames = []
    for onset, duration, pitch in notes:
        a, b = int(round(onset / HOP_S)), int(round((onset + duration) / HOP_S))
        target[max(0, a):min(n, b)] = pitch
        onset_frames.append(a)
    voiced = np.isfinite(target)
    midi = np.zeros(n)
    alpha = 1.0 - np.exp(-HOP_S / style.glide_s)
    current = np.nan
    for i in range(n):  # first-order glide towards each note, restarting after rests
        if not voiced[i]:
            current = np.nan
            continue
        current = target[i] if not np.isfinite(current) else current + alpha * (target[i] - current)
        midi[i] = current
    for a in onset_frames:  # scoop up into some notes
        if 0 <= a < n and rng.random() < 0.3:
            k = min(n - a, int(rng.integers(3, 8)))
            midi[a:a + k] -= np.linspace(float(rng.uniform(0.3, 1.2)), 0.0, k)
    t = np.arange(n) * HOP_S
    rate = float(rng.uniform(4.5, 6.5))
    midi += style.vibrato_st * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
    midi += np.cumsum(rng.normal(0.0, 0.02, n))  # slow wander
    midi -= np.cumsum(rng.normal(0.0, 0.02, n)).mean()
    midi += rng.normal(0.0, 0.05, n)
    for _ in range(rng.poisson(style.octave_slip_per_s * total)):
        a = int(rng.integers(0, n))
        midi[a:a + int(rng.integers(5, 30))] += 12.0 * float(rng.choice([-1, 1]))
    for _ in range(rng.poisson(style.dropout_per_s * total)):
        a = int(rng.integers(0, n))
        voiced[a:a + int(rng.integers(3, 20))] = False
    return np.where(voiced, midi_to_hz(midi), 0.0)
