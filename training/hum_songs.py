"""Songs for hum search training and benchmarks: corpus tunes and random walks
as timed note arrays, with a song-level split.

The melody encoder's data build caches every music21-corpus melody it could
read (``corpus_melodies_v1.jsonl.gz``). Hum search splits those by *song*, on a
hash of the source path different from the melody encoder's split:
``crc32("hum:" + source) % 16`` in 0..2 trains the hum encoder (19 %), 3
validates (6 %), and everything else (75 %, over 10,000 tunes) is never seen in
training and fills the benchmark catalogs. Random-walk melodies (seeded per split) add
training variety.

Notes are float64 [n, 3]: onset_s, duration_s, MIDI pitch, sorted by onset.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.melody_data.clip_format import default_data_dir
from training.melody_data.corpus_melodies import CACHE_NAME, load_cache
from training.melody_data.melodies import ScoreMelody, random_walk

MEDIAN_NOTE_S = (0.25, 0.6)
"""A song's tempo puts its median note between these lengths (log-uniform)."""


@dataclass(frozen=True)
class HumSong:
    source: str
    notes: np.ndarray
    """float64 [n, 3]: onset_s, duration_s, MIDI pitch."""

    @property
    def seconds(self) -> float:
        return float((self.notes[:, 0] + self.notes[:, 1]).max())


def hum_split(source: str) -> str:
    """"train", "val" or "held_out" for a melody source name."""
    rest = zlib.crc32(("hum:" + source).encode("utf-8")) % 16
    return "train" if rest < 3 else "val" if rest == 3 else "held_out"


def timed_notes(melody: ScoreMelody, rng: np.random.Generator) -> np.ndarray:
    """A written melody at a singable tempo: float64 [n, 3] in seconds."""
    if melody.qpm is not None:
        beat_s = 60.0 / melody.qpm
    else:
        median_s = float(np.exp(rng.uniform(*np.log(MEDIAN_NOTE_S))))
        beat_s = median_s / float(np.median(melody.durations))
    notes = np.stack([melody.onsets * beat_s, melody.durations * beat_s, melody.pitches], axis=1)
    notes[:, 0] -= notes[0, 0]
    return notes[np.argsort(notes[:, 0], kind="stable")]


def corpus_cache_path() -> Path:
    return default_data_dir().parent / "cache" / CACHE_NAME


def load_songs(split: str, *, cache: Path | None = None) -> list[HumSong]:
    """Corpus songs of one hum split, each at its own fixed tempo (seeded by name)."""
    if split not in ("train", "val", "held_out"):
        raise ValueError(f"unknown split {split!r}")
    path = cache or corpus_cache_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run python -m training.melody_data.build first")
    songs = []
    for group in load_cache(path).values():
        for melody in group:
            if hum_split(melody.source) != split:
                continue
            rng = np.random.default_rng(zlib.crc32(melody.source.encode("utf-8")))
            songs.append(HumSong(melody.source, timed_notes(melody, rng)))
    songs.sort(key=lambda s: s.source)
    return songs


def walk_songs(split: str, count: int, seed: int = 0) -> list[HumSong]:
    """Random-walk songs (40-120 notes), seeded by split so splits never share one."""
    salt = {"train": 1, "val": 2, "held_out": 3}[split]
    rng = np.random.default_rng([seed, salt])
    songs = []
    for i in range(count):
        melody = random_walk(rng, f"walk:{split}:{i}", n_notes=int(rng.integers(40, 121)))
        songs.append(HumSong(melody.source, timed_notes(melody, rng)))
    return songs
