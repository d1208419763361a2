"""Shared fixtures: Qt offscreen, a session QApplication, fresh catalogs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def qapp():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["norae-tests"])
    yield app


@pytest.fixture
def fresh_store():
    """An empty in-memory catalog at the current schema."""
    from app.catalog_store import CatalogStore

    store = CatalogStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def file_store(tmp_path):
    """An empty catalog in a real file (WAL mode)."""
    from app.catalog_store import CatalogStore

    store = CatalogStore(tmp_path / "catalog.sqlite")
    yield store
    store.close()


@pytest.fixture(scope="session")
def similar_db(tmp_path_factory):
    """(path, song ids by artist) of the small similar-songs catalog of
    ``tests/similar_catalog.py``, built once: copy it before writing."""
    from tests.similar_catalog import build_similar_catalog

    path = tmp_path_factory.mktemp("similar") / "catalog.sqlite"
    return path, build_similar_catalog(path)


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave screenshots for people to look at (printed by each test)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """No test touches the real user data dir or a catalog named by the environment."""
    monkeypatch.setenv("NORAE_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.delenv("NORAE_DB", raising=False)
