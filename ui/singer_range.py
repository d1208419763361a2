"""The singer's range as the window keeps it: measured by a range test, or
heard in the last take.

Outside kiosk mode it lives in QSettings: ``voice/range_low`` and
``voice/range_high`` (MIDI note numbers) and ``voice/range_source`` ("test"
or "take"; a range saved before range tests existed counts as "take"). A
tested range is the one song keys are chosen for, until it is forgotten or
tested again; a take's range is only shown, and never replaces a tested one.

In kiosk mode nothing is written to disk: a range test holds for the singer
at the microphone until :meth:`SingerRange.forget_singer` (the idle reset),
and takes are not kept at all.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

LOW_KEY, HIGH_KEY, SOURCE_KEY = "voice/range_low", "voice/range_high", "voice/range_source"
FROM_TEST, FROM_TAKE = "test", "take"


class SingerRange(QObject):
    """The saved (or, in kiosk mode, this singer's) range; ``changed`` after every change."""

    changed = Signal()

    def __init__(self, settings: QSettings, *, kiosk: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.kiosk = kiosk
        self._singer: tuple[int, int] | None = None
        """Kiosk mode: the current singer's tested range, in memory only."""

    def saved(self) -> tuple[int, int, str] | None:
        """(low MIDI, high MIDI, FROM_TEST or FROM_TAKE), or None when nothing is kept."""
        if self.kiosk:
            return (*self._singer, FROM_TEST) if self._singer else None
        low, high = self.settings.value(LOW_KEY), self.settings.value(HIGH_KEY)
        if low in (None, "") or high in (None, ""):
            return None
        source = self.settings.value(SOURCE_KEY, FROM_TAKE)
        return int(low), int(high), FROM_TEST if source == FROM_TEST else FROM_TAKE

    def tested(self) -> tuple[int, int] | None:
        """The range a range test measured and the singer chose: keys are fitted to it."""
        saved = self.saved()
        return (saved[0], saved[1]) if saved and saved[2] == FROM_TEST else None

    def use_test(self, low: int, high: int) -> None:
        """The singer chose a range test's result ("Use this range")."""
        if self.kiosk:
            self._singer = (int(low), int(high))
        else:
            self._write(low, high, FROM_TEST)
        self.changed.emit()

    def take_measured(self, low: int | None, high: int | None) -> None:
        """A take's sustained range: kept unless a tested range is (never in kiosk mode)."""
        if self.kiosk or low is None or high is None or self.tested() is not None:
            return
        self._write(low, high, FROM_TAKE)
        self.changed.emit()

    def forget(self) -> None:
        """"Forget my range": the saved (kiosk: this singer's) range goes."""
        self._singer = None
        if not self.kiosk:
            for key in (LOW_KEY, HIGH_KEY, SOURCE_KEY):
                self.settings.remove(key)
        self.changed.emit()

    def forget_singer(self) -> None:
        """Kiosk idle reset: the singer who tested their range has left."""
        if self.kiosk and self._singer is not None:
            self.forget()

    def _write(self, low: int, high: int, source: str) -> None:
        self.settings.setValue(LOW_KEY, int(low))
        self.settings.setValue(HIGH_KEY, int(high))
        self.settings.setValue(SOURCE_KEY, source)
