"""Re-ranking alignment as hum search uses it: the key is found even when the
expected one is two or three semitones off, a hum sung between semitones
meets the song's grid, and aligning many (query, song) pairs at once gives
what aligning each pair alone gives."""

import numpy as np

from app.contour_alignment import align, align_pairs, on_grid, tuning
from inference.melody_contour import contour_from_notes, stretch_contour


def _tune(pitches, beat=0.4):
    notes = np.array([[i * beat, beat * 0.9, p] for i, p in enumerate(pitches)], dtype=np.float64)
    return contour_from_notes(notes)


LOW = [60, 62, 64, 62, 60, 59, 57, 59, 60, 62, 60, 59, 57, 55, 57, 59]
HIGH = [72, 74, 76, 77, 79, 77, 76, 74]
SONG = _tune(LOW + HIGH + LOW)


def test_the_key_is_found_when_the_expected_one_is_off():
    # Search expects the key from the medians of the hum and of the song stretch
    # it should cover; a hum that leaves out high notes moves its median.
    hum = stretch_contour(SONG[:int(6.4 / 0.05)], 1.1) - 4.0
    for wrong_by in (-2.5, 2.8):
        [hit] = align_pairs([hum], [SONG], [4.0 + wrong_by])
        assert hit is not None and hit.cost < 0.2
        assert abs(hit.shift - 4.0) < 0.3


def test_a_hum_between_semitones_is_moved_onto_the_songs_grid():
    hum = stretch_contour(SONG[:int(6.4 / 0.05)], 0.9) + 2.6  # 40 cents flat of D above
    assert abs(tuning(hum) - (-0.4)) < 0.01 and abs(tuning(SONG)) < 1e-6
    assert abs(on_grid(-2.2, tuning(hum), tuning(SONG)) - (-2.6)) < 1e-4
    hit = align(hum, SONG)
    assert hit is not None and hit.cost < 0.1 and abs(hit.shift + 2.6) < 0.3


def test_pairs_aligned_together_match_pairs_aligned_alone():
    rng = np.random.default_rng(3)
    queries = [stretch_contour(SONG[a:a + 100], f) + k + rng.normal(0, 0.2, round(100 * f))
               for a, f, k in ((0, 1.2, 3.0), (150, 0.8, -5.0), (60, 1.0, 0.4))]
    songs = [SONG, SONG[100:], _tune(HIGH * 3)]
    together = align_pairs(queries, songs)
    for query, song, hit in zip(queries, songs, together):
        alone = align(query, song)
        assert hit.song_start == alone.song_start and hit.song_end == alone.song_end
        assert abs(hit.cost - alone.cost) < 1e-5 and abs(hit.shift - alone.shift) < 1e-9


def test_a_pair_with_too_little_sung_gives_no_alignment_and_spares_the_others():
    hits = align_pairs([np.full(40, np.nan, np.float32), SONG[:120]], [SONG, SONG])
    assert hits[0] is None and hits[1] is not None and hits[1].cost < 0.05
