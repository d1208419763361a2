"""Runs the real window on an X display and sings into it through the system
microphone (the test's virtual PulseAudio one): ``python -m tests.xvfb_sing_driver
DB SETTINGS_INI SCREENSHOT``. Prints READY when the record button can be
pressed, waits for a line on stdin, presses it, and prints SUGGESTIONS <n>
<first title> once the suggestions are on screen (then saves a screenshot)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow
from ui.settings_page import DEVICE_KEY


def wait(app: QApplication, condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def main(db: str, settings_ini: str, screenshot: str) -> int:
    app = QApplication(sys.argv[:1])
    settings = QSettings(settings_ini, QSettings.Format.IniFormat)
    settings.setValue(DEVICE_KEY, "pulse")
    window = MainWindow(Path(db), seed_demo=False, settings=settings)
    window.show()
    window.load_catalog()
    if not wait(app, lambda: window.sing.panel.record_button.isEnabled(), 300):
        print("NOT READY", flush=True)
        return 1
    go = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), go.set()), daemon=True).start()
    print("READY", flush=True)
    wait(app, go.is_set, 60)
    window.sing.panel.record_button.click()
    page = window.sing
    done = wait(app, lambda: page.advice is not None and page.results.complete, 120)
    print(f"hint: {page.panel.hint_label.text()!r} voice: {page.voice_label.text()!r}", flush=True)
    if not done:
        print("NO SUGGESTIONS", flush=True)
        return 1
    window.grab().save(screenshot)
    cards = page.results.cards
    print(f"SUGGESTIONS {len(cards)} {cards[0].suggestion.title}", flush=True)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
