"""The shipped hum encoder: onnxruntime matches its torch original, the card
names the file, and the embedding ignores the key but not the tune."""

import hashlib

import numpy as np
import torch

from app.cli_hum import hum_model_path, shared_encoder
from inference.constants import HUM_EMBED_DIM, HUM_WINDOW_FRAMES
from inference.melody_contour import contour_from_notes, encoder_input, stretch_contour
from training.export_hum import CARD_PATH, WEIGHTS_PATH, load_net

MAX_MODEL_BYTES = 5 * 1024 * 1024


def _windows(seed: int, count: int) -> np.ndarray:
    """Random tunes as contour windows float32 [count, HUM_WINDOW_FRAMES]."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        beats = rng.choice([0.25, 0.5, 0.5, 1.0], size=40)
        onsets = np.concatenate([[0], np.cumsum(beats)[:-1]])
        pitches = 60 + np.cumsum(rng.integers(-3, 4, size=40))
        notes = np.stack([onsets, beats * 0.9, pitches], axis=1)
        out.append(contour_from_notes(notes)[:HUM_WINDOW_FRAMES])
    return np.stack(out).astype(np.float32)


def test_onnx_matches_torch_on_fixed_inputs():
    net = load_net(WEIGHTS_PATH)
    inputs = encoder_input(_windows(1, 9))
    with torch.no_grad():
        expected = net(torch.from_numpy(inputs)).numpy()
    got = shared_encoder().embed_input(inputs)
    assert got.shape == (9, HUM_EMBED_DIM)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_model_is_small_and_its_card_names_its_sha256():
    data = hum_model_path().read_bytes()
    assert len(data) <= MAX_MODEL_BYTES
    assert hashlib.sha256(data).hexdigest() in CARD_PATH.read_text(encoding="utf-8")


def test_a_transposed_slightly_slower_window_stays_nearest_to_its_tune():
    encoder = shared_encoder()
    tunes = _windows(2, 40)
    catalog = encoder.embed(tunes)
    np.testing.assert_allclose(np.linalg.norm(catalog, axis=1), 1.0, atol=1e-5)
    variants = np.stack([stretch_contour(t, 1.06)[:HUM_WINDOW_FRAMES] + 5 for t in tunes])
    sims = encoder.embed(variants) @ catalog.T
    assert (sims.argmax(axis=1) == np.arange(40)).mean() >= 0.9
    np.testing.assert_allclose(encoder.embed(tunes + 7), catalog, atol=1e-5)
