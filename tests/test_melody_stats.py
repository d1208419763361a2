"""Range, tessitura and key of written melodies; the melody blob codec."""

from __future__ import annotations

import pytest

from app.melody_codec import decode_notes, decode_notes_array, encode_notes
from app.melody_stats import estimate_key, melody_range, note_name, tessitura
from app.song_record import Note


def notes_of(pitches, dur=0.5):
    return [Note(i * dur, dur, p) for i, p in enumerate(pitches)]


def test_note_names():
    assert [note_name(m) for m in (36, 43, 60, 64, 70, 84)] == ["C2", "G2", "C4", "E4", "Bb4", "C6"]


def test_range_and_tessitura_weight_long_notes():
    melody = [Note(0, 0.1, 48), Note(0.1, 4.0, 62), Note(4.1, 4.0, 64), Note(8.1, 0.1, 79)]
    assert melody_range(melody) == (48, 79)
    low, high = tessitura(melody)
    assert 61 <= low <= 63 and 63 <= high <= 65
    assert melody_range([]) is None and tessitura([]) is None


@pytest.mark.parametrize("scale, key", [
    ([67, 69, 71, 72, 74, 76, 78, 79, 74, 71, 67], "G major"),
    ([64, 66, 67, 69, 71, 72, 74, 76, 71, 67, 64], "E minor"),
    ([62, 64, 65, 67, 69, 70, 72, 74, 69, 65, 62], "D minor"),
    ([60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60], "C major"),
])
def test_key_estimate_of_scales_ending_on_the_tonic(scale, key):
    assert estimate_key(notes_of(scale)) == key


def test_key_estimate_is_transposition_aware():
    c_major = [60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60]
    assert estimate_key(notes_of([p + 2 for p in c_major])) == "D major"
    assert estimate_key([]) == ""


def test_codec_round_trip_keeps_12_bytes_per_note():
    melody = notes_of([60, 62.5, 64])
    blob = encode_notes(melody)
    assert len(blob) == 36
    assert decode_notes(blob) == melody
    assert decode_notes_array(blob).shape == (3, 3)
    with pytest.raises(ValueError):
        decode_notes_array(blob[:-1])


def test_note_names_and_ranges_are_read_as_midi():
    from app.melody_stats import parse_note, parse_range

    assert [parse_note(t) for t in ("G2", "C#4", "Bb3", "F\u266f3", "43")] == [43, 61, 58, 54, 43]
    assert parse_range("G2-E4") == parse_range("G2\u2013E4") == parse_range("43-64") == (43, 64)
    for bad in ("H2", "G", "C#", "200"):
        with pytest.raises(ValueError, match="not a note"):
            parse_note(bad)
    for bad in ("G2", "E4-G2", "G2-G2"):
        with pytest.raises(ValueError, match="not a range"):
            parse_range(bad)
