"""Sing → my songs: record a take, see the voice summary and the songs that suit it.

Two views in a stack: the record view (:class:`ui.record_panel.RecordPanel`,
with "Find my range" beside it) and the results view (voice type, range on a
keyboard, a gender guess the singer can correct, and suggestion cards with
the key to sing each in). With a tested range (:meth:`SingPage.set_tested_range`)
the keys are chosen for it rather than for a guess from the take.
Analysis runs on the :class:`ui.analysis_runner.AnalysisRunner`'s thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio_source import AudioSource
from app.melody_stats import note_name
from app.take_analysis import VoiceAdvice
from app.take_recorder import SING_GUIDE_S, SING_MAX_S
from app.voice_take import with_gender
from ui.analysis_runner import AnalysisRunner
from ui.live_views import KeyboardStrip
from ui.record_panel import RecordPanel
from ui.song_cards import SuggestionCard
from ui.take_page import TakePage, take_error_text

SUGGESTIONS_SHOWN = 20

VOICE_TYPE_WORDS = {
    "bass": QT_TRANSLATE_NOOP("SingPage", "Bass"),
    "baritone": QT_TRANSLATE_NOOP("SingPage", "Baritone"),
    "tenor": QT_TRANSLATE_NOOP("SingPage", "Tenor"),
    "alto": QT_TRANSLATE_NOOP("SingPage", "Alto"),
    "mezzo-soprano": QT_TRANSLATE_NOOP("SingPage", "Mezzo-soprano"),
    "soprano": QT_TRANSLATE_NOOP("SingPage", "Soprano"),
}


class SingPage(TakePage):
    voice_measured = Signal(object)
    """(low_midi, high_midi) of a take whose range could be measured."""
    range_test_requested = Signal()
    """The singer pressed "Find my range"."""

    def __init__(self, runner: AnalysisRunner, source_factory: Callable[[], AudioSource], *,
                 kiosk: bool = False, parent=None) -> None:
        self.advice: VoiceAdvice | None = None
        self.tested_range: tuple[int, int] | None = None
        panel = RecordPanel(
            source_factory, record_text=QCoreApplication.translate("SingPage", "●  Sing"),
            guide_s=SING_GUIDE_S, kiosk=kiosk,
            guidance=QCoreApplication.translate(
                "SingPage", "Sing 8–20 seconds of any song you like — hold a few notes, "
                "low and high. Recording stops by itself when you stop singing."),
            recorder_options={"max_s": SING_MAX_S, "min_sung_s": 4.0})
        super().__init__(runner, panel, parent)
        self.find_range_button = QPushButton(self.tr("Find my range"), minimumHeight=64)
        self.find_range_button.clicked.connect(self.range_test_requested)
        panel.add_action(self.find_range_button)
        panel.recording_changed.connect(lambda recording: self.find_range_button.setEnabled(not recording))
        self.tested_label = QLabel("", wordWrap=True)
        panel.add_action(self.tested_label)

    def results_view(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        head = QHBoxLayout()
        self.voice_label = QLabel("")
        self.voice_label.setObjectName("voiceTitle")
        head.addWidget(self.voice_label, 1)
        self.again_button = QPushButton(self.tr("Sing again"))
        self.again_button.setMinimumHeight(44)
        self.again_button.clicked.connect(self.record_again)
        head.addWidget(self.again_button)
        test_button = QPushButton(self.tr("Find my range"), minimumHeight=44)
        test_button.clicked.connect(self.range_test_requested)
        head.addWidget(test_button)
        layout.addLayout(head)
        self.keyboard = KeyboardStrip()
        layout.addWidget(self.keyboard)
        self.keyboard_note = QLabel("", wordWrap=True)
        self.keyboard_note.setObjectName("cardReasons")
        layout.addWidget(self.keyboard_note)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Your voice:")))
        self.gender_group = QButtonGroup(self)
        for value, text in (("female", self.tr("Female")), ("male", self.tr("Male"))):
            button = QPushButton(text, checkable=True, minimumHeight=44)
            button.setProperty("gender", value)
            self.gender_group.addButton(button)
            row.addWidget(button)
        self.gender_group.buttonClicked.connect(lambda b: self.set_gender(b.property("gender")))
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Show:")))
        self.filter_box = QComboBox(minimumHeight=44)
        for data, text in ((None, self.tr("All songs")), ("female", self.tr("Female singers' songs")),
                           ("male", self.tr("Male singers' songs"))):
            self.filter_box.addItem(text, data)
        self.filter_box.currentIndexChanged.connect(lambda _i: self.resuggest())
        row.addWidget(self.filter_box)
        layout.addLayout(row)
        self.status_label = QLabel("", wordWrap=True)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results, 1)
        return view

    # --- flow --------------------------------------------------------------------------
    def take_ready(self, audio, pitch=None) -> None:
        """A finished take (float32 [L] mono 16 kHz; its PitchTrack or None) -> voice
        summary and suggestions."""
        self.advice = None
        self.results.clear()
        self.voice_label.setText(self.tr("Listening to your voice…"))
        self.status_label.setText("")
        self.keyboard.set_range(None, None)
        self.keyboard_note.setText("")
        self.show_results_view()
        tested = self.tested_range
        self.submit(lambda a: a.advise(audio, top=SUGGESTIONS_SHOWN, pitch=pitch, tested_range=tested),
                    self.show_advice, self.show_error)

    def show_advice(self, advice: VoiceAdvice) -> None:
        first = self.advice is None
        self.advice = advice
        voice = advice.voice
        if first and voice.range_low is not None:
            self.voice_measured.emit((voice.range_low, voice.range_high))
        kind = self.tr(VOICE_TYPE_WORDS.get(voice.voice_type or "", "")) or self.tr("Your voice")
        range_words = (f"{note_name(voice.range_low)}–{note_name(voice.range_high)}"
                       if voice.range_low is not None else self.tr("not measured — hold longer notes"))
        self.voice_label.setText(self.tr("{0} · range {1}").format(kind, range_words))
        self.keyboard.set_range(voice.range_low, voice.range_high, advice.range_used)
        low, high = advice.range_used
        if advice.range_tested:
            self.keyboard_note.setText(self.tr(
                "Gold: the notes heard in this take · pale gold: your tested range {0}–{1}, "
                "which the keys are chosen for").format(note_name(low), note_name(high)))
        else:
            self.keyboard_note.setText(self.tr(
                "Gold: the notes heard in this take · pale gold: the range the keys are chosen for "
                "(a guess — “Find my range” measures it)"))
        for button in self.gender_group.buttons():
            button.setChecked(button.property("gender") == voice.gender)
        if not advice.suggestions:
            self.status_label.setText(self.tr("No song in the catalog fits this voice yet."))
        elif advice.range_tested:
            self.status_label.setText(self.tr(
                "Songs for your voice, with the key to sing them in (keys chosen for your tested "
                "range {0}–{1}):").format(note_name(low), note_name(high)))
        else:
            self.status_label.setText(self.tr(
                "Songs for your voice, with the key to sing them in (keys chosen for {0}–{1}):").format(
                note_name(low), note_name(high)))
        tested = advice.range_tested
        self.results.show_cards(advice.suggestions,
                                lambda rank, s: SuggestionCard(rank, s, tested=tested))
        if (advice.range_used if tested else None) != self.tested_range:
            self.resuggest()  # the tested range changed while this take was analysed

    def show_error(self, exc: Exception) -> None:
        self.voice_label.setText(self.tr("Could not hear your voice"))
        message = take_error_text(exc) or self.tr("Analysis failed: {0}").format(exc)
        self.status_label.setText(message)

    def set_gender(self, gender: str) -> None:
        """The singer corrects the gender guess: voice type and suggestions follow."""
        if self.advice is not None and gender != self.advice.voice.gender:
            self.advice.voice = with_gender(self.advice.voice, gender)
            self.resuggest()

    def resuggest(self) -> None:
        if self.advice is None:
            return
        voice, wanted, tested = self.advice.voice, self.filter_box.currentData(), self.tested_range
        self.status_label.setText(self.tr("Updating the suggestions…"))
        self.submit(lambda a: a.suggest(voice, top=SUGGESTIONS_SHOWN, gender_filter=wanted,
                                        tested_range=tested),
                    self.show_advice, self.show_error)

    def set_tested_range(self, tested: tuple[int, int] | None) -> None:
        """The range keys are chosen for: a range test's (low, high) MIDI, or None
        for a guess from each take. Suggestions on screen follow at once."""
        tested = (int(tested[0]), int(tested[1])) if tested else None
        self.tested_label.setText(self.tr("Keys will be chosen for your tested range {0}–{1}.").format(
            note_name(tested[0]), note_name(tested[1])) if tested else "")
        if tested == self.tested_range:
            return
        self.tested_range = tested
        self.resuggest()

    def forget(self) -> None:
        self.advice = None
