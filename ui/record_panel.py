"""The record panel shared by the Sing and Hum screens.

A big record button, the live level meter with too-quiet / clipping hints, a
timer with guidance, the scrolling pitch trace, and (outside kiosk mode) "use
an audio file instead". When a take ends — by the button, by silence, at the
length limit, or at the end of a file standing in for the microphone — the
panel emits ``take_ready(audio, pitch)``: float32 [L] mono 16 kHz, and the
take's PitchTrack from the live encoder (None for a file: it is analysed from
scratch).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio_decode import decode_audio
from app.audio_source import AudioSource
from app.melody_extraction import shared_tracker
from app.take_recorder import CLIPPING, STOP_NOTHING_HEARD, TOO_QUIET, TakeRecorder
from ui.background import run_task
from ui.capture_thread import CaptureThread
from ui.live_views import LevelMeter, PitchTrace

AUDIO_FILTER = "Audio (*.wav *.flac *.ogg *.mp3 *.m4a *.aac *.opus);;All files (*)"


class RecordPanel(QWidget):
    """Record a take. ``recorder_options``: keyword arguments for TakeRecorder
    (max_s, min_sung_s ...). ``guide_s``: singing asked for (the progress bar
    fills at this many sung seconds)."""

    take_ready = Signal(object, object)
    recording_changed = Signal(bool)

    def __init__(self, source_factory: Callable[[], AudioSource], *, guidance: str, record_text: str,
                 guide_s: float, recorder_options: dict, kiosk: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.source_factory = source_factory
        self.recorder_options = recorder_options
        self.guide_s = guide_s
        self.record_text = record_text
        self.thread: CaptureThread | None = None
        self.last_stop_reason: str | None = None
        self._build(guidance, kiosk)

    def _build(self, guidance: str, kiosk: bool) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.record_button = QPushButton(self.record_text)
        self.record_button.setObjectName("recordButton")
        self.record_button.setMinimumSize(150, 150)
        self.record_button.clicked.connect(self.toggle)
        top.addWidget(self.record_button)
        side = QVBoxLayout()
        self.guidance_label = QLabel(guidance, wordWrap=True)
        self.guidance_label.setObjectName("guidance")
        self.timer_label = QLabel("")
        self.progress = QProgressBar(textVisible=False, maximumHeight=10)
        self.progress.setRange(0, 100)
        self.meter = LevelMeter()
        self.hint_label = QLabel("")
        self.hint_label.setObjectName("hint")
        self.file_button = QPushButton(self.tr("Use an audio file instead…"))
        self.file_button.setMinimumHeight(44)
        self.file_button.clicked.connect(self.choose_file)
        self.file_button.setVisible(not kiosk)
        for widget in (self.guidance_label, self.timer_label, self.progress, self.meter,
                       self.hint_label):
            side.addWidget(widget)
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.file_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.actions.addStretch(1)
        side.addLayout(self.actions)
        top.addLayout(side, 1)
        layout.addLayout(top)
        self.trace = PitchTrace()
        layout.addWidget(self.trace, 1)

    def add_action(self, widget: QWidget) -> None:
        """Put ``widget`` (another large button, a note) in the row beside
        "Use an audio file instead…", under the guidance."""
        self.actions.insertWidget(self.actions.count() - 1, widget, 0, Qt.AlignmentFlag.AlignVCenter)

    # --- recording ----------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.thread is not None

    def toggle(self) -> None:
        if self.recording:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        """Start a take from the microphone (or whatever ``source_factory`` gives)."""
        if self.recording:
            return
        self.trace.clear()
        self.hint_label.setText("")
        self.progress.setValue(0)
        options = self.recorder_options
        thread = CaptureThread(self.source_factory,
                               lambda: TakeRecorder(shared_tracker().stream(), **options), self)
        thread.update.connect(self._on_update)
        thread.take_finished.connect(self._on_finished)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(thread.deleteLater)
        self.thread = thread
        self.record_button.setText(self.tr("■  Stop"))
        self.record_button.setProperty("recording", True)
        self._restyle()
        thread.start()
        self.recording_changed.emit(True)

    def stop(self) -> None:
        """End the take now; it is analysed like one that ended by itself."""
        if self.thread is not None:
            self.thread.request_stop()

    def shutdown(self) -> None:
        """Stop and wait for the capture thread (window closing, kiosk reset)."""
        thread = self.thread
        if thread is not None:
            thread.take_finished.disconnect()
            thread.request_stop()
            thread.wait(3000)
            self._idle()

    def _idle(self) -> None:
        self.thread = None
        self.record_button.setText(self.record_text)
        self.record_button.setProperty("recording", False)
        self._restyle()
        self.meter.set_level(-90.0, 0.0)
        self.recording_changed.emit(False)

    def _restyle(self) -> None:
        self.record_button.style().unpolish(self.record_button)
        self.record_button.style().polish(self.record_button)

    def _on_update(self, u: dict) -> None:
        self.meter.set_level(u["level_db"], u["peak"])
        self.trace.add_frames(u["times_s"], u["midi"])
        elapsed = int(u["elapsed_s"])
        self.timer_label.setText(self.tr("{0}:{1:02d} recorded · {2:.1f} s sung").format(
            elapsed // 60, elapsed % 60, u["sung_s"]))
        self.progress.setValue(min(100, int(100 * u["sung_s"] / self.guide_s)))
        hints = {TOO_QUIET: self.tr("Too quiet — come closer to the microphone or sing louder."),
                 CLIPPING: self.tr("Too loud — the input is clipping. Step back or turn the gain down.")}
        self.hint_label.setText(hints.get(u["hint"], ""))

    def _on_finished(self, audio: np.ndarray, track, reason: str) -> None:
        self.last_stop_reason = reason
        self._idle()
        if reason == STOP_NOTHING_HEARD:
            self.hint_label.setText(self.tr("Nothing was heard. Check the microphone and try again."))
            return
        self.take_ready.emit(audio, track)

    def _on_failed(self, message: str) -> None:
        self._idle()
        self.hint_label.setText(message)

    # --- a file instead of the microphone -----------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a recording"), "", AUDIO_FILTER)
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Decode ``path`` off the UI thread and use it as the take."""
        self.hint_label.setText(self.tr("Reading {0}…").format(path.name))
        run_task(lambda _progress: decode_audio(path), on_done=self._file_decoded,
                 on_error=lambda exc: self.hint_label.setText(str(exc)))

    def _file_decoded(self, audio: np.ndarray) -> None:
        self.hint_label.setText("")
        self.take_ready.emit(audio, None)
