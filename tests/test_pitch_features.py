"""The pitch front end: frame timing, log-frequency mapping, level invariance,
and the streaming form producing the offline frames."""

import numpy as np

from inference.constants import HOP_SAMPLES, PITCH_SPEC_BINS, PITCH_WINDOW_RIGHT, SAMPLE_RATE
from inference.pitch_features import FEATURE_DIM, FeatureStream, frame_count, pitch_features


def _tone(hz: float, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def _peak_midi(features: np.ndarray) -> float:
    return 24.0 + features[:, :PITCH_SPEC_BINS].mean(axis=0).argmax() / 3.0


def test_one_frame_per_hop_starting_at_zero():
    assert frame_count(0) == 1
    assert pitch_features(np.zeros(16000, np.float32)).shape == (101, FEATURE_DIM)
    assert pitch_features(np.zeros(16159, np.float32)).shape == (101, FEATURE_DIM)
    assert pitch_features(np.zeros(16160, np.float32)).shape == (102, FEATURE_DIM)


def test_tones_peak_at_their_log_bin():
    for hz, midi in ((220.0, 57), (523.25, 72), (1046.5, 84)):
        assert abs(_peak_midi(pitch_features(_tone(hz, 0.5))[10:40]) - midi) < 0.34
    # Below ~100 Hz one FFT bin spans semitones; voices carry harmonics above.
    assert abs(_peak_midi(pitch_features(_tone(65.41, 0.5))[10:40]) - 36) <= 1.0


def test_spectrum_ignores_level_but_level_column_tracks_it():
    loud, quiet = pitch_features(_tone(330, 0.5, 0.5)), pitch_features(_tone(330, 0.5, 0.005))
    np.testing.assert_allclose(loud[20:30, :PITCH_SPEC_BINS], quiet[20:30, :PITCH_SPEC_BINS], atol=0.02)
    assert loud[25, -1] - quiet[25, -1] > 0.35  # 40 dB apart on a 100 dB scale
    assert pitch_features(np.zeros(3200, np.float32))[:, -1].max() == 0.0


def test_frames_see_only_24_ms_ahead():
    """A click just after the lookahead of frame 10 does not change frame 10."""
    x = _tone(200, 0.5, 0.1)
    clicked = x.copy()
    clicked[10 * HOP_SAMPLES + PITCH_WINDOW_RIGHT] += 0.9
    a, b = pitch_features(x), pitch_features(clicked)
    np.testing.assert_array_equal(a[:11], b[:11])
    assert np.abs(a[11] - b[11]).max() > 0.01


def test_stream_in_uneven_blocks_equals_offline():
    rng = np.random.default_rng(3)
    audio = (rng.standard_normal(SAMPLE_RATE * 2 + 123) * 0.1).astype(np.float32) + _tone(180, 2.00769)
    stream, parts, i = FeatureStream(), [], 0
    while i < len(audio):
        n = int(rng.integers(1, 321))
        parts.append(stream.push(audio[i:i + n]))
        i += n
    parts.append(stream.finish())
    np.testing.assert_allclose(np.concatenate(parts), pitch_features(audio), atol=1e-5)


def test_stream_emits_a_frame_once_its_lookahead_has_arrived():
    stream = FeatureStream()
    assert len(stream.push(np.zeros(PITCH_WINDOW_RIGHT - 1, np.float32))) == 0
    assert len(stream.push(np.zeros(1, np.float32))) == 1  # frame 0
    assert len(stream.push(np.zeros(HOP_SAMPLES * 2, np.float32))) == 2  # frames 1, 2
