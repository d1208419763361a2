"""Frame plan -> audio with pyworld, and the voice-timbre transforms it applies.

A :class:`FramePlan` says, for every 5 ms contour frame of a clip, which
analysis frame of a voice to use (fractional index, or SILENCE / BREATH), the
f0 to impose (Hz, 0 = unvoiced) and a gain. :func:`render_plan` builds the
spectral envelope and aperiodicity (formant warp, spectral tilt,
breathiness), synthesises only the non-silent stretches with WORLD and
returns the audio and its frame labels.

Labels: the imposed f0 at every second contour frame (= each HOP_S label
frame) where the plan is voiced and not creak; frames whose envelope and
aperiodicity would make them mostly noise are rendered unvoiced instead
(PERIODIC_MIN), and frames more than GATE_DB below the clip's typical voiced
level are labelled unvoiced.

A plan of ``n`` contour frames renders ``(n - 1) * FRAME_SAMPLES`` samples and
``(n + 1) // 2`` labels; the default plan (:data:`CONTOUR_FRAMES`) is one 4 s
clip, and :func:`contour_frames` sizes a plan for any other length.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from inference.constants import HOP_SAMPLES, SAMPLE_RATE

from .clip_format import LABEL_FRAMES
from .f0_contour import CONTOUR_PERIOD_MS, CONTOUR_PERIOD_S
from .voice_analysis import FFT_SIZE, N_BINS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pyworld

SILENCE, BREATH = -1.0, -2.0
"""Special source indices of a :class:`FramePlan`."""
CONTOUR_FRAMES = 2 * (LABEL_FRAMES - 1) + 1
"""5 ms frames per clip (801)."""
FRAME_SAMPLES = HOP_SAMPLES // 2
GATE_DB = 30.0
PERIODIC_MIN = 0.5
PERIODIC_BAND_HZ = 4000.0
"""Planned-voiced frames whose harmonic share (below 4 kHz) is lower are
rendered and labelled unvoiced (breathy consonants, noise-dominated frames)."""
SILENT_LOG_SP = -40.0
FREQS = np.arange(N_BINS) * (SAMPLE_RATE / FFT_SIZE)
_LN10_10 = np.log(10.0) / 10.0


def contour_frames(seconds: float) -> int:
    """5 ms contour frames of a plan ``seconds`` long, both ends included
    (:data:`CONTOUR_FRAMES` for a 4 s clip)."""
    return round(seconds / CONTOUR_PERIOD_S) + 1


@dataclass
class FramePlan:
    """Per contour frame (arrays [T], T = CONTOUR_FRAMES for a 4 s clip):

    source: float64 analysis frame index, or SILENCE / BREATH.
    f0_hz: float64 imposed f0, 0 = unvoiced (creak frames carry their low f0).
    gain_db: float64 level change applied to the envelope.
    creak: bool, frames of vocal fry (synthesised voiced, labelled unvoiced).
    """

    source: np.ndarray
    f0_hz: np.ndarray
    gain_db: np.ndarray
    creak: np.ndarray

    @classmethod
    def silent(cls, n: int = CONTOUR_FRAMES) -> FramePlan:
        return cls(np.full(n, SILENCE), np.zeros(n), np.zeros(n), np.zeros(n, bool))


@dataclass(frozen=True)
class Timbre:
    """Voice-quality transforms applied to every frame."""

    warp: float = 1.0
    """Formant scale: > 1 moves formants up (smaller vocal tract)."""
    tilt_db_per_octave: float = 0.0
    breathiness: float = 0.0
    """0..1: how much the aperiodic part is raised above ~1 kHz."""


def warp_envelope(rows: np.ndarray, warp: float) -> np.ndarray:
    """float [F, N_BINS] -> the same with the frequency axis scaled by ``warp``
    (value at f comes from f / warp; beyond the source band the last bin holds)."""
    if abs(warp - 1.0) < 1e-6:
        return rows
    pos = np.minimum(np.arange(N_BINS) / warp, N_BINS - 1.0)
    i0 = np.minimum(pos.astype(np.int64), N_BINS - 2)
    w = (pos - i0).astype(rows.dtype)
    return rows[:, i0] * (1 - w) + rows[:, i0 + 1] * w


def breath_envelope() -> np.ndarray:
    """float [N_BINS] log power of an inhaled breath (band 0.5-5 kHz), level 0."""
    f = np.maximum(FREQS, 1.0)
    db = -12.0 * np.abs(np.log2(f / 1800.0)) - 6.0 * (f < 400)
    return db * _LN10_10


def gather(table: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Rows of ``table`` at fractional indices (linear interpolation), float32."""
    src = np.clip(source, 0, len(table) - 1)
    i0 = np.minimum(src.astype(np.int64), len(table) - 2)
    w = (src - i0)[:, None].astype(np.float32)
    return table[i0].astype(np.float32) * (1 - w) + table[i0 + 1].astype(np.float32) * w


