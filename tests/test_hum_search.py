"""Hum search on a real catalog: SQLite segments, the hnswlib ``hum`` index
and the shipped hum model. A transposed, slower or faster rendition of a
catalog tune is found first; a tune that is not in the catalog is not claimed;
filters hold; an imported song can be hummed at once; a model change re-embeds."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from app.catalog_store import CatalogStore
from app.cli_hum import hum_model_path, shared_encoder
from app.demo_catalog import iter_demo_songs
from app.hum_catalog import HUM_KIND, open_hum_index, song_contour, songs_to_index
from app.hum_search import HumFilters, HumQueryError, HumSearch, load_calibration
from inference.melody_contour import stretch_contour

N_SONGS = 120
CONFIDENT = 0.5


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """120 demo tunes (every 30th), half tagged genre "reel" and gender female,
    with years 1990-2009 in turn."""
    folder = tmp_path_factory.mktemp("hum")
    store = CatalogStore(folder / "catalog.sqlite")
    songs = list(itertools.islice(iter_demo_songs(), 0, 30 * N_SONGS + 1, 30))
    held_back = songs.pop()  # never added: the "not in the catalog" tune
    ids = []
    for i, record in enumerate(songs):
        tagged = dataclasses.replace(record, genre="reel" if i % 2 else "air",
                                     singer_gender="female" if i % 2 else "male",
                                     year=1990 + i % 20)
        ids.append(store.add_song(tagged))
    encoder = shared_encoder()
    index = open_hum_index(store, folder / "indexes", encoder)
    search = HumSearch(store, index, encoder, load_calibration(hum_model_path()))
    yield store, search, ids, held_back, folder
    store.close()


def _rendition(contour: np.ndarray, start_s: float, seconds: float, *, tempo: float,
               shift: float, seed: int) -> np.ndarray:
    """A sung-like version of a stretch: transposed, at another tempo, with
    intonation wobble and a breath."""
    rng = np.random.default_rng(seed)
    part = contour[int(start_s / 0.05):int((start_s + seconds * tempo) / 0.05)]
    out = stretch_contour(part, 1.0 / tempo) + shift
    out = out + rng.normal(0.0, 0.15, len(out)).astype(np.float32)
    breath = int(rng.integers(20, max(21, len(out) - 10)))
    out[breath:breath + 6] = np.nan
    return out


@pytest.mark.parametrize("tempo,shift", [(1.0, 5.0), (0.75, -7.0), (1.3, 3.0)])
def test_a_transposed_rendition_at_another_tempo_is_found_first(catalog, tempo, shift):
    store, search, ids, _, _ = catalog
    found = 0
    for k, song_id in enumerate(ids[:12]):
        contour = song_contour(store, song_id)
        length = len(contour) * 0.05
        start = min(4.0, max(0.0, length - 10.0 * tempo - 0.5))
        query = _rendition(contour, start, 10.0, tempo=tempo, shift=shift, seed=k)
        hits = search.search_contour(query, top=5)
        found += hits[0].song_id == song_id
    assert found >= 11


def test_the_match_says_where_in_the_song_the_hum_starts(catalog):
    store, search, ids, _, _ = catalog
    song_id = next(i for i in ids if len(song_contour(store, i)) * 0.05 > 30)
    query = _rendition(song_contour(store, song_id), 12.0, 10.0, tempo=1.0, shift=2.0, seed=3)
    best = search.search_contour(query)[0]
    assert best.song_id == song_id and best.score >= CONFIDENT
    assert abs(best.start_s - 12.0) < 2.0


def test_a_tune_not_in_the_catalog_gets_a_low_confidence(catalog):
    _, search, _, held_back, _ = catalog
    from inference.melody_contour import contour_from_notes

    notes = np.array([(n.onset_s, n.duration_s, n.pitch) for n in held_back.notes])
    query = _rendition(contour_from_notes(notes), 0.0, 10.0, tempo=1.0, shift=0.0, seed=9)
    hits = search.search_contour(query)
    assert hits and hits[0].score < CONFIDENT


def test_filters_are_applied_in_the_index_search(catalog):
    store, search, ids, _, _ = catalog
    song_id = ids[1]  # a "reel" sung by a woman
    query = _rendition(song_contour(store, song_id), 2.0, 10.0, tempo=1.0, shift=0.0, seed=5)
    reels = search.search_contour(query, filters=HumFilters(genre="reel"))
    assert reels[0].song_id == song_id
    airs = search.search_contour(query, filters=HumFilters(genre="air", gender="male"))
    assert airs and song_id not in {h.song_id for h in airs}
    genres = {store.song(h.song_id)["genre"] for h in airs}
    assert genres == {"air"}


def test_a_year_range_keeps_only_songs_of_those_years(catalog):
    store, search, ids, _, _ = catalog
    song_id = ids[1]  # 1991
    query = _rendition(song_contour(store, song_id), 2.0, 10.0, tempo=1.0, shift=0.0, seed=6)
    hits = search.search_contour(query, filters=HumFilters(year_from=1990, year_to=1994))
    assert hits[0].song_id == song_id
    assert {store.song(h.song_id)["year"] for h in hits} <= set(range(1990, 1995))
    later = search.search_contour(query, filters=HumFilters(year_from=2000))
    assert later and song_id not in {h.song_id for h in later}
    assert min(store.song(h.song_id)["year"] for h in later) >= 2000


def test_silence_is_refused_with_a_clear_error(catalog):
    _, search, _, _, _ = catalog
    with pytest.raises(HumQueryError, match="nothing sung"):
        search.search_contour(np.full(200, np.nan, dtype=np.float32))


def test_a_new_song_is_searchable_without_a_rebuild(catalog):
    store, search, _, held_back, folder = catalog
    song_id = store.add_song(dataclasses.replace(held_back, title="Newly Imported"))
    assert songs_to_index(store, search.encoder.sha256) == [song_id]
    index = open_hum_index(store, folder / "indexes", search.encoder)
    assert songs_to_index(store, search.encoder.sha256) == []
    query = _rendition(song_contour(store, song_id), 0.0, 10.0, tempo=1.1, shift=-2.0, seed=11)
    fresh = HumSearch(store, index, search.encoder, search.calibration)
    assert fresh.search_contour(query)[0].song_id == song_id


def test_embeddings_of_another_model_are_redone(catalog):
    store, search, ids, _, folder = catalog
    store.db.execute("UPDATE embeddings SET model_sha256 = 'old-model' WHERE kind = ? AND owner_id IN "
                     "(SELECT id FROM segments WHERE song_id = ?)", [HUM_KIND, ids[0]])
    store.db.conn.commit()
    assert ids[0] in songs_to_index(store, search.encoder.sha256)
    open_hum_index(store, folder / "indexes", search.encoder)
    assert songs_to_index(store, search.encoder.sha256) == []
    stale = store.db.execute("SELECT count(*) FROM embeddings WHERE model_sha256 = 'old-model'")
    assert stale.fetchone()[0] == 0


def test_a_clear_winner_is_more_confident_than_one_of_two_equal_candidates():
    from types import SimpleNamespace as Hit

    from app.hum_search import confidence, features

    calibration = load_calibration(hum_model_path())
    best = Hit(embed_score=0.8, align_cost=0.4)
    alone = confidence(features([best, Hit(embed_score=0.5, align_cost=1.2)]), calibration)[0]
    tied = confidence(features([best, Hit(embed_score=0.8, align_cost=0.4)]), calibration)[0]
    assert alone > tied
    assert 0.0 < tied < alone < 1.0


def test_a_calibration_file_of_the_first_format_still_loads(tmp_path):
    (tmp_path / "hum_calibration.json").write_text('{"embed": 20, "align": -6, "bias": -10}')
    calibration = load_calibration(tmp_path / "hum.onnx")
    assert calibration["embed"] == 20 and calibration["align_lead"] == 0.0
    (tmp_path / "hum_calibration.json").write_text("not json")
    assert load_calibration(tmp_path / "hum.onnx")["bias"] == -7.0
