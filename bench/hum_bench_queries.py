"""Catalog songs and rendered hummed queries for the hum-search bench.

Catalogs are prefixes of one seeded shuffle of the held-out songs
(:func:`training.hum_songs.load_songs`), so the 1k catalog lies inside the
10k one. In-catalog queries come from songs of the *smallest* catalog, so one
query set serves every catalog; out-of-catalog queries come from the songs
after the largest catalog.

A query (:class:`QuerySpec`) is drawn with its own seeded generator: a song
long enough for the excerpt, tempo uniform in :data:`TEMPO_RANGE` (the query
runs that many times as fast as the song), key shift uniform in
+-:data:`KEY_SHIFT_ST` semitones, a start in the song. Rendering
(:func:`render_audio`) then performs the excerpt with a drawn singing style
(:func:`training.hum_queries.perform`), fits it into a random voice's register,
renders it as ``sung``/``syllables``/``hum``/``whistle`` (the kind cycles with
the query number; TTS kinds cycle through the held-out voices) and records it
in a room. Rendered audio is cached as ``<cache>/<spec key>.npz`` (int16 plus
a scale), so a rerun with the same seed renders nothing.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from inference.constants import SAMPLE_RATE
from training.hum_audio import KINDS, TTS_KINDS, recorded_query
from training.hum_queries import excerpt
from training.hum_songs import HumSong
from training.melody_data.tts_voices import held_out_voices

QUERY_CACHE_VERSION = 1
"""Part of every cache key: bump it when rendering changes, so old audio is not reused."""
TEMPO_RANGE = (0.7, 1.3)
KEY_SHIFT_ST = 7.0
LEAD_S = 0.3
"""Song seconds added to an excerpt beyond ``length * tempo``."""
MIN_NOTES = 3
"""An excerpt with fewer notes is redrawn (a start inside a long rest)."""
OUT_OF_CATALOG_S = 10.0
IN_CATALOG_SALT, OUT_OF_CATALOG_SALT = 1, 2


def shuffled_songs(songs: list[HumSong], seed: int) -> list[HumSong]:
    """The songs in a seeded order; catalog N is the first N of it."""
    order = np.random.default_rng([seed, 0]).permutation(len(songs))
    return [songs[i] for i in order]


@dataclass(frozen=True)
class QuerySpec:
    """Everything that decides one query's audio."""

    source: str
    """The song's source name (its catalog title)."""
    length_s: float
    """Nominal query seconds (the rendered audio adds a short tail)."""
    number: int
    """Query number within its length and set; picks the kind and voice."""
    kind: str
    voice: str | None
    """Held-out TTS voice for sung/syllables; None for hum and whistle."""
    tempo: float
    key_shift: float
    """Semitones, before the register fit (which moves by whole semitones)."""
    start_s: float
    """Where the excerpt starts in the song, seconds."""
    in_catalog: bool
    seed: int

    @property
    def key(self) -> str:
        """Cache key: a hash of every field and :data:`QUERY_CACHE_VERSION`."""
        text = json.dumps([QUERY_CACHE_VERSION, asdict(self)], sort_keys=True)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    @property
    def span_s(self) -> float:
        """Song seconds the excerpt covers."""
        return self.length_s * self.tempo + LEAD_S

    def render_rng(self) -> np.random.Generator:
        salt = IN_CATALOG_SALT if self.in_catalog else OUT_OF_CATALOG_SALT
        return np.random.default_rng([self.seed, salt, round(self.length_s * 1000),
                                      self.number, 1])


@dataclass
class BenchQuery:
    spec: QuerySpec
    audio: np.ndarray
    """float32 [S] mono at SAMPLE_RATE."""


def tts_voice_names() -> list[str]:
    return [v.name for v in held_out_voices()]


