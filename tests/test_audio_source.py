"""AudioSource behaviour: file and tone sources, pacing, looping, recording.
(The microphone source is tested in tests/test_microphone_source.py.)"""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf

from app.audio_decode import AudioDecodeError, decode_audio
from app.audio_source import (
    FileSource,
    SourceTimeout,
    ToneSource,
    record,
    synth_tones,
)
from inference.constants import CAPTURE_BLOCK_SAMPLES, SAMPLE_RATE


def _peak_hz(x, rate=SAMPLE_RATE):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)]


@pytest.fixture
def wav_file(tmp_path):
    """1.01 s of a 440 Hz tone at 22.05 kHz (not a whole number of 20 ms blocks)."""
    rate = 22_050
    t = np.arange(int(1.01 * rate)) / rate
    path = tmp_path / "take.wav"
    sf.write(path, (0.4 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    return path


def test_file_source_yields_fixed_blocks_until_none(wav_file):
    source = FileSource(wav_file)
    assert source.description == "file: take.wav"
    with source:
        blocks = list(source)
        assert source.read() is None
    assert len(blocks) == 51  # 16160 samples -> 50.5 blocks, last one padded
    assert all(b.shape == (CAPTURE_BLOCK_SAMPLES,) and b.dtype == np.float32 for b in blocks)
    joined = np.concatenate(blocks)
    decoded = decode_audio(wav_file)
    np.testing.assert_array_equal(joined[: len(decoded)], decoded)
    assert not joined[len(decoded):].any()
    assert source.overflows == 0


def test_file_source_reports_bad_files_when_created(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    with pytest.raises(AudioDecodeError, match="not an audio file"):
        FileSource(bad)


def test_realtime_file_source_is_paced_like_a_microphone(wav_file):
    source = FileSource(wav_file, realtime=True)
    source.start()
    with pytest.raises(SourceTimeout):
        source.read(timeout=0.0)  # the first 20 ms block is not "recorded" yet
    started = time.monotonic()
    audio = record(source, 0.4)
    elapsed = time.monotonic() - started
    assert len(audio) == int(0.4 * SAMPLE_RATE)
    assert 0.3 < elapsed < 0.7


def test_fast_file_source_does_not_wait(wav_file):
    started = time.monotonic()
    audio = record(FileSource(wav_file))
    assert time.monotonic() - started < 0.3
    assert len(audio) == 51 * CAPTURE_BLOCK_SAMPLES


def test_looping_source_starts_over_and_restart_rewinds(wav_file):
    source = ToneSource([(440, 0.04, 0.5)], loop=True)  # exactly two blocks
    with source:
        blocks = [source.read() for _ in range(5)]
    np.testing.assert_array_equal(blocks[0], blocks[2])
    np.testing.assert_array_equal(blocks[1], blocks[3])
    assert source.read() is None  # stopped
    source.start()
    np.testing.assert_array_equal(source.read(), blocks[0])


def test_tone_source_plays_each_tone_and_silence():
    tones = [(220, 0.5, 0.5), (0, 0.3, 0.0), (880, 0.5, 0.25)]
    audio = record(ToneSource(tones))
    assert len(audio) == int(1.3 * SAMPLE_RATE)
    first, rest, last = audio[:8000], audio[8000:12800], audio[12800:]
    assert _peak_hz(first) == pytest.approx(220, abs=3)
    assert not rest.any()
    assert _peak_hz(last) == pytest.approx(880, abs=3)
    assert np.abs(first).max() == pytest.approx(0.5, abs=0.01)
    assert np.abs(last).max() == pytest.approx(0.25, abs=0.01)
    assert abs(first[0]) < 1e-3 and abs(first[-1]) < 1e-3  # faded, no clicks


def test_vibrato_wobbles_the_pitch_by_the_given_cents():
    audio = synth_tones([(440, 1.0, 0.5)], vibrato_hz=5.0, vibrato_cents=50)
    window = 800  # 50 ms
    estimates = []
    for start in range(800, len(audio) - 2 * window, window):
        chunk = audio[start : start + window]
        crossings = np.count_nonzero(np.diff(np.signbit(chunk)))
        estimates.append(crossings / 2 / (window / SAMPLE_RATE))
    assert min(estimates) < 433 and max(estimates) > 447  # +-50 cents is 427..453 Hz
    plain = synth_tones([(440, 1.0, 0.5)])
    assert _peak_hz(plain) == pytest.approx(440, abs=2)


def test_bad_tone_is_rejected():
    with pytest.raises(ValueError):
        synth_tones([(440, -1.0, 0.5)])
