"""A karaoke-style backing for one clip, as MIDI events: same key, same tempo.

Chords are chosen per bar (or half bar) from the key's diatonic triads to fit
the melody notes sounding there, and played by a random GM keyboard, guitar,
organ, string or pad program in one of four patterns (block, pulse, arpeggio,
strum). A bass line follows the roots; drums (channel 10) play sometimes; a
pad layer sometimes; and with probability GUIDE_P an instrument doubles the
melody (karaoke guide melody) or plays a counter line.
"""

from __future__ import annotations

import mido
import numpy as np

from .melodies import ClipMelody
from .midi_render import DRUM_CHANNEL, PREROLL_S, Event

CHORD_PROGRAMS = (0, 1, 2, 4, 5, 6, 7, 16, 17, 19, 24, 25, 26, 27, 46, 48, 49, 50, 88, 89, 90, 91, 94)
BASS_PROGRAMS = (32, 33, 34, 35, 36, 38, 39, 43, 0)
GUIDE_PROGRAMS = (73, 0, 40, 65, 66, 56, 80, 81, 68, 71, 11, 22, 53, 54, 85, 4, 24)
PAD_PROGRAMS = (48, 49, 50, 51, 52, 88, 89, 91, 92, 95)
GUIDE_P = 0.3
COUNTER_SHARE = 0.3
"""Of the guide lines, the share that counter the melody instead of doubling it."""
DRUMS_P = 0.55
PAD_P = 0.35
PATTERNS = ("block", "pulse", "arpeggio", "strum")

CHORDS, BASS, GUIDE, PAD = 2, 3, 4, 5
"""MIDI channels (the voice's choir line uses 0 and 1 when rendered with it)."""

_MAJOR_TRIADS = ((0, "maj", 0.6), (2, "min", 0.25), (4, "min", 0.1), (5, "maj", 0.45),
                 (7, "maj", 0.5), (9, "min", 0.3))
_MINOR_TRIADS = ((0, "min", 0.6), (5, "min", 0.4), (7, "maj", 0.5), (8, "maj", 0.35),
                 (3, "maj", 0.3), (10, "maj", 0.25))


def _note(events: list[Event], ch: int, key: int, start: float, dur: float, vel: int) -> None:
    """One note; a note begun before the pre-roll starts there (shortened) or is dropped."""
    if start < -PREROLL_S:
        dur, start = dur - (-PREROLL_S - start), -PREROLL_S
        if dur < 0.05:
            return
    key = int(np.clip(key, 0, 127))
    events.append((start, mido.Message("note_on", channel=ch, note=key, velocity=int(np.clip(vel, 1, 127)))))
    events.append((start + max(dur, 0.03), mido.Message("note_off", channel=ch, note=key)))


def choose_chords(clip: ClipMelody, slots: np.ndarray, slot_s: float,
                  rng: np.random.Generator) -> list[tuple[int, str]]:
    """(root pitch class, "maj"/"min") per slot start time (seconds), fitting the melody."""
    triads = _MINOR_TRIADS if clip.key_mode == "minor" else _MAJOR_TRIADS
    chords, previous = [], None
    for start in slots:
        weight = np.zeros(12)
        for note in clip.notes:
            overlap = min(note.offset_s, start + slot_s) - max(note.onset_s, start)
            if overlap > 0:
                weight[round(note.pitch) % 12] += overlap
        best, best_score = None, -1e9
        for degree, quality, prior in triads:
            root = (clip.key_pc + degree) % 12
            tones = [(root + i) % 12 for i in ((0, 4, 7) if quality == "maj" else (0, 3, 7))]
            score = weight[tones].sum() / (weight.sum() + 1e-9) + prior + rng.uniform(0, 0.35)
            score -= 0.2 if previous == (root, quality) else 0.0
            if score > best_score:
                best, best_score = (root, quality), score
        chords.append(best)
        previous = best
    return chords


