"""The hand-entered known-songs notation: durations, rests, ties, tempo, pitches, errors."""

from __future__ import annotations

import pytest

from app.known_songs_format import (
    KNOWN_SONGS_COLLECTION,
    KnownSongsError,
    demo_song_id,
    parse_known_songs,
)
from app.paths import KNOWN_SONGS_FILE

EIGHT_CS = "C4 C4 C4 C4 C4 C4 C4 C4"


def song(notes: str, *, tempo: str = "60", meter: str | None = None, extra: str = "") -> str:
    header = f"== Test Song\ntempo: {tempo}\nsource: written for this test\n"
    if meter:
        header += f"meter: {meter}\n"
    return header + extra + "notes:\n" + notes + "\n"


def parse_one(notes: str, **kwargs) -> dict:
    [result] = parse_known_songs(song(notes, **kwargs))
    return result


def test_lengths_become_seconds_at_the_tempo():
    # quarter = 60 bpm: a quarter lasts 1 s
    notes = parse_one("C4/1 C4/2 C4/4 C4/8 C4/16 C4/4. C4/8.. C4/2")["notes"]
    durations = [d for _, d, _ in notes]
    assert durations == [4.0, 2.0, 1.0, 0.5, 0.25, 1.5, 0.875, 2.0]
    onsets = [o for o, _, _ in notes]
    assert onsets == [0.0, 4.0, 6.0, 7.0, 7.5, 7.75, 9.25, 10.125]


def test_a_token_without_length_repeats_the_previous_length():
    notes = parse_one("C4/8 D4 E4 F4 G4/2 A4 B4 C5")["notes"]
    assert [d for _, d, _ in notes] == [0.5, 0.5, 0.5, 0.5, 2.0, 2.0, 2.0, 2.0]


def test_triplets_fill_the_note_they_divide():
    notes = parse_one("C4/8t D4 E4 F4/4 G4 A4 B4 C5")["notes"]
    assert [o for o, _, _ in notes[:4]] == [0.0, 0.333, 0.667, 1.0]


def test_tempo_with_a_dotted_beat():
    # 6/8 at dotted quarter = 60: an eighth lasts a third of a second
    notes = parse_one(EIGHT_CS.replace("C4 ", "C4/8 ", 1), tempo="4.=60")["notes"]
    assert notes[1][0] == pytest.approx(0.333, abs=1e-3)
    assert parse_one("C4/4 " + EIGHT_CS, tempo="2=60")["notes"][1][0] == 0.5


def test_rests_move_later_notes_and_a_leading_rest_is_dropped():
    notes = parse_one("r/2 C4/4 r/4 D4/4 r/8 E4/8 F4 G4 A4 B4 C5")["notes"]
    assert notes[0][0] == 0.0  # times start at the first note
    assert notes[1][0] == 2.0  # quarter rest between C4 and D4
    assert notes[2][0] == 3.5


def test_ties_join_notes_of_the_same_pitch_across_bar_lines():
    notes = parse_one("G4/2~ | G4/8 A4/8 B4/4 C5 D5 | E5 F5 G5", meter="4/4")["notes"]
    assert notes[0] == [0.0, 2.5, 67]
    assert notes[1] == [2.5, 0.5, 69]
    assert len(notes) == 8


@pytest.mark.parametrize("tokens, message", [
    ("C4/4~ D4/4 " + EIGHT_CS, "joins different pitches"),
    ("C4/4~ r/4 " + EIGHT_CS, "must lead to a note"),
    (EIGHT_CS + " C4~", "tied to nothing"),
    ("r/4~ " + EIGHT_CS, "cannot be tied"),
])
def test_broken_ties_are_rejected(tokens, message):
    with pytest.raises(KnownSongsError, match=message):
        parse_one(tokens)


@pytest.mark.parametrize("name, midi", [
    ("C4", 60), ("A4", 69), ("B3", 59), ("C5", 72), ("C0", 12), ("G9", 127),
    ("F#4", 66), ("Bb3", 58), ("C##4", 62), ("Dbb4", 60), ("Cb4", 59), ("B#3", 60),
])
def test_pitch_names_and_octaves(name, midi):
    notes = parse_one(f"{name} " + EIGHT_CS)["notes"]
    assert notes[0][2] == midi


