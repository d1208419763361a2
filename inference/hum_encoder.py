"""Run the hum encoder (``hum.onnx``): melody-contour windows -> embeddings.

Both sides of hum search go through here: catalog windows cut from a song's
notes, and query windows cut from a hummed recording's pitch track (see
:mod:`inference.melody_contour`). Embeddings are float32 [W, HUM_EMBED_DIM],
L2-normalised, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from inference.constants import HUM_EMBED_DIM, HUM_WINDOW_FRAMES
from inference.melody_contour import encoder_input
from inference.onnx_session import open_session

BATCH_WINDOWS = 512
"""Windows per onnxruntime call (bounds memory on long catalogs)."""


class HumModelError(RuntimeError):
    """The model file is missing or is not a hum model this code can run."""


class HumEncoder:
    """One onnxruntime session on ``hum.onnx``; ``sha256`` names the model so
    stored embeddings can tell when they were made by another one."""

    def __init__(self, model_path: str | Path, *, threads: int = 1):
        path = Path(model_path)
        self._session = open_session(path, threads=threads, what="hum model", error=HumModelError)
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        if (len(inputs) != 1 or inputs[0].name != "windows" or inputs[0].shape[-1] != 2
                or outputs[0].shape[-1] != HUM_EMBED_DIM):
            raise HumModelError(f"{path} is not a Norae hum model (unexpected inputs/outputs)")
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()

    @property
    def dim(self) -> int:
        return HUM_EMBED_DIM

    def embed_input(self, inputs: np.ndarray) -> np.ndarray:
        """Encoder input float32 [W, L, 2] -> embeddings float32 [W, dim]."""
        inputs = np.ascontiguousarray(inputs, dtype=np.float32)
        if inputs.ndim != 3 or inputs.shape[2] != 2:
            raise ValueError(f"encoder input must be [W, L, 2], got {inputs.shape}")
        out = [self._session.run(["embedding"], {"windows": inputs[i:i + BATCH_WINDOWS]})[0]
               for i in range(0, len(inputs), BATCH_WINDOWS)]
        return np.concatenate(out) if out else np.zeros((0, HUM_EMBED_DIM), np.float32)

    def embed(self, windows: np.ndarray) -> np.ndarray:
        """Contour windows float [W, HUM_WINDOW_FRAMES] MIDI (NaN = silence) ->
        embeddings float32 [W, dim]."""
        windows = np.asarray(windows, dtype=np.float32)
        if windows.ndim != 2 or windows.shape[1] != HUM_WINDOW_FRAMES:
            raise ValueError(f"windows must be [W, {HUM_WINDOW_FRAMES}], got {windows.shape}")
        return self.embed_input(encoder_input(windows))
