"""Melody contours: notes and f0 tracks reduced to the hum encoder's input."""

import numpy as np
import pytest

from inference.constants import CONTOUR_HOP_S, HUM_WINDOW_FRAMES
from inference.melody_contour import (
    ContourError,
    contour_from_f0,
    contour_from_notes,
    cut_windows,
    encoder_input,
    stretch_contour,
)
from inference.pitch_decode import midi_to_hz

NOTES = np.array([[0.0, 0.5, 60], [0.5, 0.5, 62], [1.5, 1.0, 64]], dtype=np.float32)


def test_notes_become_a_pitch_line_with_rests():
    c = contour_from_notes(NOTES)
    assert len(c) == round(2.5 / CONTOUR_HOP_S)
    assert c[0] == 60 and c[9] == 60 and c[10] == 62
    assert np.isnan(c[round(1.2 / CONTOUR_HOP_S)])  # the rest between 1.0 and 1.5 s
    assert c[-1] == 64


def test_sung_f0_gives_the_same_line_as_its_notes():
    hop = 0.01
    t = np.arange(int(2.5 / hop)) * hop
    midi = np.select([t < 0.5, t < 1.0, (t >= 1.5) & (t < 2.5)], [60.0, 62.0, 64.0], np.nan)
    vibrato = 0.3 * np.sin(2 * np.pi * 5.5 * t)
    f0 = np.where(np.isfinite(midi), midi_to_hz(np.nan_to_num(midi) + vibrato), 0.0)
    from_f0 = contour_from_f0(f0, hop_s=hop)
    from_notes = contour_from_notes(NOTES)
    both = np.isfinite(from_f0) & np.isfinite(from_notes)
    assert both.sum() >= 0.9 * np.isfinite(from_notes).sum()
    assert np.abs(from_f0[both] - from_notes[both]).max() < 0.35


def test_stretch_keeps_the_tune_and_changes_the_length():
    c = contour_from_notes(NOTES)
    slow = stretch_contour(c, 1.3)
    assert len(slow) == round(len(c) * 1.3)
    assert np.nanmax(slow) == 64 and slow[0] == 60
    with pytest.raises(ContourError):
        stretch_contour(c, 0.0)


def test_windows_cover_the_whole_melody():
    c = np.arange(300, dtype=np.float32)
    windows, starts = cut_windows(c, hop=40)
    assert windows.shape[1] == HUM_WINDOW_FRAMES
    assert starts[0] == 0 and starts[-1] + HUM_WINDOW_FRAMES == 300
    short, s = cut_windows(c[:50], hop=40)
    assert short.shape == (1, HUM_WINDOW_FRAMES) and s.tolist() == [0]
    assert np.isnan(short[0, 50:]).all()


def test_encoder_input_ignores_the_key():
    c = contour_from_notes(NOTES)[None, :]
    a, b = encoder_input(c), encoder_input(c + 7)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert a.shape == (1, c.shape[1], 2)
    assert set(np.unique(a[0, :, 1])) == {0.0, 1.0}
    assert (a[0, a[0, :, 1] == 0, 0] == 0).all()
    silent = encoder_input(np.full((1, 10), np.nan))
    assert not silent.any()


def test_bad_input_is_refused_clearly():
    with pytest.raises(ContourError):
        contour_from_notes(np.array([[0, np.nan, 60]]))
    with pytest.raises(ContourError):
        contour_from_f0(np.array([100.0, np.inf]))
    with pytest.raises(ContourError):
        contour_from_f0(np.array([100.0, 110.0]), hop_s=0.01, out_hop_s=0.04)
    with pytest.raises(ContourError):
        encoder_input(np.zeros(5))
