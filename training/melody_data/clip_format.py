"""The on-disk layout of the melody dataset: shard files, bench files, loaders.

Layout under the dataset folder (default ``$NORAE_TRAIN_CACHE/melody/v1``)::

    train/shard_NNNN.npz   val/shard_NNNN.npz     (SHARD_CLIPS clips each)
        voice        int16 [N, CLIP_SAMPLES]  dry voice, peak ~ -3 dBFS
        accomp       int16 [N, CLIP_SAMPLES]  paired dry accompaniment (zeros if none)
        f0           float32 [N, LABEL_FRAMES] Hz at t_i = i * HOP_S, 0.0 = unvoiced
        kind         str [N]   sung | syllables | hum | whistle | choir | speech
        voice_name   str [N]
        melody_source str [N]
    bench/<condition>.npz  (voice_clean, voice_noisy, accomp0_clean, accomp0_noisy)
        audio        float32 [N, CLIP_SAMPLES] mixed and degraded, ready to track
        f0           float32 [N, LABEL_FRAMES]
        voice_name   str [N]
    babble.npy             int16 [S] training-voice speech for babble noise
    MANIFEST.json

Shards are written to a temporary name and renamed, so a shard that exists is
complete.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from inference.constants import HOP_SAMPLES, SAMPLE_RATE

CLIP_SECONDS = 4.0
CLIP_SAMPLES = round(CLIP_SECONDS * SAMPLE_RATE)
"""Samples per clip (64000 at 16 kHz)."""

LABEL_FRAMES = CLIP_SAMPLES // HOP_SAMPLES + 1
"""f0 labels per clip (401: frame centres 0.00, 0.01, ... 4.00 s)."""

SHARD_CLIPS = 250
"""Clips per train/val shard file."""

SHARD_KEYS = ("voice", "accomp", "f0", "kind", "voice_name", "melody_source")
BENCH_KEYS = ("audio", "f0", "voice_name")
BENCH_CONDITIONS = ("voice_clean", "voice_noisy", "accomp0_clean", "accomp0_noisy")
SPLITS = ("train", "val")

PEAK_LEVEL = 10 ** (-3 / 20)
"""Linear peak of the stored dry voice and accompaniment (-3 dBFS)."""


class ClipFormatError(ValueError):
    """A shard or bench file is missing, incomplete or of the wrong shape."""


def default_data_dir() -> Path:
    """``$NORAE_TRAIN_CACHE/melody/v1``, or ``~/.cache/norae-train/melody/v1``."""
    root = os.environ.get("NORAE_TRAIN_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "norae-train"
    return base / "melody" / "v1"


def shard_path(data_dir: Path, split: str, index: int) -> Path:
    return Path(data_dir) / split / f"shard_{index:04d}.npz"


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float [..., L] in -1..1 -> int16 (rounded, saturated)."""
    return np.clip(np.round(np.asarray(audio, np.float64) * 32767.0), -32768, 32767).astype(np.int16)


def peak_normalise(audio: np.ndarray, peak: float = PEAK_LEVEL) -> np.ndarray:
    """float32 [L] scaled so that max |x| == peak; silence stays silence."""
    top = float(np.max(np.abs(audio))) if audio.size else 0.0
    if top < 1e-9:
        return np.zeros_like(audio, dtype=np.float32)
    return (audio * (peak / top)).astype(np.float32)


def _atomic_savez(path: Path, arrays: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    os.replace(tmp, path)


def _check(arrays: dict[str, np.ndarray], keys: tuple[str, ...], where: str) -> int:
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ClipFormatError(f"{where}: missing arrays {missing}")
    n = len(arrays["f0"])
    for key in keys:
        if len(arrays[key]) != n:
            raise ClipFormatError(f"{where}: {key} has {len(arrays[key])} rows, f0 has {n}")
    if arrays["f0"].shape[1:] != (LABEL_FRAMES,):
        raise ClipFormatError(f"{where}: f0 must be [N, {LABEL_FRAMES}], got {arrays['f0'].shape}")
    for key in ("voice", "accomp", "audio"):
        if key in keys and arrays[key].shape[1:] != (CLIP_SAMPLES,):
            raise ClipFormatError(f"{where}: {key} must be [N, {CLIP_SAMPLES}], got {arrays[key].shape}")
    return n


def save_shard(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write one train/val shard (keys :data:`SHARD_KEYS`) atomically."""
    _check(arrays, SHARD_KEYS, str(path))
    fixed = {
        "voice": np.asarray(arrays["voice"], np.int16),
        "accomp": np.asarray(arrays["accomp"], np.int16),
        "f0": np.asarray(arrays["f0"], np.float32),
        **{k: np.asarray(arrays[k], dtype=str) for k in ("kind", "voice_name", "melody_source")},
    }
    _atomic_savez(Path(path), fixed)


def save_bench(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write one bench condition file (keys :data:`BENCH_KEYS`) atomically."""
    _check(arrays, BENCH_KEYS, str(path))
    _atomic_savez(Path(path), {
        "audio": np.asarray(arrays["audio"], np.float32),
        "f0": np.asarray(arrays["f0"], np.float32),
        "voice_name": np.asarray(arrays["voice_name"], dtype=str),
    })


def load_shard(path: Path) -> dict[str, np.ndarray]:
    """One shard as a dict of arrays (see the module docstring)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise ClipFormatError(f"cannot read shard {path}: {exc}") from exc
    _check(arrays, SHARD_KEYS, str(path))
    return arrays


def load_split(data_dir: str | os.PathLike, split: str) -> dict[str, np.ndarray]:
    """All shards of ``split`` ("train", "val") or a bench condition, concatenated.

    Returns the arrays of :data:`SHARD_KEYS` (train/val) or :data:`BENCH_KEYS`
    (``bench/<condition>``, or just the condition name), N = all clips.
    """
    data_dir = Path(data_dir)
    condition = split.removeprefix("bench/")
    if condition in BENCH_CONDITIONS:
        path = data_dir / "bench" / f"{condition}.npz"
        if not path.is_file():
            raise ClipFormatError(f"no bench file {path} (run python -m training.melody_data.build)")
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        _check(arrays, BENCH_KEYS, str(path))
        return arrays
    if split not in SPLITS:
        raise ClipFormatError(f"unknown split {split!r}: use one of {SPLITS + BENCH_CONDITIONS}")
    paths = sorted((data_dir / split).glob("shard_[0-9][0-9][0-9][0-9].npz"))
    if not paths:
        raise ClipFormatError(f"no shards in {data_dir / split} (run python -m training.melody_data.build)")
    shards = [load_shard(p) for p in paths]
    return {k: np.concatenate([s[k] for s in shards]) for k in SHARD_KEYS}
