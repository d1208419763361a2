"""Live views of a take: the input level meter and the scrolling pitch trace.

Both are painted widgets fed by the capture worker's small updates; neither
holds more than a few seconds of data.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.melody_stats import note_name
from inference.constants import MIDI_HIGH, MIDI_LOW
from ui.theme import GRID_BG, GRID_C_LINE, GRID_LINE, MUTED_TEXT, PITCH_GOLD

METER_FLOOR_DB = -60.0
"""Left end of the level meter, dBFS."""
GOOD_DB, HOT_DB = -30.0, -6.0
"""Level meter colours: grey below GOOD_DB, green up to HOT_DB, orange above, red at clipping."""
TRACE_SPAN_S = 8.0
"""Seconds of pitch shown across the trace."""


class LevelMeter(QWidget):
    """A horizontal bar from METER_FLOOR_DB to 0 dBFS with a peak marker."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(18)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.level_db = METER_FLOOR_DB
        self.peak = 0.0

    def set_level(self, level_db: float, peak: float) -> None:
        self.level_db, self.peak = float(level_db), float(peak)
        self.update()

    def _x(self, db: float) -> float:
        frac = (min(0.0, max(METER_FLOOR_DB, db)) - METER_FLOOR_DB) / -METER_FLOOR_DB
        return frac * self.width()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), GRID_BG)
        if self.peak >= 0.985:
            colour = QColor("#e53935")
        elif self.level_db >= HOT_DB:
            colour = QColor("#fb8c00")
        elif self.level_db >= GOOD_DB:
            colour = QColor("#43a047")
        else:
            colour = QColor("#607080")
        p.fillRect(QRectF(0, 0, self._x(self.level_db), self.height()), colour)
        peak_db = 20 * np.log10(self.peak) if self.peak > 0 else METER_FLOOR_DB
        p.setPen(QPen(QColor("white"), 2))
        x = self._x(peak_db)
        p.drawLine(int(x), 0, int(x), self.height())
        p.end()


class PitchTrace(QWidget):
    """The sung pitch scrolling right to left over a C2–C6 note grid.

    ``add_frames(times_s, midi)`` appends frames (float64 [k] seconds and MIDI,
    NaN = unvoiced); the newest TRACE_SPAN_S seconds are shown.
    """

    def __init__(self, parent=None, low: int = MIDI_LOW, high: int = MIDI_HIGH) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self.setMinimumSize(320, 220)
        self.clear()

    def clear(self) -> None:
        self.times = np.zeros(0)
        self.midi = np.zeros(0)
        self.update()

    @property
    def voiced_frames(self) -> int:
        """Frames with a pitch currently held for drawing."""
        return int(np.count_nonzero(~np.isnan(self.midi)))

    def add_frames(self, times_s: np.ndarray, midi: np.ndarray) -> None:
        if len(times_s) == 0:
            return
        self.times = np.concatenate([self.times, np.asarray(times_s, float)])
        self.midi = np.concatenate([self.midi, np.asarray(midi, float)])
        keep = self.times >= self.times[-1] - TRACE_SPAN_S
        self.times, self.midi = self.times[keep], self.midi[keep]
        self.update()

    def _y(self, midi: float, top: float, height: float) -> float:
        return top + (self.high + 0.5 - midi) / (self.high - self.low + 1) * height

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), GRID_BG)
        label_w, h = 44, self.height()
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        for m in range(self.low, self.high + 1):
            y = self._y(m, 0, h)
            is_c = m % 12 == 0
            if is_c or m % 12 in (4, 7):  # C, E, G rows
                p.setPen(QPen(GRID_C_LINE if is_c else GRID_LINE, 1))
                p.drawLine(label_w, int(y), self.width(), int(y))
            if is_c:
                p.setPen(MUTED_TEXT)
                p.drawText(QRectF(2, y - 9, label_w - 6, 18),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, note_name(m))
        if len(self.times):
            now = self.times[-1]
            width = self.width() - label_w
            xs = label_w + width * (1 - (now - self.times) / TRACE_SPAN_S)
            ys = self._y(self.midi, 0, h)
            p.setPen(QPen(PITCH_GOLD, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            voiced = ~np.isnan(self.midi)
            for i in range(1, len(xs)):
                if voiced[i] and voiced[i - 1] and abs(self.midi[i] - self.midi[i - 1]) < 1.5:
                    p.drawLine(int(xs[i - 1]), int(ys[i - 1]), int(xs[i]), int(ys[i]))
                elif voiced[i]:
                    p.drawPoint(int(xs[i]), int(ys[i]))
        p.end()


class KeyboardStrip(QWidget):
    """A C2–C6 keyboard: the range heard in the take in gold, the range the keys
    were chosen for (the singer's tested range, or the take's widened to at
    least 8 semitones) in pale gold."""

    def __init__(self, parent=None, low: int = MIDI_LOW, high: int = MIDI_HIGH) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self.range: tuple[int, int] | None = None
        self.used: tuple[int, int] | None = None
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_range(self, low: int | None, high: int | None,
                  used: tuple[int, int] | None = None) -> None:
        self.range = (int(low), int(high)) if low is not None and high is not None else None
        self.used = used
        self.update()

    def _colour(self, m: int, white: bool) -> QColor:
        if self.range and self.range[0] <= m <= self.range[1]:
            return QColor("#ffc107") if white else QColor("#c79a00")
        if self.used and self.used[0] <= m <= self.used[1]:
            return QColor("#fff0b3") if white else QColor("#8a7a40")
        return QColor("white") if white else QColor("#222")

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        whites = [m for m in range(self.low, self.high + 1) if m % 12 not in (1, 3, 6, 8, 10)]
        key_w = self.width() / len(whites)
        h = self.height() - 16
        x_of = {}
        for i, m in enumerate(whites):
            x_of[m] = i * key_w
            p.fillRect(QRectF(i * key_w, 0, key_w - 1, h), self._colour(m, True))
            if m % 12 == 0:
                p.setPen(QColor("#333"))
                p.drawText(QRectF(i * key_w, h, key_w * 3, 16), Qt.AlignmentFlag.AlignLeft, note_name(m))
        for m in range(self.low, self.high + 1):
            if m % 12 in (1, 3, 6, 8, 10) and m - 1 in x_of:
                x = x_of[m - 1] + key_w * 0.65
                p.fillRect(QRectF(x, 0, key_w * 0.7, h * 0.6), self._colour(m, False))
        p.end()
