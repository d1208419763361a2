"""The window's language: Qt translation files in ``resources/i18n``.

English is the source language; ``norae_ko.qm`` (compiled from
``norae_ko.ts`` with ``pyside6-lrelease``) makes the window Korean.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from app.paths import I18N_DIR

LANGUAGES = (("en", "English"), ("ko", "한국어"))
_installed: list[QTranslator] = []


def set_language(code: str) -> bool:
    """Translate widgets created from now on into ``code`` ("en" or "ko");
    False when no translation file exists for it (English is used)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code == "en":
        return True
    translator = QTranslator()
    if not translator.load(str(I18N_DIR / f"norae_{code}.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
