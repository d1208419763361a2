"""Notes of a MIDI file grouped into voices, and the rule that picks the melody.

A *voice* is the notes of one channel in one track (type 0 files hold every
channel in one track, so tracks alone are not enough). Times stay in ticks
here; :mod:`app.importers.midi_tempo` turns them into seconds afterwards.

How the melody voice is chosen (:func:`choose_melody`), first rule that applies:

1. **Lyrics.** When the file carries at least :data:`MIN_SYLLABLES` lyric
   syllables (KAR text events or lyric meta events), the melody is the voice
   whose note onsets line up best with the syllables: for each voice, *recall*
   is the share of syllables that fall within a 32nd note of one of its onsets,
   *precision* the share of its onsets that carry a syllable; the voice with
   the best F1 wins, provided its recall is at least :data:`MIN_LYRIC_RECALL`
   and its F1 at least :data:`MIN_LYRIC_F1`. Precision keeps a busy
   accompaniment that happens to hit every syllable from beating the sparser
   vocal line, and a pile of text events at tick 0 from counting as lyrics.
2. **Shape.** Otherwise every non-drum voice (channel 10, index 9, is drums)
   is scored ``monophony * in_range * activity + hint``: monophony is the share
   of notes that overlap no other note, in_range the share inside the singing
   range :data:`SINGING_LOW`..:data:`SINGING_HIGH` (which rules out bass lines),
   activity ``min(1, notes / (0.25 * notes of the busiest voice))`` (which rules
   out a four-note fill), and hint 0.25 when the track name or General MIDI
   program says "melody"/"vocal"/"voice". Ties go to the higher median pitch,
   since the tune usually sits on top.

A chosen voice that still has chords is reduced with :func:`skyline`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from statistics import median

import mido

from app.importers.midi_tempo import match_tolerance
from inference.constants import MIDI_HIGH

DRUM_CHANNEL = 9
SINGING_LOW = 48
"""C3: lowest MIDI note counted as a plausible sung melody note."""
SINGING_HIGH = MIDI_HIGH
PLAYABLE_LOW, PLAYABLE_HIGH = 21, 108
"""A0..C8: notes outside the piano range in a melody are glitches or key switches."""
MIN_SYLLABLES = 4
MIN_LYRIC_RECALL = 0.5
MIN_LYRIC_F1 = 0.5
VOCAL_PROGRAMS = frozenset({52, 53, 54, 85})
"""General MIDI programs (0-based): choir aahs, voice oohs, synth voice, lead voice."""
_NAME_HINT = re.compile(
    r"melod|vocal|voice|vox|lead|sing|chant|멜로디|보컬|노래|主旋律|メロディ|歌", re.IGNORECASE
)


@dataclass(frozen=True)
class TickNote:
    """One note in ticks: start < end, pitch 0-127, velocity 1-127."""

    start: int
    end: int
    pitch: int
    velocity: int = 64


@dataclass
class Voice:
    """The notes of one (track, channel); ``name`` is the decoded track name."""

    track: int
    channel: int
    name: str = ""
    program: int | None = None
    notes: list[TickNote] = field(default_factory=list)

    @property
    def is_drums(self) -> bool:
        return self.channel == DRUM_CHANNEL


def _track_voices(ti: int, track: mido.MidiTrack, name: str) -> list[Voice]:
    """The voices of one track, one per channel that plays notes."""
    voices: dict[int, Voice] = {}
    active: dict[tuple[int, int], tuple[int, int]] = {}  # (channel, pitch) -> (start, velocity)
    programs: dict[int, int] = {}

    def close(key: tuple[int, int], end: int) -> None:
        start, velocity = active.pop(key)
        if end > start:
            voice = voices.setdefault(key[0], Voice(ti, key[0], name))
            voice.notes.append(TickNote(start, end, key[1], velocity))

    tick = 0
    for msg in track:
        tick += msg.time
        if msg.type == "program_change":
            programs.setdefault(msg.channel, msg.program)
        elif msg.type in ("note_on", "note_off"):
            key = (msg.channel, msg.note)
            if key in active:
                close(key, tick)
            if msg.type == "note_on" and msg.velocity > 0:
                active[key] = (tick, msg.velocity)
    for key in list(active):
        close(key, tick)
    for channel, voice in voices.items():
        voice.program = programs.get(channel)
        voice.notes.sort(key=lambda n: (n.start, -n.pitch))
    return list(voices.values())


def voices_from_tracks(tracks: list[mido.MidiTrack], track_names: list[str]) -> list[Voice]:
    """Pair note-on/note-off events into :class:`TickNote` lists per (track, channel).

    A note-on with velocity 0 is a note-off; a repeated note-on of a sounding
    pitch ends the earlier note first; notes still sounding at the end of a
    track end there. Zero-length notes are dropped.
    """
    voices: list[Voice] = []
    for ti, track in enumerate(tracks):
        name = track_names[ti] if ti < len(track_names) else ""
        voices.extend(_track_voices(ti, track, name))
    return voices


def overlap_share(notes: list[TickNote], tol: int) -> float:
    """Share (0..1) of notes sounding together with another by more than ``tol`` ticks."""
    if len(notes) < 2:
        return 0.0
    ordered = sorted(notes, key=lambda n: (n.start, -n.pitch))
    marked = [False] * len(ordered)
    holder = 0
    for i in range(1, len(ordered)):
        if ordered[holder].end - ordered[i].start > tol:
            marked[i] = marked[holder] = True
        if ordered[i].end > ordered[holder].end:
            holder = i
    return sum(marked) / len(ordered)


def skyline(notes: list[TickNote], tol: int) -> list[TickNote]:
    """Reduce chords to the top line: a higher note cuts off the one sounding,
    a lower note starting under a sounding one is dropped, small legato
    overlaps (<= ``tol`` ticks) are trimmed. Result: sorted, non-overlapping."""
    out: list[TickNote] = []
    for note in sorted(notes, key=lambda n: (n.start, -n.pitch)):
        if out and out[-1].end > note.start:
            last = out[-1]
            overlaps = last.end - note.start > tol
            if overlaps and note.pitch <= last.pitch:
                continue
            out.pop()
            if note.start - last.start > tol:
                out.append(TickNote(last.start, note.start, last.pitch, last.velocity))
        out.append(note)
    return out


def _alignment_f1(onsets: list[int], syllables: list[int], tol: int) -> tuple[float, float]:
    """(F1, recall) of syllable ticks against sorted unique onset ticks."""

    def hits(points: list[int], grid: list[int]) -> int:
        count = 0
        for p in points:
            i = bisect_left(grid, p - tol)
            if i < len(grid) and grid[i] <= p + tol:
                count += 1
        return count

    recall = hits(syllables, onsets) / len(syllables)
    precision = hits(onsets, syllables) / len(onsets)
    if recall + precision == 0:
        return 0.0, 0.0
    return 2 * recall * precision / (recall + precision), recall


def _shape_score(voice: Voice, busiest: int, tol: int) -> tuple[float, float]:
    pitches = [n.pitch for n in voice.notes]
    mono = 1.0 - overlap_share(voice.notes, tol)
    in_range = sum(SINGING_LOW <= p <= SINGING_HIGH for p in pitches) / len(pitches)
    activity = min(1.0, len(pitches) / (0.25 * busiest))
    hinted = bool(_NAME_HINT.search(voice.name)) or voice.program in VOCAL_PROGRAMS
    return mono * in_range * activity + (0.25 if hinted else 0.0), median(pitches)


def choose_melody(
    voices: list[Voice], syllable_ticks: list[int], ticks_per_beat: int
) -> tuple[Voice | None, bool]:
    """Pick the melody voice by the rules in the module docstring.

    Returns (voice or None when only drums/no notes, whether lyrics decided it).
    """
    tol = match_tolerance(ticks_per_beat)
    candidates = [v for v in voices if not v.is_drums and v.notes]
    if not candidates:
        return None, False
    if len(syllable_ticks) >= MIN_SYLLABLES:
        syllables = sorted(syllable_ticks)
        scored = []
        for v in candidates:
            onsets = sorted({n.start for n in v.notes})
            f1, recall = _alignment_f1(onsets, syllables, tol)
            scored.append((f1, recall, v))
        f1, recall, best = max(scored, key=lambda s: s[0])
        if recall >= MIN_LYRIC_RECALL and f1 >= MIN_LYRIC_F1:
            return best, True
    busiest = max(len(v.notes) for v in candidates)
    return max(candidates, key=lambda v: _shape_score(v, busiest, tol // 2 or 1)), False
