"""Choir lines: GM "Choir Aahs" (52), "Voice Oohs" (53) and "Synth Voice" (54).

Each phrase (run of notes with gaps under 60 ms) is ONE held MIDI note whose
pitch follows the sung contour (glides, vibrato, drift) through pitch bend
every 5 ms, so there is never a stale release tail of another pitch. A new
note starts at each phrase. Labels: the contour plus the soundfont's measured
tuning offset for the held key (:func:`midi_render.tuning_offsets`), from
note-on to note-off, then while the release tail stays within TAIL_DB of the
phrase's level (at most MAX_TAIL_S); the quiet start of the attack is gated
like every other voice.
"""

from __future__ import annotations

from dataclasses import dataclass

import mido
import numpy as np

from .clip_format import LABEL_FRAMES
from .f0_contour import CONTOUR_PERIOD_S, draw_style, midi_to_hz, pitch_contour
from .melodies import ClipMelody
from .midi_render import BEND_RANGE_SEMITONES, Event
from .world_render import CONTOUR_FRAMES, frame_levels_db, gate_labels

CHOIR_PROGRAMS = (52, 53, 54)
CHOIR_PROGRAM_WEIGHTS = (0.4, 0.4, 0.2)
MAX_TAIL_S = 0.3
RELEASE_FADE_S = (0.06, 0.25)
"""After note-off the channel's expression falls to 0 over this long, then all
sound on it stops."""
TAIL_DB = 20.0
CHOIR_CHANNELS = (0, 1)
"""Phrases alternate between two channels so a release tail keeps its own bend."""


@dataclass
class ChoirLine:
    """The MIDI events of one choir clip and what its labels need."""

    events: list[Event]
    program: int
    midi: np.ndarray
    """float64 [CONTOUR_FRAMES] sounding pitch while a note is held, nan elsewhere."""
    keys: np.ndarray
    """int [CONTOUR_FRAMES] the held MIDI key (-1 none)."""
    note_off_frames: list[int]


def _phrases(clip: ClipMelody) -> list[list[int]]:
    phrases: list[list[int]] = []
    for k, note in enumerate(clip.notes):
        if phrases and note.onset_s - clip.notes[k - 1].offset_s < 0.06:
            ref = np.median([clip.notes[i].pitch for i in phrases[-1] + [k]])
            if all(abs(clip.notes[i].pitch - ref) <= BEND_RANGE_SEMITONES - 2 for i in phrases[-1] + [k]):
                phrases[-1].append(k)
                continue
        phrases.append([k])
    return phrases


def choir_line(clip: ClipMelody, rng: np.random.Generator) -> ChoirLine:
    """Events for one choir clip (times in seconds from the clip start)."""
    program = int(rng.choice(CHOIR_PROGRAMS, p=CHOIR_PROGRAM_WEIGHTS))
    n = CONTOUR_FRAMES
    contour = pitch_contour(clip.notes, draw_style(rng), rng, n)
    volume = int(rng.integers(90, 121))
    events: list[Event] = []
    for ch in CHOIR_CHANNELS:
        events += [(-1.0, mido.Message("program_change", channel=ch, program=program)),
                   (-1.0, mido.Message("control_change", channel=ch, control=7, value=volume))]
    midi = np.full(n, np.nan)
    keys = np.full(n, -1)
    offs: list[int] = []
    t = np.arange(n) * CONTOUR_PERIOD_S
    for number, phrase in enumerate(_phrases(clip)):
        ch = CHOIR_CHANNELS[number % len(CHOIR_CHANNELS)]
        first, last = clip.notes[phrase[0]], clip.notes[phrase[-1]]
        a = max(0, round(first.onset_s / CONTOUR_PERIOD_S))
        b = min(n, round(last.offset_s / CONTOUR_PERIOD_S))
        if b - a < 4:
            continue
        key = round(np.median([clip.notes[i].pitch for i in phrase]))
        bend = np.clip(np.round((contour[a:b] - key) / BEND_RANGE_SEMITONES * 8192), -8192, 8191)
        sounding = key + bend / 8192 * BEND_RANGE_SEMITONES
        midi[a:b], keys[a:b] = sounding, key
        start = first.onset_s if first.onset_s >= 0 else -0.3
        events.append((start - 0.002, mido.Message("pitchwheel", channel=ch, pitch=int(bend[0]))))
        events.append((start, mido.Message("note_on", channel=ch, note=key,
                                           velocity=int(rng.integers(70, 118)))))
        changes = np.flatnonzero(np.diff(bend)) + 1
        events += [(t[a + j], mido.Message("pitchwheel", channel=ch, pitch=int(bend[j])))
                   for j in changes]
        expression = np.clip(100 + rng.uniform(-25, 20) * np.linspace(0, 1, (b - a + 9) // 10), 30, 127)
        events += [(t[a] + 0.05 * j, mido.Message("control_change", channel=ch, control=11,
                                                 value=int(v))) for j, v in enumerate(expression)]
        end = t[b - 1] + CONTOUR_PERIOD_S
        events.append((end, mido.Message("note_off", channel=ch, note=key)))
        fade = rng.uniform(*RELEASE_FADE_S)  # GM choir releases ring for seconds; a singer stops
        for j, level in enumerate(np.linspace(expression[-1], 0, 9)[1:]):
            events.append((end + fade * (j + 1) / 8, mido.Message("control_change", channel=ch,
                                                                  control=11, value=int(level))))
        events.append((end + fade + 0.01, mido.Message("control_change", channel=ch, control=120, value=0)))
        offs.append(b)
    return ChoirLine(events, program, midi, keys, offs)


def choir_labels(line: ChoirLine, audio: np.ndarray, tuning_cents: np.ndarray) -> np.ndarray:
    """float32 [LABEL_FRAMES] f0 labels of a rendered choir clip (see module docstring)."""
    midi = line.midi.copy()
    held = np.isfinite(midi)
    midi[held] += tuning_cents[line.keys[held]] / 100.0
    labels = np.where(held, midi_to_hz(np.where(held, midi, 69.0)), 0.0)[::2][:LABEL_FRAMES]
    level = frame_levels_db(audio)
    for off in line.note_off_frames:
        i = (off - 1) // 2  # last held label frame
        if i < 0 or i >= LABEL_FRAMES or labels[i] <= 0:
            continue
        ref = np.max(level[max(0, i - 20):i + 1])
        for j in range(i + 1, min(LABEL_FRAMES, i + 1 + int(MAX_TAIL_S / 0.01))):
            if labels[j] > 0 or level[j] < ref - TAIL_DB:
                break
            labels[j] = labels[i]
    return gate_labels(labels.astype(np.float32), audio)
