"""Library: the song list with instant search (Hangul-safe) and filters.

Searching reads through the UI thread's own catalog connection (a LIKE over a
few thousand rows takes a few milliseconds). Activating a row opens the song.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog_store import CatalogStore
from app.song_record import SINGER_GENDERS
from ui.song_table_model import SongTableModel

GENDER_WORDS = {"female": QT_TRANSLATE_NOOP("LibraryPage", "Female"),
                "male": QT_TRANSLATE_NOOP("LibraryPage", "Male"),
                "mixed": QT_TRANSLATE_NOOP("LibraryPage", "Mixed"),
                "unknown": QT_TRANSLATE_NOOP("LibraryPage", "Unknown")}
MAX_LISTED = 1000
"""Songs shown at once; a search narrows the list."""


class LibraryPage(QWidget):
    open_song = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.store: CatalogStore | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.refresh)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_box = QLineEdit(placeholderText=self.tr("Search title or artist · 제목/가수 검색 (ㅇㄹㄹ)"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumHeight(44)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.genre_box = QComboBox(minimumHeight=44)
        self.genre_box.addItem(self.tr("All genres"), None)
        self.genre_box.currentIndexChanged.connect(self.refresh)
        self.gender_box = QComboBox(minimumHeight=44)
        self.gender_box.addItem(self.tr("Any singer"), None)
        for gender in SINGER_GENDERS:
            self.gender_box.addItem(self.tr(GENDER_WORDS.get(gender, gender)), gender)
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
        self.table.verticalHeader().setDefaultSectionSize(40)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(lambda index: self.open_song.emit(
            int(self.model.song_at(index.row())["id"])))
        layout.addWidget(self.table, 1)
        self.count_label = QLabel("")
        layout.addWidget(self.count_label)
        self.search_box.setEnabled(False)

    def set_store(self, store: CatalogStore) -> None:
        """Show the catalog read through ``store`` (the UI thread's connection)."""
        self.store = store
        self.reload_genres()
        self.search_box.setEnabled(True)
        self.refresh()

    def reload_genres(self) -> None:
        current = self.genre_box.currentData()
        while self.genre_box.count() > 1:
            self.genre_box.removeItem(1)
        for genre in self.store.genres():
            self.genre_box.addItem(genre, genre)
        if current is not None and (i := self.genre_box.findData(current)) >= 0:
            self.genre_box.setCurrentIndex(i)

    def refresh(self) -> None:
        if self.store is None:
            return
        rows = self.store.search_songs(
            self.search_box.text(), limit=MAX_LISTED,
            genre=self.genre_box.currentData(), singer_gender=self.gender_box.currentData())
        self.model.set_rows(rows)
        total = self.store.count_songs()
        shown = self.tr("{0} shown").format(len(rows)) + (
            self.tr(" (refine the search to see more)") if len(rows) == MAX_LISTED else "")
        self.count_label.setText(self.tr("{0} songs in the catalog · {1}").format(total, shown))
