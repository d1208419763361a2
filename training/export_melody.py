"""Export a trained melody checkpoint to ONNX and record it in the model card.

    python -m training.export_melody [--checkpoint RUN/best.pt]

Writes ``models_onnx/melody.onnx``, the torch weights the parity test compares
against (``training/weights/melody.pt``), checks onnxruntime against torch on
fixed inputs, and rewrites the ``sha256:`` line of ``models_onnx/melody.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import numpy as np
import torch

from inference.pitch_features import FEATURE_DIM
from training.melody_model import ExportedMelodyNet, MelodyNet, MelodyNetConfig
from training.melody_paths import run_dir

REPO = Path(__file__).resolve().parent.parent
ONNX_PATH = REPO / "models_onnx" / "melody.onnx"
CARD_PATH = REPO / "models_onnx" / "melody.md"
WEIGHTS_PATH = REPO / "training" / "weights" / "melody.pt"
SHIPPED_RUN = "melody-c32-ft3"
"""The run whose best checkpoint ships: the fourth stage of ``make train-melody``."""
OPSET = 17


def cache_names(n: int) -> list[str]:
    return [f"cache_{i}" for i in range(n)]


def load_net(weights: Path) -> MelodyNet:
    """A MelodyNet in eval mode from a checkpoint or an exported weights file."""
    state = torch.load(weights, map_location="cpu")
    net = MelodyNet(MelodyNetConfig(**state["config"]))
    net.load_state_dict(state["model"])
    return net.eval()


def export_onnx(net: MelodyNet, path: Path) -> None:
    """Write the streaming-capable graph: features [1, T, D] + caches -> posterior,
    voiced_prob, new caches. T is dynamic."""
    wrapper = ExportedMelodyNet(net).eval()
    caches = net.zero_caches(1)
    names = cache_names(len(caches))
    example = torch.rand(1, 50, FEATURE_DIM, generator=torch.Generator().manual_seed(0))
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        wrapper, (example, *caches), str(path),
        input_names=["features", *names],
        output_names=["posterior", "voiced_prob", *[n + "_out" for n in names]],
        dynamic_axes={"features": {1: "frames"}, "posterior": {1: "frames"}, "voiced_prob": {1: "frames"}},
        opset_version=OPSET, dynamo=False, do_constant_folding=True,
    )


def check_parity(net: MelodyNet, path: Path, frames: int = 300) -> float:
    """Largest |onnxruntime - torch| over posterior and voicing on fixed random features."""
    import onnxruntime as ort

    rng = np.random.default_rng(1234)
    features = rng.random((1, frames, FEATURE_DIM), dtype=np.float32)
    caches = net.zero_caches(1)
    with torch.no_grad():
        post, voiced, *_ = ExportedMelodyNet(net)(torch.from_numpy(features), *caches)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feed = {"features": features}
    feed.update({n: c.numpy() for n, c in zip(cache_names(len(caches)), caches)})
    o_post, o_voiced = session.run(["posterior", "voiced_prob"], feed)
    return float(max(np.abs(o_post - post.numpy()).max(), np.abs(o_voiced - voiced.numpy()).max()))


def update_card(card: Path, digest: str) -> None:
    text = card.read_text(encoding="utf-8") if card.exists() else "# melody.onnx\n\nsha256: \n"
    text, n = re.subn(r"(?m)^sha256: .*$", f"sha256: {digest}", text)
    if n == 0:
        text += f"\nsha256: {digest}\n"
    card.write_text(text, encoding="utf-8")


def publish(net, onnx_path: Path, weights_path: Path, card_path: Path, onnx_default: Path,
            export, check) -> int:
    """Save the torch weights, export, check parity and record the sha256 in
    the card (only for the shipped path). Returns the exit status."""
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": net.config.to_dict(), "model": net.state_dict()}, weights_path)
    export(net, onnx_path)
    err = check(net, onnx_path)
    digest = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    if onnx_path == onnx_default:
        update_card(card_path, digest)
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB), sha256 {digest}, "
          f"max |ort - torch| {err:.2e}")
    return 0 if err < 1e-4 else 1


def export_cli(argv, doc: str, default_checkpoint: Path, load, onnx_default: Path,
               weights_path: Path, card_path: Path, export, check) -> int:
    """The ``--checkpoint``/``--out`` command line every export module shares."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, default=default_checkpoint)
    p.add_argument("--out", type=Path, default=onnx_default)
    args = p.parse_args(argv)
    return publish(load(args.checkpoint), args.out, weights_path, card_path, onnx_default, export, check)


def main(argv=None) -> int:
    return export_cli(argv, __doc__, run_dir(SHIPPED_RUN) / "best.pt", load_net, ONNX_PATH, WEIGHTS_PATH,
                      CARD_PATH, export_onnx, check_parity)


if __name__ == "__main__":
    raise SystemExit(main())
