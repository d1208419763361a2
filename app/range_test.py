"""The guided range test: a slide on "ah" from the lowest to the highest note.

The singer slides (or steps) from their lowest comfortable note up to their
highest, possibly back down again; :func:`measure_range` reads the take's
frame pitch (:class:`inference.pitch_tracker.PitchTrack`, 10 ms hop, f0 in Hz,
0 = unvoiced) and returns the range as MIDI note numbers. The rules keep the
tracker's and the voice's accidents out of it:

1. Breath noise and clicks: only voiced stretches (gaps up to ``BRIDGE_S``
   bridged) of at least ``MIN_STRETCH_S`` count.
2. Pieces: the stretches are cut where the pitch jumps more than
   ``SPLIT_SEMITONES`` from one frame to the next (a slide moves far less in
   10 ms) and at every unvoiced gap.
3. Octave glitches and cracks: pieces are judged longest first against the
   pieces already kept that are nearest in time before and after (within
   ``NEIGHBOUR_GAP_S``). A piece that jumps at least ``GLITCH_SEMITONES``
   away from all of them, on the same side, is a glitch when it lasts at
   most ``GLITCH_MAX_S``: folded back by whole octaves when it is within
   ``OCTAVE_TOLERANCE`` of them, otherwise (a crack, a squeak) dropped. A
   longer piece is folded back the same way when it is that close to whole
   octaves away and under half as long as each neighbour (the tracker
   stuck an octave off for a while); it is never dropped.
4. One register: semitones the kept frames touch, joined across gaps of at
   most ``JOIN_SEMITONES``, form blocks; only the block with the most singing
   is the test's (a cough far off is not the singer's range).
5. The ends: the lowest and highest pitch the voice spent at least
   ``MIN_REACH_S`` at or beyond, held or passed through, in all; rounded to
   the nearest semitone. A brief overshoot or crack at an end does not count.

A take with no voiced stretch gives ``NO_SINGING``; under ``MIN_SUNG_S`` of
kept singing ``TOO_SHORT``; a range under ``MIN_WIDTH_SEMITONES`` wide
``TOO_NARROW`` (with the range found, so the singer sees how far they got).
Pure numpy; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.melody_stats import note_name
from inference.pitch_tracker import PitchTrack

BRIDGE_S = 0.05
"""Unvoiced gaps up to this long (s) do not end a voiced stretch."""
MIN_STRETCH_S = 0.25
"""Voiced stretches shorter than this (s) are breath noise or clicks."""
SPLIT_SEMITONES = 2.5
"""A frame-to-frame pitch change larger than this starts a new piece."""
NEIGHBOUR_GAP_S = 0.3
"""Pieces at most this far apart in time (s) are neighbours."""
GLITCH_MAX_S = 0.25
"""Pieces up to this long (s) may be cracks or glitches whatever their neighbours' length."""
GLITCH_SEMITONES = 3.0
"""Jump (semitones) away from every neighbour that makes a piece a glitch; a
slide or steps of whole tones never jump this far from frame to frame."""
OCTAVE_TOLERANCE = 1.5
"""A glitch this close (semitones) to a whole number of octaves is folded back."""
EDGE_FRAMES = 5
"""A neighbour's pitch is the median of its this many frames nearest the piece."""
JOIN_SEMITONES = 3
"""Touched semitones at most this far apart belong to one register block."""
MIN_REACH_S = 0.15
"""Time (s) the voice must spend at or beyond a pitch for it to be an end of the range."""
MIN_SUNG_S = 1.5
"""Kept singing (s) a range test needs."""
MIN_WIDTH_SEMITONES = 5
"""A narrower result is not a range: the singer should slide further."""

NO_SINGING, TOO_SHORT, TOO_NARROW = "no_singing", "too_short", "too_narrow"
PROBLEM_TEXT = {
    NO_SINGING: "No singing was heard. Sing \u201cah\u201d and slide from your lowest to your "
                "highest note.",
    TOO_SHORT: "The slide was too short. Slide slowly, over 3\u201310 seconds, from your lowest "
               "to your highest note.",
    TOO_NARROW: "Slide further: start on your lowest comfortable note and go up to your highest "
                "(at least 5 semitones).",
}
"""What the singer should do after each problem (English; the window translates its own)."""


@dataclass(frozen=True)
class MeasuredRange:
    """A range test's outcome.

    low_midi/high_midi: the range's lowest/highest MIDI note (int), or None
    when no singing was kept. sung_s: seconds of singing kept (after rules
    1-4). problem: None when the range is good, else NO_SINGING, TOO_SHORT or
    TOO_NARROW (then low/high may still say what was heard).
    """

    low_midi: int | None
    high_midi: int | None
    sung_s: float
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def semitones(self) -> int:
        """Width of the range in semitones (0 without one)."""
        return 0 if self.low_midi is None else self.high_midi - self.low_midi

    @property
    def text(self) -> str:
        """e.g. ``"G2–E4"`` (en dash), ``""`` without a range."""
        if self.low_midi is None:
            return ""
        return f"{note_name(self.low_midi)}\u2013{note_name(self.high_midi)}"

    @property
    def message(self) -> str:
        """``"Your range: G2–E4 (21 semitones)"``, or what to do after a problem."""
        if self.problem:
            return PROBLEM_TEXT[self.problem]
        return f"Your range: {self.text} ({self.semitones} semitones)"

    def to_json(self) -> dict:
        """``{"low_midi", "high_midi", "low_note", "high_note"}`` (None without a range)."""
        return {"low_midi": self.low_midi, "high_midi": self.high_midi,
                "low_note": note_name(self.low_midi) if self.low_midi is not None else None,
                "high_note": note_name(self.high_midi) if self.high_midi is not None else None}