def build_parameters(plan: FramePlan, log_sp_table: np.ndarray | None, ap_table: np.ndarray | None,
                     timbre: Timbre, *, fixed_log_sp: np.ndarray | None = None,
                     fixed_ap: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(power envelope float64 [T, N_BINS], aperiodicity float64 [T, N_BINS]) for a plan.

    Either tables (analysis frames) or fixed rows (humming) give the envelope.
    """
    speaking = plan.source >= 0
    n = len(plan.source)
    if fixed_log_sp is not None:
        log_sp = np.repeat(fixed_log_sp[None, :].astype(np.float32), n, axis=0)
        ap = np.repeat(fixed_ap[None, :].astype(np.float32), n, axis=0)
    else:
        log_sp = gather(log_sp_table, plan.source)
        ap = gather(ap_table, plan.source)
    log_sp = warp_envelope(log_sp, timbre.warp)
    ap = warp_envelope(ap, timbre.warp)
    octaves = np.log2(np.maximum(FREQS, 60.0) / 500.0)
    log_sp += (timbre.tilt_db_per_octave * octaves * _LN10_10).astype(np.float32)
    log_sp += (plan.gain_db * _LN10_10)[:, None].astype(np.float32)
    breath = plan.source == BREATH
    log_sp[breath] = breath_envelope() + (plan.gain_db[breath] * _LN10_10)[:, None]
    log_sp[~speaking & ~breath] = SILENT_LOG_SP
    ap[~speaking] = 1.0
    rise = np.clip(FREQS / 3000.0, 0.2, 1.0).astype(np.float32)
    ap = 1.0 - (1.0 - ap) * (1.0 - timbre.breathiness * rise)
    voiced = plan.f0_hz > 0
    low = FREQS < 1000.0
    ap[np.ix_(voiced, low)] = np.minimum(ap[np.ix_(voiced, low)], 0.5)
    return np.exp(log_sp.astype(np.float64)), np.clip(ap, 0.0, 1.0).astype(np.float64)


def periodic_fraction(f0_hz: np.ndarray, sp: np.ndarray, ap: np.ndarray) -> np.ndarray:
    """float [T]: share of each frame's power below 4 kHz that WORLD renders as
    harmonics (the envelope sampled at k * f0) rather than as noise (0 where f0 is 0)."""
    bin_hz = SAMPLE_RATE / FFT_SIZE
    f0 = np.where(f0_hz > 0, f0_hz, np.inf)[:, None]
    harmonics = f0 * np.arange(1, int(PERIODIC_BAND_HZ / 40.0) + 1)[None, :]
    inside = harmonics < PERIODIC_BAND_HZ
    pos = np.where(inside, harmonics / bin_hz, 0.0)
    i0 = pos.astype(np.int64)
    w = pos - i0
    rows = np.arange(len(sp))[:, None]
    power = sp * (1.0 - ap) ** 2
    at_harmonics = power[rows, i0] * (1 - w) + power[rows, i0 + 1] * w
    periodic = np.where(inside, at_harmonics, 0.0).sum(axis=1) * np.where(f0_hz > 0, f0_hz, 0.0)
    band = FREQS < PERIODIC_BAND_HZ
    noise = (sp[:, band] * ap[:, band] ** 2).sum(axis=1) * bin_hz
    return periodic / (periodic + noise + 1e-30)


def synthesise(f0_hz: np.ndarray, sp: np.ndarray, ap: np.ndarray, active: np.ndarray) -> np.ndarray:
    """float32 [(T - 1) * FRAME_SAMPLES] (CLIP_SAMPLES for a 4 s plan): WORLD
    synthesis of the ``active`` stretches only (silent stretches are left at
    zero, which saves most of the cost). Inputs have T frames."""
    n_samples = (len(f0_hz) - 1) * FRAME_SAMPLES
    out = np.zeros(n_samples + FRAME_SAMPLES * 4, np.float64)
    padded = np.convolve(active.astype(np.int8), np.ones(5, np.int8), mode="same") > 0
    edges = np.flatnonzero(np.diff(np.concatenate([[0], padded.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a < 2:
            continue
        y = pyworld.synthesize(np.ascontiguousarray(f0_hz[a:b]), np.ascontiguousarray(sp[a:b]),
                               np.ascontiguousarray(ap[a:b]), SAMPLE_RATE, CONTOUR_PERIOD_MS)
        start = a * FRAME_SAMPLES
        end = min(start + len(y), len(out))
        out[start:end] += y[: end - start]
    return out[:n_samples].astype(np.float32)


def frame_levels_db(audio: np.ndarray) -> np.ndarray:
    """float64 [len(audio) // HOP_SAMPLES + 1] (LABEL_FRAMES for a 4 s clip): RMS
    level (dB) in a 20 ms window at each label frame."""
    half = HOP_SAMPLES
    padded = np.pad(audio.astype(np.float64), (half, half))
    cum = np.concatenate([[0.0], np.cumsum(padded ** 2)])
    centres = np.arange(len(audio) // HOP_SAMPLES + 1) * HOP_SAMPLES + half
    energy = (cum[centres + half] - cum[centres - half]) / (2 * half)
    return 10.0 * np.log10(energy + 1e-20)


def gate_labels(f0_labels: np.ndarray, audio: np.ndarray, gate_db: float = GATE_DB) -> np.ndarray:
    """Zero the labels of voiced frames more than ``gate_db`` below the clip's
    typical (90th percentile) voiced level: too quiet to count as sounding."""
    voiced = f0_labels > 0
    if not voiced.any():
        return f0_labels
    level = frame_levels_db(audio)
    top = np.percentile(level[voiced], 90)
    out = f0_labels.copy()
    out[voiced & (level < top - gate_db)] = 0.0
    return out


def render_plan(plan: FramePlan, timbre: Timbre, log_sp_table=None, ap_table=None, *,
                fixed_log_sp=None, fixed_ap=None) -> tuple[np.ndarray, np.ndarray]:
    """(audio float32 [(T - 1) * FRAME_SAMPLES] unnormalised, f0 labels float32
    [(T + 1) // 2]) for a plan of T frames: [CLIP_SAMPLES], [LABEL_FRAMES] for 4 s."""
    sp, ap = build_parameters(plan, log_sp_table, ap_table, timbre,
                              fixed_log_sp=fixed_log_sp, fixed_ap=fixed_ap)
    noisy = (plan.f0_hz > 0) & ~plan.creak & (periodic_fraction(plan.f0_hz, sp, ap) < PERIODIC_MIN)
    f0 = np.where((plan.f0_hz > 0) & ~noisy, plan.f0_hz, 0.0)
    audio = synthesise(f0, sp, ap, plan.source != SILENCE)
    labelled = np.where((f0 > 0) & ~plan.creak, f0, 0.0)[::2]
    return audio, gate_labels(labelled.astype(np.float32), audio)
