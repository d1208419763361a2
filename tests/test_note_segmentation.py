"""Sung f0 tracks to notes: what a singer would call the notes they sang."""

from __future__ import annotations

import numpy as np
import pytest

from app.note_segmentation import NoteSegmentationError, segment_notes
from inference.constants import PITCH_BINS_PER_SEMITONE, PITCH_MIDI_MIN, PITCH_N_BINS
from inference.pitch_decode import decode_f0, midi_to_hz

HOP = 0.01


def sing(notes, *, glide_s=0.0, scoop=0.0, vibrato=(0.0, 5.5), jitter=0.0, gaps=None, seed=0):
    """f0 (Hz, 0 = unvoiced) and voicing of ``notes`` = [(midi, seconds), ...]
    sung back to back. glide_s: pitch slides linearly across each change
    (centred on the boundary); scoop: semitones below the note each onset
    starts, rising over 60 ms; vibrato: (semitones, Hz[, phase]); gaps: {note index:
    seconds of silence at the start of that note}."""
    rng = np.random.default_rng(seed)
    onsets = np.cumsum([0.0] + [d for _, d in notes])
    t = np.arange(round(onsets[-1] / HOP)) * HOP
    midi = np.empty(len(t))
    voiced = np.ones(len(t), dtype=bool)
    for k, (pitch, _dur) in enumerate(notes):
        sel = (t >= onsets[k] - 1e-9) & (t < onsets[k + 1] - 1e-9)
        midi[sel] = pitch - scoop * np.clip(1 - (t[sel] - onsets[k]) / 0.06, 0, 1)
        if gaps and k in gaps:
            voiced[sel & (t < onsets[k] + gaps[k] - 1e-9)] = False
    if glide_s:
        for k in range(1, len(notes)):
            sel = np.abs(t - onsets[k]) < glide_s / 2
            a, b = notes[k - 1][0], notes[k][0]
            midi[sel] = a + (b - a) * (t[sel] - onsets[k] + glide_s / 2) / glide_s
    depth, rate, *phase = vibrato
    midi += depth * np.sin(2 * np.pi * rate * t + sum(phase))
    midi += jitter * rng.standard_normal(len(t))
    return np.where(voiced, midi_to_hz(midi), 0.0), voiced


def summary(notes):
    return [(round(n.onset_s, 2), round(n.pitch)) for n in notes]


def test_a_scale_of_200_ms_notes_gives_three_notes_on_time():
    f0, voiced = sing([(60, 0.2), (62, 0.2), (64, 0.2)])
    notes = segment_notes(f0, voiced)
    assert [round(n.pitch, 2) for n in notes] == [60.0, 62.0, 64.0]
    assert np.abs(np.array([n.onset_s for n in notes]) - [0.0, 0.2, 0.4]).max() <= 0.03


def test_a_sung_scale_with_glides_scoops_and_jitter_gives_three_notes_on_time():
    f0, voiced = sing([(60, 0.2), (62, 0.2), (64, 0.2)], glide_s=0.06, scoop=0.5, jitter=0.05)
    notes = segment_notes(f0, voiced)
    assert [round(n.pitch) for n in notes] == [60, 62, 64]
    assert np.abs(np.array([n.onset_s for n in notes]) - [0.0, 0.2, 0.4]).max() <= 0.03
    assert all(abs(n.pitch - round(n.pitch)) < 0.15 for n in notes)


@pytest.mark.parametrize("depth, rate",
                         [(0.6, 5.5), (0.8, 5.5), (0.6, 4.5), (0.8, 6.5), (0.8, 4.0)])
@pytest.mark.parametrize("seconds", [0.7, 1.2, 1.7, 2.5])
def test_vibrato_gives_one_note_at_its_centre(depth, rate, seconds):
    for phase in np.linspace(0, 2 * np.pi, 6, endpoint=False):
        f0, voiced = sing([(57.0, seconds)], vibrato=(depth, rate, phase), jitter=0.03)
        notes = segment_notes(f0, voiced)
        assert len(notes) == 1
        assert abs(notes[0].pitch - 57.0) < 0.05
        assert notes[0].onset_s == 0.0 and abs(notes[0].duration_s - seconds) < 0.015


def test_vibrato_notes_in_a_melody_stay_one_note_each():
    f0, voiced = sing([(60, 0.8), (64, 0.6), (62, 1.0)], vibrato=(0.6, 5.5), glide_s=0.08)
    notes = segment_notes(f0, voiced)
    assert [round(n.pitch) for n in notes] == [60, 64, 62]
    assert np.abs(np.array([n.onset_s for n in notes]) - [0.0, 0.8, 1.4]).max() <= 0.03


@pytest.mark.parametrize("glide_s", [0.02, 0.1, 0.2])
def test_portamento_between_notes_adds_no_note(glide_s):
    f0, voiced = sing([(60, 0.5), (67, 0.5), (64, 0.5)], glide_s=glide_s)
    notes = segment_notes(f0, voiced)
    assert [round(n.pitch) for n in notes] == [60, 67, 64]
    assert np.abs(np.array([n.onset_s for n in notes]) - [0.0, 0.5, 1.0]).max() <= 0.03


