"""Validation of the hum encoder: song retrieval on held-out songs.

Every window of the validation songs forms a small catalog; hummed queries
(10 s, random start, tempo 0.7-1.35, typical errors) are stretched to every
query scale, cut into windows and embedded. A song's score is, at the best
scale, the mean over query windows of the best cosine with any of its windows.
Reported: MRR and top-1 / top-10 of the true song, and window recall (the true
song among the top 50 windows of any query window).
"""

from __future__ import annotations

import numpy as np
import torch

from app.hum_search import scale_scores
from inference.melody_contour import (
    contour_from_notes,
    encoder_input,
    query_windows,
    sung_windows,
)
from training.hum_batches import simulated_query
from training.hum_songs import HumSong

QUERY_SECONDS = 10.0


def embed(net, windows: np.ndarray, batch: int = 1024) -> np.ndarray:
    """windows float [W, L] MIDI -> embeddings float32 [W, dim]."""
    out = []
    with torch.no_grad():
        for i in range(0, len(windows), batch):
            out.append(net(torch.from_numpy(encoder_input(windows[i:i + batch]))).numpy())
    return np.concatenate(out) if out else np.zeros((0, net.config.dim), np.float32)


def song_scores(sims: np.ndarray, window_song: np.ndarray, n_songs: int,
                scale_of: np.ndarray) -> np.ndarray:
    """sims [Wq, Wc] cosines, window_song [Wc] sorted song ids -> song scores [n_songs]."""
    bounds = np.searchsorted(window_song, np.arange(n_songs))
    best = np.maximum.reduceat(sims, bounds, axis=1)  # [Wq, n_songs]; every song has windows
    return scale_scores(best, scale_of)


class HumValidation:
    """A fixed catalog of song windows and a fixed set of simulated queries."""

    def __init__(self, songs: list[HumSong], *, n_queries: int = 200, seed: int = 7):
        rng = np.random.default_rng(seed)
        catalog, owner = [], []
        self.songs = []
        for song in songs:
            w, _ = sung_windows(contour_from_notes(song.notes))
            if len(w):
                catalog.append(w)
                owner.append(np.full(len(w), len(self.songs)))
                self.songs.append(song)
        self.catalog, self.owner = np.concatenate(catalog), np.concatenate(owner)
        self.queries = []
        for i in rng.choice(len(self.songs), size=min(n_queries, len(self.songs)), replace=False):
            song = self.songs[int(i)]
            tempo = float(np.exp(rng.uniform(np.log(0.7), np.log(1.35))))
            span = QUERY_SECONDS * tempo
            start = float(rng.uniform(0.0, max(0.0, song.seconds - span)))
            contour = simulated_query(song.notes, start, rng, seconds=QUERY_SECONDS, tempo=tempo)
            self.queries.append((int(i), query_windows(contour)[:2]))

    def evaluate(self, net) -> dict[str, float]:
        catalog = embed(net, self.catalog)
        ranks, window_hits = [], []
        for song, (windows, scale_of) in self.queries:
            sims = embed(net, windows) @ catalog.T
            scores = song_scores(sims, self.owner, len(self.songs), scale_of)
            ranks.append(1 + int((scores > scores[song]).sum()))
            top = np.argsort(-sims, axis=1)[:, :50]
            window_hits.append(bool((self.owner[top] == song).any()))
        ranks = np.array(ranks)
        return {"mrr": round(float((1.0 / ranks).mean()), 4), "top1": round(float((ranks == 1).mean()), 4),
                "top10": round(float((ranks <= 10).mean()), 4),
                "window_recall50": round(float(np.mean(window_hits)), 4),
                "songs": len(self.songs), "windows": len(self.catalog)}
