"""Published pitch trackers wrapped to Norae's frame grid, for the melody bench.

:func:`load_norae` puts Norae's own tracker behind the same interface.

Every adapter maps ``audio`` (float32 [L], mono, 16 kHz, roughly in -1..1) to a
:class:`PitchOutput` with ``T = L // HOP_SAMPLES + 1`` frames, frame ``i``
centred at ``i * HOP_S`` seconds, the same grid as Norae's tracker and the
bench references:

``pyin``
    ``librosa.pyin``, fmin 60 Hz, fmax 1100 Hz, ``frame_length`` 1024 samples
    (64 ms; librosa's autocorrelation window is half of it, 32 ms, which holds
    two periods of 60 Hz), hop 160, ``center=True`` with zero padding. The
    voicing decision is pyin's own HMM ``voiced_flag``; the pitch of frames it
    calls unvoiced is its best guess (``fill_na=None``).
``crepe-tiny``
    ``torchcrepe`` 'tiny' model, hop 160, fmin 50 Hz, fmax 1100 Hz, Viterbi
    decoding, batches of 1024 frames, CPU, zero padded so frame ``i`` is
    centred at sample ``160 i``. Voicing: the periodicity, median filtered
    over 3 frames, at least :data:`CREPE_PERIODICITY_THRESHOLD`.
``pesto``
    PESTO 2.x with its bundled ``mir-1k_g7`` checkpoint (shipped inside the
    pesto-pitch wheel, nothing is downloaded), 10 ms step, the package's
    default 'alwa' reduction. Voicing: its confidence at least
    :data:`PESTO_CONFIDENCE_THRESHOLD`.

The thresholds are fixed once here, not tuned on the bench set; see their
docstrings. torchcrepe and pesto import ``torchaudio`` only to read audio
files, which the bench never does; a bare stand-in module is registered when
torchaudio is missing so they import without it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from inference.constants import HOP_S, HOP_SAMPLES, SAMPLE_RATE, pitch_bin_midi

PYIN_FMIN_HZ = 60.0
PYIN_FMAX_HZ = 1100.0
PYIN_FRAME_LENGTH = 1024

CREPE_FMIN_HZ = 50.0
CREPE_FMAX_HZ = 1100.0
CREPE_BATCH_FRAMES = 1024

CREPE_PERIODICITY_THRESHOLD = 0.21
"""torchcrepe periodicity (after a 3-frame median) at or above which a frame is
voiced: the value torchcrepe's own documentation uses with ``threshold.At``.
0.5 would miss much of the voiced singing; crepe's periodicity of sung vowels
often sits between 0.3 and 0.6."""

PESTO_CHECKPOINT = "mir-1k_g7"

PESTO_CONFIDENCE_THRESHOLD = 0.25
"""PESTO confidence at or above which a frame is voiced. Chosen once as the
best frame voicing accuracy on a synthetic development set disjoint from the
bench set (sung-like harmonic tones with vibrato, gaps and consonant noise,
alone, with 0 dB chords, with pink noise); accuracy was flat from 0.2 to 0.3.
The same search for crepe only rewarded "always voiced" on that mostly voiced
set, so crepe keeps its documented value instead."""


class PitchOutput(NamedTuple):
    """One tracker's answer on the 10 ms grid (all arrays [T])."""

    f0_hz: np.ndarray
    """float32 Hz, the tracker's pitch guess per frame; 0.0 where it has none."""
    voicing: np.ndarray
    """float32 0..1: voiced probability, confidence or 0/1 flag."""
    voiced: np.ndarray
    """bool, the tracker's own voicing decision."""


PitchFn = Callable[[np.ndarray], PitchOutput]


class PeerUnavailable(RuntimeError):
    """A peer tracker cannot run here (its package or weights are missing)."""


def n_frames(n_samples: int) -> int:
    """Frames on Norae's grid for ``n_samples`` samples: ``L // 160 + 1``."""
    return n_samples // HOP_SAMPLES + 1


def fit_length(values: np.ndarray, frames: int, fill=0) -> np.ndarray:
    """``values`` cut or padded with ``fill`` at the end to ``frames`` entries."""
    if len(values) >= frames:
        return values[:frames]
    return np.concatenate([values, np.full(frames - len(values), fill, values.dtype)])


def check_audio(audio: np.ndarray) -> np.ndarray:
    """``audio`` as contiguous float32 [L]; ValueError if not 1-D and finite."""
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    if audio.ndim != 1 or audio.size == 0:
        raise ValueError(f"audio must be a non-empty 1-D array, got shape {audio.shape}")
    if not np.all(np.isfinite(audio)):
        raise ValueError("audio holds NaN or infinite samples")
    return audio


def stub_torchaudio() -> None:
    """Register an empty ``torchaudio`` module if the real one is not importable."""
    if "torchaudio" in sys.modules:
        return
    try:
        import torchaudio  # noqa: F401
    except (ImportError, OSError):  # missing, or a build whose libraries fail to load
        sys.modules["torchaudio"] = types.ModuleType("torchaudio")


def _import(module: str):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise PeerUnavailable(f"{module} is not installed ({exc})") from exc


