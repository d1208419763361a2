"""UltraStar .txt import: headers, beat -> seconds, note kinds, duets, encodings, errors."""

from __future__ import annotations

import pytest

from app.importers import ImportFileError, NotASongFileError, parse_file
from app.importers.ultrastar_import import looks_like_ultrastar
from tests.fixture_files import (
    ULTRASTAR_CP949_LYRICS,
    ULTRASTAR_CP949_NOTES,
    ULTRASTAR_UTF8_LYRICS,
    ULTRASTAR_UTF8_NOTES,
    write_ultrastar_cp949,
    write_ultrastar_utf8,
)


def _write(tmp_path, body: str, name: str = "song.txt", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def _flat(record) -> list[float]:
    """(onset, duration, pitch) of every note, flattened for pytest.approx."""
    return [x for n in record.notes for x in (n.onset_s, n.duration_s, n.pitch)]


def _flat_expected(triples) -> list[float]:
    return [float(x) for t in triples for x in t]


def test_utf8_korean_song_headers_and_notes(tmp_path):
    record = parse_file(write_ultrastar_utf8(tmp_path / "k.txt"))
    assert record.title == "아리랑 (UTF-8)"
    assert record.artist == "민요"
    assert (record.genre, record.year, record.language) == ("Folk", 1926, "Korean")
    assert record.audio_ref == "arirang.mp3"
    assert record.source_format == "ultrastar"
    assert _flat(record) == pytest.approx(_flat_expected(ULTRASTAR_UTF8_NOTES))


def test_freestyle_and_rap_keep_their_lyrics_but_not_a_pitch(tmp_path):
    record = parse_file(write_ultrastar_utf8(tmp_path / "k.txt"))
    assert record.lyrics == ULTRASTAR_UTF8_LYRICS  # 랑 (freestyle) and 리 (rap) are in the words
    assert [n.lyric for n in record.notes] == [
        "아",
        "리",
        "아",
        "",
    ]  # "~" holds a vowel: no syllable
    assert record.duration_s == pytest.approx(3.6)  # the rap note ends at beat 26: 1 s + 2.6 s


def test_cp949_duet_keeps_player_one_and_prefers_audio_header(tmp_path):
    record = parse_file(write_ultrastar_cp949(tmp_path / "Duet Artist - Love.txt"))
    assert record.title == "사랑"
    assert record.artist == "Duet Artist"
    assert record.audio_ref == "love.ogg"
    assert _flat(record) == pytest.approx(_flat_expected(ULTRASTAR_CP949_NOTES))
    assert record.lyrics == ULTRASTAR_CP949_LYRICS


@pytest.mark.parametrize(
    ("bpm", "gap", "beat", "length", "onset", "duration"),
    [
        ("120", "0", 8, 4, 1.0, 0.5),
        ("300,5", "1500,5", 601, 2, 1.5005 + 601 * 60 / 1202, 2 * 60 / 1202),
        ("200.0", "-250", 10, 1, -0.25 + 10 * 60 / 800, 60 / 800),
    ],
)
def test_beats_are_quarter_beats_after_the_gap(tmp_path, bpm, gap, beat, length, onset, duration):
    body = f"#TITLE:T\n#ARTIST:A\n#BPM:{bpm}\n#GAP:{gap}\n: {beat} {length} 3 la\nE\n"
    (note,) = parse_file(_write(tmp_path, body)).notes
    assert note.onset_s == pytest.approx(onset)
    assert note.duration_s == pytest.approx(duration)
    assert note.pitch == 63.0  # pitch 0 is C4 = MIDI 60


def test_relative_files_move_the_origin_at_each_line_break(tmp_path):
    body = (
        "#TITLE:T\n#BPM:150\n#GAP:0\n#RELATIVE:yes\n"
        ": 0 2 0 a\n- 4 8\n: 0 2 0 b\n- 2\n: 1 2 0 c\nE\n"
    )
    record = parse_file(_write(tmp_path, body))
    assert [n.onset_s for n in record.notes] == pytest.approx([0.0, 0.8, 1.1])  # beats 0, 8, 11
    assert record.lyrics == "a\nb\nc"


def test_melodies_written_octaves_off_are_folded_towards_c4(tmp_path):
    body = "#TITLE:T\n#BPM:100\n: 0 1 55 a\n: 1 1 57 b\n: 2 1 60 c\nE\n"  # MIDI 115..120
    record = parse_file(_write(tmp_path, body))
    assert [n.pitch for n in record.notes] == [55.0, 57.0, 60.0]  # five octaves down


def test_title_and_artist_fall_back_to_the_file_name(tmp_path):
    record = parse_file(
        _write(tmp_path, "#BPM:100\n#GAP:0\n: 0 1 0 la\n", name="Singer - Tune.txt")
    )
    assert (record.title, record.artist) == ("Tune", "Singer")


def test_encoding_header_is_honoured(tmp_path):
    body = "#ENCODING:CP1252\n#TITLE:Caf\u00e9 \u201cNo\u00ebl\u201d\n#BPM:100\n: 0 1 0 la\nE\n"
    record = parse_file(_write(tmp_path, body, encoding="cp1252"))
    assert record.title == "Caf\u00e9 \u201cNo\u00ebl\u201d"


def test_latin1_file_is_not_mistaken_for_korean(tmp_path):
    body = "#TITLE:\u00c4rger \u00fcber M\u00fcnchen\n#BPM:100\n: 0 1 0 la\nE\n"
    record = parse_file(_write(tmp_path, body, encoding="latin-1"))
    assert record.title == "\u00c4rger \u00fcber M\u00fcnchen"


def test_missing_bpm_is_reported(tmp_path):
    with pytest.raises(ImportFileError, match="no #BPM header .*line 3"):
        parse_file(_write(tmp_path, "#TITLE:T\n#ARTIST:A\n: 0 4 0 la\nE\n"))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (": 0 4 0 la\n: x 4 0 la\n", "line 4: malformed note line"),
        (": 0 4 0 la\nhello there\n", "line 4: malformed note line"),
        (": 0 -4 0 la\n", "line 3: negative note length"),
        ("", "no notes found"),
    ],
)
def test_malformed_songs_name_the_problem_and_line(tmp_path, lines, message):
    with pytest.raises(ImportFileError, match=message):
        parse_file(_write(tmp_path, "#TITLE:T\n#BPM:120\n" + lines + "E\n"))


@pytest.mark.parametrize("bpm", ["fast", "0", "-10"])
def test_bad_bpm_values_are_reported_with_their_line(tmp_path, bpm):
    with pytest.raises(ImportFileError, match="line 2"):
        parse_file(_write(tmp_path, f"#TITLE:T\n#BPM:{bpm}\n: 0 4 0 la\nE\n"))


def test_other_text_files_are_not_song_files(tmp_path):
    for name, body in [("readme.txt", "Read me first.\n#TITLE:later\n"), ("empty.txt", "")]:
        with pytest.raises(NotASongFileError, match="not an UltraStar file"):
            parse_file(_write(tmp_path, body, name=name))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ImportFileError, match="not an UltraStar file"):
        parse_file(binary)


def test_ultrastar_sniffing():
    assert looks_like_ultrastar("\ufeff\n#TITLE:x\n#BPM:1\n")
    assert looks_like_ultrastar("#MP3:a.mp3\n")
    assert not looks_like_ultrastar("#include <stdio.h>\n")
    assert not looks_like_ultrastar("Dear diary\n#TITLE:x\n")
