"""One live take (sung or hummed), block by block: level, pitch, hints, auto-stop.

A :class:`TakeRecorder` is fed 20 ms capture blocks by whoever reads the audio
source (the UI's capture worker, or a test reading a WAV). Each ``push`` returns
a :class:`TakeUpdate` with what a singer should see: the input level, a hint
when the input is too quiet or clipping, the pitch frames the block completed
(from the streaming melody encoder), and whether the take should end — after
``max_s``, after ``silence_stop_s`` of silence once enough has been sung, or
when nothing at all was sung for ``give_up_s``. No Qt here.

The recorder also keeps what the streaming encoder said about every frame
(pitch-bin posterior and voicing), so once the take is over
:meth:`TakeRecorder.pitch_track` gives the whole take's smoothed pitch — the
same as running the melody model over the recording again, without the wait.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.constants import CAPTURE_BLOCK_S, HOP_S, SAMPLE_RATE
from inference.pitch_decode import decode_f0
from inference.pitch_features import frame_count
from inference.pitch_tracker import PitchStream, PitchTrack

LEVEL_FLOOR_DB = -90.0
"""dBFS shown for digital silence."""
QUIET_DB = -42.0
"""Loudest recent 0.5 s below this RMS level (dBFS) -> "too quiet"."""
CLIP_LEVEL = 0.985
"""|sample| at or above this counts as clipping."""
SUNG_FLOOR_DB = -50.0
"""Pitch heard in blocks quieter than this (dBFS) is taken for noise, not singing."""
HINT_WINDOW_S = 2.0
"""Hints look at this much recent audio."""
HINT_DELAY_S = 1.5
"""No "too quiet" hint before this much of the take (the singer is getting ready)."""

SING_MAX_S = 30.0
"""A sung take ends by itself after this long."""
SING_GUIDE_S = 8.0
"""Singers are asked for at least this much singing."""
HUM_MAX_S = 20.0
"""A hummed query ends by itself after this long."""
SILENCE_STOP_S = 2.5
"""Silence that ends a take once enough has been sung."""
GIVE_UP_S = 12.0
"""A take with under half a second sung after this long ends (reason "nothing_heard")."""

TOO_QUIET, CLIPPING = "too_quiet", "clipping"
STOP_SILENCE, STOP_MAX_LENGTH, STOP_NOTHING_HEARD = "silence", "max_length", "nothing_heard"


def level_db(block: np.ndarray) -> float:
    """RMS level of float32 samples in dBFS (full scale = 1.0), floored at LEVEL_FLOOR_DB."""
    if len(block) == 0:
        return LEVEL_FLOOR_DB
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(LEVEL_FLOOR_DB, 20.0 * np.log10(rms)) if rms > 0 else LEVEL_FLOOR_DB


def hz_to_midi(f0_hz: np.ndarray) -> np.ndarray:
    """f0 in Hz (0 = unvoiced) -> float MIDI pitch, NaN where unvoiced."""
    f0 = np.asarray(f0_hz, dtype=np.float64)
    out = np.full(f0.shape, np.nan)
    voiced = f0 > 0
    out[voiced] = 69.0 + 12.0 * np.log2(f0[voiced] / 440.0)
    return out


@dataclass
class TakeUpdate:
    """What one pushed block changed.

    elapsed_s: audio seconds recorded so far. level_db: RMS of this block, dBFS.
    peak: max |sample| of this block. hint: TOO_QUIET, CLIPPING or None.
    times_s / midi: float64 [k] times (s from the take's start) and MIDI pitch
    (NaN = unvoiced) of the pitch frames this block completed. sung_s: voiced
    seconds so far. stop_reason: None while the take goes on.
    """

    elapsed_s: float
    level_db: float
    peak: float
    hint: str | None
    times_s: np.ndarray
    midi: np.ndarray
    sung_s: float
    stop_reason: str | None


class TakeRecorder:
    """Collects one take and decides when it is over.

    stream: a fresh PitchStream (the live melody encoder), or None to record
    without pitch (then "sung" means "loud enough"). min_sung_s: singing needed
    before silence may end the take.
    """

    def __init__(self, stream: PitchStream | None, *, max_s: float = SING_MAX_S,
                 min_sung_s: float = 3.0, silence_stop_s: float = SILENCE_STOP_S,
                 give_up_s: float = GIVE_UP_S) -> None:
        self.stream = stream
        self.max_s = max_s
        self.min_sung_s = min_sung_s
        self.silence_stop_s = silence_stop_s
        self.give_up_s = give_up_s
        self._blocks: list[np.ndarray] = []
        self._levels: list[float] = []
        self._peaks: list[float] = []
        self._samples = 0
        self._frames = 0
        self._voiced_frames = 0
        self._last_voiced_s = 0.0
        self._posteriors: list[np.ndarray] = []
        self._voiced_probs: list[np.ndarray] = []
        self._finished = False
        self.stop_reason: str | None = None

    @property
    def elapsed_s(self) -> float:
        return self._samples / SAMPLE_RATE

    @property
    def sung_s(self) -> float:
        return self._voiced_frames * HOP_S

    def push(self, block: np.ndarray) -> TakeUpdate:
        """block: float32 [n] mono at SAMPLE_RATE (n <= one capture block)."""
        block = np.asarray(block, dtype=np.float32)
        self._blocks.append(block.copy())
        self._samples += len(block)
        level = level_db(block)
        peak = float(np.max(np.abs(block))) if len(block) else 0.0
        self._levels.append(level)
        self._peaks.append(peak)
        times, midi = self._pitch(block, level)
        self.stop_reason = self.stop_reason or self._should_stop()
        return TakeUpdate(self.elapsed_s, level, peak, self.hint(), times, midi, self.sung_s,
                          self.stop_reason)

    def _pitch(self, block: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
        if self.stream is None:
            if level > SUNG_FLOOR_DB:
                self._voiced_frames += round(len(block) / SAMPLE_RATE / HOP_S)
                self._last_voiced_s = self.elapsed_s
            return np.zeros(0), np.zeros(0)
        track = self.stream.push(block)
        self._keep(track)
        times = (self._frames + np.arange(len(track))) * HOP_S
        self._frames += len(track)
        midi = hz_to_midi(track.f0_hz)
        if level < SUNG_FLOOR_DB:
            midi[:] = np.nan
        voiced = ~np.isnan(midi)
        if voiced.any():
            self._voiced_frames += int(voiced.sum())
            self._last_voiced_s = float(times[voiced][-1])
        return times, midi

    def hint(self) -> str | None:
        """TOO_QUIET, CLIPPING or None, judged on the last HINT_WINDOW_S."""
        recent = max(1, round(HINT_WINDOW_S / CAPTURE_BLOCK_S))
        if max(self._peaks[-recent:], default=0.0) >= CLIP_LEVEL:
            return CLIPPING
        if self.elapsed_s >= HINT_DELAY_S:
            half_s = max(1, round(0.5 / CAPTURE_BLOCK_S))
            levels = np.asarray(self._levels[-recent:])
            power = np.convolve(10 ** (levels / 10), np.ones(half_s) / half_s, mode="valid") \
                if len(levels) >= half_s else 10 ** (levels / 10)
            if 10 * np.log10(max(float(power.max()), 1e-12)) < QUIET_DB:
                return TOO_QUIET
        return None

    def _should_stop(self) -> str | None:
        if self.elapsed_s >= self.max_s - 1e-9:
            return STOP_MAX_LENGTH
        if self.sung_s >= self.min_sung_s and self.elapsed_s - self._last_voiced_s >= self.silence_stop_s:
            return STOP_SILENCE
        if self.sung_s < 0.5 and self.elapsed_s >= self.give_up_s:
            return STOP_NOTHING_HEARD
        return None

    def audio(self) -> np.ndarray:
        """The whole take so far: float32 [L] mono at SAMPLE_RATE."""
        return np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.float32)

    def _keep(self, track: PitchTrack) -> None:
        if len(track):
            self._posteriors.append(track.posterior)
            self._voiced_probs.append(np.asarray(track.voiced_prob, np.float32))

    def finish(self) -> None:
        """The take is over: run the encoder over its last frames (the ones
        that waited for lookahead). Nothing can be pushed afterwards."""
        if self._finished:
            return
        self._finished = True
        if self.stream is not None:
            self._keep(self.stream.finish())

    def pitch_track(self) -> PitchTrack | None:
        """The finished take's pitch, Viterbi-smoothed as offline analysis does it
        (frames aligned with :meth:`audio`: T = frame_count(L)), or None
        without a stream or before :meth:`finish`."""
        if self.stream is None or not self._finished or not self._posteriors:
            return None
        posterior = np.concatenate(self._posteriors)
        voiced_prob = np.concatenate(self._voiced_probs)
        if len(posterior) != frame_count(self._samples):
            return None
        f0, _ = decode_f0(posterior, voiced_prob, smooth=True)
        return PitchTrack(f0.astype(np.float32), voiced_prob, posterior)
