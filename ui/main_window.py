"""Norae's main window (minimal for now): the song list with search and filters.

The catalog is opened — and on first run seeded with the demo catalog and its
indexes checked — in a worker thread; the window stays responsive and shows
progress meanwhile. Searching reads through the UI thread's own connection
(a LIKE over a few thousand rows takes a few milliseconds).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog_setup import open_catalog
from app.catalog_store import CatalogStore
from app.song_record import SINGER_GENDERS
from ui.background import run_task
from ui.song_table_model import SongTableModel

log = logging.getLogger("norae.ui")

MAX_LISTED = 1000
"""Songs shown at once; a search narrows the list."""


class MainWindow(QMainWindow):
    def __init__(self, db_path: Path, *, seed_demo: bool = True) -> None:
        super().__init__()
        self.db_path = db_path
        self.seed_demo = seed_demo
        self.store: CatalogStore | None = None
        self.setWindowTitle("Norae — 노래")
        self.resize(1000, 680)
        self._build()
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.refresh)

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.search_box = QLineEdit(placeholderText="Search title or artist · 제목/가수 검색 (ㅇㄹㄹ)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumHeight(40)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.genre_box = QComboBox()
        self.genre_box.addItem("All genres", None)
        self.genre_box.currentIndexChanged.connect(self.refresh)
        self.gender_box = QComboBox()
        self.gender_box.addItem("Any singer", None)
        for gender in SINGER_GENDERS:
            self.gender_box.addItem(gender.capitalize(), gender)
        self.gender_box.currentIndexChanged.connect(self.refresh)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.genre_box)
        bar.addWidget(self.gender_box)
        layout.addLayout(bar)
        self.model = SongTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel("Opening the catalog…")
        self.progress = QProgressBar(maximumWidth=240, visible=False)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.search_box.setEnabled(False)

    # --- catalog loading ---------------------------------------------------
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
        self.status_label.setText("Preparing the demo catalog…")
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _catalog_ready(self) -> None:
        self.progress.setVisible(False)
        self.store = CatalogStore(self.db_path)
        for genre in self.store.genres():
            self.genre_box.addItem(genre, genre)
        self.search_box.setEnabled(True)
        self.search_box.setFocus()
        self.refresh()
        log.info("window shows %d songs from %s", self.store.count_songs(), self.db_path)

    def _catalog_failed(self, exc: Exception) -> None:
        self.progress.setVisible(False)
        self.status_label.setText(f"Could not open the catalog: {exc}")
        log.error("could not open the catalog %s: %s", self.db_path, exc)

    # --- searching -----------------------------------------------------------
    def refresh(self) -> None:
        if self.store is None:
            return
        rows = self.store.search_songs(
            self.search_box.text(), limit=MAX_LISTED,
            genre=self.genre_box.currentData(), singer_gender=self.gender_box.currentData())
        self.model.set_rows(rows)
        total = self.store.count_songs()
        shown = f"{len(rows)} shown" + (" (refine the search to see more)"
                                         if len(rows) == MAX_LISTED else "")
        self.status_label.setText(f"{total} songs in the catalog · {shown}")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.store is not None:
            self.store.close()
            self.store = None
        super().closeEvent(event)
