"""Pure functions describing a note list: range, tessitura, key.

All take a sequence of :class:`app.song_record.Note` (or anything with
``pitch``/``duration_s``) and return plain numbers or strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.song_record import Note

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Krumhansl-Kessler key profiles (probe-tone ratings), index 0 = tonic.
_MAJOR_PROFILE = np.array(
    [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
)
_MINOR_PROFILE = np.array(
    [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]
)


def note_name(midi: float) -> str:
    """MIDI number to a name with octave, e.g. 60 -> ``"C4"``, 43 -> ``"G2"``."""
    m = int(round(midi))
    return f"{NOTE_NAMES[m % 12]}{m // 12 - 1}"


_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def parse_note(text: str) -> int:
    """A note name with octave (``"G2"``, ``"C#4"``, ``"Bb3"``, ``"F♯3"``) or a MIDI
    number (``"43"``) -> MIDI number. Raises ValueError for anything else."""
    t = text.strip().replace("\u266f", "#").replace("\u266d", "b")
    if t.lstrip("-").isdigit():
        midi = int(t)
    else:
        if len(t) < 2 or t[0].upper() not in _LETTERS:
            raise ValueError(f"not a note: {text!r} (try G2, C#4 or Bb3)")
        step, rest = _LETTERS[t[0].upper()], t[1:]
        while rest[:1] in ("#", "b"):
            step += 1 if rest[0] == "#" else -1
            rest = rest[1:]
        if not rest.lstrip("-").isdigit():
            raise ValueError(f"not a note: {text!r} (try G2, C#4 or Bb3)")
        midi = 12 * (int(rest) + 1) + step
    if not 0 <= midi <= 127:
        raise ValueError(f"not a note: {text!r} (outside MIDI 0-127)")
    return midi


def parse_range(text: str) -> tuple[int, int]:
    """``"G2-E4"`` (or ``"G2–E4"``, ``"43-64"``) -> (low, high) MIDI. Raises ValueError."""
    t = text.strip().replace("\u2013", "-").replace("\u2212", "-")
    cut = t.find("-", 1)
    if cut <= 0:
        raise ValueError(f"not a range: {text!r} (try G2-E4)")
    low, high = parse_note(t[:cut]), parse_note(t[cut + 1:])
    if low >= high:
        raise ValueError(f"not a range: {text!r} (the low note comes first)")
    return low, high


def _pitches_and_weights(notes: Sequence[Note]) -> tuple[np.ndarray, np.ndarray]:
    pitches = np.array([n.pitch for n in notes], dtype=np.float64)
    weights = np.array([max(n.duration_s, 1e-3) for n in notes], dtype=np.float64)
    return pitches, weights


def melody_range(notes: Sequence[Note]) -> tuple[int, int] | None:
    """Lowest and highest MIDI note of a written melody, or None if it is empty."""
    if not notes:
        return None
    pitches, _ = _pitches_and_weights(notes)
    return int(round(pitches.min())), int(round(pitches.max()))


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The lowest value at or below which a fraction ``q`` of the total weight lies."""
    order = np.argsort(values, kind="stable")
    v, cum = values[order], np.cumsum(weights[order])
    idx = int(np.searchsorted(cum, q * cum[-1], side="left"))
    return float(v[min(idx, len(v) - 1)])


def tessitura(notes: Sequence[Note], low_q: float = 0.1, high_q: float = 0.9) -> tuple[float, float] | None:
    """Where the melody spends its time: duration-weighted pitch quantiles (MIDI).

    Returns (low, high) at the ``low_q`` and ``high_q`` quantiles, or None.
    """
    if not notes:
        return None
    pitches, weights = _pitches_and_weights(notes)
    return (
        round(_weighted_quantile(pitches, weights, low_q), 2),
        round(_weighted_quantile(pitches, weights, high_q), 2),
    )


def estimate_key(notes: Sequence[Note]) -> str:
    """Key of a melody by correlating its duration-weighted pitch-class histogram
    with the Krumhansl-Kessler profiles. Returns e.g. ``"G major"``, ``"E minor"``,
    or ``""`` for an empty melody.
    """
    if not notes:
        return ""
    pitches, weights = _pitches_and_weights(notes)
    hist = np.zeros(12)
    np.add.at(hist, np.round(pitches).astype(int) % 12, weights)
    if hist.sum() == 0 or np.count_nonzero(hist) < 2:
        return f"{NOTE_NAMES[int(np.argmax(hist))]} major"
    best, best_r = "", -2.0
    for tonic in range(12):
        for mode, profile in (("major", _MAJOR_PROFILE), ("minor", _MINOR_PROFILE)):
            r = float(np.corrcoef(hist, np.roll(profile, tonic))[0, 1])
            if r > best_r:
                best, best_r = f"{NOTE_NAMES[tonic]} {mode}", r
    return best
