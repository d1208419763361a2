"""Gender from the timbre head and how high a take is sung (app.gender_estimate)."""

import json

import numpy as np
import pytest

from app.gender_estimate import (
    GENDER_CALIBRATION_FILE,
    HEAD_ONLY,
    fused_p_female,
    load_gender_calibration,
    sung_median_midi,
)
from app.voice_take import gender_weights, shared_timbre_encoder

WEIGHTS = {"head_logit": 1.0, "median_midi": 0.25, "bias": -15.0}
"""Even odds at a median of G#4 (MIDI 60) when the head is unsure."""


def test_median_pitch_of_the_voiced_frames():
    f0 = np.array([0.0, 220.0, 220.0, 0.0, 440.0, 110.0])
    assert sung_median_midi(f0) == pytest.approx(57.0)  # A3
    assert sung_median_midi(np.zeros(10)) is None


def test_an_unsure_head_follows_the_pitch_and_a_sure_one_holds():
    assert fused_p_female(0.5, 67.0, WEIGHTS) > 0.8   # sung around G4
    assert fused_p_female(0.5, 52.0, WEIGHTS) < 0.2   # sung around E3
    assert fused_p_female(0.999, 55.0, WEIGHTS) > 0.9
    assert fused_p_female(0.001, 64.0, WEIGHTS) < 0.1


def test_head_only_weights_and_no_pitch_give_the_head():
    assert fused_p_female(0.3, 70.0, HEAD_ONLY) == pytest.approx(0.3)
    assert fused_p_female(0.3, None, WEIGHTS) == pytest.approx(0.3)


def test_weights_are_used_only_for_the_model_they_were_fitted_for(tmp_path):
    model = tmp_path / "timbre.onnx"
    model.write_bytes(b"model")
    assert load_gender_calibration(model, "abc") == HEAD_ONLY  # no file
    (tmp_path / GENDER_CALIBRATION_FILE).write_text(json.dumps({"model_sha256": "abc", "weights": WEIGHTS}))
    assert load_gender_calibration(model, "abc") == WEIGHTS
    assert load_gender_calibration(model, "other") == HEAD_ONLY
    (tmp_path / GENDER_CALIBRATION_FILE).write_text("{not json")
    assert load_gender_calibration(model, "abc") == HEAD_ONLY


def test_the_shipped_fusion_belongs_to_the_shipped_timbre_model():
    encoder = shared_timbre_encoder()
    weights = gender_weights(encoder)
    assert weights != HEAD_ONLY
    assert weights["median_midi"] > 0  # higher singing, more likely female
