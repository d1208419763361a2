"""How much each source counts, learned from what the room sang next.

The score total weighs the sources: ``sum over s of w_s / (rank_s + offset)``
(:func:`app.similar_fusion.score_total`). In one room "sung together" may
predict the next song and "similar voice" only add noise; in another the
reverse. So every co-occurrence training (:func:`app.cooc_training.train_cooc`)
also fits the weights on the room's most recent sessions, held out of a
training on the earlier ones:

1. :func:`held_out_split`: sessions in time order -> the earlier ones (an
   item2vec training of their own) and the last FIT_HOLDOUT_SHARE;
2. :func:`next_song_pairs`: each consecutive (song sung, song sung next) of the
   held-out sessions, at most MAX_FIT_PAIRS of them, evenly spread;
3. :func:`fit_source_weights`: every source ranks the catalog for each pair's
   first song (:func:`reciprocal_terms`), and :func:`fit_weights` finds the
   weights under which the next song ranks highest — a coordinate search over
   FIT_GRID maximising the mean reciprocal rank (down to FIT_DEPTH), then
   hit@10, started from the defaults and from equal weights.

Ranks are exact: the next song's fused rank is 1 + the rows scoring more than
it + half the rows tied with it, over the whole catalog (what the app would
list), 0 reciprocal rank for a song no positive-weight source ranks. Pure numpy,
deterministic, no SQLite (the bench runs the same functions on its rooms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.similar_constants import (
    DEFAULT_SOURCE_WEIGHTS,
    FIT_DEPTH,
    FIT_GRID,
    FIT_HOLDOUT_SHARE,
    FIT_ROUNDS,
    MAX_FIT_PAIRS,
    MIN_FIT_PAIRS,
    RANK_OFFSET,
    SOURCES,
)
from app.similar_fusion import fractional_ranks
from app.similar_sources import SongTable, source_scores

EQUAL_WEIGHTS = dict.fromkeys(SOURCES, 1.0)


@dataclass(frozen=True)
class WeightFit:
    """Weights fitted on ``pairs`` held-out pairs (``weights`` None: too few
    pairs to fit, use the defaults). mrr, hit10: of the fitted weights on
    those pairs; start_mrr, start_hit10: of the default weights."""

    weights: dict[str, float] | None
    pairs: int
    mrr: float = 0.0
    hit10: float = 0.0
    start_mrr: float = 0.0
    start_hit10: float = 0.0


def held_out_split(sessions: Sequence, share: float = FIT_HOLDOUT_SHARE) -> tuple[list, list]:
    """Sessions in time order -> (earlier sessions, the last ``share`` of them)."""
    cut = len(sessions) - min(len(sessions), round(share * len(sessions)))
    return list(sessions[:cut]), list(sessions[cut:])


def next_song_pairs(sessions: Sequence[Sequence[int]], limit: int = MAX_FIT_PAIRS
                    ) -> list[tuple[int, int]]:
    """(song, the song sung right after it) of every session, at most ``limit``
    of them spread evenly (deterministic); a song sung twice in a row is no pair."""
    pairs = [(int(s[i]), int(s[i + 1])) for s in sessions for i in range(len(s) - 1)
             if s[i] != s[i + 1]]
    if len(pairs) > limit >= 2:
        keep = np.arange(limit) * (len(pairs) - 1) // (limit - 1)
        pairs = [pairs[i] for i in keep.tolist()]
    return pairs[:max(limit, 0)]


def reciprocal_terms(table: SongTable, queries: Sequence[int], offset: float = RANK_OFFSET,
                     sources: tuple[str, ...] = SOURCES) -> np.ndarray:
    """float32 [S, P, N]: 1 / (rank + offset) of every row in each source's
    ranking for each query row (0 where unranked or the source knows nothing
    of the query); S in ``sources`` order."""
    terms = np.zeros((len(sources), len(queries), len(table)), np.float32)
    for p, row in enumerate(queries):
        for name, scores in source_scores(table, int(row), sources).items():
            terms[sources.index(name), p] = 1.0 / (fractional_ranks(scores) + offset)
    return terms


def target_ranks(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """scores float [P, N], targets int [P] -> each target's rank float64 [P]
    (1 + rows above + half the rows tied); ``inf`` where its score is 0."""
    own = scores[np.arange(len(targets)), targets][:, None]
    above = np.count_nonzero(scores > own, axis=1)
    tied = np.count_nonzero(scores == own, axis=1) - 1
    ranks = 1.0 + above + 0.5 * tied
    ranks[own[:, 0] <= 0] = np.inf
    return ranks


def quality(ranks: np.ndarray, depth: int = FIT_DEPTH) -> tuple[float, float]:
    """(MRR counting ranks down to ``depth``, hit@10) of target ranks float [P]."""
    if not len(ranks):
        return 0.0, 0.0
    reciprocal = np.where(ranks <= depth, 1.0 / ranks, 0.0)
    return float(reciprocal.mean()), float(np.mean(ranks <= 10))


def _key(mrr: float, hit: float) -> tuple[float, float]:
    return round(mrr, 10), round(hit, 10)


def _search(terms: np.ndarray, targets: np.ndarray, start: np.ndarray, grid: Sequence[float],
            rounds: int) -> tuple[np.ndarray, tuple[float, float]]:
    w = start.astype(np.float32).copy()
    best = quality(target_ranks(np.tensordot(w, terms, axes=1), targets))
    for _ in range(rounds):
        moved = False
        for i in range(len(w)):
            others = w.copy()
            others[i] = 0.0
            base = np.tensordot(others, terms, axes=1)  # [P, N]
            for value in grid:
                if value == w[i] or (value <= 0 and not others.any()):
                    continue
                score = quality(target_ranks(base + np.float32(value) * terms[i], targets))
                if _key(*score) > _key(*best):
                    best, w[i], moved = score, value, True
        if not moved:
            break
    return w, best


def fit_weights(terms: np.ndarray, targets: np.ndarray,
                starts: Sequence[dict[str, float]] = (DEFAULT_SOURCE_WEIGHTS, EQUAL_WEIGHTS),
                sources: tuple[str, ...] = SOURCES, grid: Sequence[float] = FIT_GRID,
                rounds: int = FIT_ROUNDS) -> WeightFit:
    """Weights maximising (MRR, hit@10) of ``targets`` int [P] under ``terms``
    float32 [S, P, N] (:func:`reciprocal_terms`): a coordinate search from each
    start in turn (the first is the baseline reported as ``start_*``), the best
    kept (an earlier start wins ties). Weights are scaled so the largest is 1."""
    targets = np.asarray(targets, np.int64)
    first = None
    best_w, best = None, None
    for start in starts:
        vector = np.array([float(start.get(s, 0.0)) for s in sources], np.float32)
        if not (vector > 0).any():
            vector[:] = 1.0
        if first is None:
            first = quality(target_ranks(np.tensordot(vector, terms, axes=1), targets))
        w, score = _search(terms, targets, vector, grid, rounds)
        if best is None or _key(*score) > _key(*best):
            best_w, best = w, score
    assert best_w is not None and best is not None and first is not None, "no start given"
    scaled = best_w / best_w.max()
    return WeightFit({s: round(float(v), 4) for s, v in zip(sources, scaled)}, len(targets),
                     best[0], best[1], first[0], first[1])


def fit_source_weights(table: SongTable, pairs: Sequence[tuple[int, int]],
                       starts: Sequence[dict[str, float]] = (DEFAULT_SOURCE_WEIGHTS, EQUAL_WEIGHTS),
                       offset: float = RANK_OFFSET) -> WeightFit:
    """Fit weights on (query row, next row) ``pairs`` of ``table`` (whose
    co-occurrence vectors must come from sessions before the pairs'); fewer
    than MIN_FIT_PAIRS pairs: no weights (``weights`` None)."""
    if len(pairs) < MIN_FIT_PAIRS:
        return WeightFit(None, len(pairs))
    terms = reciprocal_terms(table, [q for q, _t in pairs], offset)
    return fit_weights(terms, np.array([t for _q, t in pairs], np.int64), starts)
