"""The guided range test: the range a slide on "ah" shows, as the singer would read it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from app.cli import main
from app.melody_extraction import shared_tracker
from app.range_test import NO_SINGING, TOO_NARROW, TOO_SHORT, measure_range
from inference.constants import SAMPLE_RATE
from inference.pitch_decode import midi_to_hz
from inference.pitch_tracker import PitchTrack
from tests.sung_tones import sung_glide

HOP = 0.01


def track_of(midi: np.ndarray) -> PitchTrack:
    """A PitchTrack from MIDI per 10 ms frame (NaN = unvoiced)."""
    midi = np.asarray(midi, dtype=np.float64)
    f0 = np.where(np.isnan(midi), 0.0, midi_to_hz(np.nan_to_num(midi, nan=60.0)))
    return PitchTrack(f0.astype(np.float32), (f0 > 0).astype(np.float32), np.zeros((len(f0), 1)))


def glide(points, vibrato: float = 0.3, lead_s: float = 0.3) -> np.ndarray:
    """MIDI per frame along (seconds, MIDI) breakpoints with 5.5 Hz vibrato of
    ``vibrato`` semitones, silence (NaN) of ``lead_s`` before and after."""
    times, pitches = zip(*points)
    t = np.arange(round(times[-1] / HOP)) * HOP
    midi = np.interp(t, times, pitches) + vibrato * np.sin(2 * np.pi * 5.5 * t)
    lead = np.full(round(lead_s / HOP), np.nan)
    return np.concatenate([lead, midi, lead])


def at(midi: np.ndarray, start_s: float, seconds: float, value) -> None:
    """Overwrite ``seconds`` of frames from ``start_s`` (a glitch, a crack, a gap)."""
    i = round(start_s / HOP)
    n = round(seconds / HOP)
    midi[i:i + n] = value if np.isscalar(value) else value(midi[i:i + n])


# G2 held 0.5 s, slide up to E4 over 4 s, E4 held 0.5 s, slide back down to C3.
UP_AND_DOWN = [(0.0, 43), (0.5, 43), (4.5, 64), (5.0, 64), (8.0, 48)]


def test_a_slide_up_and_down_reads_its_lowest_and_highest_notes():
    result = measure_range(track_of(glide(UP_AND_DOWN)))
    assert result.ok and (result.low_midi, result.high_midi) == (43, 64)
    assert result.text == "G2\u2013E4"
    assert result.message == "Your range: G2\u2013E4 (21 semitones)"
    assert result.to_json() == {"low_midi": 43, "high_midi": 64, "low_note": "G2", "high_note": "E4"}
    assert 7.5 < result.sung_s < 8.5


def test_octave_glitches_do_not_move_the_range():
    midi = glide(UP_AND_DOWN)
    at(midi, 0.3, 0.4, lambda m: m + 12)      # the tracker starts an octave high (0.4 s)
    at(midi, 2.5, 0.2, lambda m: m - 12)      # ... an octave low mid-slide, just under G2
    at(midi, 3.0, 0.2, lambda m: m + 12)      # ... an octave high, just over E4
    at(midi, 5.05, 0.2, lambda m: m + 12)     # ... and at the top, where nothing is higher
    at(midi, 6.5, 0.1, lambda m: m - 12)      # ... and an octave down on the way back
    result = measure_range(track_of(midi))
    assert (result.low_midi, result.high_midi) == (43, 64)


def test_octave_errors_flickering_in_a_held_note_are_folded_back():
    # G2 up to F#3 (54), held a second, on up to E4; the held F#3 flickers up an octave 4 times
    midi = glide([(0.0, 43), (0.5, 43), (2.5, 54), (3.5, 54), (5.5, 64), (6.0, 64)])
    for start in (3.0, 3.1, 3.2, 3.3):
        at(midi, start, 0.06, lambda m: m + 12)
    assert measure_range(track_of(midi)).high_midi == 64


def test_a_crack_and_a_squeak_at_the_top_are_not_the_range():
    midi = glide([(0.0, 43), (0.5, 43), (4.5, 64), (5.0, 64)], lead_s=1.0)
    at(midi, 5.22, 0.08, lambda m: m + 2.0)   # an overshoot, too brief to count
    at(midi, 5.3, 0.2, 68.0)                  # the voice cracks up a third as the note ends
    at(midi, 5.6, 0.08, 84.0)                 # a squeak after a breath
    result = measure_range(track_of(midi))
    assert (result.low_midi, result.high_midi) == (43, 64)


def test_steps_with_breaths_between_read_like_a_slide():
    notes = [(60 + s, 0.3) for s in range(13)] + [(72 - s, 0.3) for s in range(1, 13)]
    midi = np.concatenate([np.concatenate([np.full(30, p), np.full(10, np.nan)]) for p, _ in notes])
    result = measure_range(track_of(midi))
    assert (result.low_midi, result.high_midi) == (60, 72)


def test_a_cough_far_from_the_slide_is_not_the_singers():
    midi = np.concatenate([glide(UP_AND_DOWN), np.full(40, 80.0), np.full(30, np.nan)])
    assert measure_range(track_of(midi)).high_midi == 64


def test_a_narrow_slide_asks_to_slide_further():
    result = measure_range(track_of(glide([(0.0, 55), (1.5, 55), (3.0, 58), (4.0, 58)])))
    assert result.problem == TOO_NARROW and not result.ok
    assert (result.low_midi, result.high_midi) == (55, 58)
    assert result.message.startswith("Slide further")


def test_silence_breath_noise_and_a_blip_are_not_a_range():
    assert measure_range(track_of(np.full(300, np.nan))).problem == NO_SINGING
    rng = np.random.default_rng(3)
    noise = np.full(500, np.nan)
    for start in range(10, 480, 40):          # breaths: 50-150 ms of random "pitch"
        noise[start:start + rng.integers(5, 15)] = rng.uniform(40, 80)
    assert measure_range(track_of(noise)).problem == NO_SINGING
    short = measure_range(track_of(glide([(0.0, 50), (0.8, 60)])))
    assert short.problem == TOO_SHORT and "too short" in short.message


def test_a_sung_glide_through_the_melody_model(tmp_path, capsys):
    # A3 (57) held, slid up to A4 (69) and held, then down to D4: real audio, the shipped model.
    audio = sung_glide([(0.0, 57), (0.6, 57), (3.6, 69), (4.2, 69), (5.5, 62)])
    result = measure_range(shared_tracker().track(audio))
    assert result.ok and (result.low_midi, result.high_midi) == (57, 69)
    path = tmp_path / "slide.wav"
    sf.write(str(path), audio, SAMPLE_RATE)
    assert main(["range", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "low_midi": 57, "high_midi": 69, "low_note": "A3", "high_note": "A4"}
    assert main(["range", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "Your range: A3\u2013A4 (12 semitones)"


@pytest.mark.parametrize("points, problem", [
    ([(0.0, 60), (2.0, 60), (3.0, 62)], "Slide further"),
    (None, "No singing"),
])
def test_norae_range_says_clearly_what_went_wrong(tmp_path, capsys, points, problem):
    audio = sung_glide(points) if points else np.zeros(3 * SAMPLE_RATE, np.float32)
    sf.write(str(tmp_path / "take.wav"), audio, SAMPLE_RATE)
    assert main(["range", str(tmp_path / "take.wav")]) == 1
    assert capsys.readouterr().err.startswith(f"norae: {problem}")
    assert main(["range", str(tmp_path / "missing.wav"), "--json"]) == 2


def test_suggestions_fit_keys_to_a_tested_range(tmp_path):
    from types import SimpleNamespace

    from app.catalog_setup import open_catalog
    from app.song_record import Note, SongRecord
    from app.suggest import suggest

    # A 12-semitone tune (C4..C5): a narrow take (G3..B3, widened to F3..C#4)
    # cannot hold it in any key; the singer's tested range A2..D4 holds it
    # whole, an octave down at most a few keys off.
    tune = [Note(0.5 * i, 0.5, float(p)) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72, 67, 64])]
    voice = SimpleNamespace(embedding=None, range_low=55, range_high=59, gender="male", reached=None)
    with open_catalog(tmp_path / "catalog.sqlite", seed_demo=False) as store:
        store.add_song(SongRecord(title="wide", notes=tune))
        guessed = suggest(store, None, voice, top=1)[0]
        tested = suggest(store, None, voice, top=1, range_override=(45, 62))[0]
    assert guessed.fit.in_range < 0.95
    assert tested.fit.in_range == 1.0
    assert all(45 <= n.pitch + tested.fit.total_shift <= 62 for n in tune)
    assert "fits your tested range A2\u2013D4" in tested.reasons[-1]
    assert "tested" not in guessed.reasons[-1]
