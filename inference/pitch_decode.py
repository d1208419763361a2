"""From the pitch model's per-frame output to an f0 track.

The pitch model gives, per 10 ms frame (frame ``i`` centred at ``i * HOP_S``),
a posterior over ``PITCH_N_BINS`` pitch bins (float32 [T, 172], rows sum to 1;
bin ``k`` is centred at MIDI ``pitch_bin_midi(k)``, 1/3 semitone apart) and a
voicing probability (float32 [T], 0..1). This module turns them into f0:

* :func:`local_average_midi` reads a sub-bin pitch around a chosen bin;
* :func:`viterbi_bins` finds the most likely pitch/voicing path through an
  HMM (small pitch moves cheap, octave jumps dear, voicing switches sticky);
* :func:`decode_f0` puts the two together; ``smooth=False`` is the per-frame
  (causal) form used by the live display.

Cost: :func:`viterbi_bins` does O(T * PITCH_N_BINS) work in about twenty
numpy calls per frame, about 20 us per frame on one core (0.35 s for a
3-minute song of 18,000 frames); everything else is a few vectorised passes.
"""

from __future__ import annotations

import numpy as np

from inference.constants import PITCH_BINS_PER_SEMITONE, PITCH_MIDI_MIN, PITCH_N_BINS

A4_HZ = 440.0
A4_MIDI = 69.0

BIN_MIDI = (PITCH_MIDI_MIN + np.arange(PITCH_N_BINS) / PITCH_BINS_PER_SEMITONE).astype(np.float64)
"""MIDI pitch at the centre of every posterior bin, float64 [PITCH_N_BINS]."""

_PITCH_FLOOR = 1e-2
"""Posterior values are floored at this fraction of the frame's peak before
taking logs, so one frame's evidence against a bin is worth at most ~4.6 nats."""
_VOICING_CLIP = 1e-4

OCTAVE_COST = 48.0
"""Nats for a one-octave move inside a voiced stretch (and, by default, for a
phrase that starts somewhere new after a silence)."""
SWITCH_PROB = 0.003
"""Per-frame probability of a voiced/unvoiced switch on the Viterbi path."""
SMOOTH_VOICING_THRESHOLD = 0.4
"""Voicing threshold of the offline (Viterbi) decode."""
LIVE_VOICING_THRESHOLD = 0.5
"""Voicing threshold of the per-frame (live) decode, which has no hysteresis."""
# The three Viterbi settings were chosen with ``python -m training.tune_pitch_decode``
# on the melody validation set (2026-11-21): against the earlier 12 nats / 0.01 /
# 0.5 they raised RPA with accompaniment from 82.3 to 84.0 % and cut octave errors
# from 2.7 to 2.0 % at the same voicing recall and false-alarm rates.

LEAP_MAX_BINS = 32
"""Moves up to this many bins (10 2/3 semitones) may be capped; the octave band above is not."""
SOLO_LEAP_COST = 32.0
"""Cap on a leap's cost (nats) when decoding a take of one voice alone (see
:func:`viterbi_bins`). ``python -m training.tune_pitch_decode --leap-costs``
(2026-11-22, validation set): on voice alone it changes RPA by < 0.1 point
and lifts voicing recall (97.3 -> 97.4 %); with accompaniment it costs
0.2 point of RPA (a leap to an instrument's note gets cheap too), so songs
and other mixtures are decoded without a cap."""

DECODE_SIGNATURE = f"o{OCTAVE_COST:g}-s{SWITCH_PROB:g}-v{SMOOTH_VOICING_THRESHOLD:g}"
"""Names the offline decode settings, for caches of decoded tracks."""


class PitchDecodeError(ValueError):
    """The model output handed to the decoder has the wrong shape or values."""


def midi_to_hz(midi):
    """MIDI pitch (float or array) to Hz: 69 -> 440.0. NaN stays NaN."""
    out = A4_HZ * np.power(2.0, (np.asarray(midi, dtype=np.float64) - A4_MIDI) / 12.0)
    return float(out) if out.ndim == 0 else out


