"""Where the melody model's octave errors come from, on one benchmark condition.

    python -m bench.melody_octave_errors [--condition accomp0_clean] [--limit N] [--model PATH]

An octave error is a reference-voiced frame whose pitch guess lies within 50
cents of the reference moved by one or two octaves
(:func:`bench.melody_bench.octave_offsets`). Printed: the share of
reference-voiced frames an octave (or two) up and down, how concentrated the errors are in few clips (share of error frames in
the worst 5 clips), and how much of them lies in long runs (>= 20 frames,
200 ms: a phrase held an octave off, which decoding cannot undo) rather than
in short glitches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from bench.melody_bench import DEFAULT_SET_DIR, load_condition, octave_offsets
from bench.peer_pitch import fit_length, load_norae

LONG_RUN_FRAMES = 20
WORST_CLIPS = 5


def error_runs(errors: np.ndarray) -> list[int]:
    """Lengths of the runs of True in a bool [N] array."""
    padded = np.concatenate([[False], errors, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return (edges[1::2] - edges[::2]).tolist()


def analyse(track, audio: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    """Octave-error statistics of ``track`` over clips ``audio`` [N, L] with reference f0 ``ref`` [N, T]."""
    up = down = voiced = 0
    per_clip, runs = [], []
    for clip, ref_f0 in zip(audio, ref):
        est = fit_length(track(clip).f0_hz, len(ref_f0))  # a guess on every frame, 10 ms grid
        offsets = octave_offsets(ref_f0, est)
        is_up, is_down = offsets > 0, offsets < 0
        up, down, voiced = up + is_up.sum(), down + is_down.sum(), voiced + (ref_f0 > 0).sum()
        per_clip.append(int((is_up | is_down).sum()))
        runs += error_runs((is_up | is_down)[ref_f0 > 0])
    total = max(1, sum(per_clip))
    return {"clips": len(per_clip), "up_pct": 100 * up / voiced, "down_pct": 100 * down / voiced,
            "worst_clips_share_pct": 100 * sum(sorted(per_clip)[-WORST_CLIPS:]) / total,
            "long_run_share_pct": 100 * sum(r for r in runs if r >= LONG_RUN_FRAMES) / total}


def main(argv: list[str] | None = None) -> int:
    from app.melody_extraction import melody_model_path

    p = argparse.ArgumentParser(prog="python -m bench.melody_octave_errors", description=__doc__.split("\n")[0])
    p.add_argument("--set", dest="set_dir", type=Path, default=DEFAULT_SET_DIR)
    p.add_argument("--condition", default="accomp0_clean")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--model", type=Path, default=None)
    args = p.parse_args(argv)
    audio, ref = load_condition(args.set_dir.expanduser() / f"{args.condition}.npz", args.limit)
    r = analyse(load_norae(args.model or melody_model_path(), 1), audio, ref)
    print(f"{args.condition}, {r['clips']} clips: octave up {r['up_pct']:.2f} %, down {r['down_pct']:.2f} % "
          f"of sung frames; worst {WORST_CLIPS} clips hold {r['worst_clips_share_pct']:.0f} % of the error "
          f"frames; runs >= {LONG_RUN_FRAMES} frames hold {r['long_run_share_pct']:.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
