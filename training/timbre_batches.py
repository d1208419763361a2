"""Training batches for the timbre encoder: two takes per singer, plus made-up singers.

A batch holds P singers, drawn uniformly (every singer as likely as any
other, whatever its number of clips). For each singer, two excerpts from two
*different* songs become the anchor and the positive: what is sung differs,
the voice does not. For half of the singers the anchor's audio is also played
back faster or slower (resampled by 5/4, 6/5, 5/6 or 4/5: +-3 to +-4
semitones, tempo and formants moving together), which makes it sound like
another person; those versions are extra *negatives* (seed 001: pitch
shifting and time stretching as negatives kept register and vocal style).

Every take is put through a random room, microphone and noise
(:func:`training.melody_data.augment.apply_settings`, 10-35 dB SNR), turned into
log-mel frames, and cut to ``frames`` frames of its sung part (by the f0
labels; short takes are repeated), mean-subtracted as at inference.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.signal import resample_poly

from inference.constants import HOP_SAMPLES
from inference.timbre_features import log_mel
from training.melody_data.augment import apply_settings, draw_settings
from training.timbre_data.store import TimbreSplit

SPEED_RATIOS = ((5, 4), (6, 5), (5, 6), (4, 5))
"""(up, down) resampling ratios of the negatives: played at down/up speed."""
NEGATIVE_SHARE = 0.5
SNR_DB = (10.0, 35.0)
CLEAN_P = 0.2
"""Share of takes left dry (no room, mic or noise)."""


def take_frames(feats: np.ndarray, voiced: np.ndarray, frames: int, rng: np.random.Generator) -> np.ndarray:
    """``frames`` consecutive sung frames (wrapping round), mean-subtracted: float32 [frames, M]."""
    kept = feats[voiced[: len(feats)]] if voiced.any() else feats
    start = int(rng.integers(0, len(kept)))
    idx = (start + np.arange(frames)) % len(kept)
    out = kept[idx]
    return (out - out.mean()).astype(np.float32)


class TimbreBatchMaker:
    """Draws batches from a loaded split (see the module docstring)."""

    def __init__(self, data: TimbreSplit, *, seed: int):
        self.data = data
        self.rng = np.random.default_rng(seed)
        self.female = np.array([s.gender == "female" for s in data.singers], np.float32)
        self.songs: dict[int, list[np.ndarray]] = {}
        for singer in np.unique(data.singer):
            rows = np.flatnonzero(data.singer == singer)
            self.songs[int(singer)] = [rows[data.song[rows] == s] for s in np.unique(data.song[rows])]
        self.singer_ids = np.array(sorted(self.songs))

    def view(self, row: int, frames: int, speed: tuple[int, int] | None = None) -> np.ndarray:
        """One augmented take of clip ``row``: float32 [frames, TIMBRE_N_MELS]."""
        rng = self.rng
        audio = self.data.audio[row].astype(np.float32) / 32768.0
        voiced = self.data.f0[row] > 0
        if speed is not None:
            up, down = speed
            audio = resample_poly(audio, up, down).astype(np.float32)
            idx = np.minimum((np.arange(len(audio) // HOP_SAMPLES + 1) * down / up).round().astype(int),
                             len(voiced) - 1)
            voiced = voiced[idx]
        if rng.random() >= CLEAN_P:
            settings = draw_settings(rng, has_accomp=False, snr_db=float(rng.uniform(*SNR_DB)))
            audio = apply_settings(audio, None, settings, rng)
        return take_frames(log_mel(audio), voiced, frames, rng)

    def batch(self, n_singers: int, frames: int) -> dict[str, torch.Tensor]:
        """anchor/positive float32 [P, frames, M], negative [Q, frames, M], female [P]."""
        rng = self.rng
        singers = rng.choice(self.singer_ids, size=n_singers, replace=False)
        anchor, positive, negative = [], [], []
        for singer in singers:
            songs = self.songs[int(singer)]
            first, second = rng.choice(len(songs), size=2, replace=False)
            row_a, row_p = int(rng.choice(songs[first])), int(rng.choice(songs[second]))
            anchor.append(self.view(row_a, frames))
            positive.append(self.view(row_p, frames))
            if rng.random() < NEGATIVE_SHARE:
                speed = SPEED_RATIOS[int(rng.integers(0, len(SPEED_RATIOS)))]
                negative.append(self.view(row_a, frames, speed))
        return {"anchor": torch.from_numpy(np.stack(anchor)),
                "positive": torch.from_numpy(np.stack(positive)),
                "negative": torch.from_numpy(np.stack(negative)) if negative
                else torch.zeros((0, frames, anchor[0].shape[1])),
                "female": torch.from_numpy(self.female[singers])}


class TimbreStream(torch.utils.data.IterableDataset):
    """Endless batches for a DataLoader worker; each worker gets its own seed.
    The crop length changes from batch to batch within ``frames``."""

    def __init__(self, data: TimbreSplit, *, n_singers: int, frames: tuple[int, int], seed: int):
        super().__init__()
        self.data, self.n_singers, self.frames, self.seed = data, n_singers, frames, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        worker = info.id if info is not None else 0
        maker = TimbreBatchMaker(self.data, seed=self.seed * 1000 + worker)
        while True:
            frames = int(maker.rng.integers(self.frames[0], self.frames[1] + 1))
            yield maker.batch(self.n_singers, frames)
