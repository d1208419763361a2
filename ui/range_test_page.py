"""Find my range: the guided range test, a slide on "ah" from the lowest to the highest note.

The record view is the shared :class:`ui.record_panel.RecordPanel` (level
meter, live pitch trace) under the instructions; the result view shows the
range on a keyboard strip with large "Use this range" and "Try again"
buttons, or — when the take shows no range — what to do instead. The take is
measured on the analysis thread (:meth:`app.take_analysis.Analyst.measure_range`,
rules in :mod:`app.range_test`). ``range_chosen((low, high))`` says the
singer chose the result; what happens to it (saved, or kept for this singer
only in kiosk mode) is :class:`ui.singer_range.SingerRange`'s business.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.audio_source import AudioSource
from app.melody_stats import note_name
from app.range_test import NO_SINGING, TOO_NARROW, TOO_SHORT, MeasuredRange
from ui.analysis_runner import AnalysisRunner
from ui.live_views import KeyboardStrip
from ui.record_panel import RecordPanel
from ui.take_page import TakePage, take_error_text

RANGE_MAX_S = 20.0
"""A range-test take ends by itself after this long."""
RANGE_GUIDE_S = 5.0
"""Sung seconds at which the progress bar is full (a slow slide up and down)."""
RANGE_SILENCE_STOP_S = 1.5
"""Silence that ends a range test once two seconds were sung."""
BIG_BUTTON_HEIGHT = 64

PROBLEM_WORDS = {
    NO_SINGING: QT_TRANSLATE_NOOP("RangeTestPage", "No singing was heard. Sing “ah” and slide "
                                                   "from your lowest to your highest note."),
    TOO_SHORT: QT_TRANSLATE_NOOP("RangeTestPage", "That was too short. Slide slowly, over 3–10 "
                                                  "seconds, from your lowest to your highest note."),
    TOO_NARROW: QT_TRANSLATE_NOOP("RangeTestPage", "Slide further: start on your lowest comfortable "
                                                   "note and go up to your highest."),
}


class RangeTestPage(TakePage):
    range_chosen = Signal(object)
    """(low_midi, high_midi) the singer chose to use."""
    back_requested = Signal()

    def __init__(self, runner: AnalysisRunner, source_factory: Callable[[], AudioSource], *,
                 kiosk: bool = False, parent=None) -> None:
        self.measured: MeasuredRange | None = None
        panel = RecordPanel(
            source_factory, record_text=QCoreApplication.translate("RangeTestPage", "●  Start"),
            guide_s=RANGE_GUIDE_S, kiosk=kiosk,
            guidance=QCoreApplication.translate(
                "RangeTestPage", "Sing “ah” from your lowest comfortable note and slide up to your "
                "highest. Go slowly and hold the bottom and the top for a moment; recording stops "
                "by itself when you stop."),
            recorder_options={"max_s": RANGE_MAX_S, "min_sung_s": 2.0,
                              "silence_stop_s": RANGE_SILENCE_STOP_S})
        super().__init__(runner, panel, parent)
        head = QHBoxLayout()
        title = QLabel(self.tr("Find my range"))
        title.setObjectName("voiceTitle")
        head.addWidget(title, 1)
        self.back_button = QPushButton(self.tr("Back"), minimumHeight=BIG_BUTTON_HEIGHT,
                                       minimumWidth=140)
        self.back_button.clicked.connect(self.leave)
        head.addWidget(self.back_button)
        self.layout().insertLayout(0, head)

    def results_view(self) -> QWidget:
        view = QWidget()
        self.results.setParent(view)  # no song list here
        self.results.hide()
        layout = QVBoxLayout(view)
        self.result_label = QLabel("", wordWrap=True)
        self.result_label.setObjectName("voiceTitle")
        layout.addWidget(self.result_label)
        self.keyboard = KeyboardStrip()
        layout.addWidget(self.keyboard)
        self.detail_label = QLabel("", wordWrap=True)
        layout.addWidget(self.detail_label)
        buttons = QHBoxLayout()
        self.use_button = QPushButton(self.tr("Use this range"), minimumHeight=BIG_BUTTON_HEIGHT,
                                      minimumWidth=220)
        self.use_button.clicked.connect(self.use_range)
        self.try_again_button = QPushButton(self.tr("Try again"), minimumHeight=BIG_BUTTON_HEIGHT,
                                            minimumWidth=220)
        self.try_again_button.clicked.connect(self.try_again)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.try_again_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return view

    # --- flow --------------------------------------------------------------------------
    def take_ready(self, audio, pitch=None) -> None:
        """A finished range-test take (float32 [L] mono 16 kHz; its PitchTrack or None)."""
        self.measured = None
        self.result_label.setText(self.tr("Measuring your range…"))
        self.detail_label.setText("")
        self.keyboard.set_range(None, None)
        self.use_button.setVisible(False)
        self.show_results_view()
        self.submit(lambda a: a.measure_range(audio, pitch), self.show_measured, self.show_error)

    def show_measured(self, measured: MeasuredRange) -> None:
        self.measured = measured
        low, high = measured.low_midi, measured.high_midi
        self.keyboard.set_range(low, high)
        self.use_button.setVisible(measured.ok)
        if measured.ok:
            self.result_label.setText(self.tr("Your range: {0}–{1} ({2} semitones)").format(
                note_name(low), note_name(high), measured.semitones))
            self.detail_label.setText(self.tr(
                "Use it, and the keys of the songs suggested for you are chosen for this range."))
            return
        self.result_label.setText(self.tr(PROBLEM_WORDS[measured.problem]))
        self.detail_label.setText(self.tr("Heard: {0}–{1}").format(note_name(low), note_name(high))
                                  if low is not None else "")

    def show_error(self, exc: Exception) -> None:
        self.measured = None
        self.use_button.setVisible(False)
        self.result_label.setText(self.tr("Could not measure your range"))
        self.detail_label.setText(take_error_text(exc) or self.tr("Analysis failed: {0}").format(exc))

    def try_again(self) -> None:
        """"Try again": back to the instructions and the record button."""
        self.measured = None
        self.record_again()

    def use_range(self) -> None:
        """"Use this range": hand the result on and be ready for the next test."""
        measured = self.measured
        if measured is None or not measured.ok:
            return
        self.reset()
        self.range_chosen.emit((measured.low_midi, measured.high_midi))

    def leave(self) -> None:
        """"Back": stop any take, forget this test, go back."""
        self.reset()
        self.back_requested.emit()

    def forget(self) -> None:
        self.measured = None
