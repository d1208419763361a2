"""Voices without lyrics or TTS: closed-mouth humming and whistling.

Humming is rendered with WORLD like singing, but the spectral envelope is a
closed-mouth nasal murmur: one strong resonance at 230-320 Hz (higher for
high hums), an anti-resonance near 1 kHz and little energy above. Notes are
legato, re-articulated with a level dip ("hm-hm") or split by tiny breaks.

Whistling is a near-sine with a weak second harmonic and breath noise,
500-1050 Hz; notes are slurred or tongued (short stops). Its labels are the
imposed f0 wherever the tone is above -30 dB of the clip's loudest tone.
"""

from __future__ import annotations

import numpy as np

from inference.constants import SAMPLE_RATE
from inference.pitch_decode import hz_to_midi

from .f0_contour import (
    CONTOUR_PERIOD_S,
    SingingStyle,
    draw_style,
    midi_to_hz,
    pitch_contour,
)
from .melodies import ClipMelody
from .voice_synth import note_envelope_db
from .world_render import FRAME_SAMPLES, FREQS, SILENCE, FramePlan, contour_frames


def hum_envelope(rng: np.random.Generator, warp: float, median_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(log power envelope [N_BINS], aperiodicity [N_BINS]) of a closed-mouth hum."""
    f = np.maximum(FREQS, 1.0)
    f1 = max(rng.uniform(230.0, 320.0) * np.sqrt(warp), 0.8 * median_hz)
    b1 = max(rng.uniform(60, 110), 0.35 * f1)  # high hums: a broad resonance, no whistle
    fz, bz = max(rng.uniform(750, 1300) * warp, 1.6 * f1), rng.uniform(500, 900)
    f2, b2 = rng.uniform(1900, 2600) * warp, rng.uniform(180, 300)
    db = (10 * np.log10(f1 ** 4 / ((f1 ** 2 - f ** 2) ** 2 + (b1 * f) ** 2))
          + 10 * np.log10(((fz ** 2 - f ** 2) ** 2 + (bz * f) ** 2) / fz ** 4)
          + 0.7 * 10 * np.log10(f2 ** 4 / ((f2 ** 2 - f ** 2) ** 2 + (b2 * f) ** 2))
          + rng.uniform(-7.0, -4.0) * np.log2(np.maximum(f, 150.0) / 150.0))
    ap = np.clip(rng.uniform(0.005, 0.04) + rng.uniform(0.1, 0.5) * (f / 4000.0) ** 2, 0.0, 0.95)
    return (db - db.max()) * np.log(10.0) / 10.0, ap


def note_frame_spans(notes, n: int):
    """(first, end) contour frames of each note, clipped to ``n`` frames;
    notes shorter than two frames are skipped."""
    for note in notes:
        a = max(0, round(note.onset_s / CONTOUR_PERIOD_S))
        b = min(n, round(note.offset_s / CONTOUR_PERIOD_S))
        if b - a >= 2:
            yield a, b


def hum_plan(clip: ClipMelody, rng: np.random.Generator, *,
             style: SingingStyle | None = None) -> FramePlan:
    """Frame plan of a hummed clip, ``clip.seconds`` long: legato or re-articulated
    ("hm-hm") notes; ``style`` None draws a random singer from ``rng``."""
    n = contour_frames(clip.seconds)
    plan = FramePlan.silent(n)
    midi = pitch_contour(clip.notes, style or draw_style(rng), rng, n)
    voiced = np.zeros(n, bool)
    rearticulate = rng.uniform(0.0, 0.8)
    prev_end = -100
    for a, b in note_frame_spans(clip.notes, n):
        plan.source[a:b] = 0.0
        voiced[a:b] = True
        plan.gain_db[a:b] = note_envelope_db(rng, b - a) + rng.normal(0, 1.5)
        if a - prev_end > 2:  # a fresh onset after silence
            ramp = int(rng.integers(3, 17))
            r = min(ramp, b - a)
            plan.gain_db[a:a + r] += np.linspace(-20.0, 0.0, ramp)[:r]
        elif rng.random() < rearticulate:
            if rng.random() < 0.25:  # a tiny break between hums
                gap = int(rng.integers(4, 11))
                plan.source[a:a + gap] = SILENCE
                voiced[a:a + gap] = False
            else:
                dip = int(rng.integers(3, 7))
                lo, hi = max(0, a - dip), min(n, a + dip)
                plan.gain_db[lo:hi] -= rng.uniform(6.0, 15.0) * np.hanning(hi - lo)
        prev_end = b
    plan.f0_hz = np.where(voiced, midi_to_hz(midi), 0.0)
    return plan


WHISTLE_HZ = (500.0, 1050.0)
WHISTLE_MIDI = (72.0, 84.0)
"""Range melodies are transposed into (C5-C6); the contour is then kept in WHISTLE_HZ."""
TONE_GATE_DB = 30.0


def _band_noise(rng: np.random.Generator, n: int, low_hz: float, high_hz: float) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
    spec[(f < low_hz) | (f > high_hz)] = 0.0
    out = np.fft.irfft(spec, n)
    return out / (np.std(out) + 1e-12)


def whistle_clip(clip: ClipMelody, rng: np.random.Generator, *,
                 style: SingingStyle | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(audio float32 [S] unnormalised, f0 labels float32 [S // HOP_SAMPLES + 1]),
    S = ``clip.seconds`` of samples (CLIP_SAMPLES and LABEL_FRAMES for 4 s);
    ``style`` None draws a random whistler from ``rng``."""
    n = contour_frames(clip.seconds)
    n_samples = (n - 1) * FRAME_SAMPLES
    midi = pitch_contour(clip.notes, style or draw_style(rng, "whistle"), rng, n)
    lo, hi = hz_to_midi(np.array(WHISTLE_HZ))
    f0 = midi_to_hz(np.clip(midi, lo, hi))
    amp = np.zeros(n)
    tongued = rng.uniform(0.0, 0.7)
    prev_end = -100
    for a, b in note_frame_spans(clip.notes, n):
        level = 10 ** (rng.normal(0.0, 2.0) / 20)
        amp[a:b] = level * np.linspace(1.0, 10 ** (rng.uniform(-6.0, 3.0) / 20), b - a)
        if a - prev_end <= 2 and rng.random() < tongued:
            amp[a:min(b, a + int(rng.integers(3, 9)))] = 0.0  # a tongued stop
        attack = min(int(rng.integers(2, 7)), b - a)
        amp[a:a + attack] *= np.linspace(0.0, 1.0, attack + 1)[1:]
        prev_end = b
    t_frames = np.arange(n) * CONTOUR_PERIOD_S
    t = np.arange(n_samples) / SAMPLE_RATE
    f0_s = np.interp(t, t_frames, f0)
    amp_s = np.interp(t, t_frames, amp)
    phase = 2 * np.pi * np.cumsum(f0_s) / SAMPLE_RATE + rng.uniform(0, 2 * np.pi)
    h2, h3 = 10 ** (rng.uniform(-40.0, -22.0) / 20), 10 ** (rng.uniform(-55.0, -35.0) / 20)
    tone = np.sin(phase) + h2 * np.sin(2 * phase + 1.0) + h3 * np.sin(3 * phase + 2.0)
    hiss = _band_noise(rng, n_samples, 800.0, 7000.0) * 10 ** (rng.uniform(-32.0, -16.0) / 20)
    air = _band_noise(rng, n_samples, 200.0, 3000.0) * 10 ** (rng.uniform(-60.0, -45.0) / 20)
    audio = amp_s * tone + np.sqrt(amp_s) * hiss * np.sqrt(max(amp.max(), 1e-9)) + air
    labels = f0[::2].copy()
    amp_frames = amp[::2]
    peak = amp_frames.max()
    labels[(amp_frames <= 0) | (amp_frames < peak * 10 ** (-TONE_GATE_DB / 20))] = 0.0
    return audio.astype(np.float32), labels.astype(np.float32)
