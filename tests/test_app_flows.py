"""The whole window, driven offscreen with a WAV-backed "microphone": sing ->
suggestions with keys; hum -> the hummed song first; kiosk idle reset; no
microphone. Each flow leaves a screenshot (its path is printed)."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QSettings, Qt, QTimer
from PySide6.QtTest import QTest

from app.audio_decode import decode_audio
from app.audio_devices import NoInputDeviceError
from app.audio_source import ArraySource
from app.catalog_setup import open_catalog
from app.demo_singers import load_manifest
from app.paths import DEMO_SINGERS_DIR
from app.take_analysis import Analyst
from inference.constants import SAMPLE_RATE
from tests.gui_wait import wait_until
from tests.sung_tones import sung_melody
from tests.test_main_window import dispose
from tests.test_window_xvfb import xvfb_display  # noqa: F401 (a fixture)
from tests.voice_variants import resung


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A demo catalog with its indexes (hum windows, demo voices), built once for the module."""
    path = tmp_path_factory.mktemp("demo") / "catalog.sqlite"
    open_catalog(path, ensure_index_files=True).close()
    analyst = Analyst(path)
    analyst.prepare()
    analyst.close()
    return path


@pytest.fixture
def catalog(demo_db, tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(demo_db.parent, folder)
    return folder / demo_db.name


def open_app(db_path, audio: np.ndarray | None, **options):
    from ui.main_window import MainWindow

    def source():
        if audio is None:
            raise NoInputDeviceError()
        return ArraySource(audio, "test take", realtime=True)

    settings = QSettings(str(db_path.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(db_path, seed_demo=False, source_factory=source, settings=settings, **options)
    window.resize(1100, 760)
    window.show()
    window.load_catalog()
    wait_until(lambda: window.sing.panel.record_button.isEnabled(), what="the app to be ready")
    return window


def shoot(window, artifacts_dir, name: str) -> None:
    path = artifacts_dir / f"{name}.png"
    assert window.grab().save(str(path))
    print(f"screenshot: {path}")


class EventLoopWatch:
    """Gaps between 10 ms timer ticks on the UI thread, in ms."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[int] = []
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(lambda: self.gaps.append(self.clock.restart()))

    def start(self) -> None:
        self.clock.start()
        self.timer.start()

    def stop(self) -> tuple[int, float]:
        """(longest gap, 99th percentile gap)."""
        self.timer.stop()
        return max(self.gaps), float(np.percentile(self.gaps, 99))


def a_demo_voice_take() -> tuple[dict, np.ndarray]:
    entry = next(s for s in load_manifest() if s["gender"] == "female")
    audio = resung(decode_audio(DEMO_SINGERS_DIR / entry["clips"][1]), 2.0)
    return entry, np.concatenate([audio, np.zeros(4 * SAMPLE_RATE, np.float32)])


def test_sing_flow_shows_the_voice_and_songs_with_keys(qapp, catalog, artifacts_dir):
    entry, take = a_demo_voice_take()
    window = open_app(catalog, take)
    try:
        page = window.sing
        page.panel.record_button.click()
        wait_until(lambda: page.panel.trace.voiced_frames > 50, what="the live pitch trace")
        assert page.panel.timer_label.text()
        shoot(window, artifacts_dir, "sing_recording_en")
        watch = EventLoopWatch()
        # The take ends by itself when the singing stops; analysis follows.
        wait_until(lambda: not page.panel.recording, timeout_s=40, what="the take to end")
        watch.start()
        wait_until(lambda: page.advice is not None and page.results.complete, timeout_s=60,
                   what="the suggestions")
        longest, p99 = watch.stop()
        print(f"UI thread during analysis: longest stall {longest} ms, 99th percentile {p99:.0f} ms")
        # Idle machine: longest ~50 ms. A busy machine can hold a thread back
        # now and then, so the bound is on the 99th percentile; an analysis on
        # the UI thread would stall it for seconds.
        assert p99 < 60 and longest < 1000
        assert page.panel.last_stop_reason == "silence"
        cards = page.results.cards
        assert len(cards) >= 10 and all(c.isVisible() for c in cards[:3])
        assert page.advice.voice.gender == "female"
        assert entry["name"] in cards[0].suggestion.reasons[0]
        assert all(c.key_label.text() for c in cards)
        # Men's songs come too, mostly an octave up (key +6 and key -6 an octave
        # up are the same notes); every key leaves the tune in range.
        mens = [c for c in cards if c.suggestion.singer_gender == "male"]
        assert sum("octave up" in c.key_label.text() for c in mens) > len(mens) / 2
        assert all(c.suggestion.fit.in_range >= 0.95 for c in cards)
        assert "range" in page.voice_label.text()
        shoot(window, artifacts_dir, "sing_results_en")
        # The singer says the guess is wrong: the voice type follows.
        male = next(b for b in page.gender_group.buttons() if b.property("gender") == "male")
        male.click()
        wait_until(lambda: page.advice.voice.gender == "male" and page.results.cards
                   and page.results.complete,
                   what="suggestions for the corrected voice")
        assert window.settings_page.range_label.text().count("–") == 1
    finally:
        dispose(window)


def hummed_take(catalog) -> tuple[int, str, np.ndarray]:
    """About 11 s of Jingle Bells sung three semitones lower and 10 % slower."""
    with open_catalog(catalog, seed_demo=False) as store:
        song_id, title = store.db.execute(
            "SELECT id, title FROM songs WHERE title = 'Jingle Bells'").fetchone()
        notes = store.notes(song_id)
    phrase, end = [], notes[0].onset_s
    for n in notes:
        if n.onset_s - notes[0].onset_s > 11.0:
            break
        if n.onset_s > end + 0.05:
            phrase.append((None, 1.1 * (n.onset_s - end)))
        phrase.append((n.pitch - 3, 1.1 * n.duration_s))
        end = n.offset_s
    return song_id, title, np.concatenate([sung_melody(phrase), np.zeros(4 * SAMPLE_RATE, np.float32)])


def test_hum_flow_finds_the_hummed_song_first(qapp, catalog, artifacts_dir):
    song_id, title, take = hummed_take(catalog)
    window = open_app(catalog, take)
    try:
        window.nav_group.button(1).click()
        page = window.hum
        page.panel.record_button.click()
        wait_until(lambda: page.answer is not None and page.results.complete, timeout_s=60,
                   what="hum results")
        assert page.answer.found
        assert page.results.cards[0].hit.song_id == song_id
        assert page.results.cards[0].isVisible()
        assert title in page.verdict_label.text()
        shoot(window, artifacts_dir, "hum_results_en")
        page.results.cards[0].open_requested.emit(song_id)
        wait_until(lambda: window.stack.currentWidget() is window.song_page, what="the song page")
        shoot(window, artifacts_dir, "song_page_en")
    finally:
        dispose(window)


def test_no_microphone_is_said_plainly_and_a_file_can_be_used(qapp, catalog, tmp_path):
    import soundfile as sf

    _, take = a_demo_voice_take()
    window = open_app(catalog, None)
    try:
        page = window.sing
        assert page.panel.file_button.isVisible()
        page.panel.record_button.click()
        wait_until(lambda: "No microphone" in page.panel.hint_label.text(), what="the no-mic message")
        assert not page.panel.recording
        sf.write(str(tmp_path / "take.wav"), take, SAMPLE_RATE)
        page.panel.load_file(tmp_path / "take.wav")
        wait_until(lambda: page.advice is not None, timeout_s=60, what="suggestions from the file")
        assert page.results.cards
    finally:
        dispose(window)


def test_importing_a_folder_with_a_broken_file_in_the_window(qapp, tmp_path, artifacts_dir):
    from tests.fixture_files import write_tempo_change_midi, write_ultrastar_utf8
    from ui.main_window import IMPORT, LIBRARY

    folder = tmp_path / "songs"
    folder.mkdir()
    write_tempo_change_midi(folder / "tempo_change.mid")
    write_ultrastar_utf8(folder / "korean_utf8.txt")
    (folder / "broken.mid").write_text("This is not a MIDI file.\n", encoding="utf-8")
    window = open_app(tmp_path / "c.sqlite", None)
    try:
        window.show_page(IMPORT)
        assert window.importer.start_import([folder])
        wait_until(lambda: not window.importer.is_running(), timeout_s=120, what="the import")
        errors = window.importer.error_table
        assert errors.rowCount() == 1 and errors.item(0, 0).text() == "broken.mid"
        shoot(window, artifacts_dir, "import_broken_file_en")
        window.show_page(LIBRARY)
        wait_until(lambda: window.library.model.rowCount() == 2, what="the new songs in the library")
    finally:
        dispose(window)


def test_kiosk_forgets_the_last_singer_after_idle(qapp, catalog):
    _, take = a_demo_voice_take()
    window = open_app(catalog, take[: 6 * SAMPLE_RATE], kiosk=True)
    try:
        assert not window.sing.panel.file_button.isVisible()
        assert not window.nav_group.button(3).isVisible()  # no import in a kiosk
        window.idle.set_timeout(2.0)
        window.sing.panel.record_button.click()
        wait_until(lambda: window.sing.advice is not None or "Could not" in window.sing.voice_label.text(),
                   timeout_s=60, what="the first singer's results")
        QTest.mouseClick(window.nav_group.button(2), Qt.MouseButton.LeftButton)  # a real touch
        started = time.monotonic()
        wait_until(lambda: window.stack.currentWidget() is window.sing and window.sing.advice is None,
                   timeout_s=10, what="the idle reset")
        assert time.monotonic() - started > 1.0
        assert window.sing.stack.currentIndex() == 0 and not window.sing.results.cards
        assert window.sing.panel.trace.voiced_frames == 0
    finally:
        dispose(window)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_screen_in_english_and_korean(qapp, catalog, tmp_path, artifacts_dir, language):
    import soundfile as sf

    from ui.i18n import set_language
    from ui.main_window import HUM, IMPORT, LIBRARY, SETTINGS, SING

    _, sung = a_demo_voice_take()
    _, _, hummed = hummed_take(catalog)
    sf.write(str(tmp_path / "sung.wav"), sung, SAMPLE_RATE)
    sf.write(str(tmp_path / "hummed.wav"), hummed, SAMPLE_RATE)
    assert set_language(language)
    window = open_app(catalog, None)
    try:
        shoot(window, artifacts_dir, f"sing_{language}")
        window.sing.panel.load_file(tmp_path / "sung.wav")
        wait_until(lambda: window.sing.advice is not None and window.sing.results.complete,
                   timeout_s=60, what="suggestions")
        assert ("음역" in window.sing.voice_label.text()) == (language == "ko")
        shoot(window, artifacts_dir, f"sing_results_{language}")
        window.show_page(HUM)
        window.hum.panel.load_file(tmp_path / "hummed.wav")
        wait_until(lambda: window.hum.answer is not None and window.hum.results.complete,
                   timeout_s=60, what="hum results")
        shoot(window, artifacts_dir, f"hum_results_{language}")
        for page, name in ((LIBRARY, "library"), (IMPORT, "import"), (SETTINGS, "settings")):
            window.show_page(page)
            shoot(window, artifacts_dir, f"{name}_{language}")
        window.show_page(SING)
    finally:
        set_language("en")
        dispose(window)


def test_singing_into_the_system_microphone_under_xvfb(catalog, tmp_path, artifacts_dir,
                                                      xvfb_display):  # noqa: F811 (the fixture)
    """The real window on a virtual X server records a sung WAV played into a
    virtual PulseAudio microphone, and shows suggestions."""
    import os
    import subprocess
    import sys

    import soundfile as sf

    from tests.virtual_mic import APT_LINE, VirtualMic, missing_tools

    missing = missing_tools()
    if missing:
        pytest.fail(f"needs {', '.join(missing)}: {APT_LINE}")
    _, take = a_demo_voice_take()
    sf.write(str(tmp_path / "take.wav"), take, SAMPLE_RATE)
    shot = artifacts_dir / "sing_results_xvfb_microphone.png"
    with VirtualMic() as mic:
        env = {**os.environ, **mic.env, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
        driver = subprocess.Popen(
            [sys.executable, "-m", "tests.xvfb_sing_driver", str(catalog), str(tmp_path / "s.ini"),
             str(shot)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        try:
            out = ""
            while "READY" not in out:
                line = driver.stdout.readline()
                assert line, f"the app ended before it was ready:\n{out}"
                out += line
            driver.stdin.write("go\n")
            driver.stdin.flush()
            time.sleep(0.5)  # the record button opens the microphone
            player = mic.play(tmp_path / "take.wav")
            rest, _ = driver.communicate(timeout=180)
            out += rest
            player.wait(timeout=30)
        finally:
            if driver.poll() is None:
                driver.kill()
    assert driver.returncode == 0, out
    count = int(out.split("SUGGESTIONS ")[1].split()[0])
    assert count >= 10, out
    print(f"screenshot: {shot}")


def a_range_test_take() -> np.ndarray:
    """A slide on "ah" from A2 (45) up to D4 (62) and halfway down, then silence."""
    from tests.sung_tones import sung_glide

    slide = sung_glide([(0.0, 45), (0.6, 45), (4.6, 62), (5.2, 62), (6.5, 54)])
    return np.concatenate([slide, np.zeros(3 * SAMPLE_RATE, np.float32)])


def do_range_test(window, artifacts_dir=None, shot: str = "") -> None:
    """Find my range (from the Sing screen) -> the slide -> "Use this range"."""
    from ui.main_window import SING

    window.sing.find_range_button.click()
    page = window.range_test
    assert window.stack.currentWidget() is page
    page.panel.record_button.click()
    wait_until(lambda: page.panel.trace.voiced_frames > 50, what="the live pitch trace")
    wait_until(lambda: page.measured is not None, timeout_s=40, what="the range test's result")
    assert page.result_label.text() == "Your range: A2–D4 (17 semitones)"
    assert page.keyboard.range == (45, 62) and page.use_button.isVisible()
    if shot:
        shoot(window, artifacts_dir, shot)
    page.use_button.click()
    assert window.stack.currentIndex() == SING


def test_a_range_test_sets_the_keys_of_the_suggestions(qapp, catalog, artifacts_dir):
    from app.suggest import range_used
    from ui.singer_range import FROM_TEST

    _, song_take = a_demo_voice_take()
    window = open_app(catalog, a_range_test_take())
    try:
        do_range_test(window, artifacts_dir, "range_test_result_en")
        assert window.singer_range.saved() == (45, 62, FROM_TEST)   # kept for the next start
        assert "from a range test" in window.settings_page.range_label.text()
        page = window.sing
        assert "tested range A2–D4" in page.tested_label.text()
        window.source_factory = lambda: ArraySource(song_take, "test take", realtime=True)
        page.panel.record_button.click()
        wait_until(lambda: page.advice is not None and page.results.complete, timeout_s=90,
                   what="the suggestions")
        advice = page.advice
        assert advice.range_tested and advice.range_used == (45, 62)
        assert range_used(advice.voice) != (45, 62)        # the take alone would have said otherwise
        assert page.keyboard.used == (45, 62)
        assert "your tested range A2–D4" in page.status_label.text()
        assert "tested range A2–D4" in page.keyboard_note.text()
        cards = page.results.cards
        assert len(cards) >= 10
        for card in cards:   # every key puts the tune inside the tested range
            fit = card.suggestion.fit
            notes = window.store.notes(card.suggestion.song_id)
            inside = sum(n.duration_s for n in notes if 45 <= n.pitch + fit.total_shift <= 62)
            assert inside >= 0.95 * sum(n.duration_s for n in notes), card.suggestion.title
            assert "tested range" in card.reasons_label.text()
        shoot(window, artifacts_dir, "sing_results_tested_range_en")
        # A later take does not replace the tested range; forgetting it brings back the guess.
        assert window.singer_range.saved() == (45, 62, FROM_TEST)
        window.settings_page.forget_range()
        wait_until(lambda: page.advice is not None and not page.advice.range_tested
                   and page.results.complete, timeout_s=60, what="suggestions for the guessed range")
        assert page.advice.range_used == range_used(page.advice.voice)
        assert page.tested_label.text() == ""
    finally:
        dispose(window)


def test_kiosk_forgets_a_range_test_with_the_singer(qapp, catalog):
    from ui.singer_range import HIGH_KEY, LOW_KEY

    window = open_app(catalog, a_range_test_take(), kiosk=True)
    try:
        assert window.range_test.panel.record_button.minimumHeight() >= 64
        assert not window.range_test.panel.file_button.isVisible()
        do_range_test(window)
        assert window.sing.tested_range == (45, 62)
        assert "this singer" in window.settings_page.range_label.text()
        window.settings.sync()
        assert window.settings.value(LOW_KEY) is None and window.settings.value(HIGH_KEY) is None
        window.idle.set_timeout(1.0)
        wait_until(lambda: window.sing.tested_range is None, timeout_s=10, what="the idle reset")
        assert window.singer_range.saved() is None
        assert window.range_test.measured is None and window.range_test.stack.currentIndex() == 0
        assert window.settings.value(LOW_KEY) is None
    finally:
        dispose(window)