def hz_to_midi(hz):
    """Hz (float or array) to MIDI pitch: 440 -> 69.0.

    Frequencies <= 0 (the "unvoiced" 0.0 of an f0 track) and NaN give NaN,
    so they can never be mistaken for a pitch.
    """
    f = np.asarray(hz, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(f > 0, A4_MIDI + 12.0 * np.log2(np.where(f > 0, f, 1.0) / A4_HZ), np.nan)
    return float(out) if out.ndim == 0 else out


def _check_posterior(posterior: np.ndarray) -> np.ndarray:
    post = np.asarray(posterior)
    if post.ndim != 2 or post.shape[1] != PITCH_N_BINS:
        raise PitchDecodeError(
            f"pitch posterior must have shape [frames, {PITCH_N_BINS}], got {post.shape}"
        )
    if post.size and not np.all(np.isfinite(post)):
        raise PitchDecodeError("pitch posterior contains NaN or infinite values")
    if post.size and post.min() < 0:
        raise PitchDecodeError("pitch posterior contains negative values")
    return post


def _check_voicing(voiced_prob: np.ndarray, n_frames: int) -> np.ndarray:
    vp = np.asarray(voiced_prob, dtype=np.float64)
    if vp.shape != (n_frames,):
        raise PitchDecodeError(f"voicing probability must have shape [{n_frames}] "
                               f"to match the posterior, got {vp.shape}")
    if vp.size and (not np.all(np.isfinite(vp)) or vp.min() < 0 or vp.max() > 1):
        raise PitchDecodeError("voicing probability must lie in 0..1")
    return vp


def local_average_midi(
    posterior: np.ndarray, centre_bins: np.ndarray | None = None, radius: int = 2
) -> np.ndarray:
    """Sub-bin pitch per frame, float32 [T] MIDI.

    posterior: float [T, PITCH_N_BINS]. centre_bins: int [T] bin per frame, or
    None for each frame's argmax; a negative centre (unvoiced on a Viterbi
    path) gives NaN. The result is the posterior-weighted mean of the bin
    pitches within ``radius`` bins of the centre (bins past either edge are
    left out); a window with no mass gives the centre bin's pitch.
    """
    post = _check_posterior(posterior)
    n_frames = post.shape[0]
    if radius < 0:
        raise PitchDecodeError(f"radius must be >= 0, got {radius}")
    if centre_bins is None:
        centre = post.argmax(axis=1) if n_frames else np.zeros(0, dtype=np.int64)
    else:
        centre = np.asarray(centre_bins).astype(np.int64, copy=False)
        if centre.shape != (n_frames,):
            raise PitchDecodeError(f"centre_bins must have shape [{n_frames}], got {centre.shape}")
        if centre.size and centre.max() >= PITCH_N_BINS:
            raise PitchDecodeError(f"centre_bins must be below {PITCH_N_BINS}")
    unvoiced = centre < 0
    c = np.where(unvoiced, 0, centre)
    idx = c[:, None] + np.arange(-radius, radius + 1)[None, :]
    inside = (idx >= 0) & (idx < PITCH_N_BINS)
    idx = np.clip(idx, 0, PITCH_N_BINS - 1)
    weights = np.take_along_axis(post, idx, axis=1).astype(np.float64) * inside
    total = weights.sum(axis=1)
    mean = np.divide((weights * BIN_MIDI[idx]).sum(axis=1), total,
                     out=BIN_MIDI[c], where=total > 0)
    mean[unvoiced] = np.nan
    return mean.astype(np.float32)


def _window_max(values: np.ndarray, width: int) -> np.ndarray:
    """Max of ``values[j:j + width]`` for every start ``j``.

    values: float [L] (L >= width). Returns float [L - width + 1]. Doubling
    (sparse-table) scheme: about log2(width) + 1 vectorised maxima.
    """
    span, k = values, 1
    while 2 * k <= width:
        span = np.maximum(span[:-k], span[k:])
        k *= 2
    n_out = len(values) - width + 1
    return np.maximum(span[:n_out], span[width - k:width - k + n_out])


def viterbi_bins(
    posterior: np.ndarray,
    voiced_prob: np.ndarray,
    *,
    max_jump_semitones: float = 12.0,
    octave_cost: float = OCTAVE_COST,
    switch_prob: float = SWITCH_PROB,
    reset_cost: float | None = None,
    leap_cost: float | None = None,
    voicing_threshold: float = SMOOTH_VOICING_THRESHOLD,
) -> tuple[np.ndarray, np.ndarray]:
    """Most likely pitch-bin path through a voiced/unvoiced HMM.

    posterior: float [T, PITCH_N_BINS]; voiced_prob: float [T] in 0..1.
    Returns (bins int32 [T], -1 where unvoiced; voiced bool [T]).

    States come in pairs as in pYIN: a voiced state per bin, and an unvoiced
    state per bin that remembers the last pitch through a silence or a
    consonant. Transitions, in nats (natural-log costs):

    * voiced -> voiced: a move of ``d`` bins costs ``octave_cost * d / 36``
      (so a semitone costs 1/12 of an octave), and moves beyond
      ``max_jump_semitones`` are impossible inside a voiced stretch. A real
      leap is taken because the new pitch is then supported for many frames;
      a few frames of octave error are not worth paying the jump twice.
      With ``leap_cost`` a move of up to LEAP_MAX_BINS (short of the octave
      band, where octave errors live) costs at most ``leap_cost``: a sung
      leap of a sixth or a seventh is music, not an error, and is not
      dropped as unvoiced for being dear.
    * voiced <-> unvoiced costs ``-log(switch_prob)`` and staying costs
      ``-log(1 - switch_prob)``: a sticky, hysteresis-like voicing decision.
    * unvoiced(bin i) -> voiced(bin j) costs the switch plus the same pitch
      move cost from the remembered bin; or, from any remembered bin, the
      switch plus ``reset_cost`` (default: ``octave_cost``) - a phrase may
      start anywhere after a silence.

    Emissions: a voiced state scores ``log(p_k / max_k p)`` (floored at
    ``log(1e-2)``) plus ``log(v / threshold)``; an unvoiced state scores
    ``log((1 - v) / (1 - threshold))``, so without switching costs a frame is
    voiced exactly when ``v >= voicing_threshold``.
    """
    post = _check_posterior(posterior)
    n_frames = post.shape[0]
    vp = _check_voicing(voiced_prob, n_frames)
    for name, value in (("switch_prob", switch_prob), ("voicing_threshold", voicing_threshold)):
        if not 0 < value < 1:
            raise PitchDecodeError(f"{name} must lie strictly between 0 and 1, got {value}")
    if max_jump_semitones < 0 or octave_cost < 0 or (leap_cost is not None and leap_cost < 0):
        raise PitchDecodeError("max_jump_semitones, octave_cost and leap_cost must be >= 0")
    if n_frames == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool)

    n = PITCH_N_BINS
    span = min(round(max_jump_semitones * PITCH_BINS_PER_SEMITONE), n - 1)
    per_bin = octave_cost / (12 * PITCH_BINS_PER_SEMITONE)
    reset = octave_cost if reset_cost is None else float(reset_cost)
    leap = min(LEAP_MAX_BINS, span)
    capped = leap_cost is not None and leap_cost < per_bin * leap
    leap_buf = np.full(n + 2 * leap, -np.inf)
    stay, switch = np.log1p(-switch_prob), np.log(switch_prob)

    peak = post.max(axis=1, keepdims=True).astype(np.float32)
    peak[peak <= 0] = 1.0
    v = np.clip(vp, _VOICING_CLIP, 1 - _VOICING_CLIP)
    voiced_ll = np.log(np.maximum(post / peak, np.float32(_PITCH_FLOOR)))
    voiced_ll += np.log(v / voicing_threshold).astype(np.float32)[:, None]
    unvoiced_ll = np.log((1 - v) / (1 - voicing_threshold))

    # Best move into voiced bin j = max over |i - j| <= span of
    # src[i] - per_bin * |i - j|, split into i <= j and i >= j. One flat
    # buffer holds both halves, [-inf * span, src + ramp] and
    # [src - ramp, -inf * span], so one sliding-window max serves both.
    ramp = per_bin * np.arange(n)
    buf = np.full(2 * (n + span), -np.inf)
    fwd, bwd = buf[span:n + span], buf[n + span:2 * n + span]
    width = span + 1
    # What the backtrace needs to recompute each frame's best predecessor.
    src = np.empty((n_frames, n), dtype=np.float32)
    src_is_v = np.zeros((n_frames, n), dtype=bool)
    u_from_v = np.zeros((n_frames, n), dtype=bool)
    reset_bin = np.zeros(n_frames, dtype=np.int64)
    reset_val = np.zeros(n_frames)

    # Voiced (per bin) and unvoiced (per remembered bin) scores are kept
    # shifted by -log(1 - switch_prob) per frame (the same for every state,
    # so the path is unchanged): staying costs nothing, a switch ``jump``.
    jump = switch - stay
    voiced_score = voiced_ll[0].astype(np.float64)
    unvoiced_score = np.full(n, unvoiced_ll[0])
    from_u = np.empty(n)
    for t in range(1, n_frames):
        np.add(unvoiced_score, jump, out=from_u)
        np.greater_equal(voiced_score, from_u, out=src_is_v[t])
        best_src = np.maximum(voiced_score, from_u, out=src[t])
        np.add(best_src, ramp, out=fwd)
        np.subtract(best_src, ramp, out=bwd)
        win = _window_max(buf, width)
        up = np.subtract(win[:n], ramp)
        new_voiced = np.maximum(up, np.add(win[n + span:], ramp, out=win[n + span:]), out=up)
        if capped:  # any move of up to ``leap`` bins for at most leap_cost
            leap_buf[leap:leap + n] = best_src
            np.maximum(new_voiced, _window_max(leap_buf, 2 * leap + 1) - leap_cost, out=new_voiced)
        r_bin = int(unvoiced_score.argmax())
        reset_bin[t] = r_bin
        reset_val[t] = r_val = unvoiced_score[r_bin] + jump - reset
        np.maximum(new_voiced, r_val, out=new_voiced)
        new_voiced += voiced_ll[t]

        u_switch = np.add(voiced_score, jump, out=voiced_score)
        np.greater(u_switch, unvoiced_score, out=u_from_v[t])
        np.maximum(unvoiced_score, u_switch, out=unvoiced_score)
        unvoiced_score += unvoiced_ll[t]
        voiced_score = new_voiced
        if t % 16 == 0:
            top = max(voiced_score.max(), unvoiced_score.max())
            voiced_score -= top
            unvoiced_score -= top

    bins = np.full(n_frames, -1, dtype=np.int32)
    if voiced_score.max() >= unvoiced_score.max():
        state = int(voiced_score.argmax())
    else:
        state = n + int(unvoiced_score.argmax())
    for t in range(n_frames - 1, 0, -1):
        if state >= n:
            state = state - n if u_from_v[t, state - n] else state
            continue
        bins[t] = state
        lo, hi = max(0, state - span), min(n, state + span + 1)
        moves = np.abs(np.arange(lo - state, hi - state))
        cost = per_bin * moves
        if capped:
            cost = np.where(moves <= leap, np.minimum(cost, leap_cost), cost)
        cand = src[t, lo:hi] - cost
        best = int(cand.argmax())
        if reset_val[t] > cand[best]:
            state = n + int(reset_bin[t])
        else:
            state = lo + best if src_is_v[t, lo + best] else n + lo + best
    if state < n:
        bins[0] = state
    return bins, bins >= 0


