"""From the pitch model's posterior and voicing to f0: the decoder users see
as the pitch line and the notes of their take."""

from __future__ import annotations

import numpy as np
import pytest

from inference.constants import PITCH_BINS_PER_SEMITONE, PITCH_MIDI_MIN, PITCH_N_BINS
from inference.pitch_decode import (
    LEAP_MAX_BINS,
    SOLO_LEAP_COST,
    PitchDecodeError,
    decode_f0,
    hz_to_midi,
    local_average_midi,
    midi_to_hz,
    viterbi_bins,
)


def posterior_for(midi_track, sigma_bins: float = 1.0, seed: int = 0) -> np.ndarray:
    """A model-like posterior: a Gaussian bump (in bins) around each frame's
    pitch over a small random floor; NaN frames get a flat, noisy posterior."""
    rng = np.random.default_rng(seed)
    track = np.asarray(midi_track, dtype=np.float64)
    centre = (np.nan_to_num(track, nan=60.0) - PITCH_MIDI_MIN) * PITCH_BINS_PER_SEMITONE
    bins = np.arange(PITCH_N_BINS)
    post = np.exp(-0.5 * ((bins[None, :] - centre[:, None]) / sigma_bins) ** 2)
    post[np.isnan(track)] = 0.0
    post += 1e-4 * (1 + rng.random(post.shape))
    return (post / post.sum(axis=1, keepdims=True)).astype(np.float32)


def cents_off(f0_hz, midi_track) -> np.ndarray:
    return 100 * np.abs(hz_to_midi(f0_hz) - np.asarray(midi_track))


@pytest.mark.parametrize("pitch", [57.15, 45.9, 70.33, 38.0])
@pytest.mark.parametrize("smooth", [True, False])
def test_sub_bin_pitch_is_decoded_within_5_cents(pitch, smooth):
    track = np.full(40, pitch)
    f0, voiced = decode_f0(posterior_for(track), np.full(40, 0.95, np.float32), smooth=smooth)
    assert voiced.all()
    assert f0.dtype == np.float32
    assert cents_off(f0, track).max() < 5


def test_local_average_reads_between_bins_and_marks_unvoiced_centres():
    post = posterior_for([57.15, 57.15, 60.0])
    midi = local_average_midi(post, centre_bins=np.array([72, -1, 81]))
    assert abs(midi[0] - 57.15) < 0.05 and np.isnan(midi[1]) and abs(midi[2] - 60.0) < 0.01
    assert midi.dtype == np.float32


@pytest.mark.parametrize("leap_cost", [None, SOLO_LEAP_COST])
def test_three_frame_octave_flicker_is_decoded_without_the_jump(leap_cost):
    track = np.full(60, 57.0)
    post = posterior_for(track)
    post[30:33] = posterior_for(np.full(3, 69.0))  # the model is sure of the wrong octave
    vp = np.full(60, 0.95, np.float32)
    raw, _ = decode_f0(post, vp, smooth=False)
    assert cents_off(raw, track)[30:33].min() > 1100  # frame by frame, the error shows
    f0, voiced = decode_f0(post, vp, leap_cost=leap_cost)  # the leap cap stops short of octaves
    assert voiced.all() and cents_off(f0, track).max() < 10


def test_a_real_octave_leap_between_notes_is_followed():
    track = np.r_[np.full(40, 57.0), np.full(40, 69.0)]
    f0, voiced = decode_f0(posterior_for(track), np.full(80, 0.95, np.float32))
    assert voiced.all() and cents_off(f0, track).max() < 10


def test_a_leap_of_more_than_an_octave_after_a_breath_is_followed():
    track = np.r_[np.full(30, 45.0), np.full(15, np.nan), np.full(30, 64.0)]
    vp = np.where(np.isnan(track), 0.05, 0.95).astype(np.float32)
    f0, voiced = decode_f0(posterior_for(track), vp)
    assert np.array_equal(voiced, ~np.isnan(track))
    assert cents_off(f0[voiced], track[voiced]).max() < 10


