"""Decoding files to mono float32 at 16 kHz, and the errors users see for bad files."""

from __future__ import annotations

import shutil
import struct
import subprocess

import numpy as np
import pytest
import soundfile as sf

from app import audio_decode
from app.audio_decode import AudioDecodeError, decode_audio, probe_audio, resample
from inference.constants import SAMPLE_RATE


def _tone(freq=1000.0, seconds=1.0, rate=44_100, amplitude=0.5):
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(x, rate=SAMPLE_RATE):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)]


def _require_ffmpeg():
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed for m4a tests: apt-get install -y ffmpeg")


@pytest.mark.parametrize(
    ("ext", "options"),
    [("wav", {}), ("flac", {}), ("ogg", {"format": "OGG", "subtype": "VORBIS"}), ("mp3", {"format": "MP3"})],
)
def test_each_format_decodes_to_16k_mono_with_its_duration(tmp_path, ext, options):
    path = tmp_path / f"tone.{ext}"
    sf.write(path, _tone(seconds=1.5), 44_100, **options)
    info = probe_audio(path)
    assert info.format == ext and info.sample_rate == 44_100 and info.channels == 1
    assert info.duration_s == pytest.approx(1.5, abs=0.06)
    audio = decode_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / SAMPLE_RATE == pytest.approx(1.5, abs=0.06)
    assert _peak_hz(audio) == pytest.approx(1000, abs=5)
    assert 0.4 < np.abs(audio).max() < 0.6


def test_1khz_tone_at_44k1_stays_1khz_after_conversion(tmp_path):
    path = tmp_path / "tone.wav"
    sf.write(path, _tone(freq=1000.0, seconds=1.0), 44_100)
    audio = decode_audio(path)
    assert len(audio) == SAMPLE_RATE
    assert _peak_hz(audio) == pytest.approx(1000, abs=2)
    other_rate = decode_audio(path, sample_rate=8000)
    assert len(other_rate) == 8000 and _peak_hz(other_rate, 8000) == pytest.approx(1000, abs=2)


def test_stereo_is_folded_to_the_mean_of_the_channels(tmp_path):
    left = _tone(freq=440.0, seconds=0.5, rate=SAMPLE_RATE, amplitude=0.6)
    right = np.zeros_like(left)
    path = tmp_path / "stereo.flac"
    sf.write(path, np.stack([left, right], axis=1), SAMPLE_RATE)
    assert probe_audio(path).channels == 2
    audio = decode_audio(path)
    assert audio.shape == left.shape
    np.testing.assert_allclose(audio, left / 2, atol=1e-3)


def test_m4a_goes_through_ffmpeg(tmp_path):
    _require_ffmpeg()
    wav, m4a = tmp_path / "tone.wav", tmp_path / "tone.m4a"
    sf.write(wav, np.stack([_tone(seconds=2.0)] * 2, axis=1), 44_100)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    info = probe_audio(m4a)
    assert info.format == "m4a" and info.sample_rate == 44_100 and info.channels == 2
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    audio = decode_audio(m4a)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / SAMPLE_RATE == pytest.approx(2.0, abs=0.1)
    assert _peak_hz(audio) == pytest.approx(1000, abs=5)


