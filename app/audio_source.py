"""One interface for every stream of audio blocks: microphone, file, test tones.

Every source yields float32 mono blocks of CAPTURE_BLOCK_SAMPLES samples at
SAMPLE_RATE (20 ms), so features written against ``AudioSource`` can be tested
from files and generated tones, and a ``FileSource(realtime=True)`` stands in
for a microphone in UI tests.

Life cycle: ``start()`` -> ``read()`` until it returns None (end of stream) ->
``stop()``. ``with source:`` starts and stops; iterating starts if needed.
The live microphone source lives in :mod:`app.microphone_source`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from app.audio_decode import decode_audio
from inference.constants import CAPTURE_BLOCK_S, CAPTURE_BLOCK_SAMPLES, SAMPLE_RATE


class SourceError(Exception):
    """Capture failed (device could not be opened, or stopped); readable message."""


class SourceTimeout(SourceError, TimeoutError):
    """``read(timeout)`` waited and no block arrived."""


class AudioSource(ABC):
    """Stream of (CAPTURE_BLOCK_SAMPLES,) float32 blocks at SAMPLE_RATE.

    ``read(timeout)`` returns the next block, None at end of stream, or raises
    SourceTimeout. ``overflows`` counts blocks lost because the reader was slow.
    """

    sample_rate = SAMPLE_RATE
    block_samples = CAPTURE_BLOCK_SAMPLES
    endless = False
    """True for live sources whose stream never ends by itself (a microphone)."""

    def __init__(self, description: str):
        self.description = description
        self._overflows = 0
        self._state = "new"  # new -> running -> stopped (start() may run again)

    @property
    def overflows(self) -> int:
        """Blocks dropped (queue full) or reported lost by the audio driver."""
        return self._overflows

    @property
    def running(self) -> bool:
        return self._state == "running"

    @abstractmethod
    def start(self) -> None:
        """Begin producing blocks (rewinds file and tone sources)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop producing; later reads return what is buffered, then None."""

    @abstractmethod
    def read(self, timeout: float | None = None) -> np.ndarray | None:
        """Next block, shape (CAPTURE_BLOCK_SAMPLES,) float32; None at end of stream."""

    def __iter__(self) -> Iterator[np.ndarray]:
        if self._state != "running":
            self.start()
        while (block := self.read()) is not None:
            yield block

    def __enter__(self) -> AudioSource:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description!r} {self._state}>"


class ArraySource(AudioSource):
    """Blocks cut from a signal held in memory; the last block is zero-padded.

    realtime=False hands out blocks as fast as they are read; True paces them
    like a microphone (block k is ready (k+1) * 20 ms after start()).
    loop=True starts over at the end instead of ending the stream.
    """

    def __init__(self, samples: np.ndarray, description: str = "samples", realtime: bool = False,
                 loop: bool = False):
        super().__init__(description)
        samples = np.asarray(samples, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"samples must be mono, shape (n,), got {samples.shape}")
        n_blocks = -(-len(samples) // CAPTURE_BLOCK_SAMPLES)
        padded = np.zeros(n_blocks * CAPTURE_BLOCK_SAMPLES, dtype=np.float32)
        padded[: len(samples)] = samples
        self._blocks = padded.reshape(n_blocks, CAPTURE_BLOCK_SAMPLES)
        self.realtime = realtime
        self.loop = loop and n_blocks > 0
        self._served = 0
        self._t0 = 0.0

    @property
    def duration_s(self) -> float:
        """Length of the signal in seconds (padded to whole blocks)."""
        return self._blocks.size / SAMPLE_RATE

    def start(self) -> None:
        if self._state == "running":
            return
        self._served = 0
        self._t0 = time.monotonic()
        self._state = "running"

    def stop(self) -> None:
        self._state = "stopped"

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        if self._state == "new":
            self.start()
        if self._state != "running":
            return None
        n_blocks = len(self._blocks)
        if self._served >= n_blocks and not self.loop:
            return None
        if self.realtime:
            wait = self._t0 + (self._served + 1) * CAPTURE_BLOCK_S - time.monotonic()
            if timeout is not None and wait > timeout:
                time.sleep(max(timeout, 0.0))
                raise SourceTimeout(f"{self.description}: next block not due yet")
            if wait > 0:
                time.sleep(wait)
        block = self._blocks[self._served % n_blocks].copy()
        self._served += 1
        return block


class FileSource(ArraySource):
    """An audio file decoded up front (AudioDecodeError is raised here) and cut in blocks."""

    def __init__(self, path: str | Path, realtime: bool = False, loop: bool = False):
        self.path = Path(path)
        super().__init__(decode_audio(self.path), f"file: {self.path.name}", realtime, loop)


def synth_tones(tones: Sequence[tuple[float, float, float]], vibrato_hz: float = 0.0,
                vibrato_cents: float = 0.0, fade_s: float = 0.005,
                sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Sine tones played one after another, float32 (n,) at ``sample_rate``.

    tones: (freq_hz, seconds, amplitude) each; freq 0 or amplitude 0 is silence.
    Vibrato: sinusoidal pitch wobble of +-vibrato_cents at vibrato_hz. Each tone
    fades in and out over fade_s seconds so there are no clicks.
    """
    pieces = []
    t_total = 0.0
    for freq, seconds, amplitude in tones:
        if seconds < 0 or freq < 0:
            raise ValueError(f"bad tone {(freq, seconds, amplitude)}: need freq >= 0, seconds >= 0")
        n = int(round(seconds * sample_rate))
        if n == 0:
            continue
        if freq == 0 or amplitude == 0:
            pieces.append(np.zeros(n, dtype=np.float64))
        else:
            t = t_total + np.arange(n) / sample_rate
            inst = freq * 2.0 ** (vibrato_cents / 1200.0 * np.sin(2 * np.pi * vibrato_hz * t))
            phase = 2 * np.pi * np.cumsum(inst) / sample_rate
            wave = amplitude * np.sin(phase - phase[0])
            n_fade = min(int(fade_s * sample_rate), n // 2)
            if n_fade > 0:
                ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n_fade) / n_fade)
                wave[:n_fade] *= ramp
                wave[n - n_fade:] *= ramp[::-1]
            pieces.append(wave)
        t_total += n / sample_rate
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32)


class ToneSource(ArraySource):
    """Generated tones (see ``synth_tones``) as a source, e.g. a fake singer for tests."""

    def __init__(self, tones: Sequence[tuple[float, float, float]], vibrato_hz: float = 0.0,
                 vibrato_cents: float = 0.0, realtime: bool = False, loop: bool = False):
        signal = synth_tones(tones, vibrato_hz, vibrato_cents)
        super().__init__(signal, f"tones: {len(tones)} segment(s)", realtime, loop)


def record(source: AudioSource, seconds: float | None = None) -> np.ndarray:
    """Collect ``seconds`` of audio (None: until the stream ends) as float32 (n,).

    Starts the source if needed and then also stops it. The result is exactly
    round(seconds * SAMPLE_RATE) samples, or shorter if the stream ended first.
    """
    if seconds is None and source.endless:
        raise ValueError(f"a live source ({source.description}) never ends: "
                         "give record() a number of seconds")
    target = None if seconds is None else int(round(seconds * SAMPLE_RATE))
    started_here = not source.running
    if started_here:
        source.start()
    blocks, total = [], 0
    try:
        while target is None or total < target:
            block = source.read()
            if block is None:
                break
            blocks.append(block)
            total += len(block)
    finally:
        if started_here:
            source.stop()
    out = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    return out if target is None else out[:target]
