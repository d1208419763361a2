"""Plays: which songs a room sang, in which key, one after another.

A *play* is one ``plays`` row: ``session_id``, ``song_id``, ``key_shift``
(semitones the karaoke key was moved, -6..+6) and ``played_at`` (UTC, ISO 8601
to the second). A *room session* is the run of songs one group sang: the app
opens a session when it starts and opens a new one when
:data:`app.similar_constants.SESSION_GAP_S` (2 h) pass without a play — one
run of a kiosk left on all day serves many groups, and a group rarely pauses
for two hours. Imported playlists are sessions too (:mod:`app.playlist_import`).
The co-occurrence embedding learns from the sessions' song order.

:class:`RoomClock` decides session ids (in memory, on the UI thread, at the
moment "Sing this" is pressed); :func:`store_play` writes the play (on the
writer thread). Both are plain Python, no Qt.
"""

from __future__ import annotations

import datetime as _dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.catalog_store import CatalogError, CatalogStore
from app.similar_constants import ROOM_SESSION_PREFIX, SESSION_GAP_S

KEY_SHIFT_LIMIT = 12
"""A stored key shift lies in -12..+12 semitones (the app offers -6..+6)."""


def iso_time(epoch_s: float) -> str:
    """Seconds since the epoch -> ``"2026-03-01T20:15:04+00:00"``."""
    return _dt.datetime.fromtimestamp(epoch_s, _dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Play:
    """One song sung: ``played_at`` in seconds since the epoch (UTC)."""

    session_id: str
    song_id: int
    key_shift: int
    played_at: float

    def row(self) -> dict:
        return {"session_id": self.session_id, "song_id": self.song_id,
                "key_shift": self.key_shift, "played_at": iso_time(self.played_at)}


class RoomClock:
    """Hands out the room session of each play.

    One per app run; a play more than ``gap_s`` after the previous one opens a
    new session. ``clock`` returns seconds since the epoch (tests pass a fake).
    Session ids look like ``room:20260301T201504Z-3f9a1c``: the start time,
    then random hex so two machines sharing a catalog never collide.
    """

    def __init__(self, clock: Callable[[], float] = time.time, gap_s: float = SESSION_GAP_S) -> None:
        self.clock = clock
        self.gap_s = gap_s
        self.session_id: str | None = None
        self.last_play_s: float | None = None

    def play(self, song_id: int, key_shift: int = 0) -> Play:
        """The play of ``song_id`` now, in the current session (or a new one)."""
        now = self.clock()
        if self.session_id is None or self.last_play_s is None or now - self.last_play_s > self.gap_s:
            stamp = _dt.datetime.fromtimestamp(now, _dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            self.session_id = f"{ROOM_SESSION_PREFIX}{stamp}-{secrets.token_hex(3)}"
        self.last_play_s = now
        return Play(self.session_id, int(song_id), int(key_shift), now)


def store_play(store: CatalogStore, play: Play) -> int:
    """Write one play; returns its row id. Raises CatalogError for a song that
    is not in the catalog or a key shift outside -12..+12."""
    if abs(play.key_shift) > KEY_SHIFT_LIMIT:
        raise CatalogError(f"key shift {play.key_shift:+d} is outside ±{KEY_SHIFT_LIMIT} semitones")
    if store.db.execute("SELECT 1 FROM songs WHERE id = ?", [play.song_id]).fetchone() is None:
        raise CatalogError(f"song {play.song_id} is not in the catalog")
    return store.db["plays"].insert(play.row()).last_pk


def play_count(store: CatalogStore) -> int:
    return store.db.execute("SELECT count(*) FROM plays").fetchone()[0]


def play_sessions(store: CatalogStore) -> list[list[int]]:
    """Every session's song ids in the order sung (by time, then by row id),
    sessions in the order they started; plays of deleted songs are left out."""
    rows = store.db.execute(
        "SELECT p.session_id, p.song_id, p.played_at FROM plays p JOIN songs s ON s.id = p.song_id "
        "ORDER BY p.session_id, p.played_at, p.id").fetchall()
    sessions: dict[str, list[int]] = {}
    started: dict[str, str] = {}
    for session_id, song_id, played_at in rows:
        sessions.setdefault(session_id, []).append(song_id)
        started.setdefault(session_id, played_at or "")
    return [sessions[s] for s in sorted(sessions, key=lambda s: (started[s], s))]


def plays_of(store: CatalogStore, session_id: str) -> list[dict]:
    """The plays of one session, in order (dicts of the ``plays`` columns)."""
    return list(store.db.query(
        "SELECT * FROM plays WHERE session_id = ? ORDER BY played_at, id", [session_id]))