def test_repeated_notes_split_at_a_60_ms_silence():
    f0, voiced = sing([(62, 0.4), (62, 0.4)], gaps={1: 0.06})
    assert summary(segment_notes(f0, voiced)) == [(0.0, 62), (0.46, 62)]


def test_a_consonant_gap_inside_a_held_pitch_is_bridged_but_a_pitch_change_is_not():
    f0, voiced = sing([(62, 0.4), (62, 0.4)], gaps={1: 0.03})
    notes = segment_notes(f0, voiced)
    assert summary(notes) == [(0.0, 62)] and abs(notes[0].duration_s - 0.8) < 0.015
    f0, voiced = sing([(62, 0.4), (64, 0.4)], gaps={1: 0.03})
    assert summary(segment_notes(f0, voiced)) == [(0.0, 62), (0.43, 64)]


def test_a_voicing_dip_splits_the_same_pitch_sung_twice():
    f0, _ = sing([(62, 0.4), (62, 0.4)])
    prob = np.full(len(f0), 0.95)
    prob[38:43] = [0.8, 0.55, 0.45, 0.55, 0.8]
    notes = segment_notes(f0, prob)
    assert [round(n.pitch) for n in notes] == [62, 62] and abs(notes[1].onset_s - 0.4) <= 0.02
    assert summary(segment_notes(f0, prob >= 0.5)) == [(0.0, 62)]
    wobble = np.full(len(f0), 0.95)
    wobble[38:43] = [0.9, 0.8, 0.75, 0.8, 0.9]  # not a clear dip
    assert summary(segment_notes(f0, wobble)) == [(0.0, 62)]
    f0, voiced = sing([(67, 0.3), (67, 0.3)], gaps={1: 0.03})  # "Hap-py": G G
    prob = np.where(voiced, 0.95, 0.05)
    assert [round(n.pitch) for n in segment_notes(f0, prob)] == [67, 67]
    assert [round(n.pitch) for n in segment_notes(f0, voiced)] == [67]  # a dropout, bridged


def test_fast_runs_keep_every_note():
    pitches = [60, 62, 64, 65, 67, 65, 64, 63, 62]
    f0, voiced = sing([(p, 0.1) for p in pitches], jitter=0.03)
    notes = segment_notes(f0, voiced)
    assert [round(n.pitch) for n in notes] == pitches


def test_glitches_are_dropped_or_absorbed():
    f0, voiced = sing([(60, 0.4), (72, 0.05), (60, 0.4)])  # 50 ms octave spike
    notes = segment_notes(f0, voiced)
    assert summary(notes) == [(0.0, 60)] and abs(notes[0].duration_s - 0.85) < 0.015
    blip = np.zeros(100)
    blip[50:55] = 440.0  # 50 ms of voicing alone
    assert segment_notes(blip, blip > 0) == []


def test_a_neighbour_note_of_100_ms_is_kept():
    f0, voiced = sing([(60, 0.4), (61, 0.1), (60, 0.4)])
    assert summary(segment_notes(f0, voiced)) == [(0.0, 60), (0.4, 61), (0.5, 60)]


def test_notes_from_decoded_model_output():
    melody = [(55, 0.3), (59, 0.3), (62, 0.6)]
    f0, voiced = sing(melody, gaps={1: 0.08, 2: 0.08}, vibrato=(0.3, 5.5))
    track = np.where(voiced, 12 * np.log2(np.where(voiced, f0, 1) / 440) + 69, np.nan)
    centre = (np.nan_to_num(track, nan=60) - PITCH_MIDI_MIN) * PITCH_BINS_PER_SEMITONE
    post = np.exp(-0.5 * (np.arange(PITCH_N_BINS)[None, :] - centre[:, None]) ** 2) + 1e-3
    post[~voiced] = 1.0
    post /= post.sum(axis=1, keepdims=True)
    prob = np.where(voiced, 0.9, 0.1)
    prob[45:47] = 0.45  # a wobble in the model's voicing mid-note
    decoded, dec_voiced = decode_f0(post.astype(np.float32), prob)
    expected = [(0.0, 55), (0.38, 59), (0.68, 62)]
    assert summary(segment_notes(decoded, dec_voiced)) == expected
    assert summary(segment_notes(decoded, prob)) == expected  # the voicing probability as is


def test_empty_input_and_bad_input():
    assert segment_notes(np.zeros(0), np.zeros(0, dtype=bool)) == []
    assert segment_notes(np.zeros(50), np.zeros(50, dtype=bool)) == []
    with pytest.raises(NoteSegmentationError, match="same length"):
        segment_notes(np.zeros(50), np.zeros(40, dtype=bool))
    with pytest.raises(NoteSegmentationError, match="hop_s > 0"):
        segment_notes(np.zeros(50), np.zeros(50, dtype=bool), hop_s=0.0)
