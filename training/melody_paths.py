"""Where melody training keeps its runs (outside git).

``NORAE_TRAIN_CACHE`` overrides the cache root (default ``~/.cache/norae-train``);
the generated dataset lives in ``<root>/melody/v1`` (see
:func:`training.melody_data.clip_format.default_data_dir`).
"""

from __future__ import annotations

from pathlib import Path

from training.melody_data.clip_format import default_data_dir


def data_dir() -> Path:
    """The generated melody dataset (train/, val/, bench/ shards)."""
    return default_data_dir()


def cache_root() -> Path:
    """The training cache root (``~/.cache/norae-train`` unless overridden)."""
    return default_data_dir().parent.parent


def run_dir(name: str = "melody-c32") -> Path:
    """Checkpoints and logs of a training run: ``<root>/runs/<name>``."""
    return cache_root() / "runs" / name


def run_path(value: str | Path | None, default_name: str) -> Path:
    """A ``--run`` value: None -> the default run; a bare name (no "/") -> that
    run under the cache; anything else -> that directory."""
    if value is None:
        return run_dir(default_name)
    text = str(value)
    return run_dir(text) if "/" not in text else Path(text).expanduser()
