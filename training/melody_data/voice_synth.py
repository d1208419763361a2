"""Sung, syllable-sung and spoken TTS voices: note excerpts -> WORLD frame plans.

Singing: each note (or run of slurred notes) takes the next syllable unit of
a TTS utterance; its onset consonant is placed just before the note at
natural length, its vowel nucleus is stretched over the note and its coda
ends it. The f0 contour of :mod:`training.melody_data.f0_contour` is imposed
wherever the plan is voiced. Some phrases end in vocal fry (25-45 Hz,
irregular), which is synthesised but always labelled unvoiced; some start
with an audible breath (unvoiced).

Voice types (bass ... soprano, child) pair a pitch range with a formant
warp. Speech re-synthesises a TTS utterance with its own intonation moved into the
voice type's register, so its labels are exact too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from inference.pitch_decode import hz_to_midi

from .f0_contour import (
    CONTOUR_PERIOD_S,
    SingingStyle,
    draw_style,
    midi_to_hz,
    pitch_contour,
)
from .melodies import ClipMelody
from .voice_analysis import VoiceAnalysis
from .world_render import (
    BREATH,
    CONTOUR_FRAMES,
    FramePlan,
    Timbre,
    breath_envelope,
    contour_frames,
)

FRY_P = 0.15
"""Share of phrase ends sung into vocal fry (labelled unvoiced)."""
BREATH_P = 0.3
MELISMA_P = (0.0, 0.4)
"""Per clip, the chance that a note continues the previous syllable."""


@dataclass(frozen=True)
class VoiceType:
    name: str
    low: float
    high: float
    """MIDI range the melody is transposed into."""
    formant: tuple[float, float]
    """Target formant scale (1.0 = average adult male)."""
    push: str
    """Which edge of the range this type is pushed to (covers C2-E2 and A5-C6)."""


VOICE_TYPES = (
    VoiceType("bass", 36, 62, (0.86, 0.95), "low"),
    VoiceType("baritone", 41, 67, (0.93, 1.0), "low"),
    VoiceType("tenor", 47, 72, (0.98, 1.06), "low"),
    VoiceType("alto", 52, 76, (1.08, 1.15), "high"),
    VoiceType("mezzo", 55, 79, (1.12, 1.2), "high"),
    VoiceType("soprano", 59, 84, (1.15, 1.25), "high"),
    VoiceType("child", 58, 81, (1.25, 1.35), "high"),
)
VOICE_TYPE_WEIGHTS = np.array([0.17, 0.15, 0.15, 0.13, 0.12, 0.17, 0.11])
WARP_RANGE = (0.8, 1.25)


def draw_voice_type(rng: np.random.Generator) -> VoiceType:
    return VOICE_TYPES[int(rng.choice(len(VOICE_TYPES), p=VOICE_TYPE_WEIGHTS))]


def draw_timbre(rng: np.random.Generator, voice_type: VoiceType, source_scale: float) -> Timbre:
    """Formant warp from the source voice to the voice type, tilt and breathiness."""
    warp = float(np.clip(rng.uniform(*voice_type.formant) / source_scale, *WARP_RANGE))
    breathy = rng.uniform(0.0, 0.6) if rng.random() < 0.4 else rng.uniform(0.0, 0.1)
    return Timbre(warp=warp, tilt_db_per_octave=rng.uniform(-3.0, 2.0), breathiness=breathy)


def note_envelope_db(rng: np.random.Generator, n: int) -> np.ndarray:
    """Loudness shape of one sung note/syllable: flat, crescendo, decay or swell."""
    x = np.linspace(0.0, 1.0, max(n, 1))
    depth = rng.uniform(2.0, 9.0)
    shape = rng.integers(0, 4)
    if shape == 0:
        return np.zeros(n)
    if shape == 1:
        return depth * (x - 1.0)
    if shape == 2:
        return -depth * x
    return -depth * (1.0 - np.sin(np.pi * x))


def _groups(clip: ClipMelody, rng: np.random.Generator) -> list[tuple[int, int]]:
    """(first, last) note indices sung on one syllable (slurred runs)."""
    melisma = rng.uniform(*MELISMA_P)
    groups: list[tuple[int, int]] = []
    for k, note in enumerate(clip.notes):
        contiguous = k > 0 and note.onset_s - clip.notes[k - 1].offset_s < 0.06
        if groups and contiguous and rng.random() < melisma:
            groups[-1] = (groups[-1][0], k)
        else:
            groups.append((k, k))
    return groups


def _unit_sequence(analysis: VoiceAnalysis, rng: np.random.Generator, syllables: bool):
    """Endless good syllable units of one kind, in reading order from a random start."""
    periodic = analysis.periodic
    units = analysis.units
    good = [i for i, (h, a, b, e) in enumerate(units)
            if analysis.unit_kind[i] == int(syllables) and b - a >= 3 and periodic[a:b].mean() >= 0.8]
    if not good:
        good = [i for i, (h, a, b, e) in enumerate(units) if b - a >= 3] or list(range(len(units)))
    k = int(rng.integers(0, len(good)))
    while True:
        yield units[good[k % len(good)]]
        k += 1


def sing_plan(analysis: VoiceAnalysis, clip: ClipMelody, rng: np.random.Generator, *,
              syllables: bool = False, style: SingingStyle | None = None) -> FramePlan:
    """The frame plan of a sung clip (see the module docstring), ``clip.seconds``
    long; ``style`` None draws a random singer from ``rng``."""
    n = contour_frames(clip.seconds)
    plan = FramePlan.silent(n)
    periodic = analysis.periodic
    midi = pitch_contour(clip.notes, style or draw_style(rng), rng, n)
    voiced = np.zeros(n, bool)
    units = _unit_sequence(analysis, rng, syllables)
    nucleus_db = float(np.median([analysis.energy_db[a:b].mean() for _, a, b, _ in analysis.units]))
    breath_db = nucleus_db - 10 * np.log10(np.exp(breath_envelope()).sum())
    fry_p = FRY_P * 2 if rng.random() < 0.5 else 0.0
    groups = _groups(clip, rng)
    prev_end, prev_span = -10**6, 0
    for g, (i, j) in enumerate(groups):
        gs = max(0, round(clip.notes[i].onset_s / CONTOUR_PERIOD_S))
        ge = min(n, round(clip.notes[j].offset_s / CONTOUR_PERIOD_S))
        if ge - gs < 2:
            continue
        h0, n0, n1, t1 = next(units)
        span = ge - gs
        tail = min(t1 - n1, int(0.3 * span))
        room = gs - prev_end + (int(0.3 * prev_span) if gs - prev_end < 12 else 0)
        head = max(0, min(n0 - h0, room, gs))
        level = (nucleus_db - analysis.energy_db[n0:n1].mean()) * 0.7 + rng.normal(0, 1.5)
        if head:
            plan.source[gs - head:gs] = np.arange(n0 - head, n0)
            voiced[gs - head:gs] = periodic[n0 - head:n0]
            plan.gain_db[gs - head:gs] = level
        m = span - tail
        plan.source[gs:gs + m] = n0 + (n1 - 1 - n0) * np.linspace(0.0, 1.0, m)
        voiced[gs:gs + m] = True
        plan.gain_db[gs:ge] = level + note_envelope_db(rng, span)
        if tail:
            plan.source[ge - tail:ge] = np.arange(n1, n1 + tail)
            voiced[ge - tail:ge] = periodic[n1:n1 + tail]
        if not head or not voiced[gs - 1]:
            ramp = int(rng.integers(2, 9))
            r = min(ramp, m)
            plan.gain_db[gs:gs + r] += np.linspace(-15.0, 0.0, ramp)[:r]
        next_start = (round(clip.notes[groups[g + 1][0]].onset_s / CONTOUR_PERIOD_S)
                      if g + 1 < len(groups) else n + 100)
        gap = next_start - ge
        fry = 0
        if gap >= 60 and ge < n and rng.random() < fry_p:
            fry = min(int(rng.integers(16, 41)), gap - 40, n - ge)
            plan.source[ge:ge + fry] = n1 - 1
            plan.f0_hz[ge:ge + fry] = rng.uniform(25.0, 45.0) * (1 + 0.15 * rng.standard_normal(fry))
            plan.gain_db[ge:ge + fry] = level + np.linspace(-4.0, -18.0, fry)
            plan.creak[ge:ge + fry] = True
        if gs - prev_end >= 60 and rng.random() < BREATH_P:
            b1 = gs - head - int(rng.integers(4, 11))
            b0 = max(0, prev_end + 10, b1 - int(rng.integers(30, 71)))  # prev_end includes fry
            if b1 - b0 >= 10:
                plan.source[b0:b1] = BREATH
                plan.gain_db[b0:b1] = breath_db - rng.uniform(20.0, 32.0)
        prev_end, prev_span = ge + fry, span
    plan.f0_hz = np.where(voiced & ~plan.creak, midi_to_hz(midi), plan.f0_hz)
    return plan


def speech_plan(analysis: VoiceAnalysis, rng: np.random.Generator, voice_type: VoiceType) -> FramePlan:
    """Four seconds of the voice's speech at 0.85-1.15x speed, intonation moved
    into the voice type's speaking register (the exact imposed f0 is the label)."""
    n, total = CONTOUR_FRAMES, len(analysis.f0)
    rate = rng.uniform(0.85, 1.15)
    start = rng.uniform(0, max(1.0, total - n * rate - 1))
    source = np.minimum(start + rate * np.arange(n), total - 1)
    idx = np.round(source).astype(int)
    voiced = analysis.periodic[idx]
    plan = FramePlan.silent()
    plan.source = source
    f0 = analysis.f0[idx].astype(np.float64)
    if voiced.any():
        src_midi = _smooth_runs(hz_to_midi(np.maximum(f0, 1.0)), voiced)
        centre = float(np.median(src_midi[voiced]))
        target = rng.uniform(voice_type.low + 2, voice_type.low + 10)
        midi = target + (src_midi - centre) * rng.uniform(0.7, 1.5)
        plan.f0_hz = np.where(voiced, midi_to_hz(np.clip(midi, 33.0, 90.0)), 0.0)
    return plan


def _smooth_runs(midi: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """Median (5 frames) then mean (3 frames) smoothing inside each voiced run, so
    analysis glitches of the source f0 do not become pitch spikes."""
    out = midi.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a >= 5:
            seg = median_filter(midi[a:b], size=5, mode="nearest")
            out[a:b] = np.convolve(np.pad(seg, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    return out
