"""Singer-verification scores, and the fixed validation set that training monitors.

A *take* is one singer singing one song: that song's two excerpts end to end
(8 s). Verification pairs are takes of different songs - the same singer
(target) or two singers (non-target) - so a system cannot score by melody.
"""

from __future__ import annotations

import numpy as np
import torch

from inference.timbre_features import voiced_features
from training.melody_data.augment import (
    apply_settings,
    draw_settings,
    require_babble_bank,
)
from training.timbre_data.store import TimbreSplit


def equal_error_rate(target: np.ndarray, non_target: np.ndarray) -> float:
    """EER of similarity scores (higher = same singer): the rate at which the
    share of targets below a threshold equals the share of non-targets above it."""
    target, non_target = np.sort(np.asarray(target, float)), np.sort(np.asarray(non_target, float))
    if not len(target) or not len(non_target):
        raise ValueError("EER needs target and non-target scores")
    thresholds = np.concatenate([target, non_target])
    miss = np.searchsorted(target, thresholds, side="left") / len(target)
    false_alarm = 1.0 - np.searchsorted(non_target, thresholds, side="left") / len(non_target)
    i = int(np.argmin(np.abs(miss - false_alarm)))
    return float((miss[i] + false_alarm[i]) / 2)


def verification_pairs(singer: np.ndarray, song: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of takes of different songs: (target [K, 2], non-target [K', 2])."""
    i, j = np.triu_indices(len(singer), k=1)
    same = singer[i] == singer[j]
    target = same & (song[i] != song[j])
    return np.stack([i[target], j[target]], axis=1), np.stack([i[~same], j[~same]], axis=1)


def takes(data: TimbreSplit, *, degrade: bool, seed: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """Every (singer, song) take: ([(audio float32 [L], voiced bool [T])], singer [N], song [N]).

    degrade=True puts each take through one random room/mic/noise (10-35 dB SNR), fixed by ``seed``;
    it raises AugmentError without the melody build's babble bank, whose absence would change
    every noise draw (timbre training's validation, ``calibrate_gender`` and the voice
    benchmarks all degrade their takes here).
    """
    if degrade:
        require_babble_bank()
    rng = np.random.default_rng(seed)
    out, singers, songs = [], [], []
    keys = np.stack([data.singer, data.song], axis=1)
    for singer, song in np.unique(keys, axis=0):
        rows = np.flatnonzero((data.singer == singer) & (data.song == song))
        audio = np.concatenate([data.audio[r].astype(np.float32) / 32768.0 for r in rows])
        voiced = np.concatenate([data.f0[r][:-1] > 0 for r in rows] + [np.zeros(1, bool)])
        if degrade:
            settings = draw_settings(rng, has_accomp=False, snr_db=float(rng.uniform(10.0, 35.0)))
            audio = apply_settings(audio, None, settings, rng)
        out.append((audio.astype(np.float32), voiced))
        singers.append(int(singer))
        songs.append(int(song))
    return out, np.array(singers), np.array(songs)


def score_embeddings(emb: np.ndarray, p_female: np.ndarray, singer: np.ndarray, song: np.ndarray,
                     female: np.ndarray) -> dict[str, float]:
    """EER (cosine), gender accuracy and identification top-1 with leave-one-song-out
    centroids, for embeddings float [N, D] (unit length) of takes."""
    target, non_target = verification_pairs(singer, song)
    sims = emb @ emb.T
    eer = equal_error_rate(sims[target[:, 0], target[:, 1]], sims[non_target[:, 0], non_target[:, 1]])
    ids = np.unique(singer)
    hits = 0
    for n in range(len(emb)):
        centroids = []
        for s in ids:
            rows = (singer == s) & ~((singer == singer[n]) & (song == song[n]))
            c = emb[rows].mean(axis=0)
            centroids.append(c / max(np.linalg.norm(c), 1e-9))
        hits += int(ids[int(np.argmax(np.stack(centroids) @ emb[n]))] == singer[n])
    return {"eer": eer, "gender_acc": float(np.mean((p_female >= 0.5) == female)),
            "ident_top1": hits / len(emb)}


class TimbreValidation:
    """The val split's takes, degraded once with a fixed seed."""

    def __init__(self, data: TimbreSplit, seed: int = 0):
        self.takes, self.singer, self.song = takes(data, degrade=True, seed=seed)
        self.features = [voiced_features(a, v) for a, v in self.takes]
        self.female = np.array([data.singers[s].gender == "female" for s in self.singer])

    @torch.no_grad()
    def evaluate(self, net) -> dict[str, float]:
        embs, probs = [], []
        for feats in self.features:
            emb, logit = net(torch.from_numpy(feats)[None])
            embs.append(emb[0].numpy())
            probs.append(float(torch.sigmoid(logit)[0]))
        scores = score_embeddings(np.stack(embs), np.array(probs), self.singer, self.song, self.female)
        scores = {k: round(v, 4) for k, v in scores.items()}
        scores["score"] = round(1.0 - scores["eer"], 4)
        return scores
