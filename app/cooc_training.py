"""The co-occurrence embedding of the catalog and the source weights: trained from plays.

:func:`train_cooc` turns every session of ``plays`` (room sessions and
imported playlists) into item2vec vectors (:mod:`app.item2vec`) and replaces
all ``embeddings`` rows of kind :data:`app.similar_constants.COOC_KIND` in one
transaction; their ``model_sha256`` holds the training's stamp id, and
``meta`` (:data:`COOC_STAMP_META_KEY`) the stamp itself as JSON, so nothing
needs a pickle and a half-finished training leaves the old vectors in place
(storage: :mod:`app.similar_store`). Songs never played have no vector:
similar songs fall back to content and metadata for them (cold start).

The same training fits the per-source weights of the score total
(:func:`fit_weights_on_plays`, :mod:`app.similar_weights`): a second item2vec
training on all but the last 20 % of the sessions, and the weights under which
those last sessions' next songs rank highest. Too few held-out pairs (a young
room): the stored fit says so and similar songs use the default weights.

Retraining is decided by the pure :func:`training_due` and done by
:func:`retrain_if_due`, which the app calls on its single writer thread after
recording plays; a training of a home catalog's plays takes well under a second
(the weight fit trains item2vec a second time, on 80 % of the sessions, then loads the
catalog and ranks and fits 500 held-out pairs: about 1.5 s on the 4,138 demo songs).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

import numpy as np

from app.catalog_store import CatalogStore
from app.item2vec import Item2VecParams, train_item2vec
from app.play_log import Play, iso_time, play_count, play_sessions, store_play
from app.similar_constants import (
    COOC_KIND,
    COOC_MIN_SONG_PLAYS,
    COOC_STAMP_META_KEY,
    MIN_FIT_PAIRS,
    RETRAIN_MIN_GROWTH,
    RETRAIN_MIN_NEW_PLAYS,
    RETRAIN_MIN_SESSIONS,
)
from app.similar_songs import load_song_table
from app.similar_store import CoocStamp, cooc_vectors, current_stamp, save_weight_fit
from app.similar_weights import (
    WeightFit,
    fit_source_weights,
    held_out_split,
    next_song_pairs,
)

DEFAULT_PARAMS = Item2VecParams()
__all__ = ["CoocStamp", "PlayRecorded", "cooc_vectors", "current_stamp", "fit_weights_on_plays",
           "item2vec_on_sessions", "record_play", "retrain_if_due", "train_cooc", "training_due"]
"""CoocStamp, cooc_vectors and current_stamp live in :mod:`app.similar_store`."""


def training_due(total_plays: int, trained_plays: int, sessions_ready: int) -> bool:
    """Whether to (re)train now. Pure.

    total_plays: plays in the catalog now; trained_plays: plays at the last
    training (0 if never); sessions_ready: sessions holding two or more songs.
    Due when there are at least RETRAIN_MIN_SESSIONS such sessions and at
    least RETRAIN_MIN_NEW_PLAYS new plays that grow the trained plays by
    RETRAIN_MIN_GROWTH or more (so a large history is not retrained for every
    few songs). The first training needs only the sessions and the new plays.
    """
    if sessions_ready < RETRAIN_MIN_SESSIONS:
        return False
    new = total_plays - trained_plays
    if new < 0:  # plays were deleted (songs removed): train again on what is left
        return True
    return new >= RETRAIN_MIN_NEW_PLAYS and new >= RETRAIN_MIN_GROWTH * trained_plays


def item2vec_on_sessions(sessions: list[list[int]], params: Item2VecParams = DEFAULT_PARAMS
                         ) -> tuple[list[int], np.ndarray]:
    """(song ids, float32 [len(ids), dim] vectors) of item2vec over sessions of song ids."""
    counts: dict[int, int] = {}
    for session in sessions:
        for song_id in session:
            counts[song_id] = counts.get(song_id, 0) + 1
    song_ids = sorted(s for s, c in counts.items() if c >= COOC_MIN_SONG_PLAYS)
    index = {song_id: i for i, song_id in enumerate(song_ids)}
    items = [[index[s] for s in session if s in index] for session in sessions]
    vectors = train_item2vec(items, len(song_ids), params) if song_ids else \
        np.zeros((0, params.dim), np.float32)
    return song_ids, vectors


def fit_weights_on_plays(store: CatalogStore, sessions: list[list[int]],
                         params: Item2VecParams = DEFAULT_PARAMS) -> WeightFit:
    """Fit the source weights on the last sessions' next songs, with
    co-occurrence learned from the earlier sessions only (sessions: song ids,
    in time order, each of two or more songs). Too few pairs: weights None."""
    earlier, held_out = held_out_split(sessions)
    pairs = next_song_pairs(held_out)
    if len(pairs) < MIN_FIT_PAIRS:
        return WeightFit(None, len(pairs))
    ids, vectors = item2vec_on_sessions(earlier, params)
    table = load_song_table(store, cooc=(np.array(ids, np.int64), vectors))
    rows = [(table.row_of[a], table.row_of[b]) for a, b in pairs
            if a in table.row_of and b in table.row_of]
    return fit_source_weights(table, rows)


def train_cooc(store: CatalogStore, params: Item2VecParams = DEFAULT_PARAMS,
               now: float | None = None) -> CoocStamp:
    """Train on every session, fit the source weights, and replace the stored
    vectors and weights (one transaction)."""
    sessions = [s for s in play_sessions(store) if len(s) >= 2]
    song_ids, vectors = item2vec_on_sessions(sessions, params)
    fit = fit_weights_on_plays(store, sessions, params)
    stamp = CoocStamp(iso_time(time.time() if now is None else now), play_count(store),
                      len(sessions), len(song_ids), params.seed)
    with store.db.atomic():
        store.db.execute("DELETE FROM embeddings WHERE kind = ?", [COOC_KIND])
        store.db["embeddings"].insert_all(
            ({"kind": COOC_KIND, "owner_id": song_id, "model_sha256": stamp.stamp_id,
              "dim": params.dim, "vector": vectors[i].astype("<f4").tobytes()}
             for i, song_id in enumerate(song_ids)), batch_size=500)
        store.set_meta(COOC_STAMP_META_KEY, json.dumps(asdict(stamp)))
        save_weight_fit(store, fit, stamp.stamp_id)
    return stamp


def retrain_if_due(store: CatalogStore, params: Item2VecParams = DEFAULT_PARAMS,
                   now: float | None = None) -> CoocStamp | None:
    """Train when :func:`training_due` says so; the new stamp, or None when not due."""
    stamp = current_stamp(store)
    ready = sum(1 for s in play_sessions(store) if len(s) >= 2)
    if not training_due(play_count(store), stamp.plays if stamp else 0, ready):
        return None
    return train_cooc(store, params, now)


@dataclass(frozen=True)
class PlayRecorded:
    """A stored play (its row id) and the new training it triggered, if any."""

    play_id: int
    retrained: CoocStamp | None = None


def record_play(store: CatalogStore, play: Play,
                params: Item2VecParams = DEFAULT_PARAMS) -> PlayRecorded:
    """Store ``play`` and retrain when that made a training due: what the app
    runs on its writer thread when "Sing this" is pressed. Raises CatalogError
    for an unknown song (nothing is stored then)."""
    play_id = store_play(store, play)
    return PlayRecorded(play_id, retrain_if_due(store, params, play.played_at))
