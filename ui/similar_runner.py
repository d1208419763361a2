"""Similar-songs lookups off the UI thread, on a reading thread of their own.

The engine (:func:`app.similar_songs.load_similar`) takes about half a second
to load on the demo catalog and a few ms per song after that; it lives on a
one-thread pool with its own read connection, so lookups never wait behind a
take's analysis or an import on the writer thread. Before each lookup the
cheap :func:`app.similar_songs.catalog_version` check reloads the engine when
songs, vectors or the co-occurrence training changed.

    runner = SimilarRunner(db_path, parent)
    runner.request(song_id, on_done=lambda song_id, hits: ..., on_error=...)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool

from app.catalog_store import CatalogStore
from app.similar_constants import DEFAULT_TOP
from app.similar_songs import SimilarHit, SimilarSongs, catalog_version, load_similar
from ui.background import run_task


class _Reader:
    """The reading thread's state: its connection and the loaded engine."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.store: CatalogStore | None = None
        self.engine: SimilarSongs | None = None

    def similar(self, song_id: int, top: int) -> list[SimilarHit]:
        if self.store is None:
            self.store = CatalogStore(self.db_path)
        if self.engine is None or self.engine.version != catalog_version(self.store):
            self.engine = load_similar(self.store)
        return self.engine.similar(song_id, top)

    def close(self) -> None:
        self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None


class SimilarRunner(QObject):
    def __init__(self, db_path: Path, parent=None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # the connection belongs to this one thread
        self._reader = _Reader(Path(db_path))
        self.closed = False

    def request(self, song_id: int, on_done: Callable[[int, list[SimilarHit]], None],
                on_error: Callable[[Exception], None], top: int = DEFAULT_TOP) -> None:
        """Look up songs similar to ``song_id``; ``on_done(song_id, hits)`` on the UI thread."""
        run_task(lambda _progress: self._reader.similar(song_id, top),
                 on_done=lambda hits: None if self.closed else on_done(song_id, hits),
                 on_error=lambda exc: None if self.closed else on_error(exc), pool=self.pool)

    def shutdown(self) -> None:
        """Drop late outcomes and close the connection on its own thread."""
        self.closed = True
        run_task(lambda _progress: self._reader.close(), on_done=lambda _r: None, pool=self.pool)
        self.pool.waitForDone(10_000)
