"""A take's range, tessitura and key, as a singer would read them."""

from __future__ import annotations

import numpy as np

from app.note_segmentation import segment_notes
from app.song_record import Note
from app.vocal_range import (
    TakeSummary,
    clean_take,
    sustained_range,
    take_summary,
    tuning_offset,
    widen_range,
)
from inference.pitch_decode import midi_to_hz

HOP = 0.01


def take(pitches, dur=0.4, gap=0.1, start=0.0):
    """Notes sung one after the other with short breaths between them."""
    return [Note(start + i * (dur + gap), dur, float(p)) for i, p in enumerate(pitches)]


def f0_track(events, total_s):
    """f0 (Hz, 0 = unvoiced) from (onset s, duration s, midi) events."""
    t = np.arange(round(total_s / HOP)) * HOP
    f0 = np.zeros(len(t))
    for onset, dur, midi in events:
        f0[(t >= onset - 1e-9) & (t < onset + dur - 1e-9)] = midi_to_hz(midi)
    return f0


def test_take_g2_to_e4_with_an_octave_glitch_and_a_squeak_reads_g2_e4():
    # G2 A2 B2 C3 D3 E3 F#3 G3 A3 B3 C4 D4 E4 D4 B3 G3 D3 G2, 0.4 s each, breaths of 0.1 s
    melody = [43, 45, 47, 48, 50, 52, 54, 55, 57, 59, 60, 62, 64, 62, 59, 55, 50, 43]
    events = [(i * 0.5, 0.4, float(p)) for i, p in enumerate(melody)]
    events.append((7 * 0.5 + 0.15, 0.1, 67.0))                # G3 jumps to G4 for 100 ms
    events.append((len(melody) * 0.5 + 0.3, 0.06, 84.0))      # a 60 ms squeak at C6
    f0 = f0_track(events, len(melody) * 0.5 + 1.0)
    notes = segment_notes(f0, f0 > 0)
    assert any(round(n.pitch) == 67 for n in notes)           # the tracker's glitch is there ...
    summary = take_summary(notes)
    assert (summary.range_low, summary.range_high) == (43, 64)
    assert summary.range_text == "G2\u2013E4"                 # ... but not in the range
    assert summary.key == "G major"
    assert abs(summary.sung_seconds - 18 * 0.4) < 0.1


def test_a_held_octave_error_alone_in_its_register_is_folded_back():
    sung = [55, 57, 59, 57, 57, 57, 55, 59, 62, 64, 62, 59, 57, 55]
    heard = sung[:4] + [69] + sung[5:]  # the tracker heard A4 for the held A3
    notes = take(heard)
    assert [round(n.pitch) for n in clean_take(notes)] == sung
    assert sustained_range(notes) == (55, 64)


def test_a_real_high_note_that_is_sung_again_counts():
    notes = take([55, 57, 59, 57, 69, 57, 55, 59, 69, 67, 64, 60])
    assert sustained_range(notes) == (55, 69)


def test_a_single_far_outlier_is_left_out_but_two_are_a_range():
    melody = [52, 55, 57, 59, 57, 55, 52, 55, 57, 59, 60, 57]
    assert sustained_range(take(melody + [72])) == (52, 60)     # one note, an octave+ above
    assert sustained_range(take(melody + [72, 70, 72])) == (52, 72)
    assert sustained_range(take([40] + melody)) == (52, 60)


def test_short_notes_count_once_they_add_up_to_a_sustained_pitch():
    quick = take([60, 62, 64, 62] * 4, dur=0.15, gap=0.0)
    assert sustained_range(quick) == (60, 64)
    assert sustained_range(take([60, 62, 64, 67], dur=0.15)) is None  # nothing held


def test_too_little_singing_has_no_range():
    summary = take_summary(take([60, 62], dur=0.3))
    assert summary.range_low is None and summary.range_high is None
    assert summary.range_text == "" and summary.sung_seconds == 0.6
    assert summary.key != ""


def test_keys_of_a_major_melody_and_a_minor_melody_with_its_leading_tone():
    c_major = take([60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 62, 60])
    assert take_summary(c_major).key == "C major"
    a_minor = take([57, 60, 64, 69, 68, 69, 71, 72, 71, 69, 68, 64, 65, 64, 62, 60, 59, 57])
    assert take_summary(a_minor).key == "A minor"


def test_a_singer_who_is_consistently_flat_keeps_the_key():
    rng = np.random.default_rng(3)
    c_major = [60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 62, 60, 64, 67, 72, 67, 60]
    flat = take(np.array(c_major) - 0.42 + rng.uniform(-0.12, 0.12, len(c_major)))
    assert abs(tuning_offset(flat) + 0.42) < 0.05
    assert take_summary(flat).key == "C major"


def test_tessitura_sits_inside_the_range():
    notes = take([48, 52, 53, 55, 55, 55, 57, 55, 53, 55, 57, 53, 52, 53, 55, 60])
    summary = take_summary(notes)
    low, high = summary.tessitura
    assert (summary.range_low, summary.range_high) == (48, 60)
    assert 52 <= low <= 53 and 55 <= high <= 57


def test_summary_of_an_empty_take_is_empty_but_well_formed():
    summary = take_summary([])
    assert summary == TakeSummary(range_low=None, range_high=None, range_text="",
                                  tessitura=None, key="", sung_seconds=0.0)
    assert sustained_range([]) is None and clean_take([]) == []
    assert tuning_offset([]) == 0.0


def test_notes_too_short_to_count_are_still_reached():
    melody = [48, 50, 52, 54, 52, 50, 48, 50, 52, 54]
    summary = take_summary(take(melody) + [Note(5.0, 0.14, 56.0), Note(5.2, 0.4, 54.0)])
    assert (summary.range_low, summary.range_high) == (48, 54)
    assert summary.reached == (48, 56)
    assert take_summary([]).reached is None


def test_a_narrow_range_is_widened_evenly_towards_reached_notes_and_inside_bounds():
    assert widen_range(55, 59, 8) == (53, 61)                           # evenly, high side first
    assert widen_range(55, 58, 8) == (53, 61)
    assert widen_range(55, 64, 8) == (55, 64)                           # wide enough already
    assert widen_range(48, 54, 8, reached=(48, 56)) == (48, 56)         # towards a note touched
    assert widen_range(52, 57, 8, reached=(51, 57)) == (50, 58)         # ... then evenly
    assert widen_range(40, 45, 8, bounds=(40, 72)) == (40, 48)          # not below the bound
    assert widen_range(78, 82, 8, bounds=(53, 84)) == (76, 84)
    assert widen_range(50, 52, 8, bounds=(50, 52)) == (47, 55)          # both ends at the bound
    assert widen_range(40, 45, 8, reached=(38, 45), bounds=(40, 72)) == (38, 46)  # a note sung wins
