"""The one thread that writes the catalog.

SQLite allows one writer at a time and a connection belongs to its thread, so
the app sends every write (imports, plays, embeddings) here as a function of
the store; readers keep their own connections (WAL lets them read meanwhile).

    writer = DbWriter(db_path)
    future = writer.submit(lambda store: store.add_song(record))
    song_id = future.result()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from app.catalog_store import CatalogStore

T = TypeVar("T")


class DbWriter:
    """A single-thread executor owning the write connection to ``db_path``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="norae-db-writer")

    def _store(self) -> CatalogStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = CatalogStore(self.db_path)
        return store

    def submit(self, work: Callable[[CatalogStore], T]) -> Future[T]:
        """Run ``work(store)`` on the writer thread; the future holds its result or error."""
        return self._executor.submit(lambda: work(self._store()))

    def close(self) -> None:
        """Finish queued writes, then close the connection and the thread."""
        def shut() -> None:
            store = getattr(self._local, "store", None)
            if store is not None:
                store.close()
                self._local.store = None

        self._executor.submit(shut).result()
        self._executor.shutdown(wait=True)
