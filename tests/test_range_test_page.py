"""The guided range test on its own, offscreen, with a WAV standing in for the
microphone: instructions, the live pitch trace, then the range or what to do."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from app.audio_source import ArraySource
from inference.constants import SAMPLE_RATE
from tests.gui_wait import wait_until
from tests.sung_tones import sung_glide

SILENCE = np.zeros(3 * SAMPLE_RATE, np.float32)


def test_the_guided_view_asks_for_more_then_shows_the_range(qapp, tmp_path):
    from ui.analysis_runner import AnalysisRunner
    from ui.range_test_page import RangeTestPage

    takes = [np.concatenate([sung_glide([(0.0, 60), (1.5, 60), (2.5, 62), (3.5, 62)]), SILENCE]),
             np.concatenate([sung_glide([(0.0, 48), (0.6, 48), (4.0, 67), (4.6, 67)]), SILENCE])]
    runner = AnalysisRunner(tmp_path / "unused.sqlite")
    page = RangeTestPage(runner, lambda: ArraySource(takes.pop(0), "test take", realtime=True))
    chosen = []
    page.range_chosen.connect(chosen.append)
    page.resize(900, 640)
    page.show()
    try:
        assert "lowest comfortable note" in page.panel.guidance_label.text()
        assert page.panel.record_button.minimumHeight() >= 64 and page.back_button.minimumHeight() >= 64
        page.panel.record_button.click()
        wait_until(lambda: page.panel.trace.voiced_frames > 50, what="the live pitch trace")
        wait_until(lambda: page.measured is not None, timeout_s=30, what="the first result")
        assert page.result_label.text().startswith("Slide further")
        assert not page.use_button.isVisible() and page.try_again_button.isVisible()
        assert page.detail_label.text() == "Heard: C4–D4"
        page.try_again_button.click()
        assert page.stack.currentIndex() == 0
        page.panel.record_button.click()
        wait_until(lambda: page.measured is not None, timeout_s=30, what="the second result")
        assert page.result_label.text() == "Your range: C3–G4 (19 semitones)"
        assert page.keyboard.range == (48, 67) and page.use_button.isVisible()
        page.use_button.click()
        assert chosen == [(48, 67)]
        assert page.stack.currentIndex() == 0 and page.measured is None  # ready for the next singer
        # An audio file works too (outside kiosk mode), measured from scratch.
        path = tmp_path / "slide.wav"
        sf.write(str(path), sung_glide([(0.0, 50), (0.6, 50), (3.0, 62), (3.6, 62)]), SAMPLE_RATE)
        page.panel.load_file(path)
        wait_until(lambda: page.measured is not None, timeout_s=30, what="the file's result")
        assert (page.measured.low_midi, page.measured.high_midi) == (50, 62)
    finally:
        page.panel.shutdown()
        runner.shutdown()
        page.deleteLater()
