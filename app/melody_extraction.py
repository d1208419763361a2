"""Melody of a recording: pitch track -> notes -> range, tessitura and key.

Used by ``norae pitch``/``norae notes`` and by the importer for audio files
(a song with accompaniment: the model follows the sung line). The model is
loaded once per process and shared; onnxruntime sessions are safe to call
from several threads.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.audio_decode import decode_audio
from app.note_segmentation import segment_notes
from app.paths import models_dir
from app.song_record import Note
from app.vocal_range import TakeSummary, take_summary
from inference.constants import SAMPLE_RATE
from inference.pitch_decode import SOLO_LEAP_COST
from inference.pitch_features import frame_count
from inference.pitch_tracker import PitchModelError, PitchTrack, PitchTracker, redecode

MELODY_MODEL_FILE = "melody_int8.onnx"
"""The app runs the 8-bit form of ``melody.onnx`` (same network, about 2x faster;
``python -m training.quantize_melody``, see ``models_onnx/melody.md``)."""

OFFLINE_THREADS = min(2, os.cpu_count() or 1)
"""onnxruntime threads for tracking a whole recording at once (a file, or a
take without its live pitch): someone waits for the answer and no stream has
to keep up. Live tracking keeps one thread beside the UI."""

_lock = threading.Lock()
_trackers: dict[tuple[Path, int], PitchTracker] = {}

__all__ = ["OFFLINE_THREADS", "MelodyAnalysis", "PitchModelError", "analyse_audio", "analyse_file",
           "melody_model_path", "pitch_of", "shared_tracker"]


def melody_model_path() -> Path:
    return models_dir() / MELODY_MODEL_FILE


def shared_tracker(threads: int = 1) -> PitchTracker:
    """The process-wide tracker on the shipped model. Raises PitchModelError."""
    key = (melody_model_path(), threads)
    with _lock:
        if key not in _trackers:
            _trackers[key] = PitchTracker(key[0], threads=threads)
        return _trackers[key]


@dataclass
class MelodyAnalysis:
    """What Norae hears in a recording.

    track: frame pitch (10 ms hop). notes: the segmented melody (MIDI floats).
    summary: sustained range, tessitura, key and sung time of those notes.
    """

    track: PitchTrack
    notes: list[Note]
    summary: TakeSummary
    duration_s: float

    def pitch_json(self) -> dict:
        """The ``norae pitch --json`` payload: hop, f0 (0 where unvoiced), voicing."""
        return {
            "hop_s": self.track.hop_s,
            "f0_hz": [round(float(f), 2) for f in self.track.f0_hz],
            "voiced_prob": [round(float(p), 3) for p in self.track.voiced_prob],
        }

    def notes_json(self) -> dict:
        s = self.summary
        return {
            "notes": [{"onset_s": round(n.onset_s, 3), "duration_s": round(n.duration_s, 3),
                       "pitch": round(n.pitch, 2)} for n in self.notes],
            "range": {"low": s.range_low, "high": s.range_high, "text": s.range_text},
            "tessitura": list(s.tessitura) if s.tessitura else None,
            "key": s.key,
            "sung_seconds": round(s.sung_seconds, 2),
            "duration_s": round(self.duration_s, 2),
        }


def pitch_of(audio: np.ndarray, track: PitchTrack | None = None,
             tracker: PitchTracker | None = None, *, solo: bool = False) -> PitchTrack:
    """The Viterbi-smoothed pitch of audio float32 [L] mono at 16 kHz.

    track: the audio's pitch when already known (a live take's, see
    :meth:`app.take_recorder.TakeRecorder.pitch_track`); used only when its
    frames match the audio (``frame_count(L)``), else the model runs.
    solo: the audio is one voice alone (a take for the voice or range), so
    sung leaps short of an octave are decoded more readily
    (:data:`inference.pitch_decode.SOLO_LEAP_COST`); songs and other mixtures
    keep the default decode.
    """
    leap_cost = SOLO_LEAP_COST if solo else None
    if track is not None and len(track) == frame_count(len(audio)):
        return redecode(track, leap_cost=leap_cost) if solo else track
    tracker = tracker or shared_tracker(OFFLINE_THREADS)
    return tracker.track(np.asarray(audio, dtype=np.float32), leap_cost=leap_cost)


def analyse_audio(audio: np.ndarray, tracker: PitchTracker | None = None,
                  track: PitchTrack | None = None, *, solo: bool = False) -> MelodyAnalysis:
    """audio: float32 [L] mono at 16 kHz -> MelodyAnalysis (Viterbi-smoothed
    pitch; ``track`` and ``solo`` as in :func:`pitch_of`)."""
    track = pitch_of(audio, track, tracker, solo=solo)
    # Keep the Viterbi voicing decision; the probability only marks dips
    # between repeated notes.
    notes = segment_notes(track.f0_hz, track.f0_hz > 0, track.hop_s, voiced_prob=track.voiced_prob)
    return MelodyAnalysis(track, notes, take_summary(notes), len(audio) / SAMPLE_RATE)


def analyse_file(path: str | Path, tracker: PitchTracker | None = None) -> MelodyAnalysis:
    """Decode any supported audio file and analyse it. Raises AudioDecodeError
    for unreadable audio and PitchModelError when the model cannot be loaded."""
    return analyse_audio(decode_audio(Path(path)), tracker)
