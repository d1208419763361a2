"""Live capture from a microphone as an :class:`app.audio_source.AudioSource`.

sounddevice/PortAudio delivers blocks on its own audio thread; this module
keeps that thread's work to a copy into a bounded queue, and does the
resampling (soxr, device rate -> SAMPLE_RATE) in the reader's thread. Device
choice and the PortAudio import live in :mod:`app.audio_devices`.
"""

from __future__ import annotations

import queue
import threading
import time

import numpy as np
import soxr

from app.audio_devices import InputDevice, choose_input_device, sounddevice_module, supported_input_rate
from app.audio_source import AudioSource, SourceError, SourceTimeout
from inference.constants import CAPTURE_BLOCK_S, CAPTURE_BLOCK_SAMPLES, SAMPLE_RATE

_POLL_S = 0.05
"""How often read() looks at the stream's state while waiting for audio, seconds."""


class MicrophoneSource(AudioSource):
    """Live capture through sounddevice/PortAudio.

    The stream runs at 16 kHz when the device accepts it, otherwise at the
    device's own rate; resampling then happens in ``read()`` (the reader's
    thread), never in the audio callback. The callback only checks the status,
    copies the block into a bounded queue with put_nowait, and counts overflows.

    device: index, name (substring), InputDevice, or None for the best one
    (see ``choose_input_device``). queue_blocks: how many 20 ms blocks may wait
    for the reader before new ones are dropped. stall_timeout_s: ``read()``
    without a timeout raises SourceTimeout after this long without audio.
    latency: PortAudio's suggested latency ("low", "high" or seconds); "high"
    makes some backends (ALSA->PulseAudio) hold back the first ~2 s.
    """

    endless = True

    def __init__(self, device: str | int | InputDevice | None = None, queue_blocks: int = 250,
                 stall_timeout_s: float = 2.0, latency: str | float = "low"):
        super().__init__("microphone" if device is None else f"microphone: {device}")
        self.preferred = device
        self.queue_blocks = queue_blocks
        self.stall_timeout_s = stall_timeout_s
        self.latency = latency
        self.device: InputDevice | None = None
        self.rejected: dict[str, str] = {}
        self.stream_rate = SAMPLE_RATE
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=queue_blocks)
        self._stream = None
        self._resampler = None
        self._pending = np.zeros(0, dtype=np.float32)
        self._finished = threading.Event()

    # --- audio thread: copy and count, nothing else ---------------------------------
    def _callback(self, indata, frames, time_info, status) -> None:
        if status.input_overflow:
            self._overflows += 1
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self._overflows += 1

    def _on_finished(self) -> None:
        self._finished.set()

    # --- control ---------------------------------------------------------------------
    def start(self) -> None:
        """Open the device (NoInputDeviceError if none, SourceError if it refuses)."""
        if self._state == "running":
            return
        sd = sounddevice_module()
        if isinstance(self.preferred, InputDevice):
            self.device, self.rejected = self.preferred, {}
        else:
            choice = choose_input_device(self.preferred)
            self.device, self.rejected = choice.device, choice.rejected
        self.description = f"microphone: {self.device.label}"
        try:
            self.stream_rate = supported_input_rate(self.device)
            self._queue = queue.Queue(maxsize=self.queue_blocks)
            self._pending = np.zeros(0, dtype=np.float32)
            self._resampler = self._make_resampler(self.stream_rate)
            self._finished.clear()
            self._stream = sd.InputStream(
                device=self.device.index, channels=1, dtype="float32", samplerate=self.stream_rate,
                blocksize=int(round(self.stream_rate * CAPTURE_BLOCK_S)), latency=self.latency,
                callback=self._callback, finished_callback=self._on_finished,
            )
            self._stream.start()
        except Exception as err:  # PortAudioError, ValueError: say which device and why
            self._close_stream()
            raise SourceError(f"Could not open the microphone {self.device.label}: {err}") from err
        self._state = "running"

    def stop(self) -> None:
        if self._state != "running":
            return
        self._state = "stopped"
        self._close_stream()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # closing a dead device must not mask the real problem
                pass

    @staticmethod
    def _make_resampler(rate: int):
        if rate == SAMPLE_RATE:
            return None
        return soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")

    # --- reader thread ---------------------------------------------------------------
    def read(self, timeout: float | None = None) -> np.ndarray | None:
        if self._state == "new":
            self.start()
        limit = self.stall_timeout_s if timeout is None else timeout
        deadline = time.monotonic() + limit
        while len(self._pending) < CAPTURE_BLOCK_SAMPLES:
            try:
                raw = self._queue.get(timeout=max(0.0, min(_POLL_S, deadline - time.monotonic())))
            except queue.Empty:
                if self._state != "running":
                    return self._drain_end()
                if self._finished.is_set():
                    self.stop()
                    raise SourceError(f"The {self.description} stopped delivering audio (unplugged?)")
                if time.monotonic() >= deadline:
                    raise SourceTimeout(f"No audio from the {self.description} for {limit:.2f} s")
                continue
            self._append(raw, last=False)
        block = self._pending[:CAPTURE_BLOCK_SAMPLES].copy()
        self._pending = self._pending[CAPTURE_BLOCK_SAMPLES:]
        return block

    def _append(self, raw: np.ndarray, last: bool) -> None:
        if self._resampler is not None:
            raw = self._resampler.resample_chunk(raw, last=last)
        if len(raw):
            self._pending = np.concatenate([self._pending, np.asarray(raw, dtype=np.float32)])

    def _drain_end(self) -> np.ndarray | None:
        """After stop(): the resampler's tail, whole blocks only, then None."""
        if self._resampler is not None:
            self._append(np.zeros(0, dtype=np.float32), last=True)
            self._resampler = None
        if len(self._pending) >= CAPTURE_BLOCK_SAMPLES:
            block = self._pending[:CAPTURE_BLOCK_SAMPLES].copy()
            self._pending = self._pending[CAPTURE_BLOCK_SAMPLES:]
            return block
        return None
