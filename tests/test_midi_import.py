"""MIDI and KAR import: melody choice, tempo map, titles, Korean lyrics, bad files."""

from __future__ import annotations

import mido
import pytest

from app.importers import ImportFileError, parse_file
from app.importers.midi_import import load_midi
from app.importers.midi_tempo import TempoMap
from app.importers.midi_tracks import (
    TickNote,
    choose_melody,
    overlap_share,
    skyline,
    voices_from_tracks,
)
from tests.fixture_files import (
    KAR_ARTIST,
    KAR_BUSY_LOW,
    KAR_LYRICS,
    KAR_MELODY,
    KAR_SYLLABLES,
    KAR_TITLE,
    SKYLINE_ARTIST,
    SKYLINE_TITLE,
    SKYLINE_TOP,
    TEMPO_DURATIONS_S,
    TEMPO_KEY,
    TEMPO_MELODY,
    TEMPO_ONSETS_S,
    TEMPO_TITLE,
    TPB,
    write_kar,
    write_no_notes_midi,
    write_skyline_midi,
    write_tempo_change_midi,
    write_truncated,
)


def _save(tracks: list[list[mido.Message]], path, midi_type: int = 1):
    mid = mido.MidiFile(type=midi_type, ticks_per_beat=TPB)
    for events in tracks:
        mid.tracks.append(mido.MidiTrack(events))
    mid.save(str(path))
    return path


def _notes(channel: int, pitches: list[int], step: int = TPB, length: int = TPB - 40):
    events = []
    for i, pitch in enumerate(pitches):
        events.append(
            mido.Message(
                "note_on",
                channel=channel,
                note=pitch,
                velocity=80,
                time=0 if i == 0 else step - length,
            )
        )
        events.append(mido.Message("note_off", channel=channel, note=pitch, time=length))
    return events


# --- tempo map --------------------------------------------------------------------


def test_tempo_change_mid_song_moves_later_onsets(tmp_path):
    record = parse_file(write_tempo_change_midi(tmp_path / "tempo.mid"))
    assert [n.pitch for n in record.notes] == TEMPO_MELODY
    assert [n.onset_s for n in record.notes] == pytest.approx(TEMPO_ONSETS_S, abs=1e-9)
    assert [n.duration_s for n in record.notes] == pytest.approx(TEMPO_DURATIONS_S, abs=1e-9)
    assert record.duration_s == pytest.approx(6.0)  # chords last 8 beats: 4 x 0.5 s + 4 x 1 s


def test_tempo_map_integrates_each_segment():
    tempo = TempoMap(480, [(960, 250_000), (0, 500_000)])
    assert tempo.seconds(480) == pytest.approx(0.5)
    assert tempo.seconds(960) == pytest.approx(1.0)
    assert tempo.seconds(1440) == pytest.approx(1.25)
    assert tempo.first_bpm == pytest.approx(120.0)


def test_tempo_map_defaults_to_120_bpm_and_reads_smpte_division():
    assert TempoMap(96).seconds(96 * 3) == pytest.approx(1.5)
    division = int.from_bytes(bytes([256 - 25, 40]), "big", signed=True)  # -25 fps, 40 ticks/frame
    smpte = TempoMap(division, [(0, 1_000_000)])  # 1000 ticks per second, tempo ignored
    assert smpte.seconds(2500) == pytest.approx(2.5)


# --- melody choice ----------------------------------------------------------------


def test_melody_is_the_monophonic_singing_range_track_not_chords_bass_or_drums(tmp_path):
    record = parse_file(write_tempo_change_midi(tmp_path / "t.mid"))
    assert record.title == TEMPO_TITLE
    assert record.original_key == TEMPO_KEY
    assert record.source_format == "midi"
    assert record.lyrics == ""


def test_chords_are_reduced_to_their_top_line(tmp_path):
    path = write_skyline_midi(tmp_path / f"{SKYLINE_ARTIST} - {SKYLINE_TITLE}.mid")
    record = parse_file(path)
    assert [n.pitch for n in record.notes] == SKYLINE_TOP
    assert [n.onset_s for n in record.notes] == pytest.approx([0.6 * i for i in range(8)])
    for a, b in zip(record.notes, record.notes[1:], strict=False):
        assert a.offset_s <= b.onset_s + 1e-9
    assert (record.title, record.artist) == (SKYLINE_TITLE, SKYLINE_ARTIST)


def test_skyline_cuts_a_note_when_a_higher_one_enters():
    line = skyline([TickNote(0, 960, 60), TickNote(480, 720, 67), TickNote(600, 900, 55)], tol=10)
    assert [(n.start, n.end, n.pitch) for n in line] == [(0, 480, 60), (480, 720, 67)]
    assert overlap_share(line, 10) == 0.0


def test_lyrics_pick_the_melody_over_a_busier_line_above_it(tmp_path):
    mid = load_midi(write_kar(tmp_path / "a.kar"))
    voices = voices_from_tracks(mid.tracks, [""] * len(mid.tracks))
    by_shape, used_lyrics = choose_melody(voices, [], TPB)
    assert min(n.pitch for n in by_shape.notes) >= KAR_BUSY_LOW and not used_lyrics
    syllable_ticks = [i * TPB for i in range(len(KAR_SYLLABLES))]
    by_lyrics, used_lyrics = choose_melody(voices, syllable_ticks, TPB)
    assert [n.pitch for n in by_lyrics.notes] == KAR_MELODY and used_lyrics


