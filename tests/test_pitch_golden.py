"""Golden test: a committed 3 s sung phrase with its exact f0 (a voice the model
never trained on, resynthesised onto a known melody) is tracked correctly by
the shipped model through the whole offline pipeline."""

from pathlib import Path

import numpy as np
import pytest

from app.audio_decode import decode_audio
from app.melody_extraction import analyse_audio, analyse_file, pitch_of

FIXTURES = Path(__file__).parent / "fixtures"
PHRASE = FIXTURES / "sung_phrase.flac"
PHRASE_F0 = FIXTURES / "sung_phrase_f0.npy"


def _cents(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1200.0 * np.abs(np.log2(a / b))


def test_fixture_is_what_the_labels_say():
    audio, ref = decode_audio(PHRASE), np.load(PHRASE_F0)
    assert len(ref) == len(audio) // 160 + 1
    assert 0.8 < np.mean(ref > 0) < 0.95


@pytest.mark.parametrize("solo", [False, True])
def test_pitch_of_the_sung_phrase_matches_its_ground_truth(solo):
    # solo=True: decoded as a take of the user's voice alone (voice and range)
    ref = np.load(PHRASE_F0)
    track = analyse_audio(decode_audio(PHRASE), solo=solo).track
    assert len(track) == len(ref)
    voiced_ref = ref > 0
    both = voiced_ref & (track.f0_hz > 0)
    raw_pitch_accuracy = np.mean(_cents(track.f0_hz[both], ref[both]) <= 50) * both.sum() / voiced_ref.sum()
    assert raw_pitch_accuracy >= 0.9
    octave_errors = np.abs(_cents(track.f0_hz[both], ref[both]) - 1200) <= 50
    assert octave_errors.sum() == 0
    assert np.mean(track.f0_hz[~voiced_ref] > 0) < 0.5  # consonants and rests mostly unvoiced


def test_notes_of_the_sung_phrase_stay_in_its_range():
    ref = np.load(PHRASE_F0)
    midi = 69 + 12 * np.log2(ref[ref > 0] / 440)
    analysis = analyse_file(PHRASE)
    pitches = [n.pitch for n in analysis.notes]
    assert len(pitches) >= 3
    assert min(pitches) > midi.min() - 1 and max(pitches) < midi.max() + 1
    assert analysis.summary.range_text


def test_a_known_take_pitch_is_decoded_again_as_a_voice_alone():
    audio = decode_audio(PHRASE)
    track = pitch_of(audio)
    assert pitch_of(audio, track) is track  # nothing to redo for a mixture decode
    solo = pitch_of(audio, track, solo=True)
    assert np.array_equal(solo.f0_hz, pitch_of(audio, solo=True).f0_hz)
    assert solo.posterior is track.posterior  # the model did not run again