def test_truncated_m4a_is_reported(tmp_path):
    _require_ffmpeg()
    wav, m4a = tmp_path / "tone.wav", tmp_path / "tone.m4a"
    sf.write(wav, _tone(seconds=2.0), 44_100)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    m4a.write_bytes(m4a.read_bytes()[: m4a.stat().st_size // 2])
    with pytest.raises(AudioDecodeError, match="truncated"):
        decode_audio(m4a)


def test_m4a_without_ffmpeg_says_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "song.m4a"
    path.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(200))
    monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(path)
    assert caught.value.reason == "m4a needs ffmpeg, which is not installed (apt-get install ffmpeg)"
    with pytest.raises(AudioDecodeError, match="needs ffmpeg"):
        probe_audio(path)


def test_zero_byte_file_is_an_empty_file(tmp_path):
    path = tmp_path / "nothing.wav"
    path.write_bytes(b"")
    for fn in (probe_audio, decode_audio):
        with pytest.raises(AudioDecodeError) as caught:
            fn(path)
        assert caught.value.reason == "empty file"
        assert "nothing.wav" in str(caught.value)


def test_wav_with_no_samples_is_reported(tmp_path):
    path = tmp_path / "silent.wav"
    sf.write(path, np.zeros(0, dtype=np.float32), SAMPLE_RATE)
    with pytest.raises(AudioDecodeError, match="no audio"):
        decode_audio(path)


@pytest.mark.parametrize("with_ffmpeg", [True, False])
def test_text_file_named_wav_is_not_an_audio_file(tmp_path, monkeypatch, with_ffmpeg):
    path = tmp_path / "notes.wav"
    path.write_text("these are my lyrics, not a recording\n" * 40)
    if not with_ffmpeg:
        monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(path)
    assert caught.value.reason.startswith("not an audio file")


def test_random_bytes_named_flac_is_not_an_audio_file(tmp_path):
    path = tmp_path / "noise.flac"
    path.write_bytes(np.random.default_rng(3).bytes(4096))
    for fn in (probe_audio, decode_audio):
        with pytest.raises(AudioDecodeError, match="not an audio file"):
            fn(path)


def test_truncated_wav_is_reported_even_though_libsndfile_would_read_it(tmp_path):
    path = tmp_path / "cut.wav"
    sf.write(path, _tone(seconds=2.0), 44_100, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    for fn in (probe_audio, decode_audio):
        with pytest.raises(AudioDecodeError) as caught:
            fn(path)
        assert caught.value.reason.startswith("truncated wav file")


@pytest.mark.parametrize(("ext", "options"), [("flac", {}), ("mp3", {"format": "MP3"})])
def test_truncated_compressed_files_are_reported(tmp_path, ext, options):
    path = tmp_path / f"cut.{ext}"
    sf.write(path, _tone(seconds=3.0), 44_100, **options)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioDecodeError, match="truncated"):
        decode_audio(path)


def test_probe_catches_a_cut_flac_without_decoding_it_all(tmp_path):
    path = tmp_path / "cut.flac"
    sf.write(path, _tone(seconds=3.0), 44_100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioDecodeError) as caught:
        probe_audio(path)
    assert caught.value.reason.startswith("truncated")


def test_wav_one_byte_short_is_truncated(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(path, _tone(seconds=0.5), 44_100, subtype="PCM_16")
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(AudioDecodeError) as caught:
        probe_audio(path)
    assert caught.value.reason == "truncated wav file (only 99% of the audio data is present)"


def test_mp4_box_running_past_the_end_is_truncated_without_ffmpeg(tmp_path, monkeypatch):
    ftyp = struct.pack(">L4s4sL", 16, b"ftyp", b"M4A ", 0)
    mdat = struct.pack(">L4s", 5000, b"mdat") + b"\x00" * 100
    path = tmp_path / "cut.m4a"
    path.write_bytes(ftyp + mdat)
    monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    for fn in (probe_audio, decode_audio):
        with pytest.raises(AudioDecodeError, match="truncated audio file .*mdat"):
            fn(path)


def test_m4a_without_ffmpeg_is_probed_from_its_header_but_not_decoded(tmp_path, monkeypatch):
    _require_ffmpeg()
    wav, m4a = tmp_path / "tone.wav", tmp_path / "tone.m4a"
    sf.write(wav, np.stack([_tone(seconds=2.0)] * 2, axis=1), 44_100)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    info = probe_audio(m4a)
    assert info.format == "m4a" and info.sample_rate == 44_100 and info.channels == 2
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    with pytest.raises(AudioDecodeError, match="m4a needs ffmpeg"):
        decode_audio(m4a)


@pytest.mark.parametrize("ext", ["m4a", "aac"])
def test_text_named_m4a_or_aac_without_ffmpeg_is_not_an_audio_file(tmp_path, monkeypatch, ext):
    path = tmp_path / f"list.{ext}"
    path.write_text("eggs, milk, rice\n" * 20)
    monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    for fn in (probe_audio, decode_audio):
        with pytest.raises(AudioDecodeError) as caught:
            fn(path)
        assert caught.value.reason == "not an audio file"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(AudioDecodeError, match="file not found"):
        decode_audio(tmp_path / "absent.wav")
    with pytest.raises(AudioDecodeError, match="not a file"):
        probe_audio(tmp_path)


def test_resample_keeps_pitch_and_length():
    x = _tone(freq=440.0, seconds=1.0, rate=48_000)
    y = resample(x, 48_000, SAMPLE_RATE)
    assert y.dtype == np.float32 and len(y) == SAMPLE_RATE
    assert _peak_hz(y) == pytest.approx(440, abs=2)
    assert resample(x, 48_000, 48_000) is not x
    with pytest.raises(ValueError):
        resample(x, 0, SAMPLE_RATE)
