"""Live capture through a real PortAudio input stream, and device selection.

The recording test plays a WAV into a private PulseAudio daemon's virtual
microphone (see tests/virtual_mic.py) while a MicrophoneSource records it, and
checks the recording matches the file. ``make test`` installs the packages; a
missing package fails the test with the apt line instead of skipping it.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import soundfile as sf

from app.audio_decode import decode_audio
from app.audio_devices import (
    NO_DEVICE_MESSAGE,
    NoInputDeviceError,
    list_input_devices,
    pick_input_device,
    refresh_devices,
)
from app.audio_source import record, synth_tones
from app.microphone_source import MicrophoneSource
from inference.constants import SAMPLE_RATE
from tests.virtual_mic import APT_LINE, VirtualMic, missing_tools


@pytest.fixture(scope="module")
def virtual_mic():
    """One private PulseAudio daemon for this module's tests (starting one takes ~2 s)."""
    missing = missing_tools()
    if missing:
        pytest.fail(f"live capture test needs {', '.join(missing)}. Install with: {APT_LINE}")
    mic = VirtualMic().start()
    saved = {key: os.environ.get(key) for key in mic.env}
    os.environ.update(mic.env)
    refresh_devices()  # PortAudio scanned devices before the daemon existed
    try:
        yield mic
    finally:
        mic.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        refresh_devices()


def _song_like_wav(path, rate=22_050) -> None:
    """3 s of tones with harmonics, a rest and a noise burst, written at ``rate`` Hz."""
    melody = [(262, 0.4, 0.3), (330, 0.4, 0.3), (0, 0.3, 0), (392, 0.5, 0.3), (523, 0.6, 0.25)]
    voiced = synth_tones(melody, vibrato_hz=5.5, vibrato_cents=30, sample_rate=rate)
    voiced += 0.5 * synth_tones([(f * 2, s, a) for f, s, a in melody], sample_rate=rate)
    noise = np.random.default_rng(7).normal(0, 0.08, int(0.5 * rate)).astype(np.float32)
    tail = synth_tones([(196, 0.3, 0.3)], sample_rate=rate)
    sf.write(path, np.concatenate([voiced, noise, tail]), rate, subtype="PCM_16")


def _hz_to_mel(hz: float) -> float:
    return 2595 * np.log10(1 + hz / 700)


def _log_mel(x: np.ndarray, n_fft=512, hop=160, n_mels=40) -> np.ndarray:
    """Log mel spectrogram (frames, n_mels) of a 16 kHz signal."""
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop] * np.hanning(n_fft)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    edges_mel = np.linspace(_hz_to_mel(50), _hz_to_mel(7600), n_mels + 2)
    edges_hz = 700 * (10 ** (edges_mel / 2595) - 1)
    bins = np.fft.rfftfreq(n_fft, 1 / SAMPLE_RATE)
    fbank = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        lo, mid, hi = edges_hz[i : i + 3]
        fbank[i] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return np.log10(power @ fbank.T + 1e-6)


def _align(recording: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The part of ``recording`` that lines up with ``reference`` (cross-correlation)."""
    size = 1 << int(np.ceil(np.log2(len(recording) + len(reference))))
    corr = np.fft.irfft(np.fft.rfft(recording, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(corr[: len(recording)]))
    return recording[lag : lag + len(reference)]


def test_recording_from_virtual_microphone_matches_the_played_file(virtual_mic, tmp_path):
    wav = tmp_path / "song.wav"
    _song_like_wav(wav)
    reference = decode_audio(wav)
    names = [d.name for d in list_input_devices()]
    assert "pulse" in names, f"PortAudio does not see the PulseAudio device, only {names}"

    source = MicrophoneSource("pulse")
    blocks = []
    with source:
        assert source.stream_rate == SAMPLE_RATE
        blocks.append(source.read(timeout=3.0))  # the stream is live before playback starts
        player = virtual_mic.play(wav)
        ended_at, deadline = None, time.monotonic() + 15
        while time.monotonic() < deadline:
            blocks.append(source.read(timeout=3.0))
            if ended_at is None and player.poll() is not None:
                ended_at = time.monotonic()
            if ended_at is not None and time.monotonic() - ended_at > 0.4:
                break
    assert player.returncode == 0, player.stderr.read().decode()
    recording = np.concatenate(blocks)
    assert recording.dtype == np.float32 and all(len(b) == 320 for b in blocks)

    aligned = _align(recording, reference)
    assert len(aligned) == len(reference), "the recording lost the end of the file"
    ref_mel, rec_mel = _log_mel(reference), _log_mel(aligned)
    corr = np.corrcoef(ref_mel.ravel(), rec_mel.ravel())[0, 1]
    assert corr > 0.95, f"log-mel correlation {corr:.3f} (overflows: {source.overflows})"
    level = np.sqrt(np.mean(aligned**2) / np.mean(reference**2))
    assert 0.8 < level < 1.25, f"recorded level is {level:.2f}x the file's"


def test_picks_the_named_device_and_records_a_set_duration(virtual_mic):
    assert pick_input_device("pulse").name == "pulse"
    audio = record(MicrophoneSource("PULS"), 0.5)  # case-insensitive part of the name
    assert audio.shape == (8000,) and audio.dtype == np.float32


def test_no_input_device_gives_the_plain_message(monkeypatch):
    import sounddevice

    outputs_only = [
        {"name": "HDMI out", "index": 0, "hostapi": 0, "max_input_channels": 0,
         "max_output_channels": 2, "default_samplerate": 48000.0},
    ]
    monkeypatch.setattr(sounddevice, "query_devices", lambda *a, **k: outputs_only)
    monkeypatch.setattr(sounddevice, "query_hostapis", lambda *a, **k: [{"name": "ALSA"}])
    assert list_input_devices() == []
    with pytest.raises(NoInputDeviceError) as caught:
        pick_input_device()
    assert str(caught.value) == NO_DEVICE_MESSAGE
    with pytest.raises(NoInputDeviceError):
        MicrophoneSource().start()


def test_missing_portaudio_library_is_reported_with_the_apt_line(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_portaudio(name, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    with pytest.raises(NoInputDeviceError) as caught:
        list_input_devices()
    assert "apt-get install libportaudio2" in str(caught.value)
    assert str(caught.value).startswith(NO_DEVICE_MESSAGE)