def decode_f0(
    posterior: np.ndarray,
    voiced_prob: np.ndarray,
    *,
    smooth: bool = True,
    voicing_threshold: float | None = None,
    leap_cost: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """f0 track from the model output.

    posterior: float [T, PITCH_N_BINS]; voiced_prob: float [T] in 0..1.
    Returns (f0_hz float32 [T], 0.0 where unvoiced; voiced bool [T]).

    smooth=True: the :func:`viterbi_bins` path (whole-take, non-causal), then
    the sub-bin local average around the path's bin. smooth=False: each
    frame on its own (causal, for the live display) - argmax plus local
    average, voiced where ``voiced_prob >= voicing_threshold``. The threshold
    defaults to :data:`SMOOTH_VOICING_THRESHOLD` or :data:`LIVE_VOICING_THRESHOLD`.
    leap_cost: the Viterbi leap cap (:data:`SOLO_LEAP_COST` for a voice alone).
    """
    post = _check_posterior(posterior)
    vp = _check_voicing(voiced_prob, post.shape[0])
    if voicing_threshold is None:
        voicing_threshold = SMOOTH_VOICING_THRESHOLD if smooth else LIVE_VOICING_THRESHOLD
    if smooth:
        bins, voiced = viterbi_bins(post, vp, voicing_threshold=voicing_threshold, leap_cost=leap_cost)
        midi = local_average_midi(post, np.where(voiced, bins, -1))
    else:
        voiced = vp >= voicing_threshold
        midi = local_average_midi(post)
    f0 = np.where(voiced, midi_to_hz(np.where(voiced, midi, A4_MIDI)), 0.0)
    return f0.astype(np.float32), voiced
