"""Quantize the exported melody model to 8 bits for the app.

    python -m training.quantize_melody [--model models_onnx/melody.onnx]
                                       [--out models_onnx/melody_int8.onnx] [--clips 64]

The app runs ``melody_int8.onnx``: the same network as ``melody.onnx`` (the
float export the parity test holds to its torch original) with its
convolutions, additions and joins in 8-bit integers (onnxruntime static
quantization, operator format: unsigned 8-bit activations, signed 8-bit
weights per output channel). The network runs about 2.5x faster at one
thread (features and decoding included, about 2x), with the same pitch
accuracy on the benchmark (``models_onnx/melody.md``).

Activation ranges are calibrated (min/max) on ``--clips`` clips of the melody
data's *validation* split (never the benchmark set), half voice alone, half
mixed with their accompaniment at -10..+10 dB, each at a peak level of
-30..-1 dB, picked with a fixed seed, so the result is reproducible. Each time cache is then quantized exactly as the
join it is cut from (:func:`tie_caches`), so that the live (streaming) form
gives the offline frames. Rewrites the ``int8 sha256:`` line of the card.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import tempfile
from pathlib import Path

import numpy as np

from inference.pitch_features import pitch_features
from training.export_melody import CARD_PATH, ONNX_PATH
from training.melody_data.clip_format import load_split
from training.melody_paths import data_dir

INT8_PATH = ONNX_PATH.with_name("melody_int8.onnx")
CALIBRATION_SEED = 0
QUANTIZED_OPS = ["Conv", "Add", "Concat", "Relu", "Slice", "Gather", "Unsqueeze", "Transpose",
                 "Reshape", "Pad", "ReduceMax", "ReduceMean"]
"""Operators run in 8 bits; the output softmax and sigmoid stay in float so
the posterior and voicing keep their resolution."""
ACCOMP_DB = (-10.0, 10.0)
PEAK_DB = (-30.0, -1.0)
"""Each calibration clip's peak level, dB re full scale: loud and quiet takes."""


def calibration_audio(n_clips: int, seed: int = CALIBRATION_SEED) -> list[np.ndarray]:
    """float32 [L] clips at 16 kHz from the validation split: even ones voice
    alone, odd ones voice + accompaniment at a random level in ACCOMP_DB; each
    scaled to a random peak level in PEAK_DB."""
    val = load_split(data_dir(), "val")
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(val["voice"]), size=min(n_clips, len(val["voice"])), replace=False)
    clips = []
    for n, i in enumerate(picks):
        voice = val["voice"][i].astype(np.float32) / 32768.0
        if n % 2:
            accomp = val["accomp"][i].astype(np.float32) / 32768.0
            v_rms = np.sqrt(np.mean(voice ** 2)) + 1e-6
            a_rms = np.sqrt(np.mean(accomp ** 2)) + 1e-6
            gain = v_rms / a_rms * 10 ** (rng.uniform(*ACCOMP_DB) / 20)
            voice = voice + gain * accomp
        peak = float(np.abs(voice).max()) + 1e-6
        clips.append((voice * 10 ** (rng.uniform(*PEAK_DB) / 20) / peak).astype(np.float32))
    return clips


def _session_inputs(model: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).get_inputs()


def _feeds(model: Path, clips: list[np.ndarray]) -> list[dict[str, np.ndarray]]:
    """One onnxruntime feed per clip: its features and zero caches."""
    inputs = _session_inputs(model)
    feeds = []
    for audio in clips:
        feed = {"features": pitch_features(audio)[None]}
        for x in inputs[1:]:
            feed[x.name] = np.zeros([d if isinstance(d, int) else 0 for d in x.shape], np.float32)
        feeds.append(feed)
    return feeds


def quantize(model: Path, out: Path, clips: list[np.ndarray]) -> None:
    """Write the 8-bit form of ``model`` to ``out``, calibrated on ``clips``."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self, feeds):
            self._feeds = iter(feeds)

        def get_next(self):
            return next(self._feeds, None)

    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(model), str(prepared))
        quantize_static(str(prepared), str(out), Reader(_feeds(model, clips)),
                        quant_format=QuantFormat.QOperator, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=QUANTIZED_OPS)
    tie_caches(out)


def tie_caches(path: Path) -> int:
    """Give every ``cache_i`` input the scale and zero point of the joined
    tensor (cache + new frames) its next value is sliced from, so a cache
    passes from one call to the next without rounding. Returns how many."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    inits = {i.name: i for i in model.graph.initializer}
    tied = 0
    for node in model.graph.node:
        if node.op_type != "QLinearConcat" or not node.input[2].startswith("cache_"):
            continue
        out_scale, out_zero, _, in_scale, in_zero = node.input[:5]
        for dst, src in ((in_scale, out_scale), (in_zero, out_zero)):
            inits[dst].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(inits[src]), dst))
        tied += 1
    quantized = {n.input[0] for n in model.graph.node if n.op_type == "QuantizeLinear"}
    if tied != sum(1 for x in model.graph.input if x.name.startswith("cache_") and x.name in quantized):
        raise RuntimeError(f"{path}: a quantized time cache does not feed a quantized join")
    onnx.save(model, str(path))
    return tied


def update_card(card: Path, digest: str) -> None:
    """Set the ``int8 sha256:`` line of the model card (added if missing)."""
    text = card.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^int8 sha256: .*$", f"int8 sha256: {digest}", text)
    if n == 0:
        text = re.sub(r"(?m)^(sha256: .*)$", rf"\1\nint8 sha256: {digest}", text, count=1)
    card.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.quantize_melody", description=__doc__.split("\n")[0])
    p.add_argument("--model", type=Path, default=ONNX_PATH)
    p.add_argument("--out", type=Path, default=INT8_PATH)
    p.add_argument("--clips", type=int, default=64)
    args = p.parse_args(argv)
    quantize(args.model, args.out, calibration_audio(args.clips))
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    if args.out == INT8_PATH:
        update_card(CARD_PATH, digest)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
