"""Hum → find a song: record a hummed, sung or whistled tune and see the matches.

The results view ranks songs with their confidence and where in the song the
tune matched; when no song is a confident match it says so plainly and shows
the closest guesses as guesses.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio_source import AudioSource
from app.hum_search import HumFilters
from app.take_analysis import HUM_CONFIDENT, HumAnswer
from app.take_recorder import HUM_MAX_S
from ui.analysis_runner import AnalysisRunner
from ui.record_panel import RecordPanel
from ui.song_cards import HumResultCard
from ui.take_page import RESULTS_VIEW, TakePage, take_error_text

RESULTS_SHOWN = 10
HUM_GUIDE_S = 10.0
"""Seconds of humming asked for (the search is much surer at 10 s than at 5 s)."""


class HumPage(TakePage):
    def __init__(self, runner: AnalysisRunner, source_factory: Callable[[], AudioSource], *,
                 kiosk: bool = False, parent=None) -> None:
        self.answer: HumAnswer | None = None
        self._audio = self._pitch = None
        panel = RecordPanel(
            source_factory, record_text=QCoreApplication.translate("HumPage", "●  Hum"),
            guide_s=HUM_GUIDE_S, kiosk=kiosk,
            guidance=QCoreApplication.translate(
                "HumPage", "Hum, sing or whistle about 10 seconds of the tune — any part, "
                "any key. Recording stops when you stop."),
            recorder_options={"max_s": HUM_MAX_S, "min_sung_s": 4.0})
        super().__init__(runner, panel, parent)

    def results_view(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        head = QHBoxLayout()
        self.verdict_label = QLabel("")
        self.verdict_label.setObjectName("voiceTitle")
        self.verdict_label.setWordWrap(True)
        head.addWidget(self.verdict_label, 1)
        head.addWidget(QLabel(self.tr("Singer:")))
        self.gender_box = QComboBox(minimumHeight=44)
        for data, text in ((None, self.tr("Anyone")), ("female", self.tr("Female")),
                           ("male", self.tr("Male")), ("mixed", self.tr("Mixed"))):
            self.gender_box.addItem(text, data)
        self.gender_box.currentIndexChanged.connect(lambda _i: self._search_again())
        head.addWidget(self.gender_box)
        again = QPushButton(self.tr("Hum again"), minimumHeight=44)
        again.clicked.connect(self.record_again)
        head.addWidget(again)
        layout.addLayout(head)
        self.status_label = QLabel("", wordWrap=True)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results, 1)
        return view

    def take_ready(self, audio, pitch=None) -> None:
        """A finished take (float32 [L] mono 16 kHz; its PitchTrack or None) -> ranked songs."""
        self._audio, self._pitch = audio, pitch
        self.answer = None
        self.results.clear()
        self.verdict_label.setText(self.tr("Searching for your tune…"))
        self.status_label.setText("")
        self.show_results_view()
        filters = HumFilters(gender=self.gender_box.currentData())
        self.submit(lambda a: a.find_song(audio, top=RESULTS_SHOWN, filters=filters, pitch=pitch),
                    self.show_answer, self.show_error)

    def _search_again(self) -> None:
        if self._audio is not None and self.stack.currentIndex() == RESULTS_VIEW:
            self.take_ready(self._audio, self._pitch)

    def show_answer(self, answer: HumAnswer) -> None:
        self.answer = answer
        if answer.found:
            best = answer.hits[0]
            self.verdict_label.setText(self.tr("Found it: {0}").format(best.title))
            self.status_label.setText(self.tr("Best matches first:"))
        else:
            self.verdict_label.setText(self.tr("Not found"))
            self.status_label.setText(
                self.tr("No song in the catalog matches this tune well. Try 10–15 seconds of "
                        "the chorus, or hum more clearly.")
                + (" " + self.tr("Closest guesses:") if answer.hits else ""))
        self.results.show_cards(answer.hits, lambda rank, hit: HumResultCard(
            rank, hit, hit.score >= HUM_CONFIDENT))

    def show_error(self, exc: Exception) -> None:
        self.verdict_label.setText(self.tr("Could not search"))
        self.status_label.setText(take_error_text(exc) or self.tr("Search failed: {0}").format(exc))

    def forget(self) -> None:
        self._audio = self._pitch = None
        self.answer = None