def draw_spec(pool: list[HumSong], length_s: float, number: int, seed: int, *,
              in_catalog: bool) -> QuerySpec:
    """One query from a random song of ``pool`` (see the module docstring)."""
    salt = IN_CATALOG_SALT if in_catalog else OUT_OF_CATALOG_SALT
    rng = np.random.default_rng([seed, salt, round(length_s * 1000), number])
    kind = KINDS[number % len(KINDS)]
    voices = tts_voice_names()
    voice = voices[number % len(voices)] if kind in TTS_KINDS else None
    for _ in range(100):
        tempo = float(rng.uniform(*TEMPO_RANGE))
        span = length_s * tempo + LEAD_S
        long_enough = [s for s in pool if s.seconds >= span] or pool
        song = long_enough[int(rng.integers(len(long_enough)))]
        start = float(rng.uniform(0.0, max(0.0, song.seconds - span)))
        if len(excerpt(song.notes, start, span)) >= MIN_NOTES:
            return QuerySpec(song.source, float(length_s), number, kind, voice, tempo,
                             float(rng.uniform(-KEY_SHIFT_ST, KEY_SHIFT_ST)), start,
                             in_catalog, seed)
    raise ValueError(f"no song in the pool of {len(pool)} has {MIN_NOTES} notes in {length_s} s")


def render_audio(spec: QuerySpec, song: HumSong) -> np.ndarray:
    """The query as a phone in a room records it: float32 [S] at SAMPLE_RATE."""
    return recorded_query(excerpt(song.notes, spec.start_s, spec.span_s), spec.render_rng(),
                          kind=spec.kind, voice=spec.voice, tempo=spec.tempo, key_shift=spec.key_shift)


def cached_audio(spec: QuerySpec, song: HumSong, cache_dir: Path) -> tuple[np.ndarray, bool]:
    """(audio float32 [S], True when it came from the cache)."""
    path = cache_dir / f"{spec.key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            return (data["audio"].astype(np.float32) * float(data["scale"]) / 32767.0), True
    except (OSError, KeyError, ValueError):
        pass
    audio = render_audio(spec, song)
    scale = float(np.max(np.abs(audio))) or 1.0
    stored = np.round(audio / scale * 32767.0).astype(np.int16)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.npz")
    np.savez(tmp, audio=stored, scale=scale, spec=json.dumps(asdict(spec)))
    tmp.replace(path)
    return stored.astype(np.float32) * scale / 32767.0, False  # as a rerun will read it


@dataclass
class QuerySet:
    by_length: dict[float, list[BenchQuery]]
    """In-catalog queries (songs of the smallest catalog), per nominal length."""
    out_of_catalog: list[BenchQuery]
    """10 s queries of songs in no catalog."""
    rendered: int
    """Queries rendered now (the rest came from the cache)."""


def bench_queries(order: list[HumSong], smallest: int, largest: int, lengths: list[float],
                  count: int, seed: int, cache_dir: Path, log=sys.stderr) -> QuerySet:
    """Every query of the bench, rendered or read from ``cache_dir``.

    order: the shuffled held-out songs; ``order[:smallest]`` is the smallest
    catalog, ``order[largest:]`` are in no catalog. ``count`` queries per
    length, ``count // 2`` out-of-catalog ones.
    """
    by_source = {s.source: s for s in order}
    jobs: list[tuple[float | None, QuerySpec]] = []
    for length in lengths:
        jobs += [(length, draw_spec(order[:smallest], length, i, seed, in_catalog=True))
                 for i in range(count)]
    spare = order[largest:]
    if spare:
        jobs += [(None, draw_spec(spare, OUT_OF_CATALOG_S, i, seed, in_catalog=False))
                 for i in range(count // 2)]
    by_length: dict[float, list[BenchQuery]] = {length: [] for length in lengths}
    outside: list[BenchQuery] = []
    rendered = 0
    for done, (length, spec) in enumerate(jobs):
        audio, cached = cached_audio(spec, by_source[spec.source], cache_dir)
        rendered += not cached
        (outside if length is None else by_length[length]).append(BenchQuery(spec, audio))
        if not cached and (rendered % 25 == 0 or done + 1 == len(jobs)):
            print(f"queries: {done + 1}/{len(jobs)} ready ({rendered} rendered, "
                  f"{len(audio) / SAMPLE_RATE:.1f} s last)", file=log, flush=True)
    return QuerySet(by_length, outside, rendered)
