"""Choose the Viterbi decoder's settings on the melody validation set.

Run from the repository root (after ``python -m training.melody_data.build``)::

    python -m training.tune_pitch_decode [--model models_onnx/melody_int8.onnx] [--clips 200]
        [--octave-costs 6,12,...] [--reset-costs 6,12,same] [--switch-probs ...] [--thresholds ...]
        [--leap-costs none,24,...]

The shipped melody model runs once over the fixed validation mixtures that
training monitors (``training.melody_validation``: voice only and voice with
its accompaniment at 0 dB, each with random room, mic and noise); then every
combination of octave-jump cost, phrase-reset cost, voicing switch probability,
voicing threshold and leap cap (each option a comma-separated list) decodes those
posteriors with :func:`inference.pitch_decode.viterbi_bins`.
Scores as in ``bench.melody_bench`` (RPA counts the most likely bin's pitch on
frames called unvoiced). The table is sorted by mean RPA over both
conditions; the held-out bench set is never looked at here.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np

from inference.constants import pitch_bin_midi
from inference.pitch_decode import local_average_midi, viterbi_bins
from inference.pitch_tracker import PitchTracker
from training.melody_validation import ValidationSet, frame_metrics

REPO = Path(__file__).resolve().parents[1]
OCTAVE_COSTS = "6,12,24,36,48,72,96"
RESET_COSTS = "6,12,same"
SWITCH_PROBS = "0.003,0.01"
THRESHOLDS = "0.4,0.5"
LEAP_COSTS = "none"


def model_outputs(tracker: PitchTracker, features: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(posterior [T, P], voiced_prob [T]) per clip of features [N, T, D]."""
    return [tracker.run_features(clip, tracker.zero_caches())[:2] for clip in features]


def decoded_midi(posterior: np.ndarray, voiced_prob: np.ndarray, **settings) -> tuple[np.ndarray, np.ndarray]:
    """(MIDI guess float [T], voiced bool [T]): the Viterbi path where voiced, the argmax elsewhere."""
    bins, voiced = viterbi_bins(posterior, voiced_prob, **settings)
    path_midi = local_average_midi(posterior, np.where(voiced, bins, -1))
    guess = pitch_bin_midi(posterior.argmax(axis=1))
    return np.where(voiced, path_midi, guess), voiced


def score(outputs, f0: np.ndarray, **settings) -> dict[str, float]:
    midi, voiced = zip(*(decoded_midi(p, v, **settings) for p, v in outputs))
    midi_flat = np.concatenate(midi)
    ref = f0.reshape(-1)
    return frame_metrics(midi_flat, np.concatenate(voiced), ref)


def _floats(text: str) -> list[float | None]:
    """Comma-separated numbers; ``same`` and ``none`` read as None."""
    return [None if v.strip() in ("same", "none") else float(v) for v in text.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> None:
    from training.melody_data.clip_format import default_data_dir, load_split

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, default=REPO / "models_onnx" / "melody_int8.onnx",
                   help="the model the app runs by default")
    p.add_argument("--clips", type=int, default=200, help="validation clips per condition")
    p.add_argument("--octave-costs", default=OCTAVE_COSTS, help="comma-separated nats per octave")
    p.add_argument("--reset-costs", default=RESET_COSTS,
                   help="comma-separated nats; 'same' = the octave cost")
    p.add_argument("--switch-probs", default=SWITCH_PROBS)
    p.add_argument("--thresholds", default=THRESHOLDS)
    p.add_argument("--leap-costs", default=LEAP_COSTS,
                   help="comma-separated nats a leap short of an octave may cost at most; 'none' = no cap")
    args = p.parse_args(argv)
    grid = itertools.product(_floats(args.octave_costs), _floats(args.reset_costs),
                             _floats(args.switch_probs), _floats(args.thresholds), _floats(args.leap_costs))

    validation = ValidationSet(load_split(default_data_dir(), "val"), seed=0, max_clips=args.clips)
    tracker = PitchTracker(args.model, threads=1)
    outputs = {name: (model_outputs(tracker, feats), f0) for name, (feats, f0) in validation.sets.items()}
    rows = []
    started = time.time()
    for octave_cost, reset_cost, switch_prob, threshold, leap_cost in grid:
        settings = {"octave_cost": octave_cost, "reset_cost": reset_cost,
                    "switch_prob": switch_prob, "voicing_threshold": threshold, "leap_cost": leap_cost}
        scores = {name: score(out, f0, **settings) for name, (out, f0) in outputs.items()}
        rows.append((settings, scores))
    rows.sort(key=lambda row: -np.mean([s["rpa"] for s in row[1].values()]))
    names = list(outputs)
    header = ["octave_cost", "reset_cost", "switch_p", "threshold", "leap_cost"] + [
        f"{n} {k}" for n in names for k in ("rpa", "oct", "vr", "vfa")]
    print(f"{validation.n_clips} clips per condition, {args.model.name}, "
          f"{len(rows)} settings in {time.time() - started:.0f} s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for settings, scores in rows:
        reset = settings["reset_cost"]
        cells = [f"{settings['octave_cost']:g}", "same" if reset is None else f"{reset:g}",
                 f"{settings['switch_prob']:g}",
                 f"{settings['voicing_threshold']:g}",
                 "none" if settings["leap_cost"] is None else f"{settings['leap_cost']:g}"]
        for n in names:
            s = scores[n]
            cells += [f"{100 * s['rpa']:.1f}", f"{100 * s['octave']:.2f}",
                      f"{100 * s['vr']:.1f}", f"{100 * s['vfa']:.1f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
