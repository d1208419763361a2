"""Gender of a singer from one take: the timbre model's p(female), told how high the take was sung.

The timbre encoder's gender head hears the voice's colour; on voices unlike
the ones it learned from it leans on them too much (an alto with a dark
source voice sounds "male" to it). How high a take sits is a second,
independent cue: a logistic fusion of the two,

    p = sigmoid(head_logit * logit(p_head) + median_midi * m + bias),

with ``m`` the take's median sung pitch (MIDI, voiced frames), is fitted by
``python -m training.calibrate_gender`` on the validation singers (never the
bench's) and stored beside the model as ``timbre_gender.json``. Without that
file (or with a broken one) the head is used alone.

Pure functions; the weights are a small dict.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

GENDER_CALIBRATION_FILE = "timbre_gender.json"
HEAD_ONLY = {"head_logit": 1.0, "median_midi": 0.0, "bias": 0.0}
"""Weights that give the head's own p(female)."""
P_CLIP = 1e-4
"""p_head is kept inside [P_CLIP, 1 - P_CLIP] before its logit is taken."""


def load_gender_calibration(model_path: Path, model_sha256: str) -> dict[str, float]:
    """The weights in ``timbre_gender.json`` beside ``model_path``; HEAD_ONLY
    when the file is missing or broken, or was fitted for another model."""
    path = Path(model_path).with_name(GENDER_CALIBRATION_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["model_sha256"] != model_sha256:
            return dict(HEAD_ONLY)
        return {key: float(data["weights"][key]) for key in HEAD_ONLY}
    except (OSError, ValueError, KeyError, TypeError):
        return dict(HEAD_ONLY)


def sung_median_midi(f0_hz: np.ndarray) -> float | None:
    """Median pitch (MIDI, float) of the voiced frames of f0_hz float [T] (Hz, 0 = unvoiced);
    None when nothing is voiced."""
    f0 = np.asarray(f0_hz, dtype=np.float64)
    voiced = f0[f0 > 0]
    if not len(voiced):
        return None
    return float(69.0 + 12.0 * np.log2(np.median(voiced) / 440.0))


def head_logit(p_head: float | np.ndarray) -> float | np.ndarray:
    """The fusion's first input: logit of the head's p(female) (a float or a float
    array), taken after clipping it to [P_CLIP, 1 - P_CLIP]."""
    p = np.clip(p_head, P_CLIP, 1.0 - P_CLIP)
    return np.log(p / (1.0 - p))


def fused_p_female(p_head: float, median_midi: float | None, weights: dict[str, float]) -> float:
    """p(female) 0..1 from the head's p(female) and the take's median pitch
    (None: the head alone, whatever the weights)."""
    if median_midi is None:
        return float(np.clip(p_head, P_CLIP, 1.0 - P_CLIP))
    z = (weights["head_logit"] * head_logit(p_head) + weights["median_midi"] * median_midi
         + weights["bias"])
    return float(1.0 / (1.0 + np.exp(-z)))
