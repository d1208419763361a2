"""Find a song from a hummed, sung or whistled query: two-stage search.

1. The query's pitch track becomes a contour, stretched to every query scale
   (tempo +-35 %) and cut into windows; each window is embedded by the hum
   encoder and looked up in the ``hum`` index (filters applied there). The
   POOL_SONGS songs whose windows come nearest (at the song's best scale, the
   mean over query windows of the best cosine with any of its windows) are
   then scored by windows that agree in time: every query window, at finer
   scales too, against every window of the song, at one offset
   (:mod:`app.hum_consistency`).
2. The best candidates are re-ranked by aligning the query contour with the
   stretch of the song that offset points at (key-invariant DTW,
   :mod:`app.contour_alignment`).

Each candidate's two scores, and how far each is from the best candidate's,
become one confidence in 0..1 through a logistic calibration fitted on
rendered queries that are and are not in a catalog (``hum_calibration.json``
beside the model, :mod:`training.calibrate_hum`); the candidates are ranked
by it, and "no match" can be told from a weak match.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.contour_alignment import align_pairs, median_gap
from app.hum_catalog import song_contour
from app.hum_consistency import offset_votes, song_windows
from app.vector_index import VectorIndex
from inference.constants import CONTOUR_HOP_S, HUM_QUERY_SCALES, HUM_VOTE_SCALES
from inference.hum_encoder import HumEncoder
from inference.melody_contour import query_windows, stretch_contour

SEARCH_VERSION = 3
"""Bump when the search changes which candidates it returns or their scores:
the calibration's cached candidates (:mod:`training.calibrate_hum`) are keyed by it."""
TOP_WINDOWS = 64
"""Nearest catalog windows fetched per query window."""
POOL_SONGS = 300
"""Songs of the index lookup scored by windows that agree in time."""
CANDIDATES = 60
"""Songs re-ranked by alignment, at most."""
CANDIDATE_GAP = 0.2
"""Songs scoring this much below the best in stage 1 are not re-ranked: a
hummed song was never that far behind (rendered calibration queries: at most
0.19, 99 % within 0.13), and skipping them spares about 40 % of the alignments."""
REGION_MARGIN_S = 3.0
"""Song seconds added on both sides of where the query should lie."""
MISSING_ALIGN_COST = 3.0
"""Alignment cost given to a candidate too sparse to align (the worst possible)."""
FEATURES = ("embed", "align", "embed_lead", "align_lead")
"""Per candidate: stage-1 score, alignment cost (semitones), and how far each
is ahead of the best *other* candidate (stage-1 score less theirs; cost less
theirs, so negative when ahead). A tune sung clearly better than any rival
is a surer answer than one of two near-equal candidates."""
DEFAULT_CALIBRATION = {"embed": 12.0, "align": -4.0, "embed_lead": 0.0, "align_lead": 0.0, "bias": -7.0}
"""Logistic weights used when no calibration file ships with the model."""


class HumQueryError(ValueError):
    """The query cannot be searched (too short, nothing sung)."""


@dataclass(frozen=True)
class HumFilters:
    genre: str | None = None
    gender: str | None = None
    language: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def sql(self) -> tuple[str, list]:
        clauses, params = [], []
        for column, value in (("genre", self.genre), ("singer_gender", self.gender),
                              ("language", self.language)):
            if value:
                clauses.append(f"lower(s.{column}) = lower(?)")
                params.append(value)
        if self.year_from is not None:
            clauses.append("s.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append("s.year <= ?")
            params.append(self.year_to)
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class HumHit:
    song_id: int
    title: str
    artist: str
    score: float
    """Calibrated confidence that this is the hummed song, 0..1."""
    start_s: float
    """Where in the song the query matched, seconds."""
    embed_score: float
    align_cost: float

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def scale_scores(best: np.ndarray, scale_of: np.ndarray) -> np.ndarray:
    """Song scores of stage 1: best float [Wq, S], each query window's best
    cosine with any window of each song (0 where the song was not among its
    neighbours); scale_of int [Wq], the query scale each window was cut at.
    Returns float64 [S]: at the song's best scale, the mean over that scale's
    windows."""
    return np.max([best[scale_of == k].mean(axis=0) for k in np.unique(scale_of)], axis=0)


def load_calibration(model_path: Path) -> dict[str, float]:
    """The weights in ``hum_calibration.json`` beside the model; a feature the
    file does not name weighs 0; no or a broken file gives DEFAULT_CALIBRATION."""
    path = Path(model_path).with_name("hum_calibration.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: float(data.get(k, 0.0)) for k in DEFAULT_CALIBRATION} | {"bias": float(data["bias"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return dict(DEFAULT_CALIBRATION)


def features(hits) -> np.ndarray:
    """float64 [len(hits), len(FEATURES)] from items with ``embed_score`` and
    ``align_cost`` (see :data:`FEATURES`; a lone candidate leads by 0)."""
    embed = np.array([h.embed_score for h in hits], dtype=np.float64)
    cost = np.array([h.align_cost for h in hits], dtype=np.float64)
    return lead_features(embed, cost)


def lead_features(embed: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """:func:`features` of one query's candidates from their scores float [N] and costs float [N]."""
    n = len(embed)
    if n < 2:
        return np.stack([embed, cost, np.zeros(n), np.zeros(n)], axis=1).reshape(n, len(FEATURES))
    order = np.argsort(-embed)
    rival_embed = np.where(np.arange(n) == order[0], embed[order[1]], embed[order[0]])
    order = np.argsort(cost)
    rival_cost = np.where(np.arange(n) == order[0], cost[order[1]], cost[order[0]])
    return np.stack([embed, cost, embed - rival_embed, cost - rival_cost], axis=1)


def confidence(x: np.ndarray, calibration: dict[str, float]) -> np.ndarray:
    """float64 [N] in 0..1 from features x [N, len(FEATURES)]."""
    w = np.array([calibration[k] for k in FEATURES])
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=np.float64) @ w + calibration["bias"])))