def test_song_fields_and_shape():
    text = (
        "# a comment\n"
        "== 아리랑 (Arirang)\n"
        "artist: Traditional\ngenre: Korean folk (민요)\nlanguage: ko\nyear: 1926\n"
        "key: C major\nmeter: 3/4\ntempo: 90\nsource: folk song\n"
        "lyrics: 아리랑 아리랑 아라리요\nlyrics: 아리랑 고개로 넘어간다\n"
        "notes:\nG4/4. A4/8 G4/8 A4/8 | C5/4. D5/8 C5/8 D5/8 |\n"
        "== Second\ntempo: 100\nsource: test\nnotes: " + EIGHT_CS + "\n"
    )
    first, second = parse_known_songs(text)
    assert list(first) == ["id", "title", "artist", "genre", "year", "language", "singer_gender",
                           "collection", "original_key", "lyrics", "notes"]
    assert first["title"] == "아리랑 (Arirang)"
    assert first["year"] == 1926 and first["language"] == "ko"
    assert first["collection"] == KNOWN_SONGS_COLLECTION
    assert first["singer_gender"] == "unknown"
    assert first["original_key"] == "C major"
    assert first["lyrics"] == "아리랑 아리랑 아라리요\n아리랑 고개로 넘어간다"
    assert first["id"] == demo_song_id(KNOWN_SONGS_COLLECTION, first["title"], first["notes"])
    assert first["id"].startswith("demo:") and len(first["id"]) == 21
    assert second["artist"] == "Traditional" and second["year"] is None
    assert second["notes"][0] == [0.0, 0.6, 60]  # "notes:" may hold notes on its own line


def test_the_id_changes_with_the_melody_and_not_between_parses():
    a = parse_one("C4 D4 E4 F4 G4 A4 B4 C5")["id"]
    assert parse_one("C4 D4 E4 F4 G4 A4 B4 C5")["id"] == a
    assert parse_one("C4 D4 E4 F4 G4 A4 B4 D5")["id"] != a


def test_bars_must_fill_the_meter_except_pickups_and_endings():
    ok = "G4/4 | C5/2 D5/4 | E5/2. | C5/2 || E5/4 | D5/2 C5/4 | B4/2. | A4/2"
    assert len(parse_one(ok, meter="3/4")["notes"]) == 10
    with pytest.raises(KnownSongsError, match=r"line 6: a bar in 'Test Song' lasts 1/2"):
        parse_one("C5/4 D5 E5 | F5/2 | G5/4 A5 B5 | C6/2.", meter="3/4")
    with pytest.raises(KnownSongsError, match="lasts 1"):
        parse_one("C5/1 | " + EIGHT_CS, meter="3/4")  # a pickup may not be too long


@pytest.mark.parametrize("text, message", [
    ("tempo: 60\n", r"line 1: text before the first '== title'"),
    ("== A\ntempo: 60\nsource: x\ncolour: red\nnotes: " + EIGHT_CS, r"line 4: unknown field 'colour'"),
    ("== A\nsource: x\nnotes: " + EIGHT_CS, r"line 1: 'A' needs a 'tempo:' field"),
    ("== A\ntempo: 60\nnotes: " + EIGHT_CS, r"'A' needs a 'source:' field"),
    ("== A\ntempo: fast\nsource: x\nnotes: " + EIGHT_CS, r"tempo 'fast'"),
    ("== A\ntempo: 60\nsource: x\nnotes:\nC4 D4 H4 " + EIGHT_CS, r"line 5: cannot read note 'H4'"),
    ("== A\ntempo: 60\nsource: x\nnotes: C4 D4 E4", r"'A' has 3 notes; at least 8"),
    ("== A\ntempo: 60\nsource: x\nkey: H major\nnotes: " + EIGHT_CS, r"key 'H major'"),
    ("== A\ntempo: 60\nsource: x\nlanguage: Korean\nnotes: " + EIGHT_CS, r"language 'Korean'"),
    ("== A\ntempo: 60\nsource: x\nyear: 19th c.\nnotes: " + EIGHT_CS, r"year '19th c.'"),
    ("== A\ntempo: 60\ntempo: 70\nsource: x\nnotes: " + EIGHT_CS, r"line 3: field 'tempo' given twice"),
    ("== A\ntempo: 60\nsource: x\nnotes: " + EIGHT_CS + "\n== A\ntempo: 60\nsource: x\nnotes: "
     + EIGHT_CS, r"line 5: title 'A' already used on line 1"),
    ("== A\ntempo: 60\nsource: x\n", r"'A' has no 'notes:' section"),
    ("== A\ntempo: 60\nsource: x\nnotes: B#9 " + EIGHT_CS, r"line 4: note 'B#9' is outside the MIDI"),
])
def test_malformed_input_names_the_line(text, message):
    with pytest.raises(KnownSongsError, match=message):
        parse_known_songs(text)


def test_the_shipped_known_songs_file_parses():
    songs = parse_known_songs(KNOWN_SONGS_FILE.read_text(encoding="utf-8"))
    assert len(songs) >= 35
    titles = {s["title"] for s in songs}
    assert {"아리랑 (Arirang)", "Jingle Bells", "Silent Night", "Twinkle, Twinkle, Little Star",
            "Happy Birthday to You", "Ode to Joy", "Amazing Grace"} <= titles
    assert any(s["language"] == "ko" and s["genre"] == "Korean folk (민요)" for s in songs)
    for s in songs:
        end = s["notes"][-1][0] + s["notes"][-1][1]
        assert end >= 18.0, f"{s['title']} lasts only {end:.1f} s"
        assert s["genre"], s["title"]
