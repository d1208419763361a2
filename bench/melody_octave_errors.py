"""Where the melody model's octave errors come from, on one benchmark condition.

    python -m bench.melody_octave_errors [--condition accomp0_clean] [--limit N] [--model PATH]
        [--worst N]

An octave error is a reference-voiced frame whose pitch guess lies within 50
cents of the reference moved by one or two octaves
(:func:`bench.melody_bench.octave_offsets`). Printed: the share of
reference-voiced frames an octave (or two) up and down, how concentrated the errors are in few clips (share of error frames in
the worst 5 clips), and how much of them lies in long runs (>= 20 frames,
200 ms: a phrase held an octave off, which decoding cannot undo) rather than
in short glitches. Then the ``--worst`` clips one by one: source voice, where
the sung line lies, the errors up and down, and what the backing's guide
instrument plays there (replayed from the data build's draws,
:func:`training.melody_data.bench_set.bench_backings`): a guide doubling the
melody an octave away is the classic trap.
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
    clips, runs = [], []
    for i, (clip, ref_f0) in enumerate(zip(audio, ref)):
        est = fit_length(track(clip).f0_hz, len(ref_f0))  # a guess on every frame, 10 ms grid
        offsets = octave_offsets(ref_f0, est)
        sung = ref_f0[ref_f0 > 0]
        clips.append({"clip": i, "sung": len(sung), "up": int((offsets > 0).sum()),
                      "down": int((offsets < 0).sum()),
                      "median_midi": float(69 + 12 * np.log2(np.median(sung) / 440)) if len(sung) else None})
        runs += error_runs((offsets != 0)[ref_f0 > 0])
    up, down = sum(c["up"] for c in clips), sum(c["down"] for c in clips)
    voiced = max(1, sum(c["sung"] for c in clips))
    total = max(1, up + down)
    per_clip = sorted(c["up"] + c["down"] for c in clips)
    return {"clips": len(clips), "up_pct": 100 * up / voiced, "down_pct": 100 * down / voiced,
            "worst_clips_share_pct": 100 * sum(per_clip[-WORST_CLIPS:]) / total,
            "long_run_share_pct": 100 * sum(r for r in runs if r >= LONG_RUN_FRAMES) / total,
            "per_clip": clips}


def worst_clips_table(per_clip: list[dict], voices: np.ndarray, backings: dict[int, str]) -> str:
    """Markdown table of the clips in ``backings`` (worst first)."""
    lines = ["| clip | source voice | sung line (median) | octave up % | octave down % | guide instrument |",
             "|---:|---|---|---:|---:|---|"]
    for c in sorted(per_clip, key=lambda c: -(c["up"] + c["down"])):
        if c["clip"] not in backings:
            continue
        n = max(1, c["sung"])
        median = "-" if c["median_midi"] is None else f"MIDI {c['median_midi']:.0f}"
        lines.append(f"| {c['clip']} | {voices[c['clip']]} | {median} | {100 * c['up'] / n:.0f} | "
                     f"{100 * c['down'] / n:.0f} | {backings[c['clip']]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from app.melody_extraction import melody_model_path

    p = argparse.ArgumentParser(prog="python -m bench.melody_octave_errors", description=__doc__.split("\n")[0])
    p.add_argument("--set", dest="set_dir", type=Path, default=DEFAULT_SET_DIR)
    p.add_argument("--condition", default="accomp0_clean")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--model", type=Path, default=None)
    p.add_argument("--worst", type=int, default=WORST_CLIPS, help="clips to list one by one (0: none)")
    args = p.parse_args(argv)
    path = args.set_dir.expanduser() / f"{args.condition}.npz"
    audio, ref = load_condition(path, args.limit)
    r = analyse(load_norae(args.model or melody_model_path(), 1), audio, ref)
    print(f"{args.condition}, {r['clips']} clips: octave up {r['up_pct']:.2f} %, down {r['down_pct']:.2f} % "
          f"of sung frames; worst {WORST_CLIPS} clips hold {r['worst_clips_share_pct']:.0f} % of the error "
          f"frames; runs >= {LONG_RUN_FRAMES} frames hold {r['long_run_share_pct']:.0f} %")
    worst = [c for c in sorted(r["per_clip"], key=lambda c: -(c["up"] + c["down"]))[: args.worst]
             if c["up"] + c["down"] > 0]
    if worst:
        from training.melody_data.bench_set import bench_backings

        with np.load(path, allow_pickle=False) as data:
            voices = data["voice_name"]
        backings = bench_backings(args.set_dir.expanduser().parent, [c["clip"] for c in worst])
        print()
        print(worst_clips_table(r["per_clip"], voices, backings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
