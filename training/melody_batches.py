"""Training batches for the melody model: mix, augment, featurise, label.

Clips come from the generated dataset (``training.melody_data``): a dry voice,
its paired accompaniment and frame f0 labels. Every batch draws fresh crops
and fresh augmentations, so the model rarely sees the same audio twice.
"""

from __future__ import annotations

import numpy as np
import torch

from inference.constants import (
    HOP_SAMPLES,
    PITCH_BINS_PER_SEMITONE,
    PITCH_MIDI_MIN,
    PITCH_N_BINS,
)
from inference.pitch_decode import hz_to_midi
from inference.pitch_features import pitch_features
from training.melody_data.augment import mix_example

PAIRED_ACCOMP_P = 0.55
"""Share of examples mixed with their own (same key and tempo) accompaniment."""

FOREIGN_ACCOMP_P = 0.15
"""Share mixed with another clip's accompaniment (unrelated harmony)."""

HARD_MIN_SHARE = 0.05
"""A clip counts as hard when at least this share of its sung frames went an
octave off (:mod:`training.melody_hard_clips`)."""

TARGET_SIGMA_BINS = 0.75
"""Width of the Gaussian pitch target (25 cents)."""


def hz_to_bin(f0_hz: np.ndarray) -> np.ndarray:
    """f0 [T] Hz -> fractional posterior bin [T] (nan where f0 <= 0)."""
    return (hz_to_midi(f0_hz) - PITCH_MIDI_MIN) * PITCH_BINS_PER_SEMITONE


def soft_targets(f0_hz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f0 [B, T] Hz -> (target distributions float32 [B, T, P], pitch mask bool [B, T]).

    The mask is true for voiced frames whose pitch lies inside the posterior bins.
    """
    bins = hz_to_bin(f0_hz)
    mask = np.isfinite(bins) & (bins >= 0) & (bins <= PITCH_N_BINS - 1)
    centre = np.where(mask, bins, 0.0)[..., None]
    grid = np.arange(PITCH_N_BINS)[None, None, :]
    target = np.exp(-0.5 * ((grid - centre) / TARGET_SIGMA_BINS) ** 2)
    target /= target.sum(axis=-1, keepdims=True)
    return target.astype(np.float32), mask


class BatchMaker:
    """Draws batches from in-memory clips.

    clips: dict with ``voice`` int16 [N, L], ``accomp`` int16 [N, L], ``f0`` float32 [N, T].
    hard: optional float [N], each clip's octave-error share with its own
    accompaniment (:mod:`training.melody_hard_clips`); with ``hard_share`` > 0
    that share of a batch (on average) is drawn from the hard clips, in
    proportion to their error, and mixed with their own accompaniment.
    """

    def __init__(self, clips: dict[str, np.ndarray], *, crop_frames: int, seed: int,
                 hard: np.ndarray | None = None, hard_share: float = 0.0):
        self.voice, self.accomp, self.f0 = clips["voice"], clips["accomp"], clips["f0"]
        self.crop_frames = crop_frames
        self.rng = np.random.default_rng(seed)
        self.has_accomp = np.flatnonzero(np.abs(self.accomp).max(axis=1) > 0)
        self._accomp_set = set(self.has_accomp.tolist())
        self.hard_share, self.hard_p = 0.0, None
        if hard is not None and hard_share > 0:
            if len(hard) != len(self.voice):
                raise ValueError(f"hard-clip scores cover {len(hard)} clips, the data has {len(self.voice)}")
            weight = np.where(np.asarray(hard) >= HARD_MIN_SHARE, np.asarray(hard, np.float64), 0.0)
            if weight.sum() > 0:
                self.hard_share, self.hard_p = hard_share, weight / weight.sum()

    def example(self, index: int, rng: np.random.Generator, *, accomp_mode: str | None = None,
                accomp_db: float | None = None, snr_db: float | None = None):
        """One crop: (features float32 [T, FEATURE_DIM], f0 labels float32 [T])."""
        n_frames = self.f0.shape[1]
        start = int(rng.integers(0, max(1, n_frames - self.crop_frames)))
        s0, s1 = start * HOP_SAMPLES, (start + self.crop_frames) * HOP_SAMPLES
        voice = self.voice[index, s0:s1].astype(np.float32) / 32768.0
        mode = accomp_mode or rng.choice(
            ["paired", "foreign", "none"],
            p=[PAIRED_ACCOMP_P, FOREIGN_ACCOMP_P, 1 - PAIRED_ACCOMP_P - FOREIGN_ACCOMP_P],
        )
        accomp = None
        if mode == "paired" and index in self._accomp_set:
            accomp = self.accomp[index, s0:s1]
        elif mode == "foreign" and len(self.has_accomp):
            accomp = self.accomp[int(rng.choice(self.has_accomp)), s0:s1]
        if accomp is not None:
            accomp = accomp.astype(np.float32) / 32768.0
        audio = mix_example(voice, accomp, rng, accomp_db=accomp_db, snr_db=snr_db)
        features = pitch_features(audio)[: self.crop_frames]
        return features, self.f0[index, start:start + self.crop_frames]

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        """A random batch: features [B, T, D], target [B, T, P], pitch_mask [B, T], voiced [B, T]."""
        indices = self.rng.integers(0, len(self.voice), size)
        if self.hard_p is None:
            return collate([self.example(int(i), self.rng) for i in indices])
        n_hard = int(self.rng.binomial(size, self.hard_share))
        hard = self.rng.choice(len(self.voice), n_hard, p=self.hard_p)
        pairs = [self.example(int(i), self.rng, accomp_mode="paired") for i in hard]
        pairs += [self.example(int(i), self.rng) for i in indices[n_hard:]]
        return collate(pairs)


def collate(pairs) -> dict[str, torch.Tensor]:
    features = np.stack([p[0] for p in pairs])
    f0 = np.stack([p[1] for p in pairs])
    target, mask = soft_targets(f0)
    return {
        "features": torch.from_numpy(features),
        "target": torch.from_numpy(target),
        "pitch_mask": torch.from_numpy(mask),
        "voiced": torch.from_numpy((f0 > 0).astype(np.float32)),
        "f0": torch.from_numpy(f0.astype(np.float32)),
    }


class BatchStream(torch.utils.data.IterableDataset):
    """Endless batches made in a DataLoader worker process (one seed per run + step)."""

    def __init__(self, clips, *, batch_size: int, crop_frames: int, seed: int,
                 hard: np.ndarray | None = None, hard_share: float = 0.0):
        super().__init__()
        self.clips, self.batch_size, self.crop_frames, self.seed = clips, batch_size, crop_frames, seed
        self.hard, self.hard_share = hard, hard_share

    def __iter__(self):
        maker = BatchMaker(self.clips, crop_frames=self.crop_frames, seed=self.seed,
                           hard=self.hard, hard_share=self.hard_share)
        while True:
            yield maker.batch(self.batch_size)
