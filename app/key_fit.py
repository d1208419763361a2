"""The karaoke key to sing a song in, for a singer's range.

A karaoke machine moves the whole song by a key shift ``k`` of -6..+6
semitones; the singer may also sing the melody an octave ``o`` below or above
the original line (a man singing a woman's song usually sings it an octave
down). The melody then sits at ``original + k + 12 * o``.

:func:`best_key` tries all 39 (k, o) pairs and keeps, in this order:

1. the largest duration-weighted share of notes inside the singer's range;
2. when a narrower *heard* range is given (the notes the singer was actually
   heard to sustain, inside the range the key is chosen for), the largest
   share inside it: a key that keeps the melody where the voice was heard is
   safer than one that leans on a guessed edge;
3. the smallest distance (semitones) from the centre of the song's
   tessitura (10 %-90 % duration-weighted pitch quantiles) to the centre of
   the singer's range;
4. singing in the original octave, then the smaller key shift.

Pure functions on note lists; every pitch is MIDI (float), every duration in
seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.melody_stats import tessitura
from app.song_record import Note

KEY_SHIFTS = range(-6, 7)
OCTAVES = (-1, 0, 1)
MINUS = "\u2212"


class KeyFitError(ValueError):
    """No key can be chosen: no notes, or a range whose low end is above its high end."""


@dataclass(frozen=True)
class KeyFit:
    """A key for one song and one singer.

    key_shift: semitones the karaoke machine moves the song (-6..+6).
    octave: -1, 0 or +1: the octave the singer sings in, relative to the original line.
    in_range: duration-weighted share (0..1) of the melody inside the range after the shift.
    centre_distance: semitones from the shifted tessitura centre to the range centre.
    in_heard: share (0..1) inside the heard range when one was given, else ``in_range``.
    """

    key_shift: int
    octave: int
    in_range: float
    centre_distance: float
    in_heard: float | None = None

    @property
    def heard_share(self) -> float:
        """``in_heard`` when known, else ``in_range``."""
        return self.in_range if self.in_heard is None else self.in_heard

    @property
    def total_shift(self) -> int:
        """Semitones between the original melody and what the singer sings."""
        return self.key_shift + 12 * self.octave

    def key_text(self) -> str:
        """``"Original key"``, ``"Key +3"`` or ``"Key −2"`` (with a real minus sign)."""
        if self.key_shift == 0:
            return "Original key"
        sign = "+" if self.key_shift > 0 else MINUS
        return f"Key {sign}{abs(self.key_shift)}"

    def describe(self) -> str:
        """The advice in words, e.g. ``"Key −2, sing an octave below the original"``."""
        if self.octave == 0:
            return self.key_text()
        where = "below" if self.octave < 0 else "above"
        return f"{self.key_text()}, sing an octave {where} the original"

    def short_text(self) -> str:
        """Compact form for a song card, e.g. ``"Key −2 · octave down"``."""
        if self.octave == 0:
            return self.key_text()
        return f"{self.key_text()} \u00b7 octave {'down' if self.octave < 0 else 'up'}"


def in_range_share(pitches: np.ndarray, weights: np.ndarray, low: float, high: float) -> float:
    """Duration-weighted share of ``pitches`` within [low - 0.5, high + 0.5] (whole notes)."""
    inside = (pitches >= low - 0.5) & (pitches <= high + 0.5)
    return float(weights[inside].sum() / weights.sum())


def best_key(notes: Sequence[Note], low: float, high: float,
             heard: tuple[float, float] | None = None) -> KeyFit:
    """The key to sing ``notes`` in for a singer whose range is ``low``..``high``
    (MIDI, inclusive), preferring keys inside ``heard`` (low, high MIDI) when
    given; see the module docstring for the order of preference."""
    if not notes:
        raise KeyFitError("the song has no melody notes")
    if not np.isfinite(low) or not np.isfinite(high) or low > high:
        raise KeyFitError(f"not a vocal range: {low}..{high}")
    pitches = np.array([n.pitch for n in notes], dtype=np.float64)
    weights = np.array([max(n.duration_s, 1e-3) for n in notes], dtype=np.float64)
    tess_low, tess_high = tessitura(notes)
    song_centre, user_centre = (tess_low + tess_high) / 2, (low + high) / 2
    best, best_rank = None, None
    for octave in OCTAVES:
        for key in KEY_SHIFTS:
            shift = key + 12 * octave
            share = in_range_share(pitches + shift, weights, low, high)
            core = in_range_share(pitches + shift, weights, *heard) if heard else share
            distance = abs(song_centre + shift - user_centre)
            rank = (-round(share, 6), -round(core, 6), round(distance, 6), abs(octave), abs(key))
            if best_rank is None or rank < best_rank:
                best = KeyFit(key, octave, round(share, 4), round(distance, 2),
                              round(core, 4) if heard else None)
                best_rank = rank
    return best
