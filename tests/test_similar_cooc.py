"""The co-occurrence embedding: item2vec learns what rooms sing together, it is
stored in SQLite with its stamp, it is retrained when enough new plays come,
and songs never sung fall back to content and metadata (cold start)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.catalog_store import CatalogStore
from app.cooc_training import (
    cooc_vectors,
    current_stamp,
    record_play,
    retrain_if_due,
    train_cooc,
    training_due,
)
from app.item2vec import Item2VecParams, skipgram_pairs, train_item2vec
from app.play_log import Play, RoomClock, play_sessions
from app.similar_constants import COOC_KIND, RETRAIN_MIN_NEW_PLAYS, RETRAIN_MIN_SESSIONS
from app.similar_songs import load_similar
from tests.similar_catalog import copy_catalog

FAST = Item2VecParams(epochs=20, seed=3)


def test_item2vec_puts_songs_sung_together_near_each_other():
    rng = np.random.default_rng(0)
    groups = [np.arange(g * 10, g * 10 + 10) for g in range(4)]  # 4 groups of 10 songs
    sessions = [rng.permutation(groups[s % 4])[:6] for s in range(160)]
    vectors = train_item2vec(sessions, 40, FAST)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -1)
    nearest = np.argsort(-sims, axis=1)[:, :5]
    assert np.mean(nearest // 10 == np.arange(40)[:, None] // 10) > 0.9
    assert np.array_equal(vectors, train_item2vec(sessions, 40, FAST))  # same seed, same vectors


def test_the_skipgram_window_never_reaches_past_the_window_or_the_session():
    rng = np.random.default_rng(1)
    sessions = [np.arange(0, 30), np.arange(100, 103)]
    centres, contexts = skipgram_pairs(sessions, window=10, keep=np.ones(200), rng=rng)
    gaps = np.abs(centres - contexts)
    assert gaps.min() == 1 and gaps.max() <= 10
    assert not np.any((centres < 100) & (contexts >= 100))  # never across sessions
    assert {(1, 0), (0, 1)} <= set(zip(centres.tolist(), contexts.tolist()))  # nearest always


def test_retraining_is_due_after_enough_new_plays_in_enough_sessions():
    many = RETRAIN_MIN_NEW_PLAYS
    assert not training_due(many, 0, RETRAIN_MIN_SESSIONS - 1)  # one session teaches nothing
    assert training_due(many, 0, RETRAIN_MIN_SESSIONS)
    assert not training_due(many - 1, 0, 10)
    assert not training_due(1000 + many, 1000, 10)  # 20 plays are not 10 % more than 1000
    assert training_due(1100, 1000, 10)
    assert not training_due(1000, 1000, 10)
    assert training_due(900, 1000, 10)  # songs (and their plays) were deleted


def test_training_stores_vectors_of_sung_songs_with_their_stamp(similar_db, tmp_path):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    ids = similar_db[1]
    with CatalogStore(path) as store:
        assert current_stamp(store) is None and len(cooc_vectors(store)[0]) == 0
        stamp = train_cooc(store, FAST, now=1_760_000_000.0)
        sung = {song for session in play_sessions(store) for song in session}
        assert sung <= set(ids["Ana Stepwise"]) | set(ids["Bo Leaps"]) | set(ids["Cy Repeats"])
        song_ids, vectors = cooc_vectors(store)
        assert set(song_ids.tolist()) == sung and vectors.shape == (len(sung), FAST.dim)
        assert (stamp.sessions, stamp.songs, stamp.plays) == (12, len(sung), 84)
        assert json.loads(store.get_meta("similar_cooc_stamp"))["trained_at"] == "2025-10-09T08:53:20+00:00"
        kinds = store.db.execute("SELECT DISTINCT model_sha256 FROM embeddings WHERE kind = ?",
                                 [COOC_KIND]).fetchall()
        assert kinds == [(stamp.stamp_id,)]
        assert retrain_if_due(store, FAST) is None  # nothing new since
        store.delete_song(ids["Cy Repeats"][0])  # its vector goes with it
        assert ids["Cy Repeats"][0] not in cooc_vectors(store)[0].tolist()


def test_recording_enough_plays_retrains_and_changes_what_is_similar(similar_db, tmp_path):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    ids = similar_db[1]
    folk = ids["Traditional"]
    with CatalogStore(path) as store:
        train_cooc(store, FAST)
        engine = load_similar(store)
        before = engine.similar(folk[0], top=5)
        assert all("cooc" not in h.sources for h in before)  # never sung: cold start
        assert before and all(h.sources for h in before)      # ... but still answered
        room = RoomClock(lambda: 1_770_000_000.0)
        outcomes = []
        # A new crowd sings the folk songs with Cy's songs, again and again.
        plays_needed = max(RETRAIN_MIN_NEW_PLAYS, int(0.1 * 84) + 1)
        for i in range(plays_needed):
            song = folk[i % len(folk)] if i % 2 == 0 else ids["Cy Repeats"][i % 8]
            outcomes.append(record_play(store, room.play(song), FAST))
        assert [o.retrained is not None for o in outcomes] == [False] * (plays_needed - 1) + [True]
        assert current_stamp(store).plays == 84 + plays_needed
        after = load_similar(store).similar(folk[0], top=10)
        cy = set(ids["Cy Repeats"])
        sung_with = [h for h in after if h.song_id in cy and "cooc" in h.sources]
        assert len(sung_with) >= 2, after  # Cy's songs now come "sung together"


def test_a_song_sung_in_a_room_of_its_own_only_still_gets_similar_songs(similar_db, tmp_path):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    with CatalogStore(path) as store:
        lonely = similar_db[1]["Traditional"][1]
        store.db["plays"].insert(Play("room:alone", lonely, 0, 1_780_000_000.0).row())
        train_cooc(store, FAST)
        hits = load_similar(store).similar(lonely, top=5)
        assert len(hits) == 5 and lonely not in [h.song_id for h in hits]
        assert {"content", "metadata"} & {s for h in hits for s in h.sources}


@pytest.mark.parametrize("broken", ["", "{not json"])
def test_an_unreadable_stamp_means_train_again(similar_db, tmp_path, broken):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    with CatalogStore(path) as store:
        train_cooc(store, FAST)
        store.set_meta("similar_cooc_stamp", broken)
        assert current_stamp(store) is None and len(cooc_vectors(store)[0]) == 0
        assert retrain_if_due(store, FAST) is not None
