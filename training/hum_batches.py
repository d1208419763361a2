"""Training pairs for the hum encoder: a clean catalog window and a simulated
hummed query of the same stretch of the same song.

The catalog window is cut exactly as the catalog cuts it (contour of the
song's notes, windows every HUM_CATALOG_HOP_FRAMES). The query starts up to
half a catalog hop away, runs at a residual tempo within the gap between two
query scales (+-8 %), and is sung with a random :class:`QueryStyle`; sometimes
it is cut short, as the last window of a short query is.
"""

from __future__ import annotations

import numpy as np
import torch

from inference.constants import CONTOUR_HOP_S, HUM_CATALOG_HOP_FRAMES, HUM_WINDOW_FRAMES
from inference.melody_contour import (
    contour_from_f0,
    contour_from_notes,
    encoder_input,
    sung_windows,
)
from training.hum_queries import draw_style, excerpt, perform, query_f0
from training.hum_songs import HumSong

WINDOW_S = HUM_WINDOW_FRAMES * CONTOUR_HOP_S
RESIDUAL_TEMPO = (0.92, 1.087)


def fit_length(contour: np.ndarray, length: int = HUM_WINDOW_FRAMES) -> np.ndarray:
    """Cut or NaN-pad a contour to ``length`` frames."""
    out = np.full(length, np.nan, dtype=np.float32)
    out[:min(length, len(contour))] = contour[:length]
    return out


def simulated_query(notes: np.ndarray, start_s: float, rng: np.random.Generator, *,
                    seconds: float, tempo: float, difficulty: float = 1.0) -> np.ndarray:
    """The contour (float32, query frames) of ``seconds`` of humming that starts
    at ``start_s`` in the song and runs ``tempo`` times as fast."""
    ex = excerpt(notes, max(0.0, start_s), seconds * tempo + 0.3)
    if len(ex) == 0:
        return np.full(int(round(seconds / CONTOUR_HOP_S)), np.nan, dtype=np.float32)
    style = draw_style(rng, difficulty)
    sung = perform(ex, rng, style, tempo=tempo, key_shift=float(rng.uniform(-7, 7)))
    f0 = query_f0(sung, rng, style, seconds=seconds)
    return contour_from_f0(f0)


class PairMaker:
    """Draws (catalog window, query window) pairs from a list of songs."""

    def __init__(self, songs: list[HumSong], seed: int):
        self.songs = songs
        self.rng = np.random.default_rng(seed)
        self.windows = []
        for song in songs:
            self.windows.append(sung_windows(contour_from_notes(song.notes)))
        self.usable = np.array([i for i, (w, _) in enumerate(self.windows) if len(w)])

    def pair(self, index: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        windows, starts = self.windows[index]
        k = int(rng.integers(len(windows)))
        start_s = (starts[k] + rng.uniform(-0.5, 0.5) * HUM_CATALOG_HOP_FRAMES) * CONTOUR_HOP_S
        tempo = float(np.exp(rng.uniform(*np.log(RESIDUAL_TEMPO))))
        query = fit_length(simulated_query(self.songs[index].notes, start_s, rng, seconds=WINDOW_S,
                                           tempo=tempo, difficulty=float(rng.uniform(0.3, 1.6))))
        r = rng.random()
        if r < 0.2:  # the end of a short query
            query[int(rng.uniform(0.45, 0.95) * HUM_WINDOW_FRAMES):] = np.nan
        elif r < 0.3:
            query[:int(rng.uniform(0.05, 0.4) * HUM_WINDOW_FRAMES)] = np.nan
        return windows[k], query

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        """``size`` pairs from distinct songs: anchor, query float32 [B, L, 2]."""
        chosen = self.rng.choice(self.usable, size=min(size, len(self.usable)), replace=False)
        pairs = [self.pair(int(i), self.rng) for i in chosen]
        return {
            "anchor": torch.from_numpy(encoder_input(np.stack([p[0] for p in pairs]))),
            "query": torch.from_numpy(encoder_input(np.stack([p[1] for p in pairs]))),
        }


class PairStream(torch.utils.data.IterableDataset):
    """Endless batches from a DataLoader worker; each worker gets its own seed."""

    def __init__(self, songs: list[HumSong], *, batch_size: int, seed: int):
        super().__init__()
        self.songs, self.batch_size, self.seed = songs, batch_size, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        worker = info.id if info is not None else 0
        maker = PairMaker(self.songs, seed=self.seed * 1000 + worker)
        while True:
            yield maker.batch(self.batch_size)