def _voicing(root: int, quality: str, rng: np.random.Generator, low: int = 52) -> list[int]:
    tones = [0, 4, 7] if quality == "maj" else [0, 3, 7]
    if rng.random() < 0.25:
        tones.append(10 if quality == "min" or rng.random() < 0.5 else 11)
    notes = sorted(low + ((root + t - low) % 12) for t in tones)
    return notes + ([notes[0] + 12] if rng.random() < 0.4 else [])


def accompaniment_events(clip: ClipMelody, rng: np.random.Generator) -> list[Event]:
    """MIDI events (seconds from the clip start, from -PREROLL_S) backing ``clip``."""
    beat = clip.seconds_per_beat
    events: list[Event] = []
    programs = {CHORDS: int(rng.choice(CHORD_PROGRAMS)), BASS: int(rng.choice(BASS_PROGRAMS)),
                GUIDE: int(rng.choice(GUIDE_PROGRAMS)), PAD: int(rng.choice(PAD_PROGRAMS))}
    for ch, prog in programs.items():
        events.append((-PREROLL_S, mido.Message("program_change", channel=ch, program=prog)))
        events.append((-PREROLL_S, mido.Message("control_change", channel=ch, control=7,
                                                value=int(rng.integers(75, 116)))))
    slot_beats = clip.bar_beats / 2 if clip.bar_beats >= 4 and rng.random() < 0.4 else clip.bar_beats
    first = np.floor((clip.start_beat - PREROLL_S / beat) / slot_beats) * slot_beats
    slot_starts = (np.arange(first, clip.start_beat + clip.seconds / beat + slot_beats, slot_beats)
                   - clip.start_beat) * beat
    slot_s = slot_beats * beat
    chords = choose_chords(clip, slot_starts, slot_s, rng)
    pattern = str(rng.choice(PATTERNS))
    bass_style = str(rng.choice(["roots", "half", "walk", "held"]))
    vel = int(rng.integers(55, 100))
    use_pad = rng.random() < PAD_P
    for start, (root, quality) in zip(slot_starts, chords):
        voicing = _voicing(root, quality, rng)
        beats = max(1, round(slot_beats))
        if pattern == "block":
            for key in voicing:
                _note(events, CHORDS, key, start, slot_s - 0.03, vel + int(rng.integers(-8, 9)))
        elif pattern == "pulse":
            for b in range(beats):
                for key in voicing:
                    _note(events, CHORDS, key, start + b * beat, 0.85 * beat, vel - 6 * (b % 2))
        elif pattern == "arpeggio":
            seq = voicing + voicing[-2:0:-1]
            for i in range(2 * beats):
                _note(events, CHORDS, seq[i % len(seq)], start + i * beat / 2, 0.9 * beat, vel)
        else:  # strum: eighth-note rhythm, 8-25 ms between strings, alternating direction
            gap = rng.uniform(0.008, 0.025)
            for i in range(2 * beats):
                if i % 2 and rng.random() < 0.4:
                    continue
                order = voicing if i % 2 == 0 else voicing[::-1]
                for j, key in enumerate(order):
                    _note(events, CHORDS, key, start + i * beat / 2 + j * gap, 0.45 * beat, vel - 10 * (i % 2))
        bass_root = 33 + (root - 33) % 12
        fifth = bass_root + 7 if bass_root + 7 <= 47 else bass_root - 5
        if bass_style == "held":
            _note(events, BASS, bass_root, start, slot_s - 0.05, vel + 10)
        else:
            for b in range(beats):
                if bass_style == "half" and b % 2:
                    continue
                key = bass_root
                if bass_style == "walk" and b:
                    key = bass_root + int(rng.choice([3 if quality == "min" else 4, 7, 5, 2, -1]))
                elif bass_style == "half" and b == 2:
                    key = fifth
                _note(events, BASS, key, start + b * beat, (1.9 if bass_style == "half" else 0.9) * beat, vel + 10)
        if use_pad:
            for key in _voicing(root, quality, rng, low=57)[:3]:
                _note(events, PAD, key, start, slot_s, vel - 25)
    if rng.random() < DRUMS_P:
        events += drum_events(clip, rng, slot_starts[0], clip.seconds + 0.5)
    if rng.random() < GUIDE_P:
        events += guide_events(clip, rng, chords, slot_starts, slot_s)
    return events


