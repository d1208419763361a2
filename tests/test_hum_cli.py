"""``norae hum``: import a song, sing part of it into a WAV in another key and
tempo, and the command names that song first, at once (no rebuild)."""

import argparse
import json

import mido
import pytest
import soundfile as sf

from app.cli import main
from app.cli_hum import year_range
from inference.constants import SAMPLE_RATE
from tests.sung_tones import sung_melody

TPB = 480
# "Twinkle, twinkle" then "Frère Jacques": 28 quarter notes of a made-up song.
TUNE = [60, 60, 67, 67, 69, 69, 67, 65, 65, 64, 64, 62, 62, 60,
        60, 62, 64, 60, 60, 62, 64, 60, 64, 65, 67, 64, 65, 67]
OTHER = [72, 71, 69, 67, 69, 71, 72, 67, 65, 64, 62, 64, 65, 67, 60, 62,
         64, 65, 64, 62, 60, 59, 57, 59, 60, 62, 60, 55]


def _write_midi(path, title, pitches):
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=title),
                            mido.MetaMessage("set_tempo", tempo=500_000)])
    for pitch in pitches:
        track.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=int(TPB * 0.9)))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=int(TPB * 0.1)))
    mid = mido.MidiFile(type=0, ticks_per_beat=TPB)
    mid.tracks.append(track)
    mid.save(str(path))


def test_a_sung_phrase_finds_its_song_right_after_import(tmp_path, capsys):
    db = str(tmp_path / "catalog.sqlite")
    _write_midi(tmp_path / "Little Star.mid", "Little Star", TUNE)
    _write_midi(tmp_path / "Other Song.mid", "Other Song", OTHER)
    assert main(["--db", db, "--no-demo", "import", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Hum search: 2 songs indexed" in out
    # Sing notes 8-26 a fourth lower and 20 % slower (0.6 s per quarter instead of 0.5).
    phrase = [(p - 5, 0.6) for p in TUNE[7:26]]
    sf.write(str(tmp_path / "hum.wav"), sung_melody(phrase, gap_s=0.05), SAMPLE_RATE)
    assert main(["--db", db, "hum", str(tmp_path / "hum.wav"), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0]["title"] == "Little Star"
    assert abs(results[0]["start_s"] - 7 * 0.5) < 1.5


def test_humming_silence_is_a_clear_error(tmp_path, capsys):
    sf.write(str(tmp_path / "quiet.wav"), [0.0] * SAMPLE_RATE * 3, SAMPLE_RATE)
    assert main(["--db", str(tmp_path / "c.sqlite"), "--no-demo", "hum", str(tmp_path / "quiet.wav")]) == 1
    assert "nothing sung" in capsys.readouterr().err


def test_year_filter_takes_a_year_or_a_range_and_refuses_nonsense(tmp_path, capsys):
    assert year_range("1994") == (1994, 1994)
    assert year_range("1990-1999") == (1990, 1999)
    for bad in ("nineties", "1999-1990", "19", "1990-1995-1999"):
        with pytest.raises(argparse.ArgumentTypeError, match="year"):
            year_range(bad)
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(tmp_path / "c.sqlite"), "--no-demo", "hum", "x.wav", "--year", "soon"])
    assert exited.value.code == 2
    assert "not a year" in capsys.readouterr().err
