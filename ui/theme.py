"""The look: a dark karaoke-room palette with large, touch-friendly controls."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

# Colours of the painted views (pitch trace, level meter, piano roll).
GRID_BG = QColor("#171a21")
GRID_LINE = QColor("#2a2f3a")
GRID_C_LINE = QColor("#4a5263")
PITCH_GOLD = QColor("#ffcc33")
"""The sung pitch and the notes of a melody."""
MUTED_TEXT = QColor("#aab2c0")

STYLE = """
QWidget { background: #101218; color: #e8ecf2; font-size: %(font)dpt; }
QPushButton { background: #232836; border: 1px solid #343b4d; border-radius: 10px;
              padding: 8px 16px; }
QPushButton:hover { background: #2c3345; }
QPushButton:checked { background: #3a4670; border-color: #6b7cff; }
QPushButton:disabled { color: #6b7280; }
QPushButton#navButton { font-size: %(nav)dpt; text-align: left; padding-left: 18px; }
QPushButton#recordButton { background: #d32f2f; color: white; border: none;
                           border-radius: 75px; font-size: %(nav)dpt; font-weight: bold; }
QPushButton#recordButton[recording="true"] { background: #6d1b1b; }
QPushButton#recordButton:disabled { background: #4a2a2a; color: #a08080; }
QLabel#guidance { font-size: %(nav)dpt; }
QLabel#hint { color: #ffb74d; font-weight: bold; }
QLabel#voiceTitle { font-size: %(title)dpt; font-weight: bold; }
QFrame#songCard { background: #181c26; border: 1px solid #2c3345; border-radius: 12px; }
QFrame#songCard QLabel { background: transparent; }
QLabel#cardRank { font-size: %(title)dpt; color: #6b7cff; min-width: 36px; }
QLabel#cardTitle { font-size: %(nav)dpt; font-weight: bold; }
QLabel#cardSubtitle, QLabel#cardReasons { color: #aab2c0; }
QLabel#cardKey { color: #ffd54f; font-weight: bold; }
QLineEdit, QComboBox { background: #1b1f2a; border: 1px solid #343b4d; border-radius: 8px;
                       padding: 4px 8px; }
QProgressBar { background: #1b1f2a; border: 1px solid #343b4d; border-radius: 5px;
               text-align: center; }
QProgressBar::chunk { background: #43a047; border-radius: 5px; }
QTableView { background: #141821; alternate-background-color: #191e29; gridline-color: #262c3a; }
QScrollBar:vertical { background: #141821; width: 14px; margin: 0; }
QScrollBar::handle:vertical { background: #3a4254; border-radius: 6px; min-height: 40px; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QHeaderView::section { background: #1b1f2a; padding: 6px; border: none; }
"""


def apply_theme(window: QWidget, *, kiosk: bool = False) -> None:
    """Style ``window`` and everything in it; kiosk mode uses larger type."""
    sizes = {"font": 15, "nav": 18, "title": 22} if kiosk else {"font": 11, "nav": 14, "title": 18}
    window.setStyleSheet(STYLE % sizes)
