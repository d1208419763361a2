"""Importing a recording stores the melody Norae hears in it; ``norae pitch``
and ``norae notes`` print what it hears."""

import json

import soundfile as sf

from app.cli import main
from app.import_run import import_paths
from inference.constants import SAMPLE_RATE
from tests.sung_tones import sung_melody

SCALE = [(55, 0.45), (57, 0.45), (59, 0.45), (60, 0.45), (62, 0.9)]  # G3 A3 B3 C4 D4


def _write_scale(path):
    sf.write(str(path), sung_melody(SCALE, gap_s=0.06), SAMPLE_RATE, subtype="PCM_16")
    return path


def test_import_of_a_recording_stores_notes_range_and_key(tmp_path, file_store):
    path = _write_scale(tmp_path / "Somebody - Scale Song.wav")
    result = import_paths(file_store, [path])
    assert not result.failed, result.failed
    song_id = result.added[0][1]
    notes = file_store.notes(song_id)
    assert [round(n.pitch) for n in notes] == [55, 57, 59, 60, 62]
    song = file_store.song(song_id)
    assert (song["range_low"], song["range_high"]) == (55, 62)
    assert song["original_key"] in ("G major", "E minor")
    assert abs(notes[0].onset_s - 0.2) < 0.05


def test_pitch_json_has_one_value_per_10ms_frame(tmp_path, capsys):
    path = _write_scale(tmp_path / "scale.wav")
    assert main(["pitch", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    n = len(sf.read(str(path))[0]) // 160 + 1
    assert out["hop_s"] == 0.01
    assert len(out["f0_hz"]) == len(out["voiced_prob"]) == n
    assert out["f0_hz"][5] == 0.0  # the silent lead-in
    g3 = out["f0_hz"][int(0.4 / 0.01)]
    assert abs(g3 - 196.0) < 6.0


def test_notes_prints_range_as_note_names(tmp_path, capsys):
    path = _write_scale(tmp_path / "scale.wav")
    assert main(["notes", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Range: G3–D4" in out
    assert main(["notes", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["range"]["text"] == "G3–D4"
    assert len(payload["notes"]) == 5


def test_unreadable_audio_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "song.wav"
    bad.write_bytes(b"RIFF....not really")
    assert main(["pitch", str(bad)]) == 2
    assert "norae: Cannot read song.wav" in capsys.readouterr().err
