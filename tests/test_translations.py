"""Every string the window shows has its Korean translation, and the shipped
compiled file matches its source."""

import shutil
import subprocess
import sys
from pathlib import Path

from app.paths import I18N_DIR, ROOT_DIR

TOOLS = Path(sys.executable).parent


def test_every_window_string_is_translated_into_korean(tmp_path):
    ts = tmp_path / "norae_ko.ts"
    shutil.copy(I18N_DIR / "norae_ko.ts", ts)
    sources = sorted(str(p) for p in (ROOT_DIR / "ui").glob("*.py"))
    run = subprocess.run([str(TOOLS / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    text = ts.read_text(encoding="utf-8")
    assert text.count("<source>") > 100
    assert 'type="unfinished"' not in text, (
        "window strings without a Korean translation: run pyside6-lupdate ui/*.py -ts "
        "resources/i18n/norae_ko.ts, translate, then pyside6-lrelease")


def test_the_compiled_translation_is_up_to_date(tmp_path):
    qm = tmp_path / "norae_ko.qm"
    run = subprocess.run([str(TOOLS / "pyside6-lrelease"), str(I18N_DIR / "norae_ko.ts"), "-qm", str(qm)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert qm.read_bytes() == (I18N_DIR / "norae_ko.qm").read_bytes()


def test_a_take_the_app_refuses_is_explained_in_the_windows_language(qapp):
    from app.take_analysis import LITTLE_SINGING, TOO_SHORT, TakeError
    from ui.i18n import set_language
    from ui.take_page import take_error_text

    short = TakeError("The recording is too short — sing or hum for a few seconds.", TOO_SHORT)
    assert take_error_text(short) == str(short)
    assert take_error_text(RuntimeError("model missing")) is None
    try:
        assert set_language("ko")
        korean = take_error_text(short)
        assert korean != str(short) and any("\uac00" <= c <= "\ud7a3" for c in korean)
        assert take_error_text(TakeError("x", LITTLE_SINGING)) != take_error_text(short)
    finally:
        set_language("en")
