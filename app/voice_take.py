"""What Norae hears of a singer in one take: timbre, gender, range, voice type.

The melody model finds the sung frames and the notes (range: lowest and
highest *sustained* notes, glitch-safe, see :mod:`app.vocal_range`); the
timbre model turns the sung frames into a singer embedding and p(female).
Used by ``norae voice`` and ``norae suggest``. Models are loaded once per
process and shared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from app.audio_decode import decode_audio
from app.gender_estimate import (
    fused_p_female,
    load_gender_calibration,
    sung_median_midi,
)
from app.melody_extraction import MelodyAnalysis, analyse_audio
from app.melody_stats import note_name
from app.paths import models_dir
from app.voice_types import voice_type
from inference.pitch_tracker import PitchTrack
from inference.timbre_encoder import TimbreEncoder, TimbreModelError, TooLittleSinging
from inference.timbre_features import voiced_features

TIMBRE_MODEL_FILE = "timbre.onnx"

_lock = threading.Lock()
_encoders: dict[tuple[Path, int], TimbreEncoder] = {}
_gender_weights: dict[str, dict[str, float]] = {}

__all__ = ["TimbreModelError", "TooLittleSinging", "VoiceSummary", "analyse_voice",
           "analyse_voice_file", "gender_weights", "shared_timbre_encoder", "timbre_model_path"]


def gender_weights(encoder: TimbreEncoder) -> dict[str, float]:
    """The gender fusion weights fitted for ``encoder``'s model (read once per model)."""
    with _lock:
        if encoder.sha256 not in _gender_weights:
            _gender_weights[encoder.sha256] = load_gender_calibration(encoder.path, encoder.sha256)
        return _gender_weights[encoder.sha256]


def timbre_model_path() -> Path:
    return models_dir() / TIMBRE_MODEL_FILE


def shared_timbre_encoder(threads: int = 1) -> TimbreEncoder:
    """The process-wide encoder on the shipped model. Raises TimbreModelError."""
    key = (timbre_model_path(), threads)
    with _lock:
        if key not in _encoders:
            _encoders[key] = TimbreEncoder(key[0], threads=threads)
        return _encoders[key]


@dataclass
class VoiceSummary:
    """A singer as heard in one take.

    embedding: float32 [TIMBRE_EMBED_DIM], unit length. p_female: 0..1, the
    timbre model's gender head told how high the take was sung
    (:mod:`app.gender_estimate`).
    gender: "female" or "male" (p_female >= 0.5). range_low/range_high:
    sustained MIDI range (int) or None when the take holds too little.
    voice_type: bass ... soprano, from gender and range (None without a range).
    reached: (lowest, highest) MIDI note the take touched, held or not
    (contains the range), or None; see :mod:`app.vocal_range`.
    """

    embedding: np.ndarray
    p_female: float
    gender: str
    range_low: int | None
    range_high: int | None
    voice_type: str | None
    sung_seconds: float
    melody: MelodyAnalysis

    @property
    def range_text(self) -> str:
        return self.melody.summary.range_text

    @property
    def reached(self) -> tuple[int, int] | None:
        return self.melody.summary.reached

    def to_json(self, *, with_embedding: bool = True) -> dict:
        """The ``norae voice --json`` payload."""
        out = {"p_female": round(self.p_female, 4), "gender": self.gender,
               "range": {"low_midi": self.range_low, "high_midi": self.range_high,
                         "low_note": note_name(self.range_low) if self.range_low is not None else None,
                         "high_note": note_name(self.range_high) if self.range_high is not None else None},
               "voice_type": self.voice_type, "sung_seconds": round(self.sung_seconds, 2)}
        if with_embedding:
            out = {"embedding": [round(float(v), 5) for v in self.embedding], **out}
        return out


def analyse_voice(audio: np.ndarray, encoder: TimbreEncoder | None = None,
                  pitch: PitchTrack | None = None) -> VoiceSummary:
    """audio float32 [L] mono 16 kHz -> VoiceSummary. ``pitch``: the take's
    pitch when the live encoder already has it (see :func:`analyse_audio`).

    Raises TooLittleSinging when the take has less than TIMBRE_MIN_VOICED_S of
    singing, TimbreModelError / PitchModelError when a model cannot be loaded."""
    melody = analyse_audio(audio, track=pitch, solo=True)
    feats = voiced_features(audio, melody.track.f0_hz > 0)
    encoder = encoder or shared_timbre_encoder()
    embedding, p_head = encoder.embed(feats)
    p_female = fused_p_female(p_head, sung_median_midi(melody.track.f0_hz), gender_weights(encoder))
    gender = "female" if p_female >= 0.5 else "male"
    s = melody.summary
    kind = voice_type(gender, s.range_low, s.range_high) if s.range_low is not None else None
    return VoiceSummary(embedding, p_female, gender, s.range_low, s.range_high, kind,
                        s.sung_seconds, melody)


def with_gender(voice: VoiceSummary, gender: str) -> VoiceSummary:
    """The voice as the singer says it is (the gender guess corrected)."""
    if gender == voice.gender:
        return voice
    kind = voice_type(gender, voice.range_low, voice.range_high) \
        if voice.range_low is not None else None
    return replace(voice, gender=gender, voice_type=kind)


def analyse_voice_file(path: str | Path, encoder: TimbreEncoder | None = None) -> VoiceSummary:
    """Decode any supported audio file and analyse the singer in it."""
    return analyse_voice(decode_audio(Path(path)), encoder)
