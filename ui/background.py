"""One helper for background work: run a function in a thread pool and get its
result (or error, or progress) back on the UI thread through Qt signals.

    run_task(lambda progress: slow(progress), on_done=show, on_error=complain)

The function never touches a widget; the callbacks run on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_running: set["_Task"] = set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, func: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.func = func
        self.signals = _Signals()

    def run(self) -> None:  # worker thread
        try:
            result = self.func(self.signals.progress.emit)
        except Exception as exc:  # reported to the UI thread, never lost
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_task(
    func: Callable[[Callable[[int, int], None]], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``func(progress)`` off the UI thread; deliver its outcome on the UI thread."""
    task = _Task(func)
    _running.add(task)

    def finish(callback, value) -> None:
        # Qt deletes the signals object once its queued events are done; only
        # then does Python let go of the task (deleting it directly is unsafe).
        task.signals.destroyed.connect(lambda: _running.discard(task))
        task.signals.deleteLater()
        if callback is not None:
            callback(value)

    task.signals.done.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    (pool or QThreadPool.globalInstance()).start(task)