def load_pyin(threads: int = 1) -> PitchFn:
    """librosa.pyin adapter (pure numpy/numba; ``threads`` is unused)."""
    librosa = _import("librosa")

    def track(audio: np.ndarray) -> PitchOutput:
        audio = check_audio(audio)
        f0, flag, prob = librosa.pyin(
            audio, fmin=PYIN_FMIN_HZ, fmax=PYIN_FMAX_HZ, sr=SAMPLE_RATE,
            frame_length=PYIN_FRAME_LENGTH, hop_length=HOP_SAMPLES, center=True,
            fill_na=None)
        frames = n_frames(len(audio))
        f0 = np.nan_to_num(f0, nan=0.0).astype(np.float32)
        return PitchOutput(fit_length(f0, frames), fit_length(prob.astype(np.float32), frames),
                           fit_length(flag.astype(bool), frames, False))

    return track


def load_crepe_tiny(threads: int = 1) -> PitchFn:
    """torchcrepe 'tiny' adapter, on the CPU with ``threads`` torch threads."""
    stub_torchaudio()
    torch = _import("torch")
    torchcrepe = _import("torchcrepe")
    torch.set_num_threads(threads)

    def track(audio: np.ndarray) -> PitchOutput:
        audio = check_audio(audio)
        with torch.inference_mode():
            pitch, periodicity = torchcrepe.predict(
                torch.from_numpy(audio)[None], SAMPLE_RATE, hop_length=HOP_SAMPLES,
                fmin=CREPE_FMIN_HZ, fmax=CREPE_FMAX_HZ, model="tiny",
                decoder=torchcrepe.decode.viterbi, return_periodicity=True,
                batch_size=CREPE_BATCH_FRAMES, device="cpu", pad=True)
            periodicity = torchcrepe.filter.median(periodicity, 3)
        frames = n_frames(len(audio))
        f0 = fit_length(pitch[0].numpy().astype(np.float32), frames)
        conf = fit_length(periodicity[0].numpy().astype(np.float32), frames)
        return PitchOutput(f0, conf, conf >= CREPE_PERIODICITY_THRESHOLD)

    return track


def load_pesto(threads: int = 1) -> PitchFn:
    """PESTO adapter (bundled checkpoint), on the CPU with ``threads`` torch threads."""
    stub_torchaudio()
    torch = _import("torch")
    pesto = _import("pesto")
    torch.set_num_threads(threads)
    try:
        model = pesto.load_model(PESTO_CHECKPOINT, step_size=HOP_S * 1000.0,
                                 sampling_rate=SAMPLE_RATE)
    except FileNotFoundError as exc:
        raise PeerUnavailable(f"pesto checkpoint {PESTO_CHECKPOINT!r} not bundled") from exc
    model.eval()

    def track(audio: np.ndarray) -> PitchOutput:
        audio = check_audio(audio)
        with torch.inference_mode():
            f0, conf, _volume = model(torch.from_numpy(audio), sr=SAMPLE_RATE,
                                      convert_to_freq=True, return_activations=False)
        frames = n_frames(len(audio))
        f0 = fit_length(f0.numpy().astype(np.float32).reshape(-1), frames)
        conf = fit_length(conf.numpy().astype(np.float32).reshape(-1), frames)
        return PitchOutput(f0, conf, conf >= PESTO_CONFIDENCE_THRESHOLD)

    return track


def load_norae(model_path: Path, threads: int = 1) -> PitchFn:
    """Norae's ``inference.pitch_tracker`` on ``model_path`` with ``threads`` threads.

    Decision: ``f0_hz > 0``. Where the track also carries a ``posterior``
    [T, PITCH_N_BINS], frames it calls unvoiced get the pitch of the most
    likely bin as their guess, so RPA treats Norae like the peers, whose pitch
    guesses on unvoiced frames count as well.
    """
    try:
        from inference.pitch_tracker import PitchModelError, PitchTracker
    except ImportError as exc:
        raise PeerUnavailable(f"inference.pitch_tracker is not importable ({exc})") from exc
    try:
        tracker = PitchTracker(model_path, threads=threads)
    except PitchModelError as exc:
        raise PeerUnavailable(str(exc)) from exc

    def track(audio: np.ndarray) -> PitchOutput:
        result = tracker.track(check_audio(audio))
        f0 = np.asarray(result.f0_hz, np.float32)
        voiced = f0 > 0
        posterior = getattr(result, "posterior", None)
        if posterior is not None and np.shape(posterior)[0] == len(f0):
            midi = pitch_bin_midi(np.argmax(posterior, axis=1))
            guess = 440.0 * 2.0 ** ((midi - 69.0) / 12.0)
            f0 = np.where(voiced, f0, guess).astype(np.float32)
        return PitchOutput(f0, np.asarray(result.voiced_prob, np.float32), voiced)

    return track


PEERS: dict[str, Callable[[int], PitchFn]] = {
    "pyin": load_pyin,
    "crepe-tiny": load_crepe_tiny,
    "pesto": load_pesto,
}
"""Peer name -> loader(threads) -> tracking function."""