def test_track_named_placeholder_falls_back_to_file_name(tmp_path):
    conductor = [
        mido.MetaMessage("track_name", name="Untitled"),
        mido.MetaMessage("key_signature", key="Em"),
    ]
    path = _save(
        [conductor, _notes(0, [64, 66, 67, 69])], tmp_path / "Some Singer - Blue Night.mid"
    )
    record = parse_file(path)
    assert (record.title, record.artist) == ("Blue Night", "Some Singer")
    assert record.original_key == "E minor"


# --- KAR and lyrics ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp949", "utf-8"])
def test_kar_korean_title_artist_and_lyrics(tmp_path, encoding):
    record = parse_file(write_kar(tmp_path / "song.kar", encoding=encoding))
    assert (record.title, record.artist) == (KAR_TITLE, KAR_ARTIST)
    assert record.lyrics == KAR_LYRICS
    assert record.language == "Korean"
    assert record.source_format == "kar"
    assert [n.pitch for n in record.notes] == KAR_MELODY
    assert [n.lyric for n in record.notes] == [s.lstrip("/\\") for s in KAR_SYLLABLES]
    assert record.singers == [KAR_ARTIST]


def test_kar_headers_make_a_dot_mid_file_a_kar(tmp_path):
    record = parse_file(write_kar(tmp_path / "renamed.mid"))
    assert record.source_format == "kar"
    assert record.title == KAR_TITLE


def test_lyric_meta_events_in_a_midi_file_attach_to_notes(tmp_path):
    melody = _notes(0, [60, 62, 64, 65, 67])
    words = ["Twin", "kle\r", "lit", "tle ", "star"]
    lyric_events = [
        mido.MetaMessage("lyrics", text=w, time=0 if i == 0 else TPB) for i, w in enumerate(words)
    ]
    conductor = [
        mido.MetaMessage("text", text="Title: Little Star"),
        mido.MetaMessage("text", text="Artist: Anon"),
    ]
    record = parse_file(_save([conductor, lyric_events, melody], tmp_path / "x.mid"))
    assert record.lyrics == "Twinkle\nlittle star"
    assert [n.lyric for n in record.notes] == ["Twin", "kle", "lit", "tle", "star"]
    assert (record.title, record.artist) == ("Little Star", "Anon")
    assert record.source_format == "midi"


def test_hold_and_hyphen_syllables_join_words(tmp_path):
    melody = _notes(0, [60, 62, 64, 65, 67])
    words = ["Hel-", "lo", "-", " world", "~"]
    lyric_events = [
        mido.MetaMessage("lyrics", text=w, time=0 if i == 0 else TPB) for i, w in enumerate(words)
    ]
    conductor = [mido.MetaMessage("track_name", name="Master Track")]
    record = parse_file(_save([conductor, lyric_events, melody], tmp_path / "Hello.mid"))
    assert record.lyrics == "Hello world"
    assert [n.lyric for n in record.notes] == ["Hel", "lo", "", "world", ""]
    assert record.title == "Hello"  # "Master Track" is a placeholder, not a title


def test_smpte_time_division_counts_ticks_per_second(tmp_path):
    path = _save(
        [_notes(0, [60, 62, 64, 65], step=480, length=240)], tmp_path / "smpte.mid", midi_type=0
    )
    data = bytearray(path.read_bytes())
    data[12:14] = bytes([256 - 25, 40])  # 25 frames/s x 40 ticks = 1000 ticks per second
    path.write_bytes(bytes(data))
    record = parse_file(path)
    assert [n.onset_s for n in record.notes] == pytest.approx([0.0, 0.48, 0.96, 1.44])
    assert [n.duration_s for n in record.notes] == pytest.approx([0.24] * 4)


def test_stray_text_events_of_a_plain_midi_are_not_lyrics(tmp_path):
    notes_track = _notes(0, [60, 62, 64, 65, 67, 69])
    comments = [mido.MetaMessage("text", text=f"comment {i}", time=7 if i else 0) for i in range(6)]
    record = parse_file(
        _save(
            [[mido.MetaMessage("track_name", name="Quiet")], comments, notes_track],
            tmp_path / "c.mid",
        )
    )
    assert record.lyrics == ""
    assert all(n.lyric == "" for n in record.notes)


# --- broken files -----------------------------------------------------------------


def test_text_file_renamed_mid_is_rejected(tmp_path):
    path = tmp_path / "x.mid"
    path.write_text("hello, not music")
    with pytest.raises(ImportFileError, match="not a MIDI file"):
        parse_file(path)


@pytest.mark.parametrize("keep", [0.3, 0.5, 0.9])
def test_truncated_midi_is_rejected(tmp_path, keep):
    good = write_tempo_change_midi(tmp_path / "good.mid")
    with pytest.raises(ImportFileError, match="truncated"):
        parse_file(write_truncated(good, tmp_path / "cut.mid", keep))


def test_midi_without_notes_is_rejected(tmp_path):
    with pytest.raises(ImportFileError, match="no notes found"):
        parse_file(write_no_notes_midi(tmp_path / "silent.mid"))


def test_drums_only_midi_is_rejected(tmp_path):
    path = _save([_notes(9, [36, 38, 36, 38])], tmp_path / "beat.mid", midi_type=0)
    with pytest.raises(ImportFileError, match="only drums"):
        parse_file(path)


def test_damaged_event_bytes_give_a_readable_reason(tmp_path):
    good = write_tempo_change_midi(tmp_path / "good.mid").read_bytes()
    first_track = good.index(b"MTrk") + 8
    broken = good[:first_track] + b"\x00\xf4" + good[first_track + 2 :]  # undefined status byte
    path = tmp_path / "damaged.mid"
    path.write_bytes(broken)
    with pytest.raises(ImportFileError, match="damaged MIDI file"):
        parse_file(path)
