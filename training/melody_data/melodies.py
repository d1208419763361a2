"""Melodies in beats -> timed, transposed 4-second note excerpts with breaths.

A :class:`ScoreMelody` is a written melody (corpus tune or random walk) in
quarter-note beats. :func:`clip_excerpt` picks a tempo, a 4-second window, a
transposition that fits a voice's range and cuts breaths into long phrases,
giving a :class:`ClipMelody` of :class:`app.song_record.Note` in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.song_record import Note

from .clip_format import CLIP_SECONDS

TEMPO_RANGE_QPM = (50.0, 180.0)
"""Quarter notes per minute."""

NOTE_SECONDS_RANGE = (0.08, 2.0)
"""Random walks keep every note inside this length."""

BREATH_SECONDS = (0.2, 1.0)
PHRASE_SECONDS = (1.0, 3.0)

MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)


class MelodyError(ValueError):
    """A melody is empty or malformed."""


@dataclass(frozen=True)
class ScoreMelody:
    """A written melody. Arrays are float64 [N], sorted by onset."""

    source: str
    """e.g. ``corpus:essenFolksong/han1.abc#12`` or ``walk:train:17``."""
    onsets: np.ndarray
    """Quarter notes from the melody's first note."""
    durations: np.ndarray
    """Quarter notes (> 0)."""
    pitches: np.ndarray
    """MIDI note numbers as written."""
    bar_beats: float = 4.0
    key_pc: int = 0
    """Tonic pitch class (0 = C) of the written melody."""
    key_mode: str = "major"
    qpm: float | None = None
    """Fixed tempo (random walks); None lets :func:`clip_excerpt` choose one."""

    def __post_init__(self) -> None:
        n = len(self.onsets)
        if n == 0 or len(self.durations) != n or len(self.pitches) != n:
            raise MelodyError(f"{self.source}: needs equal, non-empty onset/duration/pitch arrays")
        if np.any(self.durations <= 0):
            raise MelodyError(f"{self.source}: note durations must be positive")


@dataclass(frozen=True)
class ClipMelody:
    """Notes of one clip, in seconds from the clip start (onsets may be < 0 for a
    note already sounding when the clip starts)."""

    notes: list[Note]
    source: str
    qpm: float
    bar_beats: float
    start_beat: float
    """Beat position (quarter notes) of the clip start in the melody's bar grid."""
    key_pc: int
    key_mode: str
    seconds: float = CLIP_SECONDS

    @property
    def seconds_per_beat(self) -> float:
        return 60.0 / self.qpm


def random_walk(rng: np.random.Generator, source: str, n_notes: int = 48) -> ScoreMelody:
    """A random melody: scale steps, leaps, repeated and held notes, fast runs, rests.

    Tempo is fixed so every note lasts :data:`NOTE_SECONDS_RANGE`.
    """
    qpm = float(np.exp(rng.uniform(*np.log(TEMPO_RANGE_QPM))))
    beat_s = 60.0 / qpm
    mode = "minor" if rng.random() < 0.35 else "major"
    scale = np.array(MINOR_STEPS if mode == "minor" else MAJOR_STEPS)
    chromatic = rng.random() < 0.15
    degree, onsets, durations, pitches, t = 0, [], [], [], 0.0
    beat_choices = np.array([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0])
    beat_weights = np.array([0.10, 0.25, 0.08, 0.25, 0.1, 0.12, 0.05, 0.05])
    while len(pitches) < n_notes:
        if rng.random() < 0.07:  # a rest
            t += float(rng.choice([0.5, 1.0, 2.0]))
        run = rng.random() < 0.1
        count = int(rng.integers(4, 9)) if run else 1
        direction = 1 if rng.random() < 0.5 else -1
        for _ in range(count):
            if run:
                degree += direction
                dur = rng.uniform(NOTE_SECONDS_RANGE[0], 0.16) / beat_s
            else:
                r = rng.random()
                step = 0 if r < 0.15 else int(rng.choice([1, 2])) if r < 0.65 else int(
                    rng.choice([3, 4])) if r < 0.87 else int(rng.choice([5, 7]))
                degree += step * (1 if rng.random() < 0.5 else -1)
                dur = float(rng.choice(beat_choices, p=beat_weights / beat_weights.sum()))
            degree = int(np.clip(degree, -9, 9))
            dur = float(np.clip(dur * beat_s, *NOTE_SECONDS_RANGE)) / beat_s
            octave, idx = divmod(degree, len(scale))
            pitch = 12 * octave + scale[idx] + (int(rng.integers(-1, 2)) if chromatic else 0)
            onsets.append(t)
            durations.append(dur)
            pitches.append(60.0 + pitch)
            t += dur
    return ScoreMelody(source, np.array(onsets), np.array(durations), np.array(pitches),
                       bar_beats=float(rng.choice([3.0, 4.0], p=[0.3, 0.7])), key_pc=0,
                       key_mode=mode, qpm=qpm)


