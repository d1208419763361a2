"""Run the timbre encoder (``timbre.onnx``): the sung frames of a take -> singer embedding.

Input: log-mel frames of the voiced part of a take, float32 [V, TIMBRE_N_MELS]
(:func:`inference.timbre_features.voiced_features`). Output: an L2-normalised
embedding float32 [TIMBRE_EMBED_DIM] (dot product = cosine similarity) and
p(female) in 0..1.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from inference.constants import (
    HOP_S,
    TIMBRE_EMBED_DIM,
    TIMBRE_MIN_VOICED_S,
    TIMBRE_N_MELS,
)
from inference.onnx_session import open_session

MIN_VOICED_FRAMES = round(TIMBRE_MIN_VOICED_S / HOP_S)


class TimbreModelError(RuntimeError):
    """The model file is missing or is not a timbre model this code can run."""


class TooLittleSinging(ValueError):
    """The take has less sung (voiced) audio than the encoder needs."""


class TimbreEncoder:
    """One onnxruntime session on ``timbre.onnx``; ``sha256`` names the model so
    stored embeddings can tell when they were made by another one."""

    def __init__(self, model_path: str | Path, *, threads: int = 1):
        path = Path(model_path)
        self._session = open_session(path, threads=threads, what="timbre model", error=TimbreModelError)
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        names = [o.name for o in outputs]
        if (len(inputs) != 1 or inputs[0].name != "features" or inputs[0].shape[-1] != TIMBRE_N_MELS
                or names != ["embedding", "p_female"] or outputs[0].shape[-1] != TIMBRE_EMBED_DIM):
            raise TimbreModelError(f"{path} is not a Norae timbre model (unexpected inputs/outputs)")
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        self.path = path

    @property
    def dim(self) -> int:
        return TIMBRE_EMBED_DIM

    def embed(self, features: np.ndarray) -> tuple[np.ndarray, float]:
        """features float [V, TIMBRE_N_MELS] -> (embedding float32 [dim], p_female float).

        Raises :class:`TooLittleSinging` below MIN_VOICED_FRAMES frames."""
        feats = np.asarray(features, dtype=np.float32)
        if feats.ndim != 2 or feats.shape[1] != TIMBRE_N_MELS:
            raise ValueError(f"features must be [frames, {TIMBRE_N_MELS}], got {feats.shape}")
        if len(feats) < MIN_VOICED_FRAMES:
            raise TooLittleSinging(f"only {len(feats) * HOP_S:.1f} s of singing found; "
                                   f"sing at least {TIMBRE_MIN_VOICED_S:g} s")
        embedding, p_female = self._session.run(None, {"features": feats[None]})
        return embedding[0].astype(np.float32), float(p_female[0])
