"""item2vec: word2vec's skip-gram with negative sampling, over sessions of songs.

Songs sung in one room session, in order, are a "sentence" (seed 003's
Music2Vec did this over DJ playlists). Training makes a song's vector predict
the songs sung around it; songs that rooms sing together end up close.
Pure numpy, deterministic for a given seed, no Qt and no SQLite: the caller
maps song ids to item indices 0..n_items-1 (:mod:`app.cooc_training`).

The recipe is word2vec's (Mikolov et al. 2013), on the settings of
:mod:`app.similar_constants`:

* frequent-item subsampling: an item with play share ``f`` is kept, per
  occurrence and epoch, with probability ``min(1, sqrt(t/f) + t/f)``;
* dynamic window: each centre occurrence draws ``b`` in 1..window and takes
  the ``b`` items on each side as contexts;
* ``negatives`` items per (centre, context) pair drawn from the play counts
  to the power 0.75 (a negative equal to the context is ignored);
* input vectors start uniform in +-0.5/dim, output vectors at zero; plain
  SGD in vectorised mini-batches, the learning rate decaying linearly.

The returned vectors are the input (centre) vectors, float32 [n_items, dim];
items never seen stay near zero and should be ignored by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.similar_constants import (
    COOC_BATCH,
    COOC_DIM,
    COOC_EPOCHS,
    COOC_LEARNING_RATE,
    COOC_NEGATIVE_POWER,
    COOC_NEGATIVES,
    COOC_SUBSAMPLE,
    COOC_WINDOW,
)


@dataclass(frozen=True)
class Item2VecParams:
    dim: int = COOC_DIM
    window: int = COOC_WINDOW
    negatives: int = COOC_NEGATIVES
    negative_power: float = COOC_NEGATIVE_POWER
    subsample: float = COOC_SUBSAMPLE
    epochs: int = COOC_EPOCHS
    learning_rate: float = COOC_LEARNING_RATE
    batch: int = COOC_BATCH
    seed: int = 0


def item_counts(sessions: Sequence[np.ndarray], n_items: int) -> np.ndarray:
    """How often each item occurs over all sessions: int64 [n_items]."""
    flat = np.concatenate([np.asarray(s, np.int64) for s in sessions]) if sessions else \
        np.zeros(0, np.int64)
    return np.bincount(flat, minlength=n_items)


def keep_probabilities(counts: np.ndarray, threshold: float) -> np.ndarray:
    """Per-item probability of keeping an occurrence (word2vec subsampling): float64 [n]."""
    total = max(int(counts.sum()), 1)
    share = np.maximum(counts / total, 1e-12)
    ratio = threshold / share
    return np.minimum(1.0, np.sqrt(ratio) + ratio)


def skipgram_pairs(sessions: Sequence[np.ndarray], window: int, keep: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One epoch's (centre, context) item pairs, int64 [P] each, shuffled.

    Occurrences are subsampled with ``keep`` first, then each kept centre
    takes a window width drawn from 1..``window``."""
    centres, contexts = [], []
    for session in sessions:
        items = np.asarray(session, np.int64)
        items = items[rng.random(len(items)) < keep[items]]
        n = len(items)
        if n < 2:
            continue
        widths = rng.integers(1, window + 1, size=n)
        for offset in range(1, min(window, n - 1) + 1):
            # pairs (i, i + offset) and (i + offset, i) where the centre's width reaches
            left = np.arange(n - offset)
            fwd = widths[left] >= offset
            centres.append(items[left[fwd]])
            contexts.append(items[left[fwd] + offset])
            back = widths[left + offset] >= offset
            centres.append(items[left[back] + offset])
            contexts.append(items[left[back]])
    if not centres:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    c, x = np.concatenate(centres), np.concatenate(contexts)
    order = rng.permutation(len(c))
    return c[order], x[order]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def train_item2vec(sessions: Sequence[Sequence[int]], n_items: int,
                   params: Item2VecParams = Item2VecParams()) -> np.ndarray:
    """Sessions of item indices (each in play order) -> float32 [n_items, dim].

    Sessions shorter than two items teach nothing and are skipped."""
    rng = np.random.default_rng(params.seed)
    arrays = [np.asarray(s, np.int64) for s in sessions if len(s) >= 2]
    w_in = ((rng.random((n_items, params.dim)) - 0.5) / params.dim).astype(np.float32)
    w_out = np.zeros((n_items, params.dim), np.float32)
    counts = item_counts(arrays, n_items)
    if counts.sum() == 0:
        return w_in
    keep = keep_probabilities(counts, params.subsample)
    noise = counts.astype(np.float64) ** params.negative_power
    noise_cdf = np.cumsum(noise / noise.sum())
    pairs = skipgram_pairs(arrays, params.window, keep, rng)
    # Every epoch draws its own pairs; the first one's size sets the decay schedule.
    total_steps = max(1, -(-len(pairs[0]) // params.batch) * params.epochs)
    step = 0
    for epoch in range(params.epochs):
        centres, contexts = pairs if epoch == 0 else skipgram_pairs(arrays, params.window, keep, rng)
        for start in range(0, len(centres), params.batch):
            lr = params.learning_rate * max(1e-2, 1.0 - step / total_steps)
            step += 1
            c, x = centres[start:start + params.batch], contexts[start:start + params.batch]
            neg = np.searchsorted(noise_cdf, rng.random((len(c), params.negatives)))
            neg = np.minimum(neg, n_items - 1)
            v, u, un = w_in[c], w_out[x], w_out[neg]            # [B,d], [B,d], [B,K,d]
            g_pos = _sigmoid(np.einsum("bd,bd->b", v, u)) - 1.0  # d loss / d score, [B]
            g_neg = _sigmoid(np.einsum("bd,bkd->bk", v, un))     # [B,K]
            g_neg[neg == x[:, None]] = 0.0
            grad_v = g_pos[:, None] * u + np.einsum("bk,bkd->bd", g_neg, un)
            np.add.at(w_out, x, (-lr * g_pos[:, None] * v).astype(np.float32))
            np.add.at(w_out, neg.ravel(),
                      (-lr * g_neg[:, :, None] * v[:, None, :]).reshape(-1, params.dim)
                      .astype(np.float32))
            np.add.at(w_in, c, (-lr * grad_v).astype(np.float32))
    return w_in
