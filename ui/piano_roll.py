"""A song's melody drawn as a piano roll: note bars over pitch rows, C rows
labelled, seconds along the bottom.

:class:`RollLayout` is the pure geometry (no Qt): which pitch rows, how many
pixels per second, where each note bar goes. :class:`PianoRoll` paints it and
exposes what it draws (``notes()``, ``pitch_bounds()``, ``note_rects()``,
``row_labels()``) so tests check the drawing without reading pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.melody_stats import note_name
from app.song_record import Note
from ui.theme import GRID_BG, GRID_C_LINE, GRID_LINE, MUTED_TEXT, PITCH_GOLD

GUTTER_PX = 44
"""Left margin holding the C note labels."""
AXIS_PX = 22
"""Bottom margin holding the seconds."""
TOP_PX, RIGHT_PX = 6, 8
PAD_SEMITONES = 2
"""Empty rows kept above the highest and below the lowest note."""
MIN_ROWS = 13
"""At least an octave (and a note) of rows, so a narrow melody is not blown up."""
MIN_PX_PER_S = 14.0
"""Below this a long song makes the roll wider than its view (it scrolls)."""
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120)
MIN_TICK_PX = 56.0

BLACK_KEY_ROW = QColor("#1e222b")
NOTE_EDGE = QColor("#b38600")

_BLACK_KEYS = (1, 3, 6, 8, 10)


def pitch_bounds(notes: Sequence[Note]) -> tuple[int, int]:
    """Lowest and highest MIDI row drawn (inclusive) for ``notes``: their span,
    padded by PAD_SEMITONES and widened to MIN_ROWS; C3–C5-ish when empty."""
    if not notes:
        return 54, 66
    low = math.floor(min(n.pitch for n in notes) + 0.5) - PAD_SEMITONES
    high = math.floor(max(n.pitch for n in notes) + 0.5) + PAD_SEMITONES
    missing = MIN_ROWS - (high - low + 1)
    if missing > 0:
        low -= missing // 2
        high += missing - missing // 2
    return low, high


def song_length_s(notes: Sequence[Note]) -> float:
    """Seconds from 0 to the end of the last note (at least 1)."""
    return max([1.0, *(n.offset_s for n in notes)])


def min_roll_width(notes: Sequence[Note]) -> int:
    """Pixels the roll needs so that a second is at least MIN_PX_PER_S wide."""
    return int(GUTTER_PX + RIGHT_PX + song_length_s(notes) * MIN_PX_PER_S)


class RollLayout:
    """Where everything goes on a ``width`` x ``height`` pixel roll of ``notes``.

    Rows are one semitone each, from ``high`` at the top to ``low`` at the
    bottom; time runs left to right from 0 to ``length_s`` seconds.
    """

    def __init__(self, notes: Sequence[Note], width: float, height: float) -> None:
        self.notes = list(notes)
        self.low, self.high = pitch_bounds(self.notes)
        self.length_s = song_length_s(self.notes)
        self.plot_w = max(1.0, width - GUTTER_PX - RIGHT_PX)
        self.plot_h = max(1.0, height - TOP_PX - AXIS_PX)
        self.px_per_s = self.plot_w / self.length_s
        self.row_h = self.plot_h / (self.high - self.low + 1)

    def x(self, seconds: float) -> float:
        return GUTTER_PX + seconds * self.px_per_s

    def row_top(self, midi: int) -> float:
        """Top pixel of the row of MIDI note ``midi``."""
        return TOP_PX + (self.high - midi) * self.row_h

    def note_rects(self) -> list[tuple[float, float, float, float]]:
        """(x, y, width, height) in pixels of each note bar, in note order."""
        rects = []
        for note in self.notes:
            row = math.floor(note.pitch + 0.5)
            width = max(2.0, note.duration_s * self.px_per_s - 1.0)
            rects.append((self.x(note.onset_s), self.row_top(row) + 1.0, width,
                          max(2.0, self.row_h - 2.0)))
        return rects

    def c_rows(self) -> list[int]:
        """MIDI numbers of the C rows shown (those get a label and a stronger line)."""
        return [m for m in range(self.low, self.high + 1) if m % 12 == 0]

    def time_ticks(self) -> list[float]:
        """Seconds at which the axis is labelled: round steps at least MIN_TICK_PX apart."""
        step = next((s for s in TICK_STEPS_S if s * self.px_per_s >= MIN_TICK_PX),
                    TICK_STEPS_S[-1])
        return [float(t) for t in range(0, int(self.length_s) + 1, step)]


class PianoRoll(QWidget):
    """Paints a melody; put it in a QScrollArea (widgetResizable) for long songs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notes: list[Note] = []
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_notes(self, notes: Sequence[Note]) -> None:
        """Show ``notes`` (seconds, MIDI pitch); an empty list shows "no melody"."""
        self._notes = sorted(notes, key=lambda n: n.onset_s)
        self.setMinimumWidth(min_roll_width(self._notes) if self._notes else 0)
        self.update()

    def notes(self) -> list[Note]:
        return list(self._notes)

    def layout_now(self) -> RollLayout:
        """The geometry at the widget's current size."""
        return RollLayout(self._notes, self.width(), self.height())

    def pitch_bounds(self) -> tuple[int, int]:
        """(lowest, highest) MIDI row drawn, inclusive."""
        return pitch_bounds(self._notes)

    def note_rects(self) -> list[QRectF]:
        """The note bars as drawn now, one per note, in onset order."""
        return [QRectF(*r) for r in self.layout_now().note_rects()]

    def row_labels(self) -> list[str]:
        """The C labels drawn in the left gutter, top to bottom (e.g. ``["C5", "C4"]``)."""
        return [note_name(m) for m in reversed(self.layout_now().c_rows())]

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), GRID_BG)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        if not self._notes:
            p.setPen(MUTED_TEXT)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       self.tr("No melody is stored for this song."))
            p.end()
            return
        roll = self.layout_now()
        right = self.width() - RIGHT_PX
        for m in range(roll.low, roll.high + 1):
            top = roll.row_top(m)
            if m % 12 in _BLACK_KEYS:
                p.fillRect(QRectF(GUTTER_PX, top, right - GUTTER_PX, roll.row_h), BLACK_KEY_ROW)
            if m % 12 == 0:  # the line under each C, and its name
                p.setPen(QPen(GRID_C_LINE, 1))
                p.drawLine(int(GUTTER_PX), int(top + roll.row_h), int(right), int(top + roll.row_h))
                p.setPen(MUTED_TEXT)
                p.drawText(QRectF(2, top + roll.row_h / 2 - 9, GUTTER_PX - 8, 18),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, note_name(m))
        bottom = TOP_PX + roll.plot_h
        for t in roll.time_ticks():
            x = roll.x(t)
            p.setPen(QPen(GRID_LINE, 1))
            p.drawLine(int(x), TOP_PX, int(x), int(bottom))
            p.setPen(MUTED_TEXT)
            p.drawText(QRectF(x - 30, bottom + 2, 60, AXIS_PX - 4), Qt.AlignmentFlag.AlignCenter,
                       self.tr("{s} s").format(s=int(t)))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(NOTE_EDGE, 1))
        p.setBrush(PITCH_GOLD)
        radius = min(3.0, roll.row_h / 3)
        for rect in roll.note_rects():
            p.drawRoundedRect(QRectF(*rect), radius, radius)
        p.end()
