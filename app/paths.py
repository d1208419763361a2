"""Every filesystem location Norae uses, resolved in one place.

Bundled files are found relative to this source tree; user data goes to the
platform's data directory (platformdirs). Each location can be overridden by an
environment variable so tests and kiosks can relocate them:

===================  ==========================================  ======================
variable             meaning                                     default
===================  ==========================================  ======================
``NORAE_DB``         the catalog database file                   ``<data dir>/norae.sqlite``
``NORAE_DATA_DIR``   the user data directory (and settings.ini)  platformdirs user data
``NORAE_MODELS_DIR`` the folder holding the ONNX models          ``<repo>/models_onnx``
===================  ==========================================  ======================
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Norae"

ROOT_DIR = Path(__file__).resolve().parent.parent
"""The source tree root (holds ``resources/`` and ``models_onnx/``)."""

RESOURCES_DIR = ROOT_DIR / "resources"
DEMO_CATALOG_FILE = RESOURCES_DIR / "demo_catalog" / "demo_catalog.jsonl.gz"
DEMO_SINGERS_DIR = RESOURCES_DIR / "demo_singers"
"""Synthetic demo voices: ``demo_singers.json`` and one Ogg clip per take."""
KNOWN_SONGS_FILE = RESOURCES_DIR / "demo_catalog" / "known_songs.txt"
I18N_DIR = RESOURCES_DIR / "i18n"
"""Qt translations of the window: ``norae_<lang>.ts`` (source) and ``.qm`` (compiled)."""


def models_dir() -> Path:
    """Folder holding the shipped ONNX models and their cards."""
    return Path(os.environ.get("NORAE_MODELS_DIR") or ROOT_DIR / "models_onnx")


def data_dir() -> Path:
    """The user data directory (created on demand by the caller)."""
    override = os.environ.get("NORAE_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The catalog database path: ``--db`` beats ``NORAE_DB`` beats the data dir."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("NORAE_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "norae.sqlite"


def settings_path() -> Path:
    """The app's settings file (INI): microphone, saved range, language, kiosk."""
    return data_dir() / "settings.ini"


def index_dir_for(db_path: Path) -> Path:
    """Folder beside the database that holds its hnswlib index files."""
    return db_path.with_name(db_path.stem + "-indexes")
