"""Fusing per-source rankings into one list of similar songs (seed 003's two ways).

Every source gives a score per catalog row (:mod:`app.similar_sources`); a
score becomes a *rank* from 1, ties sharing the mean of the ranks they span
(fractional ranking: 200 songs tied for "same genre" all sit at rank 100.5,
so a large tie says little), unranked rows (``-inf``) at ``inf``.

* **score total**: each row scores ``sum over sources s of w_s / (rank_s + offset)``
  (seed 003: every ``w_s`` 1 and offset 0, the plain sum of reciprocal
  ranks); best first. The non-negative weights ``w_s`` are learned from the
  room's plays (:mod:`app.similar_weights`); ``None`` means 1 for every source.
* **top 3 per source**: the sources take turns, heaviest weight first, each
  adding its best row not yet listed, until ``top`` rows are listed (four
  sources, ten rows: each source's top 3 at most); the list keeps that order.

A source of weight 0 counts as absent: it moves no score and names no result
(when every source that knows the song weighs 0, they all count 1 instead).
Each result names the sources that rank it within ``depth`` (the source that
brought it in first, for the per-source variant), never an empty list.
Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.similar_constants import (
    FUSION_SCORE_TOTAL,
    FUSION_TOP3,
    RANK_OFFSET,
    SOURCE_DEPTH,
    SOURCES,
)


@dataclass(frozen=True)
class Fused:
    """One fused result: table ``row``, its score total, and its sources
    (names, best rank first) with their ranks."""

    row: int
    score: float
    sources: list[str]
    ranks: dict[str, float] = field(default_factory=dict)


def fractional_ranks(scores: np.ndarray) -> np.ndarray:
    """scores float [N] (higher better, -inf = unranked) -> ranks float64 [N]
    from 1, tied scores sharing their mean rank; unranked rows get ``inf``."""
    scores = np.asarray(scores, dtype=np.float64)
    ranks = np.full(len(scores), np.inf)
    ranked = np.flatnonzero(np.isfinite(scores))
    if not len(ranked):
        return ranks
    values = scores[ranked]
    order = np.argsort(-values, kind="stable")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(sorted_values)]
    group_rank = (starts + 1 + ends) / 2.0  # mean of ranks starts+1 .. ends
    sizes = ends - starts
    ranks[ranked[order]] = np.repeat(group_rank, sizes)
    return ranks


def score_total(ranks: dict[str, np.ndarray], offset: float = RANK_OFFSET,
                weights: dict[str, float] | None = None) -> np.ndarray:
    """Sum over sources of w / (rank + offset): float64 [N] (0 for rows no
    source ranks). ``weights``: per source name, missing names 0; None: all 1."""
    total = None
    for name, r in ranks.items():
        w = 1.0 if weights is None else float(weights.get(name, 0.0))
        part = w / (r + offset)
        total = part if total is None else total + part
    return total if total is not None else np.zeros(0)


def weighted_sources(ranks: dict[str, np.ndarray], weights: dict[str, float] | None
                     ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The sources that count and their weights: those of positive weight
    (all, at 1, when ``weights`` is None or none of them has a positive weight)."""
    if weights is not None:
        kept = {s: float(weights.get(s, 0.0)) for s in ranks}
        kept = {s: w for s, w in kept.items() if w > 0}
        if kept:
            return {s: ranks[s] for s in kept}, kept
    return dict(ranks), dict.fromkeys(ranks, 1.0)


def _sources_of(row: int, ranks: dict[str, np.ndarray], depth: int, first: str | None = None
                ) -> tuple[list[str], dict[str, float]]:
    own = {s: float(r[row]) for s, r in ranks.items() if np.isfinite(r[row])}
    named = sorted((s for s in own if own[s] <= depth),
                   key=lambda s: (own[s], SOURCES.index(s) if s in SOURCES else 99))
    if first is not None:
        named = [first] + [s for s in named if s != first]
    if not named and own:
        named = [min(own, key=own.get)]
    return named, own


def fuse_score_total(ranks: dict[str, np.ndarray], top: int, *, offset: float = RANK_OFFSET,
                     depth: int = SOURCE_DEPTH, weights: dict[str, float] | None = None
                     ) -> list[Fused]:
    """The ``top`` rows by (weighted) score total (ties: more sources first, then lower row)."""
    if not ranks:
        return []
    ranks, weights = weighted_sources(ranks, weights)
    total = score_total(ranks, offset, weights)
    n_sources = sum(np.isfinite(r).astype(np.int64) for r in ranks.values())
    candidates = np.flatnonzero(total > 0)
    order = np.lexsort((candidates, -n_sources[candidates], -total[candidates]))[:top]
    out = []
    for row in candidates[order].tolist():
        named, own = _sources_of(row, ranks, depth)
        out.append(Fused(row, float(total[row]), named, own))
    return out


def fuse_top_per_source(ranks: dict[str, np.ndarray], top: int, *, offset: float = RANK_OFFSET,
                        depth: int = SOURCE_DEPTH, weights: dict[str, float] | None = None
                        ) -> list[Fused]:
    """Sources take turns (heaviest weight first, then in :data:`SOURCES`
    order) adding their best unlisted row until ``top`` rows are listed: with
    four sources and ten rows, each source's top 3 (at most), best picks first.
    Sources of weight 0 take no turn."""
    if not ranks:
        return []
    ranks, weights = weighted_sources(ranks, weights)
    total = score_total(ranks, offset, weights)
    names = sorted(ranks, key=lambda s: (-weights[s], SOURCES.index(s) if s in SOURCES else 99))
    queues = {}
    for name in names:
        r = ranks[name]
        ranked = np.flatnonzero(np.isfinite(r))
        # within a tie, the row the other sources back most comes first
        queues[name] = ranked[np.lexsort((ranked, -total[ranked], r[ranked]))].tolist()
    chosen: dict[int, str] = {}
    position = dict.fromkeys(names, 0)
    while len(chosen) < top and any(position[n] < len(queues[n]) for n in names):
        for name in names:
            queue = queues[name]
            while position[name] < len(queue) and queue[position[name]] in chosen:
                position[name] += 1
            if position[name] < len(queue) and len(chosen) < top:
                chosen[queue[position[name]]] = name
                position[name] += 1
    out = []
    for row, name in chosen.items():
        named, own = _sources_of(row, ranks, depth, first=name)
        out.append(Fused(row, float(total[row]), named, own))
    return out


def fuse(ranks: dict[str, np.ndarray], top: int, method: str = FUSION_SCORE_TOTAL,
         **options) -> list[Fused]:
    """Dispatch to :func:`fuse_score_total` or :func:`fuse_top_per_source`
    (``options``: offset, depth, weights)."""
    if method == FUSION_SCORE_TOTAL:
        return fuse_score_total(ranks, top, **options)
    if method == FUSION_TOP3:
        return fuse_top_per_source(ranks, top, **options)
    raise ValueError(f"unknown fusion {method!r}; use {FUSION_SCORE_TOTAL} or {FUSION_TOP3}")
