"""`norae` (what `make run` starts) opens a real window under a virtual X server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

GRAB_SCRIPT = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)
"""


@pytest.fixture
def xvfb_display():
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed: apt-get install xvfb x11-utils (make test does this)")
    number = 90 + os.getpid() % 400
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    display = f":{number}"
    deadline = time.monotonic() + 10
    while subprocess.run(["xwininfo", "-root", "-display", display],
                         capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.1)
    yield display
    server.terminate()
    server.wait(timeout=10)


def norae_script() -> str:
    script = Path(sys.executable).with_name("norae")
    assert script.exists(), "the norae console script is not installed (pip install -e .)"
    return str(script)


def test_norae_opens_a_window_listing_the_demo_catalog(xvfb_display, tmp_path, artifacts_dir):
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb",
           "NORAE_DB": str(tmp_path / "norae.sqlite")}
    app = subprocess.Popen([norae_script()], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        shown = ""
        deadline = time.monotonic() + 90
        while "window shows" not in shown:
            assert app.poll() is None, f"norae exited early:\n{shown}{app.stdout.read()}"
            assert time.monotonic() < deadline, f"no catalog in the window:\n{shown}"
            shown += app.stdout.readline()
        count = int(shown.split("window shows ")[1].split()[0])
        assert count >= 1000
        tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", xvfb_display],
                              capture_output=True, text=True).stdout
        assert "Norae" in tree
        time.sleep(0.5)
        shot = artifacts_dir / "norae_window_xvfb.png"
        grab = subprocess.run([sys.executable, "-c", GRAB_SCRIPT, str(shot)], env=env,
                              capture_output=True, text=True, timeout=60)
        assert grab.returncode == 0, grab.stderr
        print(f"screenshot: {shot}")
        from PySide6.QtGui import QImage

        image = QImage(str(shot))
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
                   for y in range(0, image.height(), 29)}
        assert len(colours) > 5, "the screen is blank"
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