def _stretch_mask(voiced: np.ndarray, hop_s: float) -> np.ndarray:
    """bool [T]: voiced frames in stretches (gaps <= BRIDGE_S bridged) >= MIN_STRETCH_S."""
    keep = np.zeros_like(voiced)
    idx = np.flatnonzero(voiced)
    if len(idx) == 0:
        return keep
    breaks = np.flatnonzero(np.diff(idx) > round(BRIDGE_S / hop_s) + 1) + 1
    for group in np.split(idx, breaks):
        if len(group) * hop_s >= MIN_STRETCH_S - 1e-9:
            keep[group] = True
    return keep


def _pieces(midi: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    """Frame indices of each piece (rule 2), in time order."""
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return []
    cut = (np.diff(idx) > 1) | (np.abs(np.diff(midi[idx])) > SPLIT_SEMITONES)
    return np.split(idx, np.flatnonzero(cut) + 1)


def _fold_glitches(midi: np.ndarray, pieces: list[np.ndarray], hop_s: float) -> np.ndarray:
    """Rule 3: MIDI [T] with glitch pieces folded by octaves or set to NaN."""
    out = midi.copy()
    kept: list[int] = []
    gap = NEIGHBOUR_GAP_S / hop_s + 1
    for i in sorted(range(len(pieces)), key=lambda k: (-len(pieces[k]), k)):
        piece = pieces[i]
        before = [k for k in kept if k < i and piece[0] - pieces[k][-1] <= gap]
        after = [k for k in kept if k > i and pieces[k][0] - piece[-1] <= gap]
        near = ([pieces[max(before)]] if before else []) + ([pieces[min(after)]] if after else [])
        edges = ([near[0][-EDGE_FRAMES:]] if before else []) + ([near[-1][:EDGE_FRAMES]] if after else [])
        kept.append(i)
        if not near:
            continue
        pitch = float(np.median(out[piece]))
        jumps = [pitch - float(np.median(out[edge])) for edge in edges]
        if not all(abs(j) >= GLITCH_SEMITONES for j in jumps) \
                or not (all(j > 0 for j in jumps) or all(j < 0 for j in jumps)):
            continue
        nearest = min(jumps, key=abs)
        octaves = round(nearest / 12)
        if octaves != 0 and abs(nearest - 12 * octaves) <= OCTAVE_TOLERANCE and (
                len(piece) * hop_s <= GLITCH_MAX_S or all(2 * len(piece) < len(n) for n in near)):
            out[piece] -= 12 * octaves
        elif len(piece) * hop_s <= GLITCH_MAX_S:
            out[piece] = np.nan
            kept.remove(i)
    return out


def _main_register(midi: np.ndarray) -> np.ndarray:
    """Rule 4: bool [T], the frames in the block of semitones with the most singing."""
    voiced = ~np.isnan(midi)
    semis = np.round(midi[voiced]).astype(int)
    touched, counts = np.unique(semis, return_counts=True)
    blocks = np.split(np.arange(len(touched)), np.flatnonzero(np.diff(touched) > JOIN_SEMITONES) + 1)
    best = max(blocks, key=lambda b: counts[b].sum())
    lo, hi = touched[best[0]], touched[best[-1]]
    inside = np.zeros(len(midi), dtype=bool)
    inside[voiced] = (semis >= lo) & (semis <= hi)
    return inside


def measure_range(track: PitchTrack) -> MeasuredRange:
    """The range a range-test take shows (rules in the module docstring).

    track: the take's PitchTrack (f0_hz float32 [T] in Hz, 0 = unvoiced;
    hop_s seconds between frames). Never raises on odd input: a take without
    a usable range says why in ``problem``."""
    hop_s = float(track.hop_s)
    f0 = np.asarray(track.f0_hz, dtype=np.float64)
    midi = np.full(len(f0), np.nan)
    voiced = np.isfinite(f0) & (f0 > 0)
    midi[voiced] = 69.0 + 12.0 * np.log2(f0[voiced] / 440.0)
    keep = _stretch_mask(voiced, hop_s)
    if not keep.any():
        return MeasuredRange(None, None, 0.0, NO_SINGING)
    midi[~keep] = np.nan
    midi = _fold_glitches(midi, _pieces(midi, keep), hop_s)
    if np.isnan(midi).all():
        return MeasuredRange(None, None, 0.0, NO_SINGING)
    pitches = np.sort(midi[_main_register(midi)])
    sung_s = round(len(pitches) * hop_s, 3)
    reach = min(len(pitches) - 1, max(0, round(MIN_REACH_S / hop_s) - 1))
    low, high = round(float(pitches[reach])), round(float(pitches[-1 - reach]))
    if sung_s < MIN_SUNG_S:
        return MeasuredRange(low, high, sung_s, TOO_SHORT)
    if high - low < MIN_WIDTH_SEMITONES:
        return MeasuredRange(low, high, sung_s, TOO_NARROW)
    return MeasuredRange(low, high, sung_s)
