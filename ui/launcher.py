"""The ``norae`` console script: the CLI, or the desktop app when no command is given."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app.cli import main as cli_main
from app.paths import default_db_path, settings_path


def start_gui(args: argparse.Namespace) -> int:
    """Open the main window on the catalog chosen by ``--db``/``NORAE_DB``."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    from ui.i18n import set_language
    from ui.main_window import MainWindow
    from ui.settings_page import KIOSK_KEY, LANGUAGE_KEY

    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Norae")
    settings = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    set_language(str(settings.value(LANGUAGE_KEY, "en")))
    kiosk = bool(args.kiosk) or settings.value(KIOSK_KEY, False, type=bool)
    window = MainWindow(default_db_path(args.db), seed_demo=not args.no_demo, kiosk=kiosk,
                        settings=settings)
    if kiosk:
        window.showFullScreen()
    else:
        window.show()
    window.load_catalog()
    code = app.exec()
    # Delete the window while Qt is still up: left to interpreter shutdown,
    # its destruction order can crash the process on exit.
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, start_gui=start_gui)


if __name__ == "__main__":
    sys.exit(main())
