"""Scoring candidate songs by query windows that agree in time: a song whose
windows match the whole query at one offset beats a song with one window that
matches a single query window better; the offset and scale found are the ones
the query was sung at."""

import numpy as np

from app.hum_consistency import SongWindows, offset_votes
from inference.melody_contour import contour_from_notes

DIM = 64


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _setup(seed: int = 0, at=(10, 11, 12, 13)):
    """Query: 4 windows at scale 1 (starts 0, 20, 40, 60) and 3 at scale 0.
    Song 7 (windows every 20 frames) holds noisy copies of the scale-1
    windows as its windows ``at`` (song frames 200..260 by default); song 9
    holds one near-exact copy of one query window among noise."""
    rng = np.random.default_rng(seed)
    query = _unit(rng.normal(size=(7, DIM)))
    scale_of = np.array([1, 1, 1, 1, 0, 0, 0])
    q_starts = np.array([0, 20, 40, 60, 0, 20, 40])
    song7 = _unit(rng.normal(size=(20, DIM)))
    song7[list(at)] = _unit(query[:4] + 0.6 * _unit(rng.normal(size=(4, DIM))))
    song9 = _unit(rng.normal(size=(20, DIM)))
    song9[3] = _unit(query[2] + 0.05 * _unit(rng.normal(size=DIM)))
    windows = SongWindows(song=np.repeat([7, 9], 20), start=np.tile(np.arange(20) * 20, 2),
                          vectors=np.concatenate([song7, song9]))
    return query, scale_of, q_starts, windows


def test_windows_agreeing_in_time_beat_one_better_window():
    query, scale_of, q_starts, windows = _setup()
    songs, votes = offset_votes(query, scale_of, q_starts, windows)
    assert list(songs) == [7, 9]
    assert votes.score[0] > votes.score[1] + 0.2
    # Song 9's best single window is closer to its query window than any of song 7's.
    assert (query @ windows.vectors[windows.song == 9].T).max() > \
        (query @ windows.vectors[windows.song == 7].T).max()


def test_the_offset_and_scale_are_where_the_query_lies_in_the_song():
    query, scale_of, q_starts, windows = _setup(1)
    _, votes = offset_votes(query, scale_of, q_starts, windows)
    assert votes.scale[0] == 1
    assert votes.offset[0] == 200


def test_windows_a_hop_off_still_count():
    # The second half of the query was sung a little slower: its windows land a hop late.
    _, exact = offset_votes(*_setup(2))
    _, late = offset_votes(*_setup(2, at=(10, 11, 13, 14)))
    assert late.score[0] > exact.score[0] - 0.05
    assert late.score[0] > late.score[1] + 0.2


def test_no_windows_no_songs():
    query, scale_of, q_starts, _ = _setup()
    empty = SongWindows(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, DIM), np.float32))
    songs, votes = offset_votes(query, scale_of, q_starts, empty)
    assert len(songs) == 0 and len(votes.score) == 0


def test_overlapping_catalog_notes_give_the_later_note_then_the_long_one_again():
    # A long note with a short grace note inside it, then a legato overlap.
    notes = np.array([[0.0, 1.0, 60.0], [0.4, 0.2, 62.0], [1.0, 0.6, 64.0], [1.5, 0.5, 65.0]])
    contour = contour_from_notes(notes)
    assert contour[0] == 60 and contour[9] == 62 and contour[12] == 60
    assert contour[25] == 64 and contour[31] == 65
    # A plain melody (no note outlasts a later one) takes the fast path with the same rule.
    assert np.array_equal(contour_from_notes(notes[[0, 2, 3]])[[0, 19, 20, 29, 30, 39]],
                          np.array([60, 60, 64, 64, 65, 65], dtype=np.float32))
