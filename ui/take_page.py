"""What the Sing and Hum screens share: a record view and a results view in a
stack, one take at a time, and outcomes of superseded takes ignored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.take_analysis import (
    LITTLE_HUMMING,
    LITTLE_SINGING,
    SILENT,
    TOO_SHORT,
    Analyst,
    TakeError,
)
from ui.analysis_runner import AnalysisRunner
from ui.record_panel import RecordPanel
from ui.result_list import ResultList

RECORD_VIEW, RESULTS_VIEW = 0, 1


def take_error_text(exc: Exception) -> str | None:
    """What to tell the singer about a take that cannot be analysed, in the
    window's language; None when ``exc`` is not a TakeError (a real failure)."""
    if not isinstance(exc, TakeError):
        return None
    texts = {
        TOO_SHORT: QCoreApplication.translate(
            "TakeErrors", "The recording is too short — sing or hum for a few seconds."),
        SILENT: QCoreApplication.translate(
            "TakeErrors", "The recording is silent — check the microphone and its level."),
        LITTLE_SINGING: QCoreApplication.translate(
            "TakeErrors", "Too little singing to hear your voice. Sing a little longer, with held notes."),
        LITTLE_HUMMING: QCoreApplication.translate(
            "TakeErrors", "Too little of a tune was heard. Hum the tune a little longer."),
    }
    return texts.get(exc.kind, str(exc))


class TakePage(QWidget):
    """Subclasses build ``results_view()`` (holding ``self.results``), handle
    ``take_ready(audio, pitch)`` and clear their own state in ``forget()``."""

    open_song = Signal(int)

    def __init__(self, runner: AnalysisRunner, panel: RecordPanel, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.panel = panel
        self._take = 0
        self.results = ResultList()
        self.results.open_song.connect(self.open_song)
        self.stack = QStackedWidget()
        self.stack.addWidget(panel)
        self.stack.addWidget(self.results_view())
        QVBoxLayout(self).addWidget(self.stack)
        panel.take_ready.connect(self.take_ready)

    def results_view(self) -> QWidget:
        raise NotImplementedError

    def take_ready(self, audio, pitch=None) -> None:
        """A finished take: float32 [L] mono 16 kHz, and its PitchTrack when the
        live encoder already has it (None: the analysis runs the melody model)."""
        raise NotImplementedError

    def forget(self) -> None:
        raise NotImplementedError

    def submit(self, job: Callable[[Analyst], Any], show: Callable[[Any], None],
               show_error: Callable[[Exception], None]) -> None:
        """Run ``job`` on the analysis thread for a new take; an older take's
        outcome arriving later is dropped."""
        self._take += 1
        take = self._take
        self.runner.submit(job, lambda result: take == self._take and show(result),
                           lambda exc: take == self._take and show_error(exc))

    def show_results_view(self) -> None:
        self.stack.setCurrentIndex(RESULTS_VIEW)

    def record_again(self) -> None:
        self.stack.setCurrentIndex(RECORD_VIEW)

    def reset(self) -> None:
        """Forget the last take and its results (kiosk idle), back to recording."""
        self.panel.shutdown()
        self._take += 1
        self.forget()
        self.results.clear()
        self.panel.trace.clear()
        self.panel.timer_label.setText("")
        self.panel.hint_label.setText("")
        self.record_again()
