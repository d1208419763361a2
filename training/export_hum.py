"""Export a trained hum-encoder checkpoint to ONNX and record it in the model card.

    python -m training.export_hum [--checkpoint RUN/best.pt]

Writes ``models_onnx/hum.onnx``, the torch weights the parity test compares
against (``training/weights/hum.pt``), checks onnxruntime against torch on
fixed inputs and rewrites the ``sha256:`` line of ``models_onnx/hum.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inference.constants import HUM_WINDOW_FRAMES
from training.export_melody import export_cli
from training.hum_model import HumNet, HumNetConfig
from training.melody_paths import run_dir

REPO = Path(__file__).resolve().parent.parent
ONNX_PATH = REPO / "models_onnx" / "hum.onnx"
CARD_PATH = REPO / "models_onnx" / "hum.md"
WEIGHTS_PATH = REPO / "training" / "weights" / "hum.pt"
OPSET = 17


def load_net(weights: Path) -> HumNet:
    state = torch.load(weights, map_location="cpu")
    config = dict(state["config"])
    config["dilations"] = tuple(config["dilations"])
    net = HumNet(HumNetConfig(**config))
    net.load_state_dict(state["model"])
    return net.eval()


def export_onnx(net: HumNet, path: Path) -> None:
    example = torch.rand(3, HUM_WINDOW_FRAMES, 2, generator=torch.Generator().manual_seed(0))
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(net.eval(), (example,), str(path), input_names=["windows"],
                      output_names=["embedding"], dynamic_axes={"windows": {0: "n"}, "embedding": {0: "n"}},
                      opset_version=OPSET, dynamo=False, do_constant_folding=True)


def check_parity(net: HumNet, path: Path) -> float:
    import onnxruntime as ort

    x = np.random.default_rng(99).random((17, HUM_WINDOW_FRAMES, 2), dtype=np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(x)).numpy()
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"windows": x})[0]
    return float(np.abs(got - expected).max())


def main(argv=None) -> int:
    return export_cli(argv, __doc__, run_dir("hum-run") / "best.pt", load_net, ONNX_PATH,
                      WEIGHTS_PATH, CARD_PATH, export_onnx, check_parity)


if __name__ == "__main__":
    raise SystemExit(main())
