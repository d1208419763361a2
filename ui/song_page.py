"""The song page: one song's details, its melody as a piano roll, and similar songs.

Thin over :func:`app.song_details.song_details` (one small read on the UI
thread's own catalog connection) and :class:`ui.piano_roll.PianoRoll`.

    page = SongPage()
    page.back_requested.connect(show_library)
    page.sing_requested.connect(record_play)     # song id (its key: page.key_shift)
    page.show_song(store, song_id, key_shift=2)  # opened from a suggestion with its key
    page.show_similar_pending()                  # then show_similar(rows) when they come
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.catalog_store import CatalogStore
from app.song_details import SongDetails, song_details
from ui.piano_roll import PianoRoll

TOUCH_HEIGHT = 44
"""Minimum height of a touch target, in pixels."""
FACTS = ("genre", "year", "language", "singers", "range", "key", "length")
"""Rows of the facts table, in order (keys of ``SongPage.facts``)."""


class SongPage(QWidget):
    back_requested = Signal()
    sing_requested = Signal(int)
    """The room sings the shown song (its id) in ``key_shift``."""
    song_requested = Signal(int)
    """A similar song was picked (its id): show that one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.song_id: int | None = None
        self.key_shift = 0
        """Semitones the karaoke key is moved: the key of the suggestion the page was opened from."""
        self.details: SongDetails | None = None
        self._build()
        self.show_similar([])

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.back_button = self._button(self.tr("← Back"), self.back_requested.emit)
        self.sing_button = self._button(self.tr("Sing this"), self._sing)
        self.sing_button.setStyleSheet("font-weight: 600; padding: 0 24px;")
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        bar.addWidget(self.sing_button)
        layout.addLayout(bar)

        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 26px; font-weight: 600;")
        self.title_label.setWordWrap(True)
        self.artist_label = QLabel()
        self.artist_label.setStyleSheet("font-size: 16px;")
        layout.addWidget(self.title_label)
        layout.addWidget(self.artist_label)

        form = QFormLayout()
        names = {"genre": self.tr("Genre"), "year": self.tr("Year"),
                 "language": self.tr("Language"), "singers": self.tr("Singers"),
                 "range": self.tr("Range"), "key": self.tr("Key"), "length": self.tr("Length")}
        self.facts: dict[str, QLabel] = {}
        for name in FACTS:
            value = self.facts[name] = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(names[name] + ":", value)
        layout.addLayout(form)

        melody = QLabel(self.tr("Melody"))
        melody.setStyleSheet("font-weight: 600;")
        layout.addWidget(melody)
        self.piano_roll = PianoRoll()
        self.roll_scroll = QScrollArea()
        self.roll_scroll.setWidgetResizable(True)
        self.roll_scroll.setWidget(self.piano_roll)
        self.roll_scroll.setMinimumHeight(220)
        layout.addWidget(self.roll_scroll, 1)

        self.similar_heading = QLabel(self.tr("Similar songs"))
        self.similar_heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.similar_heading)
        self.similar_placeholder = QLabel()
        self.similar_placeholder.setStyleSheet("color: palette(mid);")
        self.source_labels = {"cooc": self.tr("sung together"), "content": self.tr("similar melody"),
                              "metadata": self.tr("same artist, genre or era"),
                              "voice": self.tr("similar voice")}
        layout.addWidget(self.similar_placeholder)
        self.similar_list = QListWidget()
        self.similar_list.itemClicked.connect(self._similar_picked)
        layout.addWidget(self.similar_list)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(TOUCH_HEIGHT)
        button.setMinimumWidth(120)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- showing a song --------------------------------------------------------
    def show_song(self, store: CatalogStore, song_id: int, key_shift: int = 0) -> bool:
        """Show song ``song_id`` of ``store``, to be sung ``key_shift`` semitones
        from its original key; False (and a plain message) when it is gone."""
        details = song_details(store, song_id)
        self.details = details
        self.song_id = details.song_id if details else None
        self.key_shift = int(key_shift)
        self.sing_button.setEnabled(details is not None)
        self.sing_button.setText(self.tr("Sing this") if not self.key_shift else
                                 self.tr("Sing this (key {0})").format(f"{self.key_shift:+d}"))
        self.show_similar([])
        if details is None:
            self.title_label.setText(self.tr("This song is no longer in the catalog."))
            self.artist_label.setText("")
            for label in self.facts.values():
                label.setText("")
            self.piano_roll.set_notes([])
            return False
        self.title_label.setText(details.title)
        self.artist_label.setText(details.artist or self.tr("Unknown artist"))
        rng = details.range_text
        if rng and details.tessitura_text and details.tessitura_text != rng:
            rng = self.tr("{range} (mostly {tessitura})").format(
                range=rng, tessitura=details.tessitura_text)
        values = {
            "genre": details.genre, "year": str(details.year or ""),
            "language": details.language, "singers": self.singers_text(details),
            "range": rng, "key": details.key, "length": details.length_text,
        }
        for name, value in values.items():
            self.facts[name].setText(value or "—")
        self.piano_roll.set_notes(details.notes)
        self.roll_scroll.horizontalScrollBar().setValue(0)
        return True

    def gender_text(self, gender: str) -> str:
        return {"female": self.tr("female"), "male": self.tr("male"), "mixed": self.tr("mixed"),
                }.get(gender, self.tr("gender unknown"))

    def singers_text(self, details: SongDetails) -> str:
        """``"Hana (female), Minho (male)"``; the song's singer gender when no one is named."""
        if details.singers:
            return ", ".join(f"{name} ({self.gender_text(gender)})"
                             for name, gender in details.singers)
        if details.singer_gender != "unknown":
            return self.tr("not named ({gender})").format(
                gender=self.gender_text(details.singer_gender))
        return ""

    def _sing(self) -> None:
        if self.song_id is not None:
            self.sing_requested.emit(self.song_id)

    # --- similar songs -------------------------------------------------------------
    def show_similar_pending(self) -> None:
        """Similar songs are being looked up: a quiet note until they come."""
        self.show_similar([])
        self.similar_placeholder.setText(self.tr("Finding similar songs…"))

    def show_similar(self, rows: list[dict]) -> None:
        """List similar songs: dicts with ``song_id``, ``title``, ``artist`` and
        either ``sources`` (names of :data:`app.similar_constants.SOURCES`, said
        in words) or a ready ``reason``. With no rows, a quiet note says so."""
        self.similar_list.clear()
        self.similar_placeholder.setText(self.tr("No similar songs found for this one yet."))
        for row in rows:
            text = f"{row['title']} — {row.get('artist') or self.tr('Unknown artist')}"
            reason = row.get("reason") or " · ".join(
                self.source_labels.get(s, s) for s in row.get("sources", []))
            if reason:
                text += f"  ·  {reason}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, int(row["song_id"]))
            item.setSizeHint(QSize(0, TOUCH_HEIGHT))
            self.similar_list.addItem(item)
        frame = 2 * self.similar_list.frameWidth()
        self.similar_list.setFixedHeight(min(len(rows), 5) * TOUCH_HEIGHT + frame)
        self.similar_list.setVisible(bool(rows))
        self.similar_heading.setVisible(bool(rows))
        self.similar_placeholder.setVisible(not rows)

    def similar_rows(self) -> list[tuple[int, str]]:
        """(song id, text) of each listed similar song, top to bottom."""
        return [(self.similar_list.item(i).data(Qt.ItemDataRole.UserRole),
                 self.similar_list.item(i).text()) for i in range(self.similar_list.count())]

    def _similar_picked(self, item: QListWidgetItem) -> None:
        self.song_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
