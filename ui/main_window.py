"""Norae's main window: Sing, Hum, Library, Import and Settings in one window.

A column of large buttons on the left switches the screens. The catalog is
opened — and on first run seeded with the demo catalog and its indexes
checked — in a worker thread; the window stays responsive and shows progress
meanwhile, and the record buttons wait until the catalog is ready. Takes are
analysed on the :class:`ui.analysis_runner.AnalysisRunner`'s thread, which is
also the one thread that writes the catalog (imports, plays, the similar-songs
training); similar songs are looked up on :class:`ui.similar_runner.SimilarRunner`'s.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.audio_source import AudioSource
from app.catalog_setup import open_catalog
from app.catalog_store import CatalogStore
from app.cooc_training import PlayRecorded, record_play, retrain_if_due
from app.paths import settings_path
from app.play_log import RoomClock
from ui.analysis_runner import AnalysisRunner
from ui.background import run_task
from ui.hum_page import HumPage
from ui.import_page import ImportPage
from ui.kiosk import IdleWatcher
from ui.library_page import LibraryPage
from ui.range_test_page import RangeTestPage
from ui.settings_page import SettingsPage, microphone_factory
from ui.similar_runner import SimilarRunner
from ui.sing_page import SingPage
from ui.singer_range import SingerRange
from ui.song_page import SongPage
from ui.theme import apply_theme

log = logging.getLogger("norae.ui")

SING, HUM, LIBRARY, IMPORT, SETTINGS, SONG, RANGE_TEST = range(7)


class MainWindow(QMainWindow):
    """source_factory: makes the AudioSource a take records from (default: the
    microphone chosen in Settings). kiosk: full screen, large targets, no file
    dialogs, back to the start screen after a minute idle."""

    catalog_ready = Signal()

    def __init__(self, db_path: Path, *, seed_demo: bool = True,
                 source_factory: Callable[[], AudioSource] | None = None, kiosk: bool = False,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.seed_demo = seed_demo
        self.kiosk = kiosk
        self.settings = settings or QSettings(str(settings_path()), QSettings.Format.IniFormat)
        self.store: CatalogStore | None = None
        self.runner = AnalysisRunner(self.db_path, self)
        self.similar = SimilarRunner(self.db_path, self)
        self.room = RoomClock()
        """This run's room sessions: plays less than two hours apart share one (app.play_log)."""
        self.source_factory = source_factory or microphone_factory(self.settings)
        self.singer_range = SingerRange(self.settings, kiosk=kiosk, parent=self)
        """The range keys are chosen for once a range test measured it (kiosk: this singer's only)."""
        self.setWindowTitle("Norae — 노래")
        self.resize(1100, 720)
        apply_theme(self, kiosk=kiosk)
        self._build()
        self.idle = IdleWatcher(self) if kiosk else None
        if self.idle is not None:
            self.idle.idle.connect(self.forget_session)

    def _build(self) -> None:
        central = QWidget(self)
        row = QHBoxLayout(central)
        nav = QVBoxLayout()
        self.nav_group = QButtonGroup(self)
        names = [self.tr("Sing"), self.tr("Hum"), self.tr("Library"), self.tr("Import"), self.tr("Settings")]
        for page, name in enumerate(names):
            button = QPushButton(name, checkable=True)
            button.setObjectName("navButton")
            button.setMinimumSize(120, 64)
            self.nav_group.addButton(button, page)
            nav.addWidget(button)
            if page == IMPORT and self.kiosk:
                button.setVisible(False)  # no files to pick in a karaoke room
        nav.addStretch(1)
        self.nav_group.idClicked.connect(self.show_page)
        row.addLayout(nav)
        self.stack = QStackedWidget()
        self.sing = SingPage(self.runner, self._source, kiosk=self.kiosk)
        self.hum = HumPage(self.runner, self._source, kiosk=self.kiosk)
        self.library = LibraryPage()
        # Imports write the catalog and the hum index: they queue on the
        # analysis thread so the index has one writer at a time.
        self.importer = ImportPage(self.db_path, kiosk=self.kiosk, pool=self.runner.pool)
        self.settings_page = SettingsPage(self.settings, self.db_path, kiosk=self.kiosk,
                                          singer_range=self.singer_range)
        self.song_page = SongPage()
        self.range_test = RangeTestPage(self.runner, self._source, kiosk=self.kiosk)
        for page in (self.sing, self.hum, self.library, self.importer, self.settings_page,
                     self.song_page, self.range_test):
            self.stack.addWidget(page)
        for page in (self.hum, self.library):
            page.open_song.connect(self.open_song)
        self.sing.open_song.connect(self._open_suggested_song)
        self.song_page.back_requested.connect(self.back)
        self.song_page.song_requested.connect(self.open_song)
        self.song_page.sing_requested.connect(self.sing_this)
        self.importer.catalog_changed.connect(self._catalog_changed)
        # A take's range is kept (outside kiosk mode) unless a range test's is;
        # a tested range is what the keys are chosen for.
        self.sing.voice_measured.connect(lambda r: self.singer_range.take_measured(*r))
        self.sing.range_test_requested.connect(self.open_range_test)
        self.settings_page.range_test_requested.connect(self.open_range_test)
        self.range_test.range_chosen.connect(self._range_chosen)
        self.range_test.back_requested.connect(self.back)
        self.singer_range.changed.connect(lambda: self.sing.set_tested_range(self.singer_range.tested()))
        self.sing.set_tested_range(self.singer_range.tested())
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel(self.tr("Opening the catalog…"))
        self.progress = QProgressBar(maximumWidth=240, visible=False)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self._previous = SING
        self.show_page(SING)
        self._set_recording_enabled(False)

    def _source(self) -> AudioSource:
        return self.source_factory()

    # --- navigation ------------------------------------------------------------------
    def show_page(self, page: int) -> None:
        if page not in (SONG, RANGE_TEST):
            self._previous = page
            self.nav_group.button(page).setChecked(True)
        self.stack.setCurrentIndex(page)

    def open_song(self, song_id: int, key_shift: int = 0) -> None:
        """Show a song's page (to be sung ``key_shift`` semitones from its key)
        and look up its similar songs."""
        if self.store is None:
            return
        if self.song_page.show_song(self.store, song_id, key_shift):
            self.song_page.show_similar_pending()
            self.similar.request(song_id, self._show_similar, self._similar_failed)
        self.show_page(SONG)

    def _open_suggested_song(self, song_id: int) -> None:
        """A suggestion's song page opens in the key the suggestion gave."""
        advice = self.sing.advice
        fits = [s.fit.key_shift for s in (advice.suggestions if advice else []) if s.song_id == song_id]
        self.open_song(song_id, fits[0] if fits else 0)

    def _show_similar(self, song_id: int, hits) -> None:
        if self.song_page.song_id == song_id:  # not a song the user has left meanwhile
            self.song_page.show_similar([
                {"song_id": h.song_id, "title": h.title, "artist": h.artist, "sources": h.sources}
                for h in hits])

    def _similar_failed(self, exc: Exception) -> None:
        self.song_page.show_similar([])
        log.error("could not find similar songs: %s", exc)

    def sing_this(self, song_id: int) -> None:
        """"Sing this": the room sings the page's song in the page's key. The
        play is written (and the similar-songs training redone when enough new
        plays came) on the writer thread."""
        play = self.room.play(song_id, self.song_page.key_shift)
        title = self.song_page.details.title if self.song_page.details else str(song_id)
        self.runner.submit(lambda analyst: record_play(analyst.store, play),
                           lambda done: self._play_recorded(title, done),
                           lambda exc: self.status_label.setText(
                               self.tr("Could not record the play: {0}").format(exc)))

    def _play_recorded(self, title: str, done: PlayRecorded) -> None:
        text = self.tr("Now singing: {0}").format(title)
        if done.retrained is not None:
            text += " · " + self.tr("similar songs updated from {0} sessions").format(
                done.retrained.sessions)
        self.status_label.setText(text)

    def back(self) -> None:
        self.show_page(self._previous)

    def open_range_test(self) -> None:
        """"Find my range" (Sing or Settings): the guided range test, from the start."""
        if self.settings_page.test_thread is not None:  # one user of the microphone at a time
            self.settings_page.test_thread.request_stop()
        if not self.range_test.panel.recording:
            self.range_test.reset()
        self.show_page(RANGE_TEST)

    def _range_chosen(self, tested: tuple[int, int]) -> None:
        """"Use this range": keys follow it (saved, or in kiosk mode for this singer only)."""
        self.singer_range.use_test(*tested)
        self.back()

    def forget_session(self) -> None:
        """Kiosk idle: drop the last singer's takes and results, back to the start
        (not while a take is being recorded or analysed: then wait again)."""
        if self.sing.panel.recording or self.hum.panel.recording or self.range_test.panel.recording \
                or self.runner.busy:
            self.idle.timer.start()
            return
        self.sing.reset()
        self.hum.reset()
        self.range_test.reset()
        self.singer_range.forget_singer()
        self.show_page(SING)

    # --- catalog loading --------------------------------------------------------------
    def load_catalog(self) -> None:
        """Open (and on first run seed) the catalog off the UI thread."""
        db_path, seed = self.db_path, self.seed_demo

        def work(progress):
            store = open_catalog(db_path, seed_demo=seed, ensure_index_files=True,
                                 seed_progress=progress, index_progress=progress)
            store.close()

        run_task(work, on_done=lambda _r: self._catalog_ready(),
                 on_error=self._catalog_failed, on_progress=self._show_progress)

    def _show_progress(self, done: int, total: int) -> None:
        self.status_label.setText(self.tr("Preparing the demo catalog…"))
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _catalog_ready(self) -> None:
        self.progress.setVisible(False)
        self.store = CatalogStore(self.db_path)
        self.library.set_store(self.store)
        self.status_label.setText(self.tr("{0} songs in the catalog").format(self.store.count_songs()))
        log.info("window shows %d songs from %s", self.store.count_songs(), self.db_path)
        self.catalog_ready.emit()
        self.runner.submit(lambda analyst, progress: analyst.prepare(progress),
                           on_done=self._prepared, on_error=self._prepare_failed,
                           on_progress=self._prepare_progress)

    def _prepare_progress(self, done: int, total: int) -> None:
        self.status_label.setText(self.tr("Preparing hum search: {0} of {1} songs…").format(done, total))
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _prepared(self, _result) -> None:
        # Everything alive now (models, indexes, Qt, modules) lives as long as
        # the app: keep it out of the cyclic collector, whose full passes over
        # it would otherwise pause every thread, the UI's included, for tens of ms.
        gc.freeze()
        self.progress.setVisible(False)
        self._set_recording_enabled(True)
        self.status_label.setText(self.tr("{0} songs in the catalog · ready to listen").format(
            self.store.count_songs()))
        log.info("ready to listen")
        # Plays that arrived while the app was closed (imported playlists) may make a training due.
        self.runner.submit(lambda analyst: retrain_if_due(analyst.store), lambda _stamp: None,
                           lambda exc: log.error("could not learn from the plays: %s", exc))

    def _prepare_failed(self, exc: Exception) -> None:
        self.progress.setVisible(False)
        self.status_label.setText(self.tr("Singing and humming are unavailable: {0}").format(exc))
        log.error("could not prepare the models and indexes: %s", exc)

    def _catalog_failed(self, exc: Exception) -> None:
        self.progress.setVisible(False)
        self.status_label.setText(self.tr("Could not open the catalog: {0}").format(exc))
        log.error("could not open the catalog %s: %s", self.db_path, exc)

    def _catalog_changed(self) -> None:
        self.runner.catalog_changed()
        if self.store is not None:
            self.library.reload_genres()
            self.library.refresh()
            self.status_label.setText(self.tr("{0} songs in the catalog").format(self.store.count_songs()))

    def _set_recording_enabled(self, enabled: bool) -> None:
        for page in (self.sing, self.hum, self.range_test):
            page.panel.record_button.setEnabled(enabled)
            page.panel.file_button.setEnabled(enabled)

    def closeEvent(self, event) -> None:
        self.sing.panel.shutdown()
        self.hum.panel.shutdown()
        self.range_test.panel.shutdown()
        self.importer.shutdown()
        self.settings_page.shutdown()
        self.similar.shutdown()
        self.runner.shutdown()
        if self.store is not None:
            self.store.close()
            self.store = None
        super().closeEvent(event)
