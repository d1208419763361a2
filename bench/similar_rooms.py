"""Simulated karaoke rooms for the similar-songs bench.

The demo catalog's metadata says little (4,118 of its 4,138 tunes are by
"Traditional", three collections make up 99 % of its genres, one year per
collection), so the bench gives its songs **synthetic** artists, genres, eras
and languages, and keeps what is real: the melodies (content vectors), the
ranges and the demo voices that sing them (voice vectors).

* Artists: ``n_songs / 12`` of them, each inside one collection (so an
  artist's tunes share a style, as a real artist's songs do); sizes skewed
  (log-normal weights). Each artist has one genre out of three per large
  collection (one for the 36 known songs), a debut year in 1955-2015 (songs
  within 15 years of it) and a language (ko 60 %, en 30 %, ja 10 %).
* Popularity: a random Zipf-like order (rank ** -0.9).
* Users: gender, a vocal range (female low ~ MIDI 55, male ~ 43; 12-26
  semitones wide), genre tastes (Dirichlet 0.5), 3-8 favourite artists, an
  era (centre and spread). A song's appeal to a user multiplies its
  popularity ** 0.7, the genre taste, x7 for a favourite artist, the era fit
  and how much of the melody fits the user's range at the best key (-6..+6).
* Rooms: groups of 1-4 users that come back (activity log-normal). A
  session is 6-20 songs; each is chosen by a random member by appeal, or,
  three times in ten, from the artist of the song just sung ("another one of
  theirs"); no song twice in a session.

Sessions are in time order; the bench trains on the first 80 % and asks, for
each song of the rest, for the song that came next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GENRES_PER_COLLECTION = 3
SONGS_PER_ARTIST = 12
LANGUAGES = (("ko", 0.6), ("en", 0.3), ("ja", 0.1))
FOLLOW_ARTIST = 0.3
FAVOURITE_BOOST = 6.0
KEY_SHIFTS = np.arange(-6, 7)


@dataclass
class SyntheticMetadata:
    """Per song (row): artist, genre and language codes, year; artist names."""

    artist: np.ndarray
    genre: np.ndarray
    language: np.ndarray
    year: np.ndarray
    artist_names: list[str]


def synthetic_metadata(collections: np.ndarray, rng: np.random.Generator) -> SyntheticMetadata:
    """collections int [N] (a code per song) -> synthetic metadata per song."""
    n = len(collections)
    artist = np.zeros(n, np.int64)
    genre = np.zeros(n, np.int64)
    year = np.zeros(n)
    language = np.zeros(n, np.int64)
    names: list[str] = []
    next_genre = 0
    for c in np.unique(collections):
        rows = np.flatnonzero(collections == c)
        n_artists = max(1, round(len(rows) / SONGS_PER_ARTIST))
        n_genres = GENRES_PER_COLLECTION if n_artists >= GENRES_PER_COLLECTION * 4 else 1
        first = len(names)
        names += [f"Synthetic artist {first + i + 1}" for i in range(n_artists)]
        weights = rng.lognormal(0.0, 0.8, n_artists)
        own = first + rng.choice(n_artists, size=len(rows), p=weights / weights.sum())
        artist[rows] = own
        artist_genre = next_genre + rng.integers(0, n_genres, n_artists)
        debut = rng.uniform(1955, 2015, n_artists)
        tongue = rng.choice(len(LANGUAGES), n_artists, p=[p for _l, p in LANGUAGES])
        genre[rows] = artist_genre[own - first]
        year[rows] = np.round(debut[own - first] + rng.uniform(0, 15, len(rows)))
        language[rows] = tongue[own - first]
        next_genre += n_genres
    return SyntheticMetadata(artist, genre, language, year, names)


def range_fit(song_low: np.ndarray, song_high: np.ndarray, low: float, high: float) -> np.ndarray:
    """Share (0..1) of each song's range inside [low, high] at its best key shift: float [N]."""
    lo = song_low[:, None] + KEY_SHIFTS[None, :]
    hi = song_high[:, None] + KEY_SHIFTS[None, :]
    inside = np.clip(np.minimum(hi, high) - np.maximum(lo, low), 0, None)
    span = np.maximum(hi - lo, 1.0)
    return (inside / span).max(axis=1)


@dataclass
class Rooms:
    """The simulated world: ``appeal`` float [users, N]; ``groups`` lists of users."""

    appeal: np.ndarray
    groups: list[np.ndarray]
    activity: np.ndarray
    artist: np.ndarray


def make_rooms(meta: SyntheticMetadata, song_low: np.ndarray, song_high: np.ndarray,
               rng: np.random.Generator, n_users: int = 300, n_groups: int = 120) -> Rooms:
    n = len(meta.artist)
    popularity = np.empty(n)
    popularity[rng.permutation(n)] = np.arange(1, n + 1) ** -0.9
    n_genres = int(meta.genre.max()) + 1
    artist_genre = np.zeros(len(meta.artist_names), np.int64)
    artist_genre[meta.artist] = meta.genre
    appeal = np.empty((n_users, n))
    for u in range(n_users):
        female = rng.random() < 0.5
        low = rng.normal(55.0 if female else 43.0, 2.0)
        high = low + np.clip(rng.normal(19.0, 3.0), 12.0, 26.0)
        taste = rng.dirichlet(np.full(n_genres, 0.5))
        chance = taste[artist_genre] + 1e-3
        favourites = rng.choice(len(artist_genre), size=rng.integers(3, 9), replace=False,
                                p=chance / chance.sum())
        centre, spread = rng.uniform(1960, 2025), rng.uniform(6, 15)
        era = 0.1 + np.exp(-0.5 * ((meta.year - centre) / spread) ** 2)
        fit = range_fit(song_low, song_high, low, high)
        boost = 1.0 + FAVOURITE_BOOST * np.isin(meta.artist, favourites)
        appeal[u] = popularity ** 0.7 * (0.05 + taste[meta.genre]) * boost * era * (fit ** 2 + 0.02)
    sizes = rng.choice([1, 2, 3, 4], size=n_groups, p=[0.25, 0.35, 0.25, 0.15])
    groups = [rng.choice(n_users, size=k, replace=False) for k in sizes]
    return Rooms(appeal, groups, rng.lognormal(0.0, 1.0, n_groups), meta.artist)


def _pick(weights: np.ndarray, rng: np.random.Generator) -> int:
    cdf = np.cumsum(weights)
    return int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right").clip(0, len(cdf) - 1))


def simulate_sessions(rooms: Rooms, n_sessions: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Sessions of song rows in the order sung, sessions in time order."""
    by_artist = {a: np.flatnonzero(rooms.artist == a) for a in np.unique(rooms.artist)}
    p_group = rooms.activity / rooms.activity.sum()
    sessions = []
    for _ in range(n_sessions):
        members = rooms.groups[rng.choice(len(rooms.groups), p=p_group)]
        length = int(min(20, 6 + rng.poisson(5)))
        sung: list[int] = []
        for _step in range(length):
            weights = rooms.appeal[rng.choice(members)].copy()
            weights[sung] = 0.0
            if sung and rng.random() < FOLLOW_ARTIST:
                same = by_artist[rooms.artist[sung[-1]]]
                if weights[same].sum() > 0:
                    sung.append(int(same[_pick(weights[same], rng)]))
                    continue
            sung.append(_pick(weights, rng))
        sessions.append(np.array(sung, np.int64))
    return sessions
