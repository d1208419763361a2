"""Settings: the microphone (with a live level test), the saved range, language, kiosk.

Choices live in QSettings: ``audio/input_device`` (device name, empty = the
system default), ``ui/language`` ("en" or "ko", applied at the next start)
and ``kiosk/start_in_kiosk``; the saved range (``voice/range_*``) is kept by
:class:`ui.singer_range.SingerRange`. "Find my range" beside it asks the
window for the guided range test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio_devices import list_input_devices
from app.audio_source import AudioSource
from app.melody_stats import note_name
from app.microphone_source import MicrophoneSource
from app.take_recorder import TakeRecorder
from ui.background import run_task
from ui.capture_thread import CaptureThread
from ui.i18n import LANGUAGES
from ui.live_views import LevelMeter
from ui.singer_range import FROM_TEST, SingerRange

DEVICE_KEY = "audio/input_device"
LANGUAGE_KEY, KIOSK_KEY = "ui/language", "kiosk/start_in_kiosk"
LEVEL_TEST_S = 10.0
"""A level test listens for this long unless stopped."""


def microphone_factory(settings: QSettings) -> Callable[[], AudioSource]:
    """Opens the microphone chosen in Settings (or the best one) for each take."""
    return lambda: MicrophoneSource(settings.value(DEVICE_KEY, "") or None)


class SettingsPage(QWidget):
    range_test_requested = Signal()
    """The singer pressed "Find my range"."""

    def __init__(self, settings: QSettings, db_path: Path, *, kiosk: bool = False,
                 singer_range: SingerRange | None = None, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db_path = db_path
        self.kiosk = kiosk
        self.singer_range = singer_range or SingerRange(settings, kiosk=kiosk, parent=self)
        self.singer_range.changed.connect(self.show_range)
        self.test_thread: CaptureThread | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        device_row = QHBoxLayout()
        self.device_box = QComboBox(minimumHeight=44)
        self.device_box.currentIndexChanged.connect(self._device_chosen)
        self.test_button = QPushButton(self.tr("Test level"), minimumHeight=44)
        self.test_button.clicked.connect(self.toggle_level_test)
        device_row.addWidget(self.device_box, 1)
        device_row.addWidget(self.test_button)
        form.addRow(self.tr("Microphone"), device_row)
        self.meter = LevelMeter()
        self.device_note = QLabel("")
        form.addRow("", self.meter)
        form.addRow("", self.device_note)
        range_row = QHBoxLayout()
        self.range_label = QLabel("", wordWrap=True)
        self.find_range_button = QPushButton(self.tr("Find my range"), minimumHeight=44)
        self.find_range_button.clicked.connect(self.range_test_requested)
        forget = QPushButton(self.tr("Forget my range"), minimumHeight=44)
        forget.clicked.connect(self.forget_range)
        range_row.addWidget(self.range_label, 1)
        range_row.addWidget(self.find_range_button)
        range_row.addWidget(forget)
        form.addRow(self.tr("My range"), range_row)
        self.language_box = QComboBox(minimumHeight=44)
        for code, name in LANGUAGES:
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(
            settings.value(LANGUAGE_KEY, "en"))))
        self.language_box.currentIndexChanged.connect(lambda _i: self.settings.setValue(
            LANGUAGE_KEY, self.language_box.currentData()))
        form.addRow(self.tr("Language (after restart)"), self.language_box)
        self.kiosk_box = QCheckBox(self.tr("Start in kiosk mode (full screen, resets after a minute idle)"))
        self.kiosk_box.setChecked(settings.value(KIOSK_KEY, False, type=bool))
        self.kiosk_box.toggled.connect(lambda on: self.settings.setValue(KIOSK_KEY, on))
        form.addRow(self.tr("Kiosk"), self.kiosk_box)
        layout.addLayout(form)
        layout.addStretch(1)
        self.show_range()
        self.refresh_devices()

    # --- microphone ------------------------------------------------------------------
    def refresh_devices(self) -> None:
        """List input devices off the UI thread (PortAudio can be slow to answer)."""
        run_task(lambda _p: list_input_devices(), on_done=self._show_devices,
                 on_error=lambda exc: self._show_devices([], str(exc)))

    def _show_devices(self, devices, problem: str = "") -> None:
        self.device_box.blockSignals(True)
        self.device_box.clear()
        self.device_box.addItem(self.tr("System default"), "")
        for device in devices:
            self.device_box.addItem(device.label, device.name)
        chosen = self.settings.value(DEVICE_KEY, "")
        self.device_box.setCurrentIndex(max(0, self.device_box.findData(chosen)))
        self.device_box.blockSignals(False)
        if not devices:
            self.device_note.setText(problem or self.tr(
                "No microphone found. You can still use audio files on the Sing and Hum screens."))

    def _device_chosen(self, _index: int) -> None:
        self.settings.setValue(DEVICE_KEY, self.device_box.currentData() or "")

    def toggle_level_test(self) -> None:
        if self.test_thread is not None:
            self.test_thread.request_stop()
            return
        factory = microphone_factory(self.settings)
        thread = CaptureThread(factory, lambda: TakeRecorder(None, max_s=LEVEL_TEST_S,
                                                             give_up_s=LEVEL_TEST_S + 1), self)
        thread.update.connect(self._level_update)
        thread.failed.connect(self._test_failed)
        thread.take_finished.connect(lambda *_: self._test_over())
        thread.finished.connect(thread.deleteLater)
        self.test_thread = thread
        self.test_button.setText(self.tr("Stop test"))
        self.device_note.setText(self.tr("Sing or speak: the bar should reach the green zone."))
        thread.start()

    def _level_update(self, u: dict) -> None:
        self.meter.set_level(u["level_db"], u["peak"])

    def _test_failed(self, message: str) -> None:
        self._test_over()
        self.device_note.setText(message)

    def _test_over(self) -> None:
        self.test_thread = None
        self.test_button.setText(self.tr("Test level"))
        self.meter.set_level(-90.0, 0.0)

    # --- saved range --------------------------------------------------------------------
    def forget_range(self) -> None:
        self.singer_range.forget()

    def show_range(self) -> None:
        saved = self.singer_range.saved()
        if saved is None:
            self.range_label.setText(self.tr("Not measured yet — use “Find my range”.") if self.kiosk
                                     else self.tr("Not measured yet — use “Find my range” or sing on "
                                                  "the Sing screen."))
            return
        notes = f"{note_name(saved[0])}–{note_name(saved[1])}"
        if self.kiosk:
            text = self.tr("{0} · this singer's range test (forgotten after a minute idle)")
        elif saved[2] == FROM_TEST:
            text = self.tr("{0} · from a range test (keys are chosen for it)")
        else:
            text = self.tr("{0} · heard in your last take")
        self.range_label.setText(text.format(notes))

    def shutdown(self) -> None:
        if self.test_thread is not None:
            self.test_thread.request_stop()
            self.test_thread.wait(3000)
