"""parse_file dispatch over the fixture mix, plus the shared text helpers
(encoding detection, names from file names, years, languages)."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.importers as importers
from app.importers import SUPPORTED_EXTENSIONS, ImportFileError, NotASongFileError, parse_file
from app.importers.song_names import (
    guess_language,
    language_name,
    parse_year,
    title_artist_from_path,
)
from app.importers.text_encoding import decode_bytes, decode_parts
from tests.fixture_files import write_import_fixtures, write_tempo_change_midi

EXPECTED_FORMATS = {
    "tempo_change.mid": "midi",
    "arirang.kar": "kar",
    "korean_utf8.txt": "ultrastar",
    "Duet Artist - Love.txt": "ultrastar",
    "tagged.wav": "audio",
    "tagged.flac": "audio",
    "Test Artist - Skyline Song.mid": "midi",
    "tagged.ogg": "audio",
}
EXPECTED_REASONS = {
    "not_midi.mid": "not a MIDI file",
    "truncated.mid": "truncated MIDI file",
    "no_notes.mid": "no notes found",
    "no_bpm.txt": "no #BPM header",
    "bad_notes.txt": "line 5: malformed note line",
    "empty.mp3": "empty file",
    "truncated.wav": "truncated wav file",
    "noise.flac": "not an audio file",
}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> dict[str, list[Path]]:
    return write_import_fixtures(tmp_path_factory.mktemp("songs"))


def test_fixture_mix_is_small_and_nested(fixtures):
    files = fixtures["good"] + fixtures["bad"]
    assert sum(p.stat().st_size for p in files) < 64 * 1024
    assert any(len(p.relative_to(files[0].parent).parts) >= 3 for p in fixtures["good"])
    assert {p.suffix for p in files} <= SUPPORTED_EXTENSIONS


def test_every_good_fixture_parses_with_its_format_and_path(fixtures):
    assert sorted(p.name for p in fixtures["good"]) == sorted(EXPECTED_FORMATS)
    for path in fixtures["good"]:
        record = parse_file(path)
        assert record.source_format == EXPECTED_FORMATS[path.name], path.name
        assert record.source_path == str(path)
        assert record.file_hash == ""
        assert record.title


def test_every_bad_fixture_fails_with_a_readable_reason(fixtures):
    assert sorted(p.name for p in fixtures["bad"]) == sorted(EXPECTED_REASONS)
    for path in fixtures["bad"]:
        with pytest.raises(ImportFileError) as caught:
            parse_file(path)
        assert EXPECTED_REASONS[path.name] in str(caught.value), path.name
        assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_supported_extensions_are_lower_case_with_a_dot():
    assert {
        ".mid",
        ".midi",
        ".kar",
        ".txt",
        ".wav",
        ".flac",
        ".ogg",
        ".mp3",
        ".m4a",
        ".aac",
    } <= SUPPORTED_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in SUPPORTED_EXTENSIONS)


def test_upper_case_extension_is_dispatched(tmp_path):
    assert parse_file(write_tempo_change_midi(tmp_path / "LOUD.MID")).source_format == "midi"


def test_unsupported_missing_and_directory_paths(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ImportFileError, match="unsupported file type '.pdf'"):
        parse_file(tmp_path / "notes.pdf")
    with pytest.raises(ImportFileError, match="file not found"):
        parse_file(tmp_path / "gone.mid")
    (tmp_path / "folder.mid").mkdir()
    with pytest.raises(ImportFileError, match="not a regular file"):
        parse_file(tmp_path / "folder.mid")


def test_plain_text_is_a_not_a_song_file(tmp_path):
    (tmp_path / "README.txt").write_text("Put your songs in this folder.\n")
    with pytest.raises(NotASongFileError):
        parse_file(tmp_path / "README.txt")


def test_unexpected_parser_failure_still_surfaces_as_import_error(tmp_path, monkeypatch):
    def explode(path):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(importers, "parse_midi", explode)
    with pytest.raises(ImportFileError, match=r"could not parse file \(ZeroDivisionError: boom\)"):
        parse_file(write_tempo_change_midi(tmp_path / "a.mid"))


# --- text encodings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        ("노래방에서 아리랑을 불러요", "utf-8", "utf-8"),
        ("노래방에서 아리랑을 불러요", "cp949", "cp949"),
        ("사랑해", "euc-kr", "cp949"),
        ("\u00c4rger", "latin-1", "cp1252"),
        ("caf\u00e9 cr\u00e8me", "latin-1", "cp1252"),
        ("\u201cquoted\u201d", "cp1252", "cp1252"),
        ("plain ascii", "ascii", "utf-8"),
    ],
)
def test_decode_bytes_recovers_text(text, encoding, detected):
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == detected


def test_decode_bytes_honours_byte_order_marks():
    assert decode_bytes("아리랑".encode("utf-16")).text == "아리랑"  # Python writes the BOM
    assert decode_bytes("\ufeff아리랑".encode("utf-8")).text == "아리랑"


def test_decode_parts_detects_once_for_short_syllables():
    parts = [s.encode("cp949") for s in ["아", "리", "랑 ", "@T제목"]]
    texts, encoding = decode_parts(parts)
    assert texts == ["아", "리", "랑 ", "@T제목"]
    assert encoding == "cp949"


# --- names, years, languages --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("IU - 좋은 날.mid", ("좋은 날", "IU")),
        ("Artist - Title - Live.mp3", ("Title - Live", "Artist")),
        ("07 - Some Title.flac", ("Some Title", "")),
        ("01 - Band - Song.wav", ("Song", "Band")),
        ("just_a_title.kar", ("just a title", "")),
        ("Plain.mid", ("Plain", "")),
    ],
)
def test_title_artist_from_file_names(name, expected):
    assert title_artist_from_path(Path(name)) == expected


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("2003-05-01", 2003),
        ("1999", 1999),
        ("05/01/1988", 1988),
        ("(p) 2012 Label", 2012),
        ("", None),
        ("12345", None),
        (None, None),
    ],
)
def test_parse_year(value, year):
    assert parse_year(value) == year


def test_languages():
    assert language_name("KORE") == "Korean"
    assert language_name("kor") == "Korean"
    assert language_name("English") == "English"
    assert language_name("swahili") == "Swahili"
    assert guess_language("아리랑 arirang") == "Korean"
    assert guess_language("さくら") == "Japanese"
    assert guess_language("hello") == ""