class HumSearch:
    """Searches one catalog. Uses SQLite, so call it from the store's thread."""

    def __init__(self, store: CatalogStore, index: VectorIndex, encoder: HumEncoder,
                 calibration: dict[str, float] | None = None):
        self.store, self.index, self.encoder = store, index, encoder
        self.calibration = calibration or dict(DEFAULT_CALIBRATION)

    def allowed_segments(self, filters: HumFilters | None) -> np.ndarray | None:
        """Segment ids of songs passing the filters; None when there are none to apply."""
        where, params = filters.sql() if filters else ("", [])
        if not where:
            return None
        rows = self.store.db.execute(
            f"SELECT g.id FROM segments g JOIN songs s ON s.id = g.song_id WHERE {where}", params)
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def candidates(self, contour: np.ndarray, filters: HumFilters | None):
        """Stage 1: {song_id: (embed score, scale index, song frame where frame 0
        of the query stretched to that scale falls)}, best songs first.

        The index lookup picks the POOL_SONGS songs whose windows come nearest
        (mean over query windows of the best cosine, at the best scale); they
        are then scored by windows that agree in time
        (:mod:`app.hum_consistency`)."""
        windows, scale_of, q_starts = query_windows(contour, HUM_VOTE_SCALES)
        if not len(windows):
            raise HumQueryError("nothing sung in the query: hum or sing a few seconds of the tune")
        all_vectors = self.encoder.embed(windows)
        lookup = np.isin(np.asarray(HUM_VOTE_SCALES)[scale_of], HUM_QUERY_SCALES)
        vectors, lookup_scale = all_vectors[lookup], scale_of[lookup]
        allowed = self.allowed_segments(filters)
        found = [self.index.search(v, TOP_WINDOWS, allowed) for v in vectors]
        seg_ids = sorted({seg for hits in found for seg, _ in hits})
        song_of = {}
        for i in range(0, len(seg_ids), 500):
            chunk = seg_ids[i:i + 500]
            song_of.update(self.store.db.execute(
                f"SELECT id, song_id FROM segments WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        per_window: dict[int, np.ndarray] = {}
        for w, hits in enumerate(found):
            for seg, dist in hits:
                if seg in song_of:
                    best = per_window.setdefault(song_of[seg], np.zeros(len(vectors)))
                    best[w] = max(best[w], 1.0 - dist)
        if not per_window:
            return {}
        songs = np.fromiter(per_window, dtype=np.int64)
        totals = scale_scores(np.stack([per_window[s] for s in songs], axis=1), lookup_scale)
        pool = np.sort(songs[np.argsort(-totals, kind="stable")[:POOL_SONGS]])
        ids, votes = offset_votes(all_vectors, scale_of, q_starts,
                                  song_windows(self.store, pool.tolist()))
        order = np.argsort(-votes.score, kind="stable")
        return {int(ids[i]): (float(votes.score[i]), int(votes.scale[i]), int(votes.offset[i]))
                for i in order}

    def search_contour(self, contour: np.ndarray, *, top: int = 10,
                       filters: HumFilters | None = None) -> list[HumHit]:
        """Best matching songs for a query contour (float [T] MIDI at
        CONTOUR_HOP_S, NaN silent), most confident first."""
        ranked = list(self.candidates(contour, filters).items())[:CANDIDATES]
        ranked = [item for item in ranked if item[1][0] >= ranked[0][1][0] - CANDIDATE_GAP]
        margin = int(REGION_MARGIN_S / CONTOUR_HOP_S)
        stretched = {scale: stretch_contour(contour, HUM_VOTE_SCALES[scale])
                     for scale in {scale for _, (_, scale, _) in ranked}}
        queries, regions, firsts, keys = [], [], [], []
        for song_id, (_, scale, offset) in ranked:
            query, song = stretched[scale], song_contour(self.store, song_id)
            first = max(0, offset - margin)
            queries.append(query)
            regions.append(song[first:min(len(song), offset + len(query) + margin)])
            firsts.append(first)
            # The key: the stretch the votes put the query on covers the same notes.
            keys.append(median_gap(song[max(0, offset):max(0, offset + len(query))], query))
        hits = []
        for (song_id, (embed_score, _, offset)), first, match in zip(
                ranked, firsts, align_pairs(queries, regions, keys)):
            cost = match.cost if match else MISSING_ALIGN_COST
            start_s = ((first + match.song_start) if match else max(0, offset)) * CONTOUR_HOP_S
            title, artist = self.store.db.execute(
                "SELECT title, artist FROM songs WHERE id = ?", [song_id]).fetchone()
            hits.append(HumHit(song_id, title, artist or "", 0.0, float(start_s),
                               embed_score, float(cost)))
        scores = confidence(features(hits), self.calibration)
        hits = [replace(h, score=float(p)) for h, p in zip(hits, scores)]
        hits.sort(key=lambda h: -h.score)
        return hits[:top]