def drum_events(clip: ClipMelody, rng: np.random.Generator, start: float, end: float) -> list[Event]:
    """A kit pattern on channel 10 from ``start`` to ``end`` seconds."""
    beat = clip.seconds_per_beat
    style = str(rng.choice(["rock", "ballad", "shuffle"]))
    hat = int(rng.choice([42, 42, 51, 44]))
    vel = int(rng.integers(60, 110))
    out: list[Event] = []
    bar = max(2, round(clip.bar_beats))
    n_beats = int(np.ceil((end - start) / beat))
    for b in range(n_beats):
        t = start + b * beat
        pos = b % bar
        if pos == 0 or (style == "rock" and pos == 2 and bar == 4):
            _note(out, DRUM_CHANNEL, 36, t, 0.1, vel + 10)
        if bar == 4 and pos in (1, 3) or bar == 3 and pos == 2 and style != "ballad":
            _note(out, DRUM_CHANNEL, 37 if style == "ballad" else 38, t, 0.1, vel)
        for sub in ((0.0, 0.5) if style == "rock" else (0.0, 0.67) if style == "shuffle" else (0.0,)):
            _note(out, DRUM_CHANNEL, hat, t + sub * beat, 0.08, vel - 20 - int(sub * 20))
    if rng.random() < 0.3:
        _note(out, DRUM_CHANNEL, 49, start, 0.5, vel)
    return out


def guide_events(clip: ClipMelody, rng: np.random.Generator, chords, slot_starts, slot_s) -> list[Event]:
    """The melody doubled (maybe an octave away) or a counter line of chord tones."""
    out: list[Event] = []
    vel = int(rng.integers(60, 105))
    if rng.random() >= COUNTER_SHARE:
        shift = int(rng.choice([0, 0, 12, -12]))
        for note in clip.notes:
            key = round(note.pitch) + shift
            key += 12 * (key < 48) - 12 * (key > 96)
            _note(out, GUIDE, key, note.onset_s, note.duration_s * 0.95, vel)
        return out
    beat = clip.seconds_per_beat
    key = 67
    for start, (root, quality) in zip(slot_starts, chords):
        tones = [(root + i) % 12 for i in ((0, 4, 7) if quality == "maj" else (0, 3, 7))]
        for b in range(max(1, round(slot_s / beat / 2))):
            candidates = [k for k in range(60, 85) if k % 12 in tones and k != key]
            key = min(candidates, key=lambda k: abs(k - key) + rng.uniform(0, 4))
            _note(out, GUIDE, key, start + 2 * b * beat, 1.9 * beat, vel)
    return out


def describe_guide(clip: ClipMelody, events: list[Event]) -> str:
    """What the guide channel of ``events`` plays against ``clip``'s melody:
    "none", "counter line", or "doubles the melody" with its distance
    ("an octave above", "an octave below", "in unison"). Each guide note is
    compared with the melody note sounding where it starts (the latest begun,
    where notes overlap)."""
    shifts = set()
    guide = [(t, msg.note) for t, msg in events if msg.type == "note_on" and msg.channel == GUIDE]
    if not guide:
        return "none"
    for t, key in guide:
        under = [n for n in clip.notes if n.onset_s - 1e-6 <= t < n.offset_s]
        if not under:
            return "counter line"
        shifts.add(key - round(max(under, key=lambda n: n.onset_s).pitch))
    if len(shifts) == 2 and max(shifts) - min(shifts) == 12:  # kept inside the guide's compass
        return "doubles the melody, partly an octave away"
    if len(shifts) != 1:
        return "counter line"
    shift = shifts.pop()
    where = {0: "in unison", 12: "an octave above", -12: "an octave below"}
    return f"doubles the melody {where.get(shift, f'{shift:+d} semitones')}"