def test_a_solo_voice_keeps_a_leap_of_a_seventh_that_the_mixture_decode_drops():
    # A phrase around A3 with a short low F2 (ten semitones down) the model is
    # only half sure is sung: taken for an octave-style glitch without the cap.
    track = np.r_[np.full(60, 57.0), np.full(40, 47.0), np.full(60, 57.0)]
    vp = np.r_[np.full(60, 0.95), np.full(40, 0.75), np.full(60, 0.95)].astype(np.float32)
    post = posterior_for(track)
    _, voiced = decode_f0(post, vp)
    assert not voiced[60:100].any()
    f0, voiced = decode_f0(post, vp, leap_cost=SOLO_LEAP_COST)
    assert voiced.all() and cents_off(f0, track).max() < 10


def test_a_glide_stays_voiced_and_continuous():
    track = np.linspace(55.0, 67.0, 50)
    vp = np.full(50, 0.9, np.float32)
    vp[24:26] = 0.4  # the model hesitates mid-glide
    f0, voiced = decode_f0(posterior_for(track), vp)
    assert voiced.all()
    assert cents_off(f0, track).max() < 15
    assert np.abs(np.diff(hz_to_midi(f0))).max() < 0.5


def test_voicing_is_sticky_but_follows_real_silences():
    vp = np.r_[np.full(20, 0.05), [0.8], np.full(20, 0.05),            # one-frame blip
               np.full(20, 0.95), [0.2], np.full(20, 0.95),            # one-frame dropout
               np.full(6, 0.05), np.full(20, 0.95)].astype(np.float32)  # 60 ms of silence
    post = posterior_for(np.full(len(vp), 62.0))
    bins, voiced = viterbi_bins(post, vp)
    assert not voiced[:41].any()
    assert voiced[41:82].all()
    assert not voiced[82:88].any() and voiced[88:].all()
    assert np.array_equal(bins >= 0, voiced) and bins.dtype == np.int32
    _, frame_by_frame = decode_f0(post, vp, smooth=False)
    assert np.array_equal(frame_by_frame, vp >= 0.5)


def test_per_frame_decoding_never_looks_ahead():
    track = np.r_[np.full(30, 60.0), np.full(30, 64.0)]
    vp = np.full(60, 0.9, np.float32)
    early, _ = decode_f0(posterior_for(track)[:30], vp[:30], smooth=False)
    full, _ = decode_f0(posterior_for(track), vp, smooth=False)
    assert np.array_equal(early, full[:30])


def test_empty_and_single_frame_inputs():
    f0, voiced = decode_f0(np.zeros((0, PITCH_N_BINS), np.float32), np.zeros(0, np.float32))
    assert f0.shape == (0,) and voiced.shape == (0,)
    bins, voiced = viterbi_bins(posterior_for([62.0]), np.array([0.9], np.float32))
    assert bins.tolist() == [(62 - 33) * 3] and voiced.tolist() == [True]
    f0, voiced = decode_f0(posterior_for([62.0]), np.array([0.1], np.float32))
    assert f0.tolist() == [0.0] and voiced.tolist() == [False]


def test_bad_model_output_gets_a_readable_error():
    good = posterior_for(np.full(5, 60.0))
    with pytest.raises(PitchDecodeError, match="shape"):
        decode_f0(good[:, :100], np.full(5, 0.9))
    with pytest.raises(PitchDecodeError, match="match"):
        decode_f0(good, np.full(4, 0.9))
    with pytest.raises(PitchDecodeError, match="0..1"):
        decode_f0(good, np.full(5, 1.5))
    with pytest.raises(PitchDecodeError, match="NaN"):
        decode_f0(np.full((5, PITCH_N_BINS), np.nan), np.full(5, 0.9))


