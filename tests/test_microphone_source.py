"""MicrophoneSource's queue/overflow/resampling logic, driven by a stand-in
PortAudio stream (the real device path is in tests/test_live_capture.py)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from app import microphone_source
from app.audio_devices import InputDevice
from app.audio_source import SourceError, SourceTimeout, record
from app.microphone_source import MicrophoneSource
from inference.constants import CAPTURE_BLOCK_SAMPLES, SAMPLE_RATE


def _peak_hz(x, rate=SAMPLE_RATE):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)]


# --- microphone logic with a stand-in PortAudio stream --------------------------------


class _FakeStream:
    """Calls the callback like PortAudio would, from its own thread, with a 1 kHz tone."""

    def __init__(self, plan, **kwargs):
        self.kwargs, self.plan = kwargs, plan
        self.rate, self.blocksize = kwargs["samplerate"], kwargs["blocksize"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        plan.streams.append(self)

    def _run(self):
        for k in range(self.plan.n_blocks):
            if self._stop.is_set():
                return
            t = (k * self.blocksize + np.arange(self.blocksize)) / self.rate
            indata = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)[:, None]
            status = SimpleNamespace(input_overflow=k in self.plan.driver_overflows)
            self.kwargs["callback"](indata, self.blocksize, None, status)
            if self.plan.pace:
                time.sleep(self.blocksize / self.rate)
        if self.plan.die_after:
            self.kwargs["finished_callback"]()

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def close(self):
        pass


@pytest.fixture
def fake_portaudio(monkeypatch):
    """A 44.1 kHz-only device; ``plan`` says what the stream does."""
    plan = SimpleNamespace(n_blocks=50, driver_overflows=set(), pace=False, die_after=False,
                           streams=[], open_error=None)
    device = InputDevice(3, "Fake USB Mic", "ALSA", 1, 44_100.0, True)

    def input_stream(**kwargs):
        if plan.open_error:
            raise plan.open_error
        return _FakeStream(plan, **kwargs)

    monkeypatch.setattr(microphone_source, "sounddevice_module",
                        lambda: SimpleNamespace(InputStream=input_stream))
    monkeypatch.setattr(microphone_source, "choose_input_device",
                        lambda preferred: SimpleNamespace(device=device, rejected={}))
    monkeypatch.setattr(microphone_source, "supported_input_rate", lambda dev: 44_100)
    return plan


def test_microphone_resamples_a_44k1_device_in_the_reader(fake_portaudio):
    source = MicrophoneSource()
    source.start()
    stream = fake_portaudio.streams[0]
    stream._thread.join()
    assert stream.kwargs["samplerate"] == 44_100 and stream.kwargs["blocksize"] == 882
    queued = list(source._queue.queue)
    assert len(queued) == 50 and all(len(b) == 882 for b in queued)  # callback copied raw blocks
    source.stop()
    blocks = []
    while (block := source.read()) is not None:  # what was queued before stop(), then None
        blocks.append(block)
    assert all(b.shape == (CAPTURE_BLOCK_SAMPLES,) and b.dtype == np.float32 for b in blocks)
    audio = np.concatenate(blocks)
    assert abs(len(audio) - 50 * CAPTURE_BLOCK_SAMPLES) <= CAPTURE_BLOCK_SAMPLES
    assert _peak_hz(audio[1000:]) == pytest.approx(1000, abs=5)
    assert source.description == "microphone: Fake USB Mic (ALSA)"
    assert source.overflows == 0


def test_microphone_counts_dropped_and_driver_lost_blocks(fake_portaudio):
    fake_portaudio.n_blocks = 10
    fake_portaudio.driver_overflows = {2}
    source = MicrophoneSource(queue_blocks=4)
    source.start()
    fake_portaudio.streams[0]._thread.join()
    assert source.overflows == 6 + 1  # 6 blocks found the queue full, 1 flagged by the driver
    source.stop()


def test_microphone_read_times_out_when_no_audio_arrives(fake_portaudio):
    fake_portaudio.n_blocks = 0
    source = MicrophoneSource(stall_timeout_s=0.2)
    with source:
        with pytest.raises(SourceTimeout):
            source.read(timeout=0.05)
        with pytest.raises(SourceTimeout, match="No audio from the microphone"):
            source.read()


def test_microphone_that_stops_by_itself_is_reported(fake_portaudio):
    fake_portaudio.n_blocks, fake_portaudio.die_after = 3, True
    source = MicrophoneSource()
    source.start()
    fake_portaudio.streams[0]._thread.join()
    with pytest.raises(SourceError, match="stopped delivering audio"):
        for _ in range(10):
            source.read(timeout=1.0)


def test_microphone_open_failure_names_the_device(fake_portaudio):
    fake_portaudio.open_error = ValueError("Invalid sample rate")
    with pytest.raises(SourceError, match="Fake USB Mic.*Invalid sample rate"):
        MicrophoneSource().start()


def test_record_from_paced_microphone_stops_it(fake_portaudio):
    fake_portaudio.pace = True
    source = MicrophoneSource()
    audio = record(source, 0.3)
    assert audio.shape == (int(0.3 * SAMPLE_RATE),)
    assert not source.running
    with pytest.raises(ValueError, match="never ends"):
        record(source)

