"""On-disk layout of the timbre dataset, and its loader.

Under the dataset folder (default ``$NORAE_TRAIN_CACHE/timbre/v1``)::

    <split>/singers.json        [Singer.to_json(), ...] in singer order
    <split>/shard_NNNN.npz      SHARD_SINGERS singers each, all their clips
        audio          int16 [N, CLIP_SAMPLES]  dry voice, peak -3 dBFS, 16 kHz
        f0             float32 [N, LABEL_FRAMES] Hz at i * HOP_S, 0.0 = unvoiced
        singer         int32 [N]  singer index within the split
        song           int32 [N]  song number within the singer (0, 1, ...)
        melody_source  str [N]
    MANIFEST.json

A singer's clips are consecutive: song 0's excerpts, then song 1's, ...
Shards are renamed into place whole, so a shard that exists is complete.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.melody_data.clip_format import CLIP_SAMPLES, LABEL_FRAMES
from training.melody_paths import cache_root

from .singers import Singer

SHARD_SINGERS = 50
SHARD_KEYS = ("audio", "f0", "singer", "song", "melody_source")


class TimbreDataError(ValueError):
    """The timbre dataset is missing, incomplete or malformed."""


def default_data_dir() -> Path:
    """``$NORAE_TRAIN_CACHE/timbre/v1``, or ``~/.cache/norae-train/timbre/v1``."""
    return cache_root() / "timbre" / "v1"


def shard_path(data_dir: Path, split: str, index: int) -> Path:
    return Path(data_dir) / split / f"shard_{index:04d}.npz"


def save_shard(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write one shard (keys :data:`SHARD_KEYS`) atomically."""
    n = len(arrays["singer"])
    if arrays["audio"].shape != (n, CLIP_SAMPLES) or arrays["f0"].shape != (n, LABEL_FRAMES):
        raise TimbreDataError(f"{path}: audio {arrays['audio'].shape} / f0 {arrays['f0'].shape} "
                              f"do not match {n} clips")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    with open(tmp, "wb") as handle:
        np.savez(handle, audio=np.asarray(arrays["audio"], np.int16),
                 f0=np.asarray(arrays["f0"], np.float32),
                 singer=np.asarray(arrays["singer"], np.int32),
                 song=np.asarray(arrays["song"], np.int32),
                 melody_source=np.asarray(arrays["melody_source"], dtype=str))
    os.replace(tmp, path)


def save_singers(data_dir: Path, split: str, singers: list[Singer]) -> None:
    path = Path(data_dir) / split / "singers.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([s.to_json() for s in singers], indent=1))
    os.replace(tmp, path)


@dataclass
class TimbreSplit:
    """A loaded split: clip arrays (see the module docstring) and its singers."""

    audio: np.ndarray
    f0: np.ndarray
    singer: np.ndarray
    song: np.ndarray
    melody_source: np.ndarray
    singers: list[Singer]

    def __len__(self) -> int:
        return len(self.singer)

    def female(self) -> np.ndarray:
        """bool [N]: the clip's singer is female."""
        flags = np.array([s.gender == "female" for s in self.singers])
        return flags[self.singer]


def load_split(data_dir: str | os.PathLike, split: str) -> TimbreSplit:
    """Every shard of ``split`` ("train", "val" or "bench"), concatenated."""
    folder = Path(data_dir) / split
    listing = folder / "singers.json"
    paths = sorted(folder.glob("shard_[0-9][0-9][0-9][0-9].npz"))
    if not listing.is_file() or not paths:
        raise TimbreDataError(f"no timbre data in {folder} (run python -m training.timbre_data.build)")
    singers = [Singer.from_json(d) for d in json.loads(listing.read_text())]
    parts = []
    for path in paths:
        try:
            with np.load(path, allow_pickle=False) as data:
                parts.append({k: data[k] for k in SHARD_KEYS})
        except (OSError, ValueError, KeyError) as exc:
            raise TimbreDataError(f"cannot read shard {path}: {exc}") from exc
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in SHARD_KEYS}
    if arrays["singer"].max() >= len(singers):
        raise TimbreDataError(f"{folder}: clips name singers beyond singers.json")
    return TimbreSplit(singers=singers, **arrays)
