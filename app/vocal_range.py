"""What a sung take says about the singer: range, tessitura, key.

The notes come from :func:`app.note_segmentation.segment_notes` (sung pitch,
float MIDI), so they carry the pitch tracker's mistakes: octave errors,
squeaks, one-off outliers. The rules here keep those out of the range.

Glitches (:func:`clean_take`): a note at least ``_JUMP_SEMITONES`` away from
both neighbours (the notes before and after it, if within ``_NEIGHBOUR_GAP_S``
of it), on the same side of both, is a glitch when it is shorter than
``min_sustain_s`` or alone in its register (no other note within
``_COMPANY_SEMITONES`` of it). A glitch within a semitone of a whole number
of octaves from its nearer neighbour is an octave error and is folded back
by those octaves; any other glitch is dropped.

Range (:func:`sustained_range`): a semitone counts once the singer sustained
it - one note at least ``min_sustain_s`` long, or notes on it adding up to
twice that. The lowest and highest such semitones are the range, except
that an extreme semitone more than ``_OUTLIER_SEMITONES`` beyond the next
one and held by a single note is left out (once at each end). With less
than ``min_singing_s`` of singing, or nothing sustained, there is no range.
The cleaned notes, held or not, span what the take *reached*: notes the
range leaves out (too short, or a lone outlier) prove no range, but hint
which way it goes on when a narrow range is widened (:func:`widen_range`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.melody_stats import estimate_key, note_name, tessitura
from app.song_record import Note

_JUMP_SEMITONES = 9.0
_NEIGHBOUR_GAP_S = 1.0
_COMPANY_SEMITONES = 2.0
_OUTLIER_SEMITONES = 7


@dataclass(frozen=True)
class TakeSummary:
    """A take in numbers.

    range_low/range_high: lowest/highest sustained MIDI note (int) or None.
    range_text: e.g. ``"G2–E4"`` (en dash), ``""`` without a range.
    tessitura: (low, high) duration-weighted 10 %/90 % pitch quantiles
    (float MIDI) of the cleaned notes, or None. key: e.g. ``"A minor"``,
    ``""`` for no notes. sung_seconds: total duration of all notes.
    reached: (lowest, highest) MIDI note (int) of the cleaned notes, held
    or not, or None without notes; it contains the range.
    """

    range_low: int | None
    range_high: int | None
    range_text: str
    tessitura: tuple[float, float] | None
    key: str
    sung_seconds: float
    reached: tuple[int, int] | None = None


def _neighbour_pitches(notes: Sequence[Note], i: int) -> list[float]:
    out = []
    if i > 0 and notes[i].onset_s - notes[i - 1].offset_s <= _NEIGHBOUR_GAP_S:
        out.append(notes[i - 1].pitch)
    if i + 1 < len(notes) and notes[i + 1].onset_s - notes[i].offset_s <= _NEIGHBOUR_GAP_S:
        out.append(notes[i + 1].pitch)
    return out


def clean_take(notes: Sequence[Note], *, min_sustain_s: float = 0.25) -> list[Note]:
    """The notes in time order with glitches folded or dropped (rule in the
    module docstring) and notes without a pitch (NaN) left out."""
    ordered = sorted((n for n in notes if np.isfinite(n.pitch)), key=lambda n: n.onset_s)
    pitches = np.array([n.pitch for n in ordered])
    out: list[Note] = []
    for i, note in enumerate(ordered):
        near = _neighbour_pitches(ordered, i)
        jumps = [note.pitch - p for p in near]
        is_jump = bool(near) and all(abs(j) >= _JUMP_SEMITONES for j in jumps) and (
            all(j > 0 for j in jumps) or all(j < 0 for j in jumps))
        company = np.count_nonzero(np.abs(pitches - note.pitch) <= _COMPANY_SEMITONES) - 1
        if not is_jump or (note.duration_s >= min_sustain_s and company > 0):
            out.append(note)
            continue
        nearest = min(jumps, key=abs)
        octaves = round(nearest / 12)
        if octaves != 0 and abs(nearest - 12 * octaves) <= 1.0:
            out.append(Note(note.onset_s, note.duration_s, note.pitch - 12 * octaves, note.lyric))
    return out


def sustained_range(
    notes: Sequence[Note],
    *,
    min_sustain_s: float = 0.25,
    min_singing_s: float = 1.0,
) -> tuple[int, int] | None:
    """(lowest, highest) MIDI note numbers the singer sustained in a take,
    or None when there is too little singing (rules: module docstring)."""
    cleaned = clean_take(notes, min_sustain_s=min_sustain_s)
    if sum(n.duration_s for n in cleaned) < min_singing_s:
        return None
    held: dict[int, list[float]] = {}
    for note in cleaned:
        held.setdefault(round(note.pitch), []).append(note.duration_s)
    sustained = sorted(m for m, durs in held.items()
                       if max(durs) >= min_sustain_s or sum(durs) >= 2 * min_sustain_s)
    if not sustained:
        return None
    if len(sustained) > 2 and sustained[1] - sustained[0] > _OUTLIER_SEMITONES \
            and len(held[sustained[0]]) == 1:
        sustained = sustained[1:]
    if len(sustained) > 2 and sustained[-1] - sustained[-2] > _OUTLIER_SEMITONES \
            and len(held[sustained[-1]]) == 1:
        sustained = sustained[:-1]
    return sustained[0], sustained[-1]


def tuning_offset(notes: Sequence[Note]) -> float:
    """How far (semitones, -0.5..0.5) the take sits from the equal-tempered
    grid: the duration-weighted circular mean of the pitches' fractional
    parts. 0.0 for no notes."""
    if not notes:
        return 0.0
    pitch = np.array([n.pitch for n in notes])
    weight = np.array([max(n.duration_s, 1e-3) for n in notes])
    angle = np.angle(np.sum(weight * np.exp(2j * np.pi * pitch)))
    return float(angle / (2 * np.pi))


def take_summary(notes: Sequence[Note], *, min_sustain_s: float = 0.25) -> TakeSummary:
    """Range, tessitura, key and singing time of a take (see :class:`TakeSummary`).

    The key is estimated on the cleaned notes moved onto the equal-tempered
    grid by :func:`tuning_offset`, so a singer who is consistently flat or
    sharp is not read in a neighbouring key."""
    cleaned = clean_take(notes, min_sustain_s=min_sustain_s)
    found = sustained_range(notes, min_sustain_s=min_sustain_s)
    low, high = found if found else (None, None)
    touched = [round(n.pitch) for n in cleaned]
    offset = tuning_offset(cleaned)
    in_tune = [Note(n.onset_s, n.duration_s, n.pitch - offset) for n in cleaned]
    return TakeSummary(
        range_low=low,
        range_high=high,
        range_text=f"{note_name(low)}\u2013{note_name(high)}" if found else "",
        tessitura=tessitura(cleaned),
        key=estimate_key(in_tune),
        sung_seconds=round(float(sum(n.duration_s for n in notes)), 3),
        reached=(min(touched), max(touched)) if touched else None,
    )


def widen_range(low: int, high: int, width: int, *, reached: tuple[int, int] | None = None,
                bounds: tuple[int, int] | None = None) -> tuple[int, int]:
    """A sustained range ``low``..``high`` (MIDI) widened one semitone at a
    time to at least ``width`` semitones: first towards notes the take
    ``reached`` (MIDI low, high) without holding them, then evenly (the high
    side first), never past ``bounds`` (MIDI low, high: where voices like
    this one end) unless both sides are there. A range already ``width``
    wide comes back as it is."""
    reach_low, reach_high = reached if reached else (low, high)
    floor, ceiling = bounds if bounds else (low - width, high + width)
    up_next = True
    while high - low < width:
        up, down = high < reach_high, low > reach_low          # towards notes the take reached
        if not (up or down):
            up, down = high < ceiling, low > floor             # evenly, inside the bounds
        if not (up or down):
            up = down = True
        go_up = up and (up_next or not down)
        high, low = (high + 1, low) if go_up else (high, low - 1)
        up_next = not go_up
    return low, high
