"""Opening the catalog the way every entry point does: migrate, seed, index.

On first use of a database (no songs, never seeded) the bundled demo catalog
is copied in, so a fresh install has something to browse, hum and sing; the
demo voices come with it (also into a database seeded before they existed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.catalog_store import CatalogError, CatalogStore
from app.demo_catalog import DemoCatalogError, install_demo_catalog
from app.demo_singers import (
    DEMO_SINGERS_META_KEY,
    DemoSingersError,
    install_demo_singers,
)
from app.index_registry import ensure_indexes
from app.paths import index_dir_for

Progress = Callable[[int, int], None]


def needs_demo_catalog(store: CatalogStore) -> bool:
    """True for a database that has never held the demo catalog and has no songs."""
    return store.get_meta("demo_catalog_version") is None and store.count_songs() == 0


def needs_demo_singers(store: CatalogStore) -> bool:
    """True for a database holding the demo catalog but not yet the demo voices."""
    return (store.get_meta("demo_catalog_version") is not None
            and store.get_meta(DEMO_SINGERS_META_KEY) is None)


def open_catalog(
    db_path: Path,
    *,
    seed_demo: bool = True,
    ensure_index_files: bool = False,
    seed_progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> CatalogStore:
    """Open (creating if needed) the catalog at ``db_path``.

    seed_demo: copy the demo catalog (and demo voices) into a database that never had them.
    ensure_index_files: load the hnswlib indexes, rebuilding any that are
        missing, corrupt, stale or inconsistent with SQLite.
    """
    store = CatalogStore(db_path)
    if seed_demo and needs_demo_catalog(store):
        try:
            install_demo_catalog(store, progress=seed_progress)
        except DemoCatalogError as exc:
            store.close()
            raise CatalogError(f"the bundled demo catalog is damaged ({exc}); "
                               "reinstall Norae or use --no-demo") from exc
    if seed_demo and needs_demo_singers(store):
        try:
            install_demo_singers(store)
        except DemoSingersError as exc:
            store.close()
            raise CatalogError(f"the bundled demo voices are damaged ({exc}); "
                               "reinstall Norae or use --no-demo") from exc
    if ensure_index_files:
        ensure_indexes(store, index_dir_for(db_path), progress=index_progress)
    return store