def choose_qpm(melody: ScoreMelody, rng: np.random.Generator) -> float:
    """A tempo in :data:`TEMPO_RANGE_QPM` that keeps the melody's median note
    between 0.12 s and 1.0 s (log-uniform inside the allowed span)."""
    if melody.qpm is not None:
        return melody.qpm
    median_beats = float(np.median(melody.durations))
    lo = max(TEMPO_RANGE_QPM[0], 60.0 * median_beats / 1.0)
    hi = min(TEMPO_RANGE_QPM[1], 60.0 * median_beats / 0.12)
    if lo >= hi:
        lo = hi = float(np.clip(60.0 * median_beats / 0.35, *TEMPO_RANGE_QPM))
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def fit_transposition(pitches: np.ndarray, low: float, high: float,
                      rng: np.random.Generator, push: str | None = None) -> np.ndarray:
    """Shift a pitch array by whole semitones into [low, high] MIDI.

    push: "low"/"high" puts the melody at (within 2 semitones of) that edge of the
    range; None picks any fitting shift. A melody wider than the range is centred and its
    outlying notes folded by octaves.
    """
    lo_p, hi_p = float(pitches.min()), float(pitches.max())
    if hi_p - lo_p <= high - low:
        shifts = np.arange(np.ceil(low - lo_p), np.floor(high - hi_p) + 1)
        if push == "low":
            shifts = shifts[:3]
        elif push == "high":
            shifts = shifts[-3:]
        shift = rng.choice(shifts)
        return pitches + float(shift)
    out = pitches + float(np.round((low + high) / 2 - np.median(pitches)))
    while np.any(out < low) or np.any(out > high):
        out = np.where(out < low, out + 12, np.where(out > high, out - 12, out))
        if high - low < 12:
            return np.clip(out, low, high)
    return out


def _add_breaths(notes: list[Note], rng: np.random.Generator) -> list[Note]:
    """Cut 0.2-1 s breaths into phrases that run longer than 1-3 s."""
    out: list[Note] = []
    phrase_start = notes[0].onset_s
    phrase_len = rng.uniform(*PHRASE_SECONDS)
    for i, note in enumerate(notes):
        if out and note.onset_s - out[-1].offset_s >= 0.15:
            phrase_start, phrase_len = note.onset_s, rng.uniform(*PHRASE_SECONDS)
        elapsed = note.offset_s - phrase_start
        if elapsed > phrase_len + 1.5 and out and i + 1 < len(notes):
            phrase_start, phrase_len = notes[i + 1].onset_s, rng.uniform(*PHRASE_SECONDS)
            continue  # the singer skips this note to breathe
        if elapsed > phrase_len and note.duration_s >= 0.35 and i + 1 < len(notes):
            breath = rng.uniform(BREATH_SECONDS[0], min(BREATH_SECONDS[1], 0.65 * note.duration_s))
            note = Note(note.onset_s, note.duration_s - breath, note.pitch)
            phrase_start, phrase_len = note.offset_s + breath, rng.uniform(*PHRASE_SECONDS)
        out.append(note)
    return out


def clip_excerpt(melody: ScoreMelody, rng: np.random.Generator, pitch_range: tuple[float, float],
                 *, push: str | None = None, seconds: float = CLIP_SECONDS) -> ClipMelody:
    """A ``seconds``-long window of ``melody`` at a chosen tempo, transposed into
    ``pitch_range`` (MIDI low, high) and with breaths; see the module docstring."""
    qpm = choose_qpm(melody, rng)
    spb = 60.0 / qpm
    onsets_s, durs_s = melody.onsets * spb, melody.durations * spb
    k = int(rng.integers(0, len(onsets_s)))
    if rng.random() < 0.3:
        start = onsets_s[k] + rng.uniform(0.0, 0.8) * durs_s[k]
    else:
        start = onsets_s[k] - rng.uniform(0.0, 0.8)
    start = float(min(start, max(0.0, onsets_s[-1] + durs_s[-1] - 2.0)))
    inside = (onsets_s < start + seconds) & (onsets_s + durs_s > start)
    if not inside.any():
        inside = np.zeros(len(onsets_s), bool)
        inside[k] = True
        start = onsets_s[k] - 0.3
    pitches = fit_transposition(melody.pitches[inside], *pitch_range, rng, push=push)
    shift = round(float(pitches[0] - melody.pitches[inside][0]))
    notes = [Note(float(o - start), float(d), float(p))
             for o, d, p in zip(onsets_s[inside], durs_s[inside], pitches)]
    notes = _add_breaths(notes, rng)
    return ClipMelody(notes=notes, source=melody.source, qpm=qpm, bar_beats=melody.bar_beats,
                      start_beat=start / spb, key_pc=(melody.key_pc + shift) % 12,
                      key_mode=melody.key_mode, seconds=seconds)
