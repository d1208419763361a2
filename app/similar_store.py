"""What similar songs learned from the plays, as stored in SQLite.

Two things, both written by :func:`app.cooc_training.train_cooc` in one
transaction and read by :func:`app.similar_songs.load_similar`:

* the co-occurrence vectors: ``embeddings`` rows of kind
  :data:`~app.similar_constants.COOC_KIND` whose ``model_sha256`` is the
  training's stamp id, and the stamp itself (:class:`CoocStamp`) as JSON in
  ``meta`` (:data:`~app.similar_constants.COOC_STAMP_META_KEY`);
* the per-source weights of the score total fitted at that training
  (:class:`app.similar_weights.WeightFit`) as JSON in ``meta``
  (:data:`~app.similar_constants.WEIGHTS_META_KEY`), with the number of
  held-out pairs they were fitted on. :func:`source_weights` gives the
  weights to use: the fitted ones, or the defaults (cold start).

Nothing here needs a pickle; an unreadable record reads as "none".
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from app.catalog_store import CatalogStore
from app.similar_constants import (
    COOC_KIND,
    COOC_STAMP_META_KEY,
    DEFAULT_SOURCE_WEIGHTS,
    MIN_FIT_PAIRS,
    SOURCES,
    WEIGHTS_META_KEY,
)
from app.similar_weights import WeightFit


@dataclass(frozen=True)
class CoocStamp:
    """What the current co-occurrence vectors were trained on.

    trained_at: ISO 8601 UTC; plays: plays in the catalog then; sessions:
    sessions of two or more songs used; songs: songs given a vector.
    """

    trained_at: str
    plays: int
    sessions: int
    songs: int
    seed: int = 0

    @property
    def stamp_id(self) -> str:
        """The ``model_sha256`` of the vectors: ``item2vec-<time>-<plays>``."""
        return f"item2vec-{self.trained_at}-{self.plays}"


def current_stamp(store: CatalogStore) -> CoocStamp | None:
    raw = store.get_meta(COOC_STAMP_META_KEY)
    if not raw:
        return None
    try:
        return CoocStamp(**json.loads(raw))
    except (TypeError, ValueError):
        return None  # an unreadable stamp: the next check retrains


def cooc_vectors(store: CatalogStore) -> tuple[np.ndarray, np.ndarray]:
    """(song ids int64 [N], vectors float32 [N, dim]) of the current training;
    empty when there has been none."""
    stamp = current_stamp(store)
    if stamp is None:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    rows = store.db.execute(
        "SELECT owner_id, dim, vector FROM embeddings WHERE kind = ? AND model_sha256 = ? "
        "ORDER BY owner_id", [COOC_KIND, stamp.stamp_id]).fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    ids = np.array([r[0] for r in rows], np.int64)
    matrix = np.frombuffer(b"".join(r[2] for r in rows), "<f4").reshape(len(rows), rows[0][1])
    return ids, matrix.astype(np.float32)


def save_weight_fit(store: CatalogStore, fit: WeightFit, stamp_id: str) -> None:
    """Store ``fit`` (weights or None, with its pairs) as the current one; the
    caller holds the transaction that also stores the vectors of ``stamp_id``."""
    store.set_meta(WEIGHTS_META_KEY, json.dumps({**asdict(fit), "stamp": stamp_id}))


def stored_weight_fit(store: CatalogStore) -> WeightFit | None:
    """The stored fit, or None when there is none or it is unreadable."""
    raw = store.get_meta(WEIGHTS_META_KEY)
    if not raw:
        return None
    try:
        record = json.loads(raw)
        record.pop("stamp", None)
        return WeightFit(**record)
    except (TypeError, ValueError, AttributeError):
        return None


def usable_weights(fit: WeightFit | None) -> dict[str, float] | None:
    """The fit's weights when they can be used: fitted on at least
    MIN_FIT_PAIRS pairs, every value finite and non-negative, one positive."""
    if fit is None or not isinstance(fit.weights, dict) or fit.pairs < MIN_FIT_PAIRS:
        return None
    try:
        weights = {s: float(fit.weights.get(s, 0.0)) for s in SOURCES}
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(w) and w >= 0 for w in weights.values()) or \
            not any(w > 0 for w in weights.values()):
        return None
    return weights


def source_weights(store: CatalogStore) -> tuple[dict[str, float], int]:
    """(the weights similar songs use, the held-out pairs they were fitted on):
    the stored fit, or DEFAULT_SOURCE_WEIGHTS and 0 (cold start)."""
    fit = stored_weight_fit(store)
    weights = usable_weights(fit)
    if weights is None or fit is None:
        return dict(DEFAULT_SOURCE_WEIGHTS), 0
    return weights, fit.pairs
