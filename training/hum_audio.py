"""Audio of a person humming, singing or whistling a hum-search query.

:mod:`training.hum_queries` decides *what* is sung (performed notes: onset,
duration, MIDI, with the singer's wrong notes, drift and rubato already in
them); this module renders it as sound with the melody data generator's
voices (:mod:`training.melody_data`), for any length:

- ``sung``: lyric-like syllables of a TTS voice resung with WORLD;
- ``syllables``: the same voice on "la/da/na" syllable lines;
- ``hum``: a closed-mouth nasal murmur, legato or "hm-hm" re-articulated;
- ``whistle``: a near-sine with breath noise, kept within 500-1050 Hz.

The rendered contour adds what happens *inside* notes (glides, scoops,
overshoot, vibrato, jitter) but no further intonation error or drift, so the
f0 labels follow the given notes. Labels are the f0 imposed in synthesis
(Hz at ``i * HOP_S``, 0 = unvoiced): consonants, breaths, gaps and vocal fry
are unvoiced. :func:`fit_register` moves a query into a random voice's range;
:func:`room_query` records the dry render through a phone or laptop mic in a room.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.song_record import Note
from inference.constants import HOP_S
from training.hum_queries import draw_style as draw_query_style
from training.hum_queries import perform
from training.melody_data.augment import MixSettings, apply_settings
from training.melody_data.clip_format import peak_normalise
from training.melody_data.clips import default_cache_dir
from training.melody_data.f0_contour import draw_style
from training.melody_data.hum_whistle import (
    WHISTLE_MIDI,
    hum_envelope,
    hum_plan,
    whistle_clip,
)
from training.melody_data.melodies import ClipMelody
from training.melody_data.tts_voices import TtsError, voice_by_name
from training.melody_data.voice_analysis import VoiceAnalysis, cached_analysis
from training.melody_data.voice_synth import (
    VOICE_TYPE_WEIGHTS,
    VOICE_TYPES,
    VoiceType,
    draw_timbre,
    draw_voice_type,
    sing_plan,
)
from training.melody_data.world_render import render_plan

KINDS = ("sung", "syllables", "hum", "whistle")
TTS_KINDS = ("sung", "syllables")
TAIL_S = 0.3
"""Seconds of audio after the end of the last note (room for a reverb tail)."""
MAX_QUERY_S = 60.0
"""Longest query accepted (a guard against notes given in milliseconds)."""
PITCH_LIMITS = (24.0, 108.0)
"""MIDI pitches accepted (C1-C8; a value above is probably in Hz)."""
COMFORT_ST = 2.0
"""Semitones kept free at each end of a voice type's range when the query fits."""

ROOM_RT60_S = (0.2, 0.8)
ROOM_DRR_DB = (0.0, 12.0)
ROOM_SNR_DB = (10.0, 30.0)
ROOM_NOISES = {"pink": 0.3, "brown": 0.15, "white": 0.1, "hum": 0.1, "babble": 0.35}
ROOM_LOWPASS_P = 0.1
"""Share of recordings through a 4 kHz band limit (headset, narrowband codec)."""
ROOM_PEAK_DBFS = (-20.0, -3.0)


