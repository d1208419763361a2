"""A read-only Qt table model over song rows from ``CatalogStore.search_songs``."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.cli_format import duration_text, range_text

COLUMNS = (
    ("Title", lambda r: r["title"]),
    ("Artist", lambda r: r["artist"]),
    ("Genre", lambda r: r["genre"]),
    ("Range", lambda r: range_text(r["range_low"], r["range_high"])),
    ("Key", lambda r: r["original_key"] or ""),
    ("Length", lambda r: duration_text(r["duration_s"])),
)


class SongTableModel(QAbstractTableModel):
    """Rows are dicts with the columns of ``app.catalog_store.SONG_LIST_COLUMNS``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def song_at(self, row: int) -> dict:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](self._rows[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return self._rows[index.row()]["collection"] or None
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None
