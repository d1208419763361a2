"""Source weights learned from what the room sang next: the fit favours the
source that predicts the next song, the weights are stored with the training
and read back, and a young room (or none) uses the defaults."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.catalog_store import CatalogStore
from app.cooc_training import current_stamp, train_cooc
from app.item2vec import Item2VecParams
from app.similar_constants import (
    DEFAULT_SOURCE_WEIGHTS,
    MIN_FIT_PAIRS,
    SOURCES,
    WEIGHTS_META_KEY,
)
from app.similar_songs import catalog_version, load_similar
from app.similar_sources import SongTable
from app.similar_store import save_weight_fit, source_weights, stored_weight_fit
from app.similar_weights import (
    EQUAL_WEIGHTS,
    WeightFit,
    fit_source_weights,
    fit_weights,
    held_out_split,
    next_song_pairs,
    reciprocal_terms,
    target_ranks,
)
from tests.similar_catalog import add_room_sessions, copy_catalog

FAST = Item2VecParams(epochs=20, seed=3)


def grouped_world(predictive: str, noise: str, seed: int = 0):
    """60 songs in 6 groups of 10; ``predictive``'s vectors put each group
    together, ``noise``'s are random; the next song is always from the same
    group. Returns the table and 120 (query row, next row) pairs."""
    rng = np.random.default_rng(seed)
    n, groups = 60, 6
    group = np.arange(n) % groups
    unknown = np.full(n, -1, np.int64)
    table = SongTable(song_ids=np.arange(1, n + 1), titles=[str(i) for i in range(n)],
                      artists=[""] * n, artist=unknown, genre=unknown, language=unknown,
                      year=np.full(n, np.nan))  # no metadata: that source stays silent
    table.set_vectors(predictive, table.song_ids,
                      np.eye(groups, dtype=np.float32)[group] + 0.3 * rng.normal(size=(n, groups)))
    table.set_vectors(noise, table.song_ids, rng.normal(size=(n, 8)).astype(np.float32))
    pairs = []
    for _ in range(120):
        query = int(rng.integers(n))
        mates = np.flatnonzero((group == group[query]) & (np.arange(n) != query))
        pairs.append((query, int(rng.choice(mates))))
    return table, pairs


@pytest.mark.parametrize(("predictive", "noise"), [("cooc", "voice"), ("voice", "cooc"),
                                                   ("content", "cooc")])
def test_the_source_that_predicts_the_next_song_gets_the_larger_weight(predictive, noise):
    table, pairs = grouped_world(predictive, noise)
    fit = fit_source_weights(table, pairs, starts=(EQUAL_WEIGHTS,))
    assert fit.pairs == 120 and set(fit.weights) == set(SOURCES)
    assert fit.weights[predictive] == 1.0 and fit.weights[noise] < 0.25, fit
    assert fit.mrr > fit.start_mrr and fit.hit10 >= fit.start_hit10  # better than equal weights
    assert fit_source_weights(table, pairs, starts=(EQUAL_WEIGHTS,)) == fit  # deterministic


def test_the_fit_scores_exact_ranks_over_the_whole_catalog():
    table, pairs = grouped_world("cooc", "voice", seed=1)
    terms = reciprocal_terms(table, [q for q, _t in pairs[:5]])
    assert terms.shape == (len(SOURCES), 5, len(table)) and terms.dtype == np.float32
    assert not terms[SOURCES.index("metadata")].any()  # a source that knows nothing adds nothing
    assert (terms[:, np.arange(5), [q for q, _t in pairs[:5]]] == 0).all()  # never the query
    scores = np.array([[0.5, 0.2, 0.2, 0.0], [0.1, 0.3, 0.3, 0.0], [0.0, 0.0, 0.0, 0.0]])
    # target 2: one row above, one tied -> 2.5; a target no source ranks: inf
    assert target_ranks(scores, np.array([2, 2, 1])).tolist() == [2.5, 1.5, np.inf]


def test_a_zero_weight_start_and_tiny_inputs_are_handled():
    terms = np.zeros((len(SOURCES), 3, 5), np.float32)
    terms[0, :, 1] = 1.0  # cooc ranks row 1 first for every query
    fit = fit_weights(terms, np.array([1, 1, 1]), starts=(dict.fromkeys(SOURCES, 0.0),))
    assert fit.mrr == 1.0 and fit.weights["cooc"] == 1.0
    few = fit_source_weights(grouped_world("cooc", "voice")[0], [(0, 6)] * (MIN_FIT_PAIRS - 1))
    assert few == WeightFit(None, MIN_FIT_PAIRS - 1)


def test_the_last_sessions_are_held_out_and_their_pairs_spread_evenly():
    sessions = [[10 * s + i for i in range(4)] for s in range(10)]
    earlier, held = held_out_split(sessions)
    assert earlier == sessions[:8] and held == sessions[8:]
    assert held_out_split(sessions[:2]) == (sessions[:2], [])  # 20 % of 2 rounds to none
    pairs = next_song_pairs(held)
    assert pairs == [(80, 81), (81, 82), (82, 83), (90, 91), (91, 92), (92, 93)]
    assert next_song_pairs([[1, 1, 2]]) == [(1, 2)]  # the same song twice is no pair
    spread = next_song_pairs(sessions, limit=4)
    assert spread == [(0, 1), (30, 31), (61, 62), (92, 93)]  # pairs 0, 9, 19, 29 of 30


def room_with_history(similar_db, tmp_path, extra_sessions: int):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    with CatalogStore(path) as store:
        add_room_sessions(store, similar_db[1], extra_sessions, first=12)
    return path


def test_training_stores_weights_fitted_on_held_out_sessions_and_similar_songs_use_them(
        similar_db, tmp_path):
    path = room_with_history(similar_db, tmp_path, 28)  # 40 sessions: 8 held out
    with CatalogStore(path) as store:
        stamp = train_cooc(store, FAST)
        record = json.loads(store.get_meta(WEIGHTS_META_KEY))
        assert record["stamp"] == current_stamp(store).stamp_id == stamp.stamp_id
        assert record["pairs"] >= MIN_FIT_PAIRS and set(record["weights"]) == set(SOURCES)
        assert max(record["weights"].values()) == 1.0 and min(record["weights"].values()) >= 0
        assert record["mrr"] >= record["start_mrr"]  # never worse than the defaults it started from
        weights, pairs = source_weights(store)
        assert (weights, pairs) == (record["weights"], record["pairs"])
        engine = load_similar(store)
        assert engine.weights == weights and engine.weights_pairs == pairs
        version = catalog_version(store)
    with CatalogStore(path) as store:  # read back by another connection
        assert source_weights(store) == (weights, pairs)
        assert stored_weight_fit(store) == WeightFit(**{k: v for k, v in record.items() if k != "stamp"})
        # other weights (a later fit): the engine's version changes, so the app reloads it
        save_weight_fit(store, WeightFit({**weights, "voice": 0.5, "content": 0.0}, pairs), stamp.stamp_id)
        assert catalog_version(store) != version
        hits = load_similar(store).similar(similar_db[1]["Ana Stepwise"][0], top=10)
        assert hits and all("content" not in h.sources and h.sources for h in hits)


def test_a_young_room_and_a_new_catalog_use_the_default_weights(similar_db, tmp_path):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    with CatalogStore(path) as store:
        assert source_weights(store) == (DEFAULT_SOURCE_WEIGHTS, 0)  # never trained
        assert load_similar(store).weights == DEFAULT_SOURCE_WEIGHTS
        train_cooc(store, FAST)  # 12 sessions: 2 held out, 12 pairs
        fit = stored_weight_fit(store)
        assert fit is not None and fit.weights is None and 0 < fit.pairs < MIN_FIT_PAIRS
        engine = load_similar(store)
        assert (engine.weights, engine.weights_pairs) == (DEFAULT_SOURCE_WEIGHTS, 0)
        zero = {s for s, w in DEFAULT_SOURCE_WEIGHTS.items() if w == 0}
        for song_id in similar_db[1]["Ana Stepwise"][:3]:
            hits = engine.similar(song_id)
            assert hits and all(h.sources and not zero & set(h.sources) for h in hits)


@pytest.mark.parametrize("raw", [
    "{not json", "[]", '{"weights": {"cooc": -1, "metadata": 1}, "pairs": 100}',
    '{"weights": {"cooc": 0, "metadata": 0}, "pairs": 100}',
    '{"weights": {"cooc": "x"}, "pairs": 100}',
    '{"weights": {"cooc": 1}, "pairs": 10}',
    '{"weights": {"cooc": 1}, "pairs": 100, "unknown field": 1}'])
def test_unusable_stored_weights_fall_back_to_the_defaults(fresh_store, raw):
    fresh_store.set_meta(WEIGHTS_META_KEY, raw)
    assert source_weights(fresh_store) == (DEFAULT_SOURCE_WEIGHTS, 0)


def test_usable_stored_weights_fill_missing_sources_with_zero(fresh_store):
    fresh_store.set_meta(WEIGHTS_META_KEY, '{"weights": {"cooc": 1, "metadata": 0.5}, "pairs": 40}')
    assert source_weights(fresh_store) == ({"cooc": 1.0, "content": 0.0, "metadata": 0.5,
                                            "voice": 0.0}, 40)
