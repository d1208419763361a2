"""Synthetic singer identities: who sings, in what voice and what style.

A :class:`Singer` fixes everything that should stay the same from one song to
the next: the source TTS voice, the voice type (and with it the gender label),
the formant warp, spectral tilt and breathiness of the resynthesis, a
personal range inside the voice type's range, and a singing style (vibrato,
glides, scoops, intonation). What is sung - the melody, its key and tempo, the
syllables - changes per clip.

Singers of one source voice are spread over the six adult voice types in turn
(each source voice starting at another type) and over two formant sub-ranges
of each type, so no two of a source voice's
first twelve singers share both type and formant range.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from training.melody_data.f0_contour import SingingStyle, draw_style
from training.melody_data.tts_voices import TtsVoice, held_out_voices, training_voices
from training.melody_data.voice_synth import VOICE_TYPES, VoiceType
from training.melody_data.world_render import Timbre

SPLIT_CODES = {"train": 0, "val": 1, "bench": 2, "demo": 3}
"""Splits of singers; "demo" singers are the app's bundled synthetic demo voices."""
ADULT_TYPES = tuple(vt for vt in VOICE_TYPES if vt.name != "child")
GENDER_OF_TYPE = {"bass": "male", "baritone": "male", "tenor": "male",
                  "alto": "female", "mezzo": "female", "soprano": "female"}
WARP_LIMITS = (0.78, 1.3)
"""Formant warps outside this range sound broken; draws are clipped to it."""
RANGE_WIDTH = (14, 20)
"""A singer's comfortable range, whole semitones (inside the voice type's range)."""
FORMANT_MARGIN = 0.03
"""How far a singer's formant target may fall outside the voice type's range."""


@dataclass(frozen=True)
class Singer:
    """One synthetic voice identity (all a clip needs besides its melody)."""

    split: str
    index: int
    voice: str
    """Name of the source TTS voice (:func:`training.melody_data.tts_voices.voice_by_name`)."""
    voice_type: str
    gender: str
    """"female" or "male" (from the voice type)."""
    warp: float
    tilt_db_per_octave: float
    breathiness: float
    low_midi: float
    high_midi: float
    syllable_p: float
    """Share of clips sung on syllable lines ("la", "da"...) rather than lyrics."""
    style: SingingStyle

    @property
    def timbre(self) -> Timbre:
        return Timbre(warp=self.warp, tilt_db_per_octave=self.tilt_db_per_octave,
                      breathiness=self.breathiness)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Singer:
        style = data["style"]
        style = SingingStyle(**{**style, "glide_s": tuple(style["glide_s"]),
                                "scoop_cents": tuple(style["scoop_cents"])})
        return cls(**{**data, "style": style})


def split_voices(split: str) -> list[TtsVoice]:
    """Source voices of a split: held-out ones for bench, training voices otherwise."""
    if split not in SPLIT_CODES:
        raise ValueError(f"unknown split {split!r}; known: {list(SPLIT_CODES)}")
    return held_out_voices() if split == "bench" else training_voices()


def _voice_type(slot: int) -> tuple[VoiceType, int]:
    """Voice type and formant half (0 = lower, 1 = upper) for a source voice's
    ``slot``-th singer: every type once, then every type's other half."""
    half = (slot // len(ADULT_TYPES)) % 2
    return ADULT_TYPES[slot % len(ADULT_TYPES)], half


def draw_singer(split: str, index: int, seed: int = 0, voices: list[TtsVoice] | None = None) -> Singer:
    """Singer ``index`` of ``split``; the same for the same (seed, split, index).

    Singers take the split's source voices in turn, so every source voice has
    the same number of singers (give or take one).
    """
    voices = voices if voices is not None else split_voices(split)
    rng = np.random.default_rng([seed, 50 + SPLIT_CODES[split], index])
    voice = voices[index % len(voices)]
    vt, half = _voice_type(index // len(voices) + index % len(voices))
    lo, hi = vt.formant
    mid = (lo + hi) / 2
    bounds = (lo - FORMANT_MARGIN, mid) if half == 0 else (mid, hi + FORMANT_MARGIN)
    warp = float(np.clip(rng.uniform(*bounds) / voice.formant_scale, *WARP_LIMITS))
    breathy = rng.uniform(0.15, 0.6) if rng.random() < 0.35 else rng.uniform(0.0, 0.1)
    width = int(rng.integers(RANGE_WIDTH[0], RANGE_WIDTH[1] + 1))
    low = int(rng.integers(vt.low, max(vt.low, vt.high - width) + 1))
    return Singer(split=split, index=index, voice=voice.name, voice_type=vt.name,
                  gender=GENDER_OF_TYPE[vt.name], warp=warp,
                  tilt_db_per_octave=float(rng.uniform(-4.0, 2.0)), breathiness=float(breathy),
                  low_midi=float(low), high_midi=float(low + width),
                  syllable_p=float(rng.choice([0.0, 0.2, 0.5])), style=draw_style(rng))


def clip_style(singer: Singer, rng: np.random.Generator) -> SingingStyle:
    """The singer's style with the small changes one performance has from another."""
    s = singer.style
    return SingingStyle(
        vibrato_rate_hz=float(np.clip(s.vibrato_rate_hz + rng.normal(0, 0.25), 3.5, 7.5)),
        vibrato_cents=float(s.vibrato_cents * rng.uniform(0.8, 1.2)),
        vibrato_delay_s=s.vibrato_delay_s, glide_p=s.glide_p, glide_s=s.glide_s,
        scoop_p=s.scoop_p, scoop_cents=s.scoop_cents, overshoot_p=s.overshoot_p,
        drift_cents=s.drift_cents, jitter_cents=s.jitter_cents,
        intonation_cents=s.intonation_cents)
