"""Fit the gender fusion of :mod:`app.gender_estimate` for the shipped timbre model.

    python -m training.calibrate_gender [--model models_onnx/timbre.onnx] [--data DIR]

Every take of the *validation* singers (training TTS voices, singers never
trained on; the bench's held-out voices are not touched) is analysed the way
the app does it — the shipped melody model finds the sung frames, the timbre
model gives p(female) — once clean and once through a random room, mic and
noise (fixed seed). A logistic regression from (logit of the head's p,
median sung MIDI pitch) to "female" gives the weights; they are written to
``timbre_gender.json`` beside the model with the model's sha256 and the
accuracies on those takes, head alone and fused. Takes a few minutes on one
core. The numbers it prints go into the model card.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
from pathlib import Path

import numpy as np

from app.gender_estimate import (
    GENDER_CALIBRATION_FILE,
    fused_p_female,
    head_logit,
    sung_median_midi,
)
from app.melody_extraction import shared_tracker
from app.voice_take import timbre_model_path
from inference.timbre_encoder import TimbreEncoder
from inference.timbre_features import voiced_features
from training.timbre_data.store import default_data_dir, load_split
from training.timbre_validation import takes

REGULARISATION_C = 1.0
"""Inverse L2 strength of the logistic regression (two features, hundreds of takes)."""


def take_features(split, encoder: TimbreEncoder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p_head float [N], median MIDI float [N], female bool [N]) over clean and degraded takes."""
    tracker = shared_tracker(threads=1)
    heads, medians, female = [], [], []
    for degrade in (False, True):
        pairs, singers, _ = takes(split, degrade=degrade, seed=7)
        for (audio, _), singer in zip(pairs, singers):
            f0 = tracker.track(audio).f0_hz
            median = sung_median_midi(f0)
            if median is None:
                continue
            _, p_head = encoder.embed(voiced_features(audio, f0 > 0))
            heads.append(p_head)
            medians.append(median)
            female.append(split.singers[singer].gender == "female")
    return np.array(heads), np.array(medians), np.array(female)


def fit(p_head: np.ndarray, median: np.ndarray, female: np.ndarray, *, c: float = REGULARISATION_C,
        max_iter: int = 1000) -> dict[str, float]:
    """Weights of :func:`app.gender_estimate.fused_p_female` from p_head float [N],
    median MIDI float [N] and female bool [N] (logistic regression, inverse L2 strength c)."""
    from sklearn.linear_model import LogisticRegression

    x = np.stack([head_logit(p_head), median], axis=1)
    model = LogisticRegression(C=c, max_iter=max_iter).fit(x, female)
    return {"head_logit": float(model.coef_[0, 0]), "median_midi": float(model.coef_[0, 1]),
            "bias": float(model.intercept_[0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.calibrate_gender",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=timbre_model_path())
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args(argv)
    encoder = TimbreEncoder(args.model, threads=1)
    p_head, median, female = take_features(load_split(args.data, "val"), encoder)
    weights = fit(p_head, median, female)
    fused = np.array([fused_p_female(p, m, weights) for p, m in zip(p_head, median)])
    result = {
        "model_sha256": hashlib.sha256(args.model.read_bytes()).hexdigest(),
        "weights": {k: round(v, 6) for k, v in weights.items()},
        "fitted_on": f"{len(female)} validation takes (clean and degraded), {int(female.sum())} female",
        "val_accuracy_head": round(float(np.mean((p_head >= 0.5) == female)), 4),
        "val_accuracy_fused": round(float(np.mean((fused >= 0.5) == female)), 4),
        "date": datetime.date.today().isoformat(),
        "command": "python -m training.calibrate_gender",
    }
    out = args.model.with_name(GENDER_CALIBRATION_FILE)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
