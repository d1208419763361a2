"""A fixed validation set and quick metrics for monitoring melody training.

The mixtures are drawn once with a fixed seed, so numbers are comparable from
one validation to the next and across resumed runs.
"""

from __future__ import annotations

import numpy as np
import torch

from inference.pitch_decode import hz_to_midi, local_average_midi
from training.melody_batches import BatchMaker

CONDITIONS = (("voice", "none", None), ("accomp0", "paired", 0.0))


def frame_metrics(est_midi: np.ndarray, est_voiced: np.ndarray, ref_f0: np.ndarray) -> dict[str, float]:
    """Raw pitch accuracy, octave-error rate and voicing recall/false alarm on flat arrays."""
    ref_voiced = ref_f0 > 0
    diff_semitones = est_midi - hz_to_midi(ref_f0)
    correct = ref_voiced & (np.abs(diff_semitones) <= 0.5)
    octave = ref_voiced & ~correct & (np.abs(np.abs(diff_semitones) - 12.0) <= 0.5)
    n_voiced = max(1, int(ref_voiced.sum()))
    return {
        "rpa": float(correct.sum() / n_voiced),
        "octave": float(octave.sum() / n_voiced),
        "vr": float((est_voiced & ref_voiced).sum() / n_voiced),
        "vfa": float((est_voiced & ~ref_voiced).sum() / max(1, int((~ref_voiced).sum()))),
    }


class ValidationSet:
    """clips: a loaded split (``voice``, ``accomp``, ``f0``). Full 4 s clips, two conditions."""

    def __init__(self, clips: dict[str, np.ndarray], *, seed: int, max_clips: int = 200):
        n = min(max_clips, len(clips["voice"]))
        maker = BatchMaker({k: clips[k][:n] for k in ("voice", "accomp", "f0")},
                           crop_frames=clips["f0"].shape[1], seed=seed)
        self.n_clips = n
        self.sets = {}
        for name, mode, accomp_db in CONDITIONS:
            rng = np.random.default_rng(seed + 17)
            pairs = [maker.example(i, rng, accomp_mode=mode, accomp_db=accomp_db) for i in range(n)]
            self.sets[name] = (np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]))

    @torch.no_grad()
    def evaluate(self, net, batch: int = 32) -> dict[str, float]:
        """Metrics per condition plus ``rpa``: the mean RPA over conditions."""
        out: dict[str, float] = {}
        for name, (features, f0) in self.sets.items():
            midi, voiced = [], []
            for i in range(0, len(features), batch):
                logits, v_logit, _ = net(torch.from_numpy(features[i:i + batch]))
                post = torch.softmax(logits, dim=-1).numpy()
                midi.append(np.stack([local_average_midi(p) for p in post]))
                voiced.append(torch.sigmoid(v_logit).numpy() >= 0.5)
            m = frame_metrics(np.concatenate(midi).ravel(), np.concatenate(voiced).ravel(), f0.ravel())
            out.update({f"{name}_{k}": round(v, 4) for k, v in m.items()})
        out["rpa"] = round(float(np.mean([out[f"{n}_rpa"] for n, _, _ in CONDITIONS])), 4)
        return out
