"""Ticks to seconds for a Standard MIDI File, honouring every tempo change.

A MIDI file counts time in ticks; ``set_tempo`` meta events (microseconds per
quarter note, default 500 000 = 120 BPM) say how long a tick lasts from that
point on. :class:`TempoMap` integrates the piecewise-constant tempo once, so
``seconds(tick)`` is a binary search plus one multiply.

In type 0 and type 1 files tempo events in any track apply to all tracks; in
type 2 files each track is its own song, so build the map from that track only.
SMPTE time division (negative ``ticks_per_beat`` in mido) means fixed ticks per
second and ignores tempo events.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

import mido

DEFAULT_TEMPO_US = 500_000
"""Microseconds per quarter note when a file sets no tempo (120 BPM)."""


def smpte_ticks_per_second(ticks_per_beat: int) -> float | None:
    """Ticks per second of an SMPTE division (negative in mido), else None."""
    if ticks_per_beat >= 0:
        return None
    division = ticks_per_beat & 0xFFFF
    frames = 256 - (division >> 8)
    fps = 29.97 if frames == 29 else float(frames)
    return fps * max(division & 0xFF, 1)


def match_tolerance(ticks_per_beat: int) -> int:
    """Ticks within which two events count as simultaneous: a 32nd note
    (1/8 beat), or 1/16 s for SMPTE time."""
    per_second = smpte_ticks_per_second(ticks_per_beat)
    if per_second is not None:
        return max(1, int(per_second / 16))
    return max(1, ticks_per_beat // 8)


class TempoMap:
    """Piecewise-linear tick -> seconds map.

    ticks_per_beat: the file's division (> 0 for metrical time; < 0 is the
    SMPTE form ``-(frames_per_second << 8) - ticks_per_frame`` as mido reads it).
    tempo_changes: (tick, microseconds per quarter note) pairs, any order.
    """

    def __init__(self, ticks_per_beat: int, tempo_changes: Iterable[tuple[int, int]] = ()):
        self._smpte_ticks_per_s = smpte_ticks_per_second(ticks_per_beat)
        if ticks_per_beat == 0:
            raise ValueError("MIDI time division is 0")
        self.ticks_per_beat = ticks_per_beat
        changes = sorted(
            ((max(int(t), 0), int(us)) for t, us in tempo_changes if us > 0),
            key=lambda change: change[0],
        )
        if not changes or changes[0][0] != 0:
            changes.insert(0, (0, DEFAULT_TEMPO_US))
        # several changes on one tick: the last one wins
        dedup: dict[int, int] = {}
        for tick, tempo in changes:
            dedup[tick] = tempo
        self._ticks = sorted(dedup)
        self._tempos = [dedup[t] for t in self._ticks]
        self._starts_s = [0.0]
        for i in range(1, len(self._ticks)):
            span = self._ticks[i] - self._ticks[i - 1]
            self._starts_s.append(self._starts_s[-1] + self._span_s(span, self._tempos[i - 1]))

    def _span_s(self, ticks: float, tempo_us: int) -> float:
        return ticks * tempo_us / (1_000_000 * self.ticks_per_beat)

    def seconds(self, tick: float) -> float:
        """Seconds from the start of the file to ``tick`` (float, >= 0)."""
        if self._smpte_ticks_per_s is not None:
            return max(tick, 0) / self._smpte_ticks_per_s
        if tick <= 0:
            return 0.0
        i = bisect_right(self._ticks, tick) - 1
        return self._starts_s[i] + self._span_s(tick - self._ticks[i], self._tempos[i])

    @property
    def first_bpm(self) -> float:
        """The tempo at tick 0 in quarter notes per minute."""
        return 60_000_000 / self._tempos[0]

    @classmethod
    def from_tracks(cls, ticks_per_beat: int, tracks: Iterable[mido.MidiTrack]) -> TempoMap:
        """Collect every ``set_tempo`` event of ``tracks`` (absolute ticks)."""
        changes = []
        for track in tracks:
            tick = 0
            for msg in track:
                tick += msg.time
                if msg.type == "set_tempo":
                    changes.append((tick, msg.tempo))
        return cls(ticks_per_beat, changes)
