"""The shipped melody model: onnxruntime matches its torch original (the float
export exactly, the 8-bit form the app runs within quantization error), the
card matches the files, and the streaming form gives the offline frames."""

import hashlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from app.melody_extraction import melody_model_path
from inference.constants import HOP_SAMPLES, PITCH_WINDOW_RIGHT, SAMPLE_RATE
from inference.pitch_decode import decode_f0
from inference.pitch_features import FEATURE_DIM, pitch_features
from inference.pitch_tracker import PitchModelError, PitchTracker
from training.export_melody import CARD_PATH, ONNX_PATH, WEIGHTS_PATH, load_net
from training.melody_model import ExportedMelodyNet

MAX_MODEL_BYTES = 5 * 1024 * 1024
PHRASE = Path(__file__).parent / "fixtures" / "sung_phrase.flac"


@pytest.fixture(scope="module")
def tracker():
    return PitchTracker(melody_model_path(), threads=1)


def _sung_like(seconds: float = 2.0) -> np.ndarray:
    """A voice-like harmonic tone gliding over a fifth with vibrato, then a rest."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    midi = 55 + 7 * np.clip(t - 0.5, 0, 0.3) / 0.3 + 0.4 * np.sin(2 * np.pi * 5.5 * t)
    phase = 2 * np.pi * np.cumsum(440 * 2 ** ((midi - 69) / 12)) / SAMPLE_RATE
    voice = sum(np.sin(h * phase) / h for h in range(1, 15)) * (t < seconds - 0.4)
    return (0.2 * voice).astype(np.float32)


def test_onnx_matches_torch_on_fixed_inputs():
    net = load_net(WEIGHTS_PATH)
    rng = np.random.default_rng(20261121)
    features = rng.random((1, 257, FEATURE_DIM), dtype=np.float32)
    caches = [c.numpy() for c in net.zero_caches(1)]
    caches = [rng.random(c.shape, dtype=np.float32) for c in caches]  # mid-stream state
    with torch.no_grad():
        post, voiced, *new_caches = ExportedMelodyNet(net)(
            torch.from_numpy(features), *[torch.from_numpy(c) for c in caches])
    tracker = PitchTracker(ONNX_PATH)
    o_post, o_voiced, o_caches = tracker.run_features(features[0], caches)
    np.testing.assert_allclose(o_post, post.numpy()[0], atol=1e-5)
    np.testing.assert_allclose(o_voiced, voiced.numpy()[0], atol=1e-5)
    for a, b in zip(o_caches, new_caches):
        np.testing.assert_allclose(a, b.numpy(), atol=1e-5)


def test_the_8bit_model_the_app_runs_tracks_like_its_torch_original(tracker):
    assert melody_model_path() != ONNX_PATH  # the app runs the quantized form
    audio, rate = sf.read(str(PHRASE), dtype="float32")
    assert rate == SAMPLE_RATE
    net = load_net(WEIGHTS_PATH)
    with torch.no_grad():
        post, voiced, *_ = ExportedMelodyNet(net)(torch.from_numpy(pitch_features(audio)[None]),
                                                  *net.zero_caches(1))
    q_post, q_voiced = tracker.frame_outputs(audio)
    assert np.abs(q_voiced - voiced.numpy()[0]).max() < 0.05
    f0, _ = decode_f0(post.numpy()[0], voiced.numpy()[0], smooth=True)
    q_f0, _ = decode_f0(q_post, q_voiced, smooth=True)
    assert np.mean((f0 > 0) == (q_f0 > 0)) > 0.98
    both = (f0 > 0) & (q_f0 > 0)
    assert both.sum() > 100
    assert np.mean(np.abs(1200 * np.log2(q_f0[both] / f0[both])) < 25) > 0.98


@pytest.mark.parametrize("path", [ONNX_PATH, melody_model_path()], ids=["float", "int8"])
def test_model_is_small_and_its_card_names_its_sha256(path):
    data = path.read_bytes()
    assert len(data) <= MAX_MODEL_BYTES
    assert hashlib.sha256(data).hexdigest() in CARD_PATH.read_text(encoding="utf-8")


def test_streaming_in_20ms_blocks_equals_offline(tracker):
    audio = _sung_like()
    posterior, voiced = tracker.frame_outputs(audio)
    stream = tracker.stream()
    parts = [stream.push(audio[i:i + 320]) for i in range(0, len(audio), 320)]
    parts.append(stream.finish())
    np.testing.assert_allclose(np.concatenate([p.posterior for p in parts]), posterior, atol=1e-4)
    np.testing.assert_allclose(np.concatenate([p.voiced_prob for p in parts]), voiced, atol=1e-4)
    offline = tracker.track(audio, smooth=False)
    streamed = np.concatenate([p.f0_hz for p in parts])
    assert np.mean(np.abs(streamed - offline.f0_hz) < 0.5) > 0.99


def test_stream_latency_is_lookahead_plus_one_block(tracker):
    """Every frame is out by the end of the 20 ms block holding its 24 ms lookahead."""
    stream, audio, worst = tracker.stream(), _sung_like(1.0), 0.0
    for end in range(320, len(audio) + 1, 320):
        before = stream.frames_out
        stream.push(audio[end - 320:end])
        for frame in range(before, stream.frames_out):
            worst = max(worst, (end - frame * HOP_SAMPLES) / SAMPLE_RATE)
    assert stream.frames_out == (len(audio) - PITCH_WINDOW_RIGHT) // HOP_SAMPLES + 1
    assert worst <= 0.050


def test_tracks_a_glide_with_vibrato(tracker):
    track = tracker.track(_sung_like())
    times = track.times_s
    steady = (times > 0.1) & (times < 0.45)
    midi = 69 + 12 * np.log2(track.f0_hz[steady] / 440)
    assert np.all(track.f0_hz[steady] > 0)
    assert np.abs(np.median(midi) - 55) < 0.5
    assert np.mean(track.f0_hz[(times > 1.75)] == 0) > 0.9  # the rest is unvoiced


def test_missing_or_wrong_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(PitchModelError, match="not found"):
        PitchTracker(tmp_path / "melody.onnx")
    bogus = tmp_path / "bogus.onnx"
    bogus.write_bytes(b"not a model")
    with pytest.raises(PitchModelError, match="cannot load"):
        PitchTracker(bogus)
