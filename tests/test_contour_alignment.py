"""Re-ranking alignment: a transposed, slower, slightly wrong hum of a song's
phrase aligns to that phrase cheaply; another tune does not."""

import numpy as np

from app.contour_alignment import align
from inference.melody_contour import contour_from_notes, stretch_contour


def _tune(pitches, beat=0.4):
    notes = np.array([[i * beat, beat * 0.9, p] for i, p in enumerate(pitches)], dtype=np.float64)
    return contour_from_notes(notes)


SONG = _tune([60, 60, 67, 67, 69, 69, 67, 65, 65, 64, 64, 62, 62, 60] * 2
             + [72, 71, 69, 67, 65, 64, 62, 60])
OTHER = _tune([60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 67, 64, 60, 59] * 2)


def test_a_transposed_slower_hum_of_a_phrase_matches_where_it_is():
    phrase = SONG[int(5.6 / 0.05):int(11.2 / 0.05)]  # the second line of the song
    hum = stretch_contour(phrase, 1.25) + 5.3
    hum[40:44] = np.nan  # a breath
    hum[60:66] += 1.0  # one note sung sharp
    hit = align(hum, SONG)
    assert hit is not None and hit.cost < 0.3
    assert abs(hit.shift + 5.3) < 0.6
    assert abs(hit.song_start * 0.05 - 5.6) < 0.6


def test_a_different_tune_costs_clearly_more():
    phrase = SONG[: int(5.6 / 0.05)] + 3
    same, other = align(phrase, SONG), align(phrase, OTHER)
    assert other.cost > 3 * same.cost + 0.3


def test_too_little_singing_gives_no_alignment():
    assert align(np.full(50, np.nan), SONG) is None