def test_hz_and_midi_conversions():
    assert midi_to_hz(69) == 440.0 and abs(midi_to_hz(60) - 261.6256) < 1e-3
    assert hz_to_midi(440.0) == 69.0
    assert np.isnan(hz_to_midi(0.0))
    midi = np.array([36.0, 60.5, 84.0])
    assert np.allclose(hz_to_midi(midi_to_hz(midi)), midi)
    assert np.isnan(hz_to_midi(np.array([0.0, -1.0, 220.0]))[:2]).all()


def brute_force_best_score(post, vp, *, span, per_bin, switch_prob, reset, leap=None):
    """Best log-score of the documented HMM by a dense Viterbi over all
    2 * PITCH_N_BINS states (voiced bins, then unvoiced remembered bins)."""
    n = PITCH_N_BINS
    stay, switch = np.log1p(-switch_prob), np.log(switch_prob)
    dist = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
    cost = per_bin * dist
    if leap is not None:
        cost = np.where(dist <= LEAP_MAX_BINS, np.minimum(cost, leap), cost)
    move = np.where(dist <= span, -cost, -np.inf)
    trans = np.full((2 * n, 2 * n), -np.inf)
    trans[:n, :n] = stay + move
    trans[n:, :n] = np.maximum(switch + move, switch - reset)
    trans[np.arange(n), n + np.arange(n)] = switch
    trans[n + np.arange(n), n + np.arange(n)] = stay
    v = np.clip(vp, 1e-4, 1 - 1e-4)
    pitch_ll = np.log(np.maximum(post / post.max(axis=1, keepdims=True), 1e-2))
    emit = np.concatenate([pitch_ll + np.log(v / 0.5)[:, None],
                           np.repeat(np.log((1 - v) / 0.5)[:, None], n, axis=1)], axis=1)

    def best(allowed):
        score = np.where(allowed[0], emit[0], -np.inf)
        for t in range(1, len(emit)):
            score = (score[:, None] + trans).max(axis=0) + emit[t]
            score[~allowed[t]] = -np.inf
        return score.max()

    return best


@pytest.mark.parametrize("seed, max_jump, octave_cost, switch_prob, reset, leap", [
    (1, 12.0, 12.0, 0.01, None, None), (2, 4.0, 18.0, 0.1, 3.0, None), (3, 7.0, 6.0, 0.3, 20.0, None),
    (4, 12.0, 48.0, 0.01, None, 10.0), (5, 12.0, 36.0, 0.1, 6.0, 4.0)])
def test_viterbi_path_is_the_best_path_of_the_model(seed, max_jump, octave_cost, switch_prob,
                                                     reset, leap):
    rng = np.random.default_rng(seed)
    n_frames, n = 25, PITCH_N_BINS
    walk = np.cumsum(rng.integers(-25, 26, n_frames)) % n
    post = np.exp(-0.5 * ((np.arange(n)[None, :] - walk[:, None]) / 1.5) ** 2)
    post = post + 0.02 * rng.random(post.shape) * (rng.random((n_frames, 1)) < 0.3)
    post /= post.sum(axis=1, keepdims=True)
    vp = np.clip(rng.random(n_frames) * 1.4 - 0.2, 0, 1)
    bins, voiced = viterbi_bins(post, vp, max_jump_semitones=max_jump, octave_cost=octave_cost,
                                switch_prob=switch_prob, reset_cost=reset, leap_cost=leap,
                                voicing_threshold=0.5)
    best = brute_force_best_score(post, vp, span=int(max_jump * 3), per_bin=octave_cost / 36,
                                  switch_prob=switch_prob,
                                  reset=octave_cost if reset is None else reset, leap=leap)
    anything = np.ones((n_frames, 2 * n), dtype=bool)
    on_path = np.zeros((n_frames, 2 * n), dtype=bool)
    for t, b in enumerate(bins):
        if b >= 0:
            on_path[t, b] = True
        else:
            on_path[t, n:] = True
    assert best(on_path) == pytest.approx(best(anything), abs=1e-6)
    assert 0 < voiced.sum() < n_frames
