"""A live take, block by block: pitch frames, level hints and when the take ends."""

import numpy as np
import pytest

from app.audio_source import ArraySource
from app.melody_extraction import shared_tracker
from app.take_recorder import (
    CLIPPING,
    STOP_MAX_LENGTH,
    STOP_NOTHING_HEARD,
    STOP_SILENCE,
    TOO_QUIET,
    TakeRecorder,
    level_db,
)
from inference.constants import SAMPLE_RATE
from tests.sung_tones import sung_melody


def run_take(audio: np.ndarray, **options) -> tuple[TakeRecorder, list]:
    recorder = TakeRecorder(shared_tracker().stream(), **options)
    updates = []
    for block in ArraySource(audio):
        updates.append(recorder.push(block))
        if updates[-1].stop_reason:
            break
    return recorder, updates


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def test_level_is_in_dbfs():
    assert level_db(np.full(320, 0.1, np.float32)) == pytest.approx(-20.0, abs=0.01)
    assert level_db(np.zeros(320, np.float32)) == -90.0


def test_sung_notes_show_as_pitch_and_silence_ends_the_take():
    sung = sung_melody([(57, 1.5), (60, 1.5), (64, 1.5)])  # A3, C4, E4
    recorder, updates = run_take(np.concatenate([sung, silence(6.0)]), min_sung_s=3.0)
    assert recorder.stop_reason == STOP_SILENCE
    # It stops about SILENCE_STOP_S after the singing, not at the end of the audio.
    assert len(sung) / SAMPLE_RATE + 2.0 < recorder.elapsed_s < len(sung) / SAMPLE_RATE + 3.5
    times = np.concatenate([u.times_s for u in updates])
    midi = np.concatenate([u.midi for u in updates])
    assert np.all(np.diff(times) > 0)
    held = midi[(times > 0.6) & (times < 1.4)]
    assert np.nanmedian(held) == pytest.approx(57, abs=0.3)
    assert np.nanmedian(midi[(times > 3.6) & (times < 4.4)]) == pytest.approx(64, abs=0.3)
    assert 3.5 < updates[-1].sung_s < 5.0
    assert len(recorder.audio()) == round(recorder.elapsed_s * SAMPLE_RATE)


def test_a_pause_shorter_than_the_silence_limit_does_not_end_the_take():
    phrase = sung_melody([(60, 2.0), (62, 2.0)])
    recorder, _ = run_take(np.concatenate([phrase, silence(1.5), phrase, silence(4.0)]),
                           min_sung_s=3.0)
    assert recorder.stop_reason == STOP_SILENCE
    assert recorder.sung_s > 7.0


def test_the_take_ends_at_its_length_limit():
    recorder, _ = run_take(sung_melody([(60, 2.0)] * 5), max_s=6.0)
    assert recorder.stop_reason == STOP_MAX_LENGTH
    assert recorder.elapsed_s == pytest.approx(6.0, abs=0.03)


def test_nothing_sung_gives_up_and_says_too_quiet():
    hiss = (np.random.default_rng(0).standard_normal(int(14 * SAMPLE_RATE)) * 1e-3).astype(np.float32)
    recorder, updates = run_take(hiss, give_up_s=10.0)
    assert recorder.stop_reason == STOP_NOTHING_HEARD
    assert updates[-1].hint == TOO_QUIET
    assert all(u.hint is None for u in updates if u.elapsed_s < 1.4)


def test_a_clipping_input_is_flagged_and_the_hint_clears_after():
    loud = np.clip(sung_melody([(60, 1.0)], amplitude=3.0), -1, 1)
    normal = sung_melody([(62, 3.0)])
    _, updates = run_take(np.concatenate([loud, normal]), max_s=30.0)
    assert any(u.hint == CLIPPING for u in updates if u.elapsed_s < 1.5)
    assert updates[-1].hint is None


def test_the_finished_take_has_the_offline_pitch_without_running_the_model_again():
    sung = sung_melody([(55, 1.0), (59, 0.8), (62, 1.2), (59, 0.6)])
    recorder, _ = run_take(np.concatenate([silence(0.3), sung, silence(1.0)]), max_s=30.0)
    assert recorder.pitch_track() is None  # not finished yet
    recorder.finish()
    live = recorder.pitch_track()
    offline = shared_tracker().track(recorder.audio())
    assert len(live) == len(offline) == len(recorder.audio()) // 160 + 1
    both = (live.f0_hz > 0) & (offline.f0_hz > 0)
    assert both.sum() > 0.9 * (offline.f0_hz > 0).sum()
    assert np.mean((live.f0_hz > 0) == (offline.f0_hz > 0)) > 0.99
    cents = 1200 * np.abs(np.log2(live.f0_hz[both] / offline.f0_hz[both]))
    assert np.percentile(cents, 99) < 5.0
    recorder.finish()  # a second call changes nothing
    assert len(recorder.pitch_track()) == len(live)


def test_without_a_pitch_stream_there_is_no_pitch_track():
    recorder = TakeRecorder(None)
    for block in ArraySource(sung_melody([(60, 1.0)])):
        recorder.push(block)
    recorder.finish()
    assert recorder.pitch_track() is None
