"""Recording plays: room sessions by time, what a play row holds, sessions in order."""

from __future__ import annotations

import pytest

from app.catalog_store import CatalogError
from app.play_log import Play, RoomClock, play_sessions, plays_of, store_play
from app.similar_constants import SESSION_GAP_S
from app.song_record import Note, SongRecord


class FakeClock:
    def __init__(self, start: float = 1_760_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def add(store, title: str) -> int:
    return store.add_song(SongRecord(title, notes=[Note(0, 1, 60), Note(1, 1, 62)]))


def test_plays_of_one_evening_share_a_session_and_a_long_gap_starts_another():
    clock = FakeClock()
    room = RoomClock(clock)
    first = room.play(1, key_shift=2)
    clock.now += 50 * 60  # a long song and a break: still the same room
    second = room.play(2)
    clock.now += SESSION_GAP_S + 1  # the next group, hours later
    third = room.play(3)
    assert first.session_id == second.session_id != third.session_id
    assert first.session_id.startswith("room:") and third.session_id.startswith("room:")
    assert (first.song_id, first.key_shift, first.played_at) == (1, 2, 1_760_000_000.0)
    assert RoomClock(clock).play(4).session_id != third.session_id  # a new app run, a new session


def test_a_stored_play_keeps_session_song_key_and_time(fresh_store):
    song = add(fresh_store, "Blue Bird")
    play_id = store_play(fresh_store, Play("room:x", song, -3, 1_760_000_000.0))
    assert plays_of(fresh_store, "room:x") == [{
        "id": play_id, "session_id": "room:x", "song_id": song, "key_shift": -3,
        "played_at": "2025-10-09T08:53:20+00:00"}]


def test_a_play_of_a_missing_song_or_an_absurd_key_is_refused(fresh_store):
    song = add(fresh_store, "Blue Bird")
    with pytest.raises(CatalogError, match="not in the catalog"):
        store_play(fresh_store, Play("room:x", 999, 0, 0.0))
    with pytest.raises(CatalogError, match="key shift"):
        store_play(fresh_store, Play("room:x", song, 20, 0.0))
    assert plays_of(fresh_store, "room:x") == []


def test_sessions_come_in_the_order_sung_and_forget_deleted_songs(fresh_store):
    a, b, c = add(fresh_store, "A"), add(fresh_store, "B"), add(fresh_store, "C")
    t = 1_760_000_000.0
    for session, song, when in [("room:late", c, t + 500), ("room:early", b, t + 20),
                                ("room:early", a, t + 10), ("room:late", a, t + 400),
                                ("room:early", c, t + 30)]:
        store_play(fresh_store, Play(session, song, 0, when))
    assert play_sessions(fresh_store) == [[a, b, c], [a, c]]
    fresh_store.delete_song(c)
    assert play_sessions(fresh_store) == [[a, b], [a]]
