"""Audio file import: tags, durations, and refusing empty, truncated or fake audio."""

from __future__ import annotations

import shutil
import struct
import subprocess

import pytest
import soundfile as sf
from mutagen.easyid3 import EasyID3
from mutagen.oggopus import OggOpus

from app import audio_decode
from app.importers import ImportFileError, parse_file
from tests.fixture_files import (
    AUDIO_RATE,
    AUDIO_SECONDS,
    FLAC_TAGS,
    OGG_TAGS,
    WAV_TAGS,
    _tone,
    write_flac,
    write_ogg,
    write_truncated,
    write_wav,
)


def _check(record, tags: dict[str, str], year: int):
    assert record.title == tags["title"]
    assert record.artist == tags["artist"]
    assert record.genre == tags["genre"]
    assert record.year == year
    assert record.source_format == "audio"
    assert record.notes == []
    assert record.duration_s == pytest.approx(AUDIO_SECONDS, abs=0.01)


def test_wav_id3_tags_and_year_from_full_date(tmp_path):
    _check(parse_file(write_wav(tmp_path / "a.wav")), WAV_TAGS, 2003)


def test_flac_korean_vorbis_comments(tmp_path):
    record = parse_file(write_flac(tmp_path / "a.flac"))
    _check(record, FLAC_TAGS, 1999)
    assert record.language == "Korean"  # guessed from the Hangul title
    assert record.singers == [FLAC_TAGS["artist"]]


def test_ogg_vorbis_comments(tmp_path):
    _check(parse_file(write_ogg(tmp_path / "a.ogg")), OGG_TAGS, 2011)


def test_mp3_easy_id3_tags(tmp_path):
    path = tmp_path / "a.mp3"
    sf.write(str(path), _tone(0.5, 16000), 16000, format="MP3", subtype="MPEG_LAYER_III")
    tags = EasyID3()
    tags.update(
        {
            "title": "MP3 Song",
            "artist": "가수",
            "genre": "Trot",
            "date": "1987-07-01",
            "language": "kor",
        }
    )
    tags.save(str(path))
    record = parse_file(path)
    assert (record.title, record.artist, record.genre, record.year) == (
        "MP3 Song",
        "가수",
        "Trot",
        1987,
    )
    assert record.language == "Korean"
    assert record.duration_s == pytest.approx(0.5, abs=0.06)


def test_opus_tags(tmp_path):
    path = tmp_path / "a.opus"
    sf.write(str(path), _tone(0.5, 48000), 48000, format="OGG", subtype="OPUS")
    opus = OggOpus(str(path))
    opus["title"] = "Opus Song"
    opus["date"] = "2020"
    opus.save()
    record = parse_file(path)
    assert (record.title, record.year) == ("Opus Song", 2020)
    assert record.duration_s == pytest.approx(0.5, abs=0.03)


def test_wav_riff_info_tags_are_read_too(tmp_path):
    path = tmp_path / "info.wav"
    with sf.SoundFile(str(path), "w", AUDIO_RATE, 1, format="WAV", subtype="PCM_16") as f:
        f.title, f.artist, f.date = "Info Title", "Info Artist", "1975"
        f.write(_tone())
    record = parse_file(path)
    assert (record.title, record.artist, record.year) == ("Info Title", "Info Artist", 1975)


def test_wav_riff_info_in_cp949_is_decoded(tmp_path):
    path = write_wav(tmp_path / "k.wav", tags=None)
    fields = [(b"INAM", "봄날".encode("cp949")), (b"IART", "방탄소년단".encode("cp949"))]
    info = b"INFO" + b"".join(
        key + struct.pack("<L", len(val) + 1) + val + b"\x00" + b"\x00" * ((len(val) + 1) & 1)
        for key, val in fields
    )
    data = path.read_bytes() + b"LIST" + struct.pack("<L", len(info)) + info
    path.write_bytes(data[:4] + struct.pack("<L", len(data) - 8) + data[8:])
    record = parse_file(path)
    assert (record.title, record.artist) == ("봄날", "방탄소년단")


def test_untagged_file_takes_title_and_artist_from_its_name(tmp_path):
    record = parse_file(write_wav(tmp_path / "Some Band - First Song.wav", tags=None))
    assert (record.title, record.artist) == ("First Song", "Some Band")
    record = parse_file(write_wav(tmp_path / "03 - Track Title.wav", tags=None))
    assert (record.title, record.artist) == ("Track Title", "")


def test_zero_byte_file_is_rejected(tmp_path):
    for name in ("e.mp3", "e.wav", "e.m4a"):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(ImportFileError, match=r"empty file \(0 bytes\)"):
            parse_file(tmp_path / name)


def test_wav_with_frames_missing_is_truncated(tmp_path):
    good = write_wav(tmp_path / "g.wav", tags=None)
    with pytest.raises(ImportFileError, match="truncated wav file") as caught:
        parse_file(write_truncated(good, tmp_path / "cut.wav", keep=0.8))
    assert str(caught.value).startswith("truncated wav file")  # the plain reason: no file name
    assert "cut.wav" not in str(caught.value)


@pytest.mark.parametrize(("writer", "ext"), [(write_flac, ".flac"), (write_ogg, ".ogg")])
def test_truncated_compressed_files_are_rejected(tmp_path, writer, ext):
    good = writer(tmp_path / f"good{ext}")
    cut = write_truncated(good, tmp_path / f"cut{ext}", keep=0.6)
    with pytest.raises(ImportFileError, match="truncated"):
        parse_file(cut)


@pytest.mark.parametrize("ext", [".flac", ".ogg", ".opus", ".mp3", ".wav", ".m4a", ".aac"])
def test_non_audio_bytes_are_rejected(tmp_path, ext):
    path = tmp_path / f"fake{ext}"
    path.write_text("This is a shopping list, not a song.\n" * 20)
    with pytest.raises(ImportFileError, match="not a"):
        parse_file(path)


def test_mp4_box_running_past_the_end_is_truncated(tmp_path):
    ftyp = struct.pack(">L4s4sL", 16, b"ftyp", b"M4A ", 0)
    mdat = struct.pack(">L4s", 5000, b"mdat") + b"\x00" * 100
    path = tmp_path / "cut.m4a"
    path.write_bytes(ftyp + mdat)
    with pytest.raises(ImportFileError, match="truncated audio file .*mdat"):
        parse_file(path)


def test_m4a_is_registered_without_ffmpeg(tmp_path, monkeypatch):
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed to write the m4a fixture: apt-get install -y ffmpeg")
    wav, m4a = tmp_path / "tone.wav", tmp_path / "Some Band - Some Song.m4a"
    sf.write(str(wav), _tone(2.0, 44_100), 44_100)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    monkeypatch.setattr(audio_decode.shutil, "which", lambda name: None)
    record = parse_file(m4a)
    assert (record.title, record.artist) == ("Some Song", "Some Band")
    assert record.duration_s == pytest.approx(2.0, abs=0.1)
    m4a.write_bytes(m4a.read_bytes()[: m4a.stat().st_size // 2])
    with pytest.raises(ImportFileError, match="truncated"):
        parse_file(m4a)
