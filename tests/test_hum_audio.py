"""Rendered hum-search queries: length, loudness, pitch labels that follow the
notes, the whistle register, the room recording and clear errors.

The sung test analyses espeak-ng's Polish voice (a held-out bench voice) into a
temporary cache (about 2 s).
"""

from __future__ import annotations

import numpy as np
import pytest

from inference.constants import HOP_S, SAMPLE_RATE
from training.hum_audio import TAIL_S, fit_register, render_query, room_query
from training.melody_data.clip_format import PEAK_LEVEL
from training.melody_data.hum_whistle import WHISTLE_HZ, WHISTLE_MIDI
from training.melody_data.voice_synth import VOICE_TYPES

BEAT_S = 0.3
ODE_TO_JOY = (  # (MIDI, beats): two phrases, a breath between them
    (64, 1), (64, 1), (65, 1), (67, 1), (67, 1), (65, 1), (64, 1), (62, 1),
    (60, 1), (60, 1), (62, 1), (64, 1), (64, 1.5), (62, 0.5), (62, 2),
    (64, 1), (64, 1), (65, 1), (67, 1), (67, 1), (65, 1), (64, 1), (62, 1),
    (60, 1), (60, 1), (62, 1), (64, 1), (62, 1.5), (60, 0.5), (60, 2),
)


def ode_to_joy(transpose: float = 0.0) -> np.ndarray:
    """float64 [30, 3] notes of a 9.9 s query (onset_s, duration_s, MIDI)."""
    rows, t = [], 0.0
    for i, (pitch, beats) in enumerate(ODE_TO_JOY):
        if i == 15:
            t += BEAT_S  # breath
        rows.append((t, 0.9 * beats * BEAT_S, pitch + transpose))
        t += beats * BEAT_S
    return np.array(rows)


def assert_labels_follow_notes(notes: np.ndarray, labels: np.ndarray, sounding: float = 1.0) -> None:
    """Wherever a note's middle half is voiced, its median label is within 0.3
    semitone of the note; at least ``sounding`` of the notes are mostly voiced there."""
    t = np.arange(len(labels)) * HOP_S
    mostly_voiced = []
    for onset, duration, pitch in notes:
        middle = (t >= onset + 0.25 * duration) & (t <= onset + 0.75 * duration)
        voiced = labels[middle & (labels > 0)]
        mostly_voiced.append(voiced.size >= 0.8 * middle.sum())
        if voiced.size:
            sung = 69 + 12 * np.log2(np.median(voiced) / 440.0)
            assert abs(sung - pitch) < 0.3, f"note at {onset:.2f} s: label {sung:.2f}, note {pitch:.2f}"
    assert np.mean(mostly_voiced) >= sounding, f"notes mostly voiced: {mostly_voiced}"


def assert_query_shape(notes: np.ndarray, audio: np.ndarray, labels: np.ndarray) -> None:
    end = float((notes[:, 0] + notes[:, 1]).max())
    assert audio.dtype == np.float32 and labels.dtype == np.float32
    assert len(audio) / SAMPLE_RATE == pytest.approx(end + TAIL_S, abs=0.011)
    assert len(labels) == len(audio) // round(HOP_S * SAMPLE_RATE) + 1
    assert np.max(np.abs(audio)) == pytest.approx(PEAK_LEVEL, rel=1e-3)
    assert np.sqrt(np.mean(audio ** 2)) > 0.03  # not silent: a voice through the whole query
    assert np.all(labels[round((end + 0.05) / HOP_S):] == 0)  # nothing voiced after the last note


def high_band_share(audio: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(audio)) ** 2
    f = np.fft.rfftfreq(len(audio), 1.0 / SAMPLE_RATE)
    return float(spec[f > 1000].sum() / spec.sum())


@pytest.fixture(scope="module")
def hummed():
    notes = ode_to_joy(-5.0)
    audio, labels = render_query(notes, kind="hum", voice=None, rng=np.random.default_rng(1))
    return notes, audio, labels


def test_ten_second_hum_follows_the_tune(hummed):
    notes, audio, labels = hummed
    assert len(audio) > 9.5 * SAMPLE_RATE
    assert_query_shape(notes, audio, labels)
    assert_labels_follow_notes(notes, labels)
    assert high_band_share(audio) < 0.05  # closed mouth: little energy above 1 kHz


