"""Run the melody model (``melody.onnx`` or its 8-bit form) on audio, offline or live.

Offline: :meth:`PitchTracker.track` takes a whole signal and returns one
:class:`PitchTrack`. Live: :meth:`PitchTracker.stream` returns a
:class:`PitchStream`; push capture blocks (<= 20 ms) and it returns the frames
they complete. Its state (unconsumed samples and the network's time caches) is
explicit and resettable, and the frames it yields equal the offline ones.

Latency: a frame is emitted once PITCH_WINDOW_RIGHT samples (24 ms) past its
centre have arrived, so with 20 ms capture blocks a sound shows up as a frame
at most 44 ms later, plus compute time (about 0.3 ms per block).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.constants import HOP_S, PITCH_N_BINS
from inference.onnx_session import open_session
from inference.pitch_decode import decode_f0
from inference.pitch_features import FEATURE_DIM, FeatureStream, pitch_features

MAX_FRAMES_PER_RUN = 6000
"""Offline audio is run in chunks of this many frames (60 s), carrying the
caches across chunks, which bounds memory for long songs."""


class PitchModelError(RuntimeError):
    """The model file is missing or is not a melody model this code can run."""


@dataclass
class PitchTrack:
    """Frame-wise pitch of a signal. Frame i is centred at ``i * hop_s`` seconds.

    f0_hz: float32 [T], Hz, 0.0 where unvoiced.
    voiced_prob: float32 [T], 0..1, the model's voicing probability.
    posterior: float32 [T, PITCH_N_BINS], pitch-bin probabilities (rows sum to 1).
    """

    f0_hz: np.ndarray
    voiced_prob: np.ndarray
    posterior: np.ndarray
    hop_s: float = HOP_S

    def __len__(self) -> int:
        return len(self.f0_hz)

    @property
    def times_s(self) -> np.ndarray:
        return np.arange(len(self.f0_hz), dtype=np.float64) * self.hop_s


def redecode(track: PitchTrack, *, leap_cost: float | None) -> PitchTrack:
    """The same model output Viterbi-decoded again with another leap cap."""
    f0, _ = decode_f0(track.posterior, track.voiced_prob, smooth=True, leap_cost=leap_cost)
    return PitchTrack(f0.astype(np.float32), track.voiced_prob, track.posterior, track.hop_s)


class PitchTracker:
    """One onnxruntime session on a melody model (``melody_int8.onnx`` in the app).

    threads: onnxruntime intra-op threads (1 keeps the UI responsive and is what
    the benchmark measures).
    """

    def __init__(self, model_path: str | Path, *, threads: int = 1):
        path = Path(model_path)
        self._session = open_session(path, threads=threads, what="melody model", error=PitchModelError)
        inputs = self._session.get_inputs()
        if not inputs or inputs[0].name != "features" or inputs[0].shape[-1] != FEATURE_DIM:
            raise PitchModelError(f"{path} is not a Norae melody model (unexpected inputs)")
        self._cache_inputs = [(i.name, tuple(i.shape)) for i in inputs[1:]]
        self._outputs = [o.name for o in self._session.get_outputs()]
        self.path = path

    def zero_caches(self) -> list[np.ndarray]:
        """The network's time caches for the start of a signal (all zeros)."""
        return [np.zeros(shape, np.float32) for _, shape in self._cache_inputs]

    def run_features(self, features: np.ndarray, caches: list[np.ndarray]):
        """features float32 [T, FEATURE_DIM] -> (posterior [T, P], voiced_prob [T], new caches)."""
        feed = {"features": features[None].astype(np.float32, copy=False)}
        feed.update({name: c for (name, _), c in zip(self._cache_inputs, caches)})
        posterior, voiced, *new_caches = self._session.run(self._outputs, feed)
        return posterior[0], voiced[0], new_caches

    def frame_outputs(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """audio float32 [L] at 16 kHz -> (posterior [T, P], voiced_prob [T]), T = L // 160 + 1."""
        features = pitch_features(audio)
        caches = self.zero_caches()
        posts, voiced = [], []
        for start in range(0, len(features), MAX_FRAMES_PER_RUN):
            p, v, caches = self.run_features(features[start:start + MAX_FRAMES_PER_RUN], caches)
            posts.append(p)
            voiced.append(v)
        return np.concatenate(posts), np.concatenate(voiced)

    def track(self, audio: np.ndarray, *, smooth: bool = True, leap_cost: float | None = None) -> PitchTrack:
        """Pitch of a whole signal. smooth=True decodes with Viterbi (offline use);
        smooth=False decodes each frame on its own, as the live display does.
        leap_cost: see :func:`inference.pitch_decode.decode_f0`."""
        posterior, voiced_prob = self.frame_outputs(audio)
        f0, _ = decode_f0(posterior, voiced_prob, smooth=smooth, leap_cost=leap_cost)
        return PitchTrack(f0.astype(np.float32), voiced_prob.astype(np.float32), posterior)

    def stream(self) -> PitchStream:
        return PitchStream(self)


class PitchStream:
    """Live pitch: blocks of samples in, finished frames out (causal decoding)."""

    def __init__(self, tracker: PitchTracker):
        self._tracker = tracker
        self._features = FeatureStream()
        self._caches = tracker.zero_caches()

    def reset(self) -> None:
        self._features.reset()
        self._caches = self._tracker.zero_caches()

    @property
    def frames_out(self) -> int:
        return self._features.frames_out

    def push(self, block: np.ndarray) -> PitchTrack:
        """block float32 [n] -> the frames it completed (possibly none)."""
        return self._run(self._features.push(block))

    def finish(self) -> PitchTrack:
        """The last frames of the signal (the lookahead filled with silence)."""
        return self._run(self._features.finish())

    def _run(self, features: np.ndarray) -> PitchTrack:
        if len(features) == 0:
            empty = np.zeros(0, np.float32)
            return PitchTrack(empty, empty, np.zeros((0, PITCH_N_BINS), np.float32))
        posterior, voiced_prob, self._caches = self._tracker.run_features(features, self._caches)
        f0, _ = decode_f0(posterior, voiced_prob, smooth=False)
        return PitchTrack(f0.astype(np.float32), voiced_prob, posterior)
