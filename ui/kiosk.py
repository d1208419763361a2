"""Kiosk mode helpers: notice when nobody has touched the app for a while."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

IDLE_RESET_S = 60.0
"""Seconds without a touch, click or key before a kiosk returns to the start screen."""

_USER_EVENTS = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
                QEvent.Type.Wheel, QEvent.Type.TabletPress}


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_s`` without user input (any window of
    the app); every touch, click, key or wheel starts the wait again."""

    idle = Signal()

    def __init__(self, parent=None, timeout_s: float = IDLE_RESET_S) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True, interval=int(timeout_s * 1000))
        self.timer.timeout.connect(self.idle)
        QCoreApplication.instance().installEventFilter(self)
        self.timer.start()

    def set_timeout(self, timeout_s: float) -> None:
        self.timer.setInterval(int(timeout_s * 1000))
        self.timer.start()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _USER_EVENTS:
            self.timer.start()
        return False
