"""Runs take analysis and searches off the UI thread, always on the same thread.

The :class:`app.take_analysis.Analyst` holds a SQLite connection and indexes
opened on it, so its work goes to a pool of one thread that never retires;
jobs queue behind each other. Outcomes come back on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool

from app.take_analysis import Analyst
from ui.background import run_task


class AnalysisRunner(QObject):
    def __init__(self, db_path: Path, parent=None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)
        self.analyst = Analyst(db_path)
        self.busy = 0
        self.closed = False

    def submit(self, job: Callable[[Analyst], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None],
               on_progress: Callable[[int, int], None] | None = None) -> None:
        """Run ``job(analyst)`` (or ``job(analyst, progress)`` when ``on_progress``
        is given) on the analysis thread; one callback gets its outcome, unless
        the runner was shut down meanwhile."""
        self.busy += 1

        def done(result):
            self.busy -= 1
            if not self.closed:
                on_done(result)

        def failed(exc):
            self.busy -= 1
            if not self.closed:
                on_error(exc)

        def work(progress):
            return job(self.analyst, progress) if on_progress else job(self.analyst)

        run_task(work, on_done=done, on_error=failed, pool=self.pool,
                 on_progress=(lambda d, t: None if self.closed else on_progress(d, t))
                 if on_progress else None)

    def catalog_changed(self) -> None:
        """Songs or singers changed: the next job reopens the indexes."""
        self.submit(lambda analyst: analyst.catalog_changed(), lambda _r: None, lambda _e: None)

    def shutdown(self) -> None:
        """Stop preparing, wait for queued jobs, close the connection (on the
        analysis thread); outcomes that arrive later are dropped."""
        self.closed = True
        self.analyst.cancel.set()
        run_task(lambda _progress: self.analyst.close(), on_done=lambda _r: None, pool=self.pool)
        self.pool.waitForDone(10_000)