def test_ten_second_sung_query_follows_the_tune_with_lyrics(tmp_path, hummed):
    notes = ode_to_joy(-5.0)
    audio, labels = render_query(notes, kind="sung", voice="espeak:pl+m3", rng=np.random.default_rng(2),
                                 cache_dir=tmp_path)
    assert_query_shape(notes, audio, labels)
    assert_labels_follow_notes(notes, labels, sounding=0.9)  # a short note may go to the next consonant
    assert high_band_share(audio) > 4 * high_band_share(hummed[1])  # open vowels and consonants
    again, _ = render_query(notes, kind="sung", voice="espeak:pl+m3", rng=np.random.default_rng(2),
                            cache_dir=tmp_path)
    assert np.array_equal(audio, again)  # a bench query is the same every time


def test_whistle_stays_in_the_whistle_register():
    notes = fit_register(ode_to_joy()[:12], np.random.default_rng(3), "whistle")
    assert WHISTLE_MIDI[0] <= notes[:, 2].min() and notes[:, 2].max() <= WHISTLE_MIDI[1]
    audio, labels = render_query(notes, kind="whistle", voice="ignored", rng=np.random.default_rng(3))
    assert_query_shape(notes, audio, labels)
    assert_labels_follow_notes(notes, labels)
    voiced = labels[labels > 0]
    assert WHISTLE_HZ[0] - 1 <= voiced.min() and voiced.max() <= WHISTLE_HZ[1] + 1


def test_fit_register_moves_the_whole_query_into_a_voice_range():
    notes = ode_to_joy(30.0)  # far too high for anyone
    for seed in range(20):
        fitted = fit_register(notes, np.random.default_rng(seed), "hum")
        shift = fitted[:, 2] - notes[:, 2]
        assert np.allclose(shift, shift[0]) and shift[0] == round(shift[0])  # whole semitones, tune kept
        assert np.array_equal(fitted[:, :2], notes[:, :2])
        assert any(v.low <= fitted[:, 2].min() and fitted[:, 2].max() <= v.high for v in VOICE_TYPES)
    registers = {fit_register(notes, np.random.default_rng(s), "sung")[0, 2] for s in range(20)}
    assert max(registers) - min(registers) >= 12  # low and high voices both hum


def test_room_recording_adds_reverb_and_noise(hummed):
    _, audio, _ = hummed
    rng = np.random.default_rng(4)
    recorded = [room_query(audio, rng) for _ in range(3)]
    tail = slice(len(audio) - 1000, None)  # after the last note: digital silence when dry
    assert np.all(audio[tail] == 0)
    for out in recorded:
        assert out.dtype == np.float32 and out.shape == audio.shape and np.all(np.isfinite(out))
        assert 10 ** (-20.5 / 20) <= np.max(np.abs(out)) <= 10 ** (-2.9 / 20)
        assert np.sqrt(np.mean(out[tail] ** 2)) > 1e-4
    assert not np.allclose(recorded[0], recorded[1])


def test_short_and_odd_lengths_render():
    notes = np.array([[0.0, 0.37, 57.0], [0.5, 1.234, 59.0]])
    audio, labels = render_query(notes, kind="hum", voice=None, rng=np.random.default_rng(5))
    assert_query_shape(notes, audio, labels)
    assert_labels_follow_notes(notes, labels)


@pytest.mark.parametrize(("notes", "kind", "voice", "message"), [
    (np.zeros((0, 3)), "hum", None, "empty"),
    (ode_to_joy(), "yodel", None, "unknown query kind"),
    (ode_to_joy(), "sung", None, "needs a TTS voice"),
    (ode_to_joy(), "sung", "no_such_voice", "unknown voice"),
    (ode_to_joy()[:, :2], "hum", None, r"\[n, 3\]"),
    (np.array([[0.0, 0.5, 440.0]]), "hum", None, "MIDI"),
    (np.array([[0.0, -0.5, 60.0]]), "hum", None, "durations"),
])
def test_bad_input_raises_a_clear_error(notes, kind, voice, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        render_query(notes, kind=kind, voice=voice, rng=np.random.default_rng(0), cache_dir=tmp_path)
    if kind == "yodel":
        with pytest.raises(ValueError, match=message):
            fit_register(notes, np.random.default_rng(0), kind)
