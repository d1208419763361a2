"""A scrolling column of song cards (suggestions or hum results).

Cards are built a few per turn of the event loop: twenty styled cards take
~100 ms to build, which the UI thread must never spend in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

CARDS_PER_TICK = 3


class ResultList(QScrollArea):
    """``show_cards(items, make_card)`` replaces the list with ``make_card(rank, item)``
    for each item (rank from 1); ``complete`` once all are built. A card's
    "Song page" button emits ``open_song(song_id)``."""

    open_song = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list = []
        self._pending: list = []
        self._make: Callable[[int, Any], QWidget] | None = None
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._build_some)
        self._reset()

    @property
    def complete(self) -> bool:
        return not self._pending

    def _reset(self) -> None:
        holder = QWidget()
        self._column = QVBoxLayout(holder)
        self._column.addStretch(1)
        self.setWidget(holder)  # deletes the previous holder and its cards
        holder.show()  # a widget set on a visible scroll area is not shown by itself
        self.cards = []

    def show_cards(self, items: Sequence, make_card: Callable[[int, Any], QWidget]) -> None:
        self._reset()
        self._make = make_card
        self._pending = list(items)
        self._build_some()

    def _build_some(self) -> None:
        for _ in range(min(CARDS_PER_TICK, len(self._pending))):
            card = self._make(len(self.cards) + 1, self._pending.pop(0))
            card.open_requested.connect(self.open_song)
            self._column.insertWidget(self._column.count() - 1, card)
            card.ensurePolished()  # the window's style sheet sets its fonts: size it with them
            card.show()  # children added to a visible widget stay hidden until shown
            self.cards.append(card)
        if self._pending:
            self._timer.start()

    def clear(self) -> None:
        self._pending = []
        self._timer.stop()
        self._reset()
