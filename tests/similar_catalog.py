"""A small catalog for the similar-songs tests, generated in code.

Three artists of 8 songs each, each with a melodic style of its own, a genre
and an era, plus 6 songs by nobody in particular; every melody is different.
The ``similar_db`` fixture (``tests/conftest.py``) builds it once per test
session in a file, with hum windows (the shipped hum model) and a few room
sessions; tests copy it (:func:`copy_catalog`) before they write.

* "Ana Stepwise" (ballad, 1990s): scale runs in long even notes;
* "Bo Leaps" (dance, 2010s): wide arpeggio leaps in short notes;
* "Cy Repeats" (trot, 1970s): repeated notes and dotted rhythms;
* "Traditional" (folk, no year): two-note swings.

Room sessions: rooms sing Ana's and Bo's songs together (an Ana song, then a
Bo song, and so on), and Cy's with Cy's; the folk songs are never sung.
"""

from __future__ import annotations

import shutil

import numpy as np

from app.catalog_store import CatalogStore
from app.cli_hum import update_hum_index
from app.play_log import Play, store_play
from app.song_record import Note, SongRecord

ARTISTS = {"Ana Stepwise": ("Ballad", 1994), "Bo Leaps": ("Dance", 2014),
           "Cy Repeats": ("Trot", 1975), "Traditional": ("Folk", None)}
PER_ARTIST = {"Ana Stepwise": 8, "Bo Leaps": 8, "Cy Repeats": 8, "Traditional": 6}
SESSION_START = 1_750_000_000.0


def melody(artist: str, k: int) -> list[Note]:
    """A deterministic melody in the artist's style; ``k`` makes each song differ."""
    rng = np.random.default_rng(1000 * len(artist) + k)
    base = 57 + k % 5
    notes, t = [], 0.0
    for bar in range(24):
        if artist == "Ana Stepwise":
            steps, lengths = [0, 2, 2, 1, 2, -2, -2, -1], [0.6] * 8
        elif artist == "Bo Leaps":
            steps, lengths = [0, 7, -3, 8, -12, 4, 5, -9], [0.2] * 8
        elif artist == "Cy Repeats":
            steps, lengths = [0, 0, 0, 3, 0, 0, -3, 0], [0.45, 0.15] * 4
        else:
            steps, lengths = [0, 1, -1, 1, -1, 1, -1, 0], [0.3] * 8
        pitch = base + int(rng.integers(-2, 3))
        for step, length in zip(steps, lengths):
            pitch += step
            notes.append(Note(t, length * 0.95, float(pitch)))
            t += length
        t += 0.3 * (bar % 2)
    return notes


def add_small_catalog(store: CatalogStore) -> dict[str, list[int]]:
    """Add the songs; returns song ids by artist."""
    ids: dict[str, list[int]] = {}
    for artist, (genre, year) in ARTISTS.items():
        for k in range(PER_ARTIST[artist]):
            ids.setdefault(artist, []).append(store.add_song(SongRecord(
                f"{artist.split()[0]} song {k + 1}", artist=artist, genre=genre, year=year,
                language="Korean" if artist != "Traditional" else "",
                singer_gender="female" if k % 2 else "male", notes=melody(artist, k),
                source_path=f"/music/{artist}/{k + 1:02d} {artist} - {artist.split()[0]} song {k + 1}.mid",
                file_hash=f"small:{artist}:{k}")))
    return ids


def add_room_sessions(store: CatalogStore, ids: dict[str, list[int]], sessions: int = 12,
                      first: int = 0) -> None:
    """Rooms that sing Ana and Bo together, and rooms that sing Cy (a play a
    minute, a session a day); ``first``: the number of the first session (more
    sessions after the fixture's 12 start at 12)."""
    rng = np.random.default_rng(7 + first)
    for s in range(first, first + sessions):
        if s % 2 == 0:
            songs = [x for pair in zip(rng.permutation(ids["Ana Stepwise"])[:4],
                                       rng.permutation(ids["Bo Leaps"])[:4]) for x in pair]
        else:
            songs = list(rng.permutation(ids["Cy Repeats"])[:6])
        for i, song_id in enumerate(songs):
            store_play(store, Play(f"room:test-{s:02d}", int(song_id), 0,
                                   SESSION_START + s * 86_400 + 60 * i))


def build_similar_catalog(path) -> dict[str, list[int]]:
    """Build the catalog at ``path`` with hum windows and room sessions (no training
    yet); returns song ids by artist. The ``similar_db`` fixture builds it once."""
    with CatalogStore(path) as store:
        ids = add_small_catalog(store)
        lines = update_hum_index(store)
        assert lines and "indexed" in lines[0], lines
        add_room_sessions(store, ids)
    return ids


def copy_catalog(source, folder):
    """A private copy of a catalog file and its index folder, for a test that writes."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in source.parent.iterdir():
        target = folder / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
    return folder / source.name
