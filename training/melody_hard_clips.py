"""Which training clips a melody model sings an octave off with their accompaniment.

    python -m training.melody_hard_clips --run melody-c32-ft3 [--workers 2]

Every training clip that has an accompaniment is mixed with it the way the
benchmark's clean accompaniment condition is (voice and backing at equal
level, :func:`training.melody_data.bench_set.clean_settings`), tracked by the
run's best checkpoint exported to a temporary ONNX file (the app's own
decoder, through the melody benchmark's :func:`bench.peer_pitch.load_norae`),
and scored as the benchmark scores octave errors: the share of its sung
frames whose pitch lies an octave (or two) from the label.

The result, ``RUN/hard_clips.npy`` (float32 [N], one value per training clip,
0 for clips without accompaniment), lets a later stage draw those clips more
often (``python -m training.train_melody --hard-clips RUN``). Tried on the
fourth melody stage: validation octave errors went up, not down
(``training/README.md``), so the shipped model does not use it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from training.melody_paths import data_dir, run_path

HARD_CLIPS_FILE = "hard_clips.npy"
CHUNK = 250
"""Clips per worker task."""

_worker: dict = {}


def octave_error_share(ref_f0: np.ndarray, est_f0: np.ndarray) -> float:
    """Share of the frames voiced in ``ref_f0`` [T] (Hz, 0 = unvoiced) whose
    guess ``est_f0`` [T] (Hz) is 1 or 2 octaves off, as the melody benchmark
    counts them (:func:`bench.melody_bench.octave_offsets`)."""
    from bench.melody_bench import octave_offsets

    voiced = int((ref_f0 > 0).sum())
    return float((octave_offsets(ref_f0, est_f0) != 0).sum() / voiced) if voiced else 0.0


def _init(model: str, data: str) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from bench.peer_pitch import load_norae
    from training.melody_data.augment import set_babble_bank
    from training.melody_data.clip_format import load_split

    if (Path(data) / "babble.npy").is_file():
        set_babble_bank(np.load(Path(data) / "babble.npy"))
    _worker["track"] = load_norae(Path(model), threads=1)  # a guess on every frame, as the bench
    _worker["train"] = load_split(data, "train")


def _score(indices: list[int]) -> list[float]:
    from bench.peer_pitch import fit_length
    from training.melody_data.augment import apply_settings
    from training.melody_data.bench_set import clean_settings

    track, train = _worker["track"], _worker["train"]
    settings = clean_settings(with_accomp=True)
    out = []
    for i in indices:
        voice = train["voice"][i].astype(np.float32) / 32768.0
        accomp = train["accomp"][i].astype(np.float32) / 32768.0
        audio = apply_settings(voice, accomp, settings, np.random.default_rng(i))
        ref = train["f0"][i]
        out.append(octave_error_share(ref, fit_length(track(audio).f0_hz, len(ref))))
    return out


def score_clips(model: Path, data: Path, workers: int) -> np.ndarray:
    """float32 [N]: octave-error share of every training clip (0 without accompaniment)."""
    from training.melody_data.clip_format import load_split

    accomp = load_split(data, "train")["accomp"]
    has_accomp = np.flatnonzero(np.abs(accomp).max(axis=1) > 0).tolist()
    scores = np.zeros(len(accomp), np.float32)
    del accomp
    chunks = [has_accomp[i:i + CHUNK] for i in range(0, len(has_accomp), CHUNK)]
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(model), str(data))) as pool:
        for chunk, values in zip(chunks, pool.map(_score, chunks)):
            scores[chunk] = values
    return scores


def load_hard_clips(run: str | Path) -> np.ndarray:
    """The scores a run's ``hard_clips.npy`` holds (float32 [N])."""
    path = run_path(run, "") / HARD_CLIPS_FILE if not str(run).endswith(".npy") else Path(run)
    if not path.is_file():
        raise FileNotFoundError(f"no {path}; run python -m training.melody_hard_clips --run {run}")
    return np.load(path)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="the run whose best.pt scores the clips")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    from training.export_melody import export_onnx, load_net

    run, data = run_path(args.run, ""), args.data or data_dir()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="norae-hard-") as tmp:
        model = Path(tmp) / "melody.onnx"
        export_onnx(load_net(run / "best.pt"), model)
        scores = score_clips(model, data, args.workers)
    np.save(run / HARD_CLIPS_FILE, scores)
    scored = scores[scores > 0]
    print(f"wrote {run / HARD_CLIPS_FILE}: {len(scores)} clips, {len(scored)} with octave errors, "
          f"{(scores >= 0.2).sum()} with >= 20 % of their sung frames an octave off; mean share "
          f"{scores.mean():.4f}; {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