def check_notes(notes: np.ndarray) -> np.ndarray:
    """float64 [n, 3] (onset_s, duration_s, MIDI) sorted by onset, or ValueError."""
    arr = np.asarray(notes, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"notes must be an [n, 3] array of (onset_s, duration_s, MIDI), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError("notes is empty: a query needs at least one note")
    if not np.all(np.isfinite(arr)):
        raise ValueError("notes contain NaN or infinite values")
    if arr[:, 0].min() < 0 or arr[:, 1].min() <= 0:
        raise ValueError("note onsets must be >= 0 s and durations > 0 s")
    end = float((arr[:, 0] + arr[:, 1]).max())
    if end > MAX_QUERY_S:
        raise ValueError(f"the query ends at {end:.1f} s; at most {MAX_QUERY_S:.0f} s (times are in seconds)")
    low, high = PITCH_LIMITS
    if arr[:, 2].min() < low or arr[:, 2].max() > high:
        raise ValueError(f"note pitches must be MIDI numbers in {low:.0f}..{high:.0f}, got "
                         f"{arr[:, 2].min():.1f}..{arr[:, 2].max():.1f}")
    return arr[np.argsort(arr[:, 0], kind="stable")]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown query kind {kind!r}; use one of {KINDS}")


def fit_register(notes: np.ndarray, rng: np.random.Generator, kind: str) -> np.ndarray:
    """The query shifted by whole semitones into a comfortable register: a random
    voice type's range (bass ... soprano, child) less COMFORT_ST at each end, or
    the whistle range C5-C6. The shift is uniform over those that fit; a query
    wider than the range is centred in it. Returns float64 [n, 3] sorted by onset."""
    _check_kind(kind)
    out = check_notes(notes).copy()
    if kind == "whistle":
        low, high = WHISTLE_MIDI
    else:
        voice_type = draw_voice_type(rng)
        low, high = voice_type.low, voice_type.high
    lo_p, hi_p = float(out[:, 2].min()), float(out[:, 2].max())
    for margin in (COMFORT_ST, 0.0):
        shifts = np.arange(np.ceil(low + margin - lo_p), np.floor(high - margin - hi_p) + 1)
        if shifts.size:
            out[:, 2] += float(rng.choice(shifts))
            return out
    out[:, 2] += float(np.round((low + high) / 2 - (lo_p + hi_p) / 2))
    return out


def voice_type_for(pitches: np.ndarray, rng: np.random.Generator) -> VoiceType:
    """A voice type whose range holds the median pitch (drawn by the usual voice
    type shares), else the one whose range centre is nearest."""
    median = float(np.median(pitches))
    fits = [i for i, v in enumerate(VOICE_TYPES) if v.low <= median <= v.high]
    if not fits:
        return min(VOICE_TYPES, key=lambda v: abs((v.low + v.high) / 2 - median))
    weights = VOICE_TYPE_WEIGHTS[fits] / VOICE_TYPE_WEIGHTS[fits].sum()
    return VOICE_TYPES[fits[int(rng.choice(len(fits), p=weights))]]


@lru_cache(maxsize=8)
def _analysis(voice: str, cache_dir: str) -> VoiceAnalysis:
    try:
        tts = voice_by_name(voice)
    except TtsError as exc:
        raise ValueError(str(exc)) from None
    return cached_analysis(tts, Path(cache_dir))


def render_query(notes: np.ndarray, *, kind: str, voice: str | None, rng: np.random.Generator,
                 cache_dir: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Render performed notes as a dry voice recording.

    notes: float [n, 3] (onset_s, duration_s, MIDI), onsets from 0; pitches are
        sung as given (see :func:`fit_register`), except that a whistle is held
        within 500-1050 Hz (its labels say what was whistled).
    kind: one of :data:`KINDS`. voice: a TTS voice name for sung/syllables
        (e.g. a :func:`training.melody_data.tts_voices.held_out_voices` name);
        ignored for hum and whistle. Its analysis is made once and cached under
        ``cache_dir`` (default: the melody data cache).
    Returns (audio float32 [S] at SAMPLE_RATE, peak -3 dBFS, S = end of the
    last note + TAIL_S rounded up to a whole HOP_S; f0 labels float32
    [S // HOP_SAMPLES + 1], Hz at ``i * HOP_S``, 0 = unvoiced).
    Raises ValueError for bad notes, an unknown kind or voice.
    """
    _check_kind(kind)
    arr = check_notes(notes)
    if kind in TTS_KINDS and not voice:
        raise ValueError(f"kind {kind!r} needs a TTS voice name, e.g. one of held_out_voices()")
    end = float((arr[:, 0] + arr[:, 1]).max())
    seconds = int(np.ceil((end + TAIL_S) / HOP_S - 1e-6)) * HOP_S
    clip = ClipMelody(notes=[Note(float(o), float(d), float(p)) for o, d, p in arr], source="query",
                      qpm=120.0, bar_beats=4.0, start_beat=0.0, key_pc=0, key_mode="major",
                      seconds=seconds)
    style = dataclasses.replace(draw_style(rng, "whistle" if kind == "whistle" else "sung"),
                                intonation_cents=0.0, drift_cents=0.0)
    if kind == "whistle":
        audio, labels = whistle_clip(clip, rng, style=style)
    elif kind == "hum":
        timbre = draw_timbre(rng, voice_type_for(arr[:, 2], rng), 1.0)
        plan = hum_plan(clip, rng, style=style)
        voiced = plan.f0_hz[plan.f0_hz > 0]
        log_sp, ap = hum_envelope(rng, timbre.warp, float(np.median(voiced)) if voiced.size else 200.0)
        audio, labels = render_plan(plan, timbre, fixed_log_sp=log_sp, fixed_ap=ap)
    else:
        analysis = _analysis(voice, str(cache_dir or default_cache_dir()))
        timbre = draw_timbre(rng, voice_type_for(arr[:, 2], rng), analysis.formant_scale)
        plan = sing_plan(analysis, clip, rng, syllables=kind == "syllables", style=style)
        audio, labels = render_plan(plan, timbre, analysis.log_sp, analysis.ap)
    return peak_normalise(audio), labels.astype(np.float32)


def room_settings(rng: np.random.Generator) -> MixSettings:
    """A phone or laptop recording in a room: reverb (RT60 0.2-0.8 s, direct to
    reverberant 0-12 dB), a small-mic EQ (low cut 80-250 Hz, shelves, one
    resonance), 4 kHz band limit 10 %, noise at 10-30 dB SNR (:data:`ROOM_NOISES`),
    no clipping (phones apply automatic gain), peak -20..-3 dBFS."""
    eq = (rng.uniform(80.0, 250.0), rng.uniform(-8.0, 2.0), rng.uniform(-10.0, 4.0),
          float(np.exp(rng.uniform(np.log(400.0), np.log(5000.0)))), rng.uniform(-8.0, 8.0),
          rng.uniform(0.7, 2.5))
    noise = str(rng.choice(list(ROOM_NOISES), p=list(ROOM_NOISES.values())))
    return MixSettings(rt60_s=rng.uniform(*ROOM_RT60_S), drr_db=rng.uniform(*ROOM_DRR_DB), eq=eq,
                       band="lowpass4k" if rng.random() < ROOM_LOWPASS_P else None, accomp_db=None,
                       noise_kind=noise, snr_db=rng.uniform(*ROOM_SNR_DB), clip_drive_db=None,
                       peak_dbfs=rng.uniform(*ROOM_PEAK_DBFS))


def room_query(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """float32 [L]: a dry query (float [L] at SAMPLE_RATE) as a phone or laptop mic
    in a room records it (:func:`room_settings`, mixed by the melody data's
    :func:`training.melody_data.augment.apply_settings`, no accompaniment).
    The SNR is relative to the voice RMS over the whole query, pauses included."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1 or audio.size == 0:
        raise ValueError(f"audio must be non-empty mono, got shape {audio.shape}")
    return apply_settings(audio, None, room_settings(rng), rng)


def recorded_query(notes: np.ndarray, rng: np.random.Generator, *, kind: str, voice: str | None,
                   tempo: float, key_shift: float) -> np.ndarray:
    """A song excerpt (notes float [n, 3], onsets from 0) as a person sings it
    into a phone: performed with a drawn singer's errors at ``tempo`` and
    ``key_shift`` (:func:`training.hum_queries.perform`), moved into a
    comfortable register (:func:`fit_register`), rendered as ``kind``
    (:func:`render_query`) and recorded in a room (:func:`room_query`).
    Returns float32 [S] at SAMPLE_RATE."""
    performed = perform(notes, rng, draw_query_style(rng), tempo=tempo, key_shift=key_shift)
    dry, _labels = render_query(fit_register(performed, rng, kind), kind=kind, voice=voice, rng=rng)
    return room_query(dry, rng)
