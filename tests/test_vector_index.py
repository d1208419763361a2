"""Vector indexes: recall, rebuild-from-SQLite on every kind of damage,
deletions, filters, persistence and the all-kinds registry."""

from __future__ import annotations

import threading

import hnswlib
import numpy as np
import pytest

from app.catalog_store import CatalogStore
from app.index_registry import check_indexes, ensure_indexes, open_indexes, rebuild_indexes
from app.vector_index import IndexParams, VectorIndex, VectorIndexError

MODEL = "a" * 64
DIM = 16


def clustered(n: int, dim: int, clusters: int, seed: int = 0) -> np.ndarray:
    """(n, dim) float32 points around ``clusters`` Gaussian centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    which = rng.integers(0, clusters, size=n)
    return (centres[which] + 0.35 * rng.normal(size=(n, dim))).astype(np.float32)


@pytest.fixture
def store(tmp_path):
    with CatalogStore(tmp_path / "catalog.sqlite") as s:
        yield s


def open_index(store, tmp_path, kind="song", model=MODEL, **params) -> tuple[VectorIndex, str]:
    index = VectorIndex(store, tmp_path / "catalog-indexes", kind,
                        IndexParams(dim=params.pop("dim", DIM), **params), model)
    return index, index.ensure()


@pytest.fixture
def filled(store, tmp_path):
    """An index of owners 1..300 plus their vectors (row i = owner i+1)."""
    index, _ = open_index(store, tmp_path)
    data = clustered(300, DIM, 10)
    index.add(range(1, 301), data)
    return index, data


def test_recall_at_10_matches_exact_search_on_clustered_data(store, tmp_path):
    dim, n = 64, 5000
    points = clustered(n + 200, dim, 50, seed=1)
    data, queries = points[:n], points[n:]  # queries: unseen points of the same clusters
    index, _ = open_index(store, tmp_path, dim=dim)
    index.add(range(1, n + 1), data)
    exact = hnswlib.BFIndex(space="cosine", dim=dim)
    exact.init_index(max_elements=n)
    exact.add_items(data, np.arange(1, n + 1))
    truth, _ = exact.knn_query(queries, k=10)
    hits = sum(len({o for o, _ in index.search(q, 10)} & set(t.tolist()))
               for q, t in zip(queries, truth))
    assert hits / truth.size >= 0.98


def test_first_open_builds_an_empty_index_and_reports_progress(store, tmp_path):
    index, status = open_index(store, tmp_path)
    assert status == "rebuilt (missing)"
    assert len(index) == 0
    assert index.search(np.ones(DIM, np.float32), 5) == []
    assert index.file_path.is_file()


def test_a_new_object_loads_the_saved_index_with_the_same_answers(store, tmp_path, filled):
    index, data = filled
    index.remove([3])
    index.add([4], data[10:11] + 0.01)  # replace: the old label stays in the file, deleted
    expected = index.search(data[20], 10)
    again, status = open_index(store, tmp_path)
    assert status == "loaded"
    assert len(again) == 299
    assert again.search(data[20], 10) == expected


def test_missing_file_is_rebuilt_from_sqlite(store, tmp_path, filled):
    index, data = filled
    index.file_path.unlink()
    again, status = open_index(store, tmp_path)
    assert status == "rebuilt (missing)"
    assert again.search(data[41], 1)[0][0] == 42


@pytest.mark.parametrize("damage", ["truncate", "random bytes", "flip a byte"])
def test_corrupt_file_is_rebuilt_without_crashing(store, tmp_path, filled, damage):
    index, data = filled
    raw = index.file_path.read_bytes()
    if damage == "truncate":
        broken = raw[: len(raw) // 3]
    elif damage == "random bytes":
        broken = np.random.default_rng(5).bytes(len(raw))
    else:
        broken = raw[:500] + bytes([raw[500] ^ 0xFF]) + raw[501:]
    index.file_path.write_bytes(broken)
    again, status = open_index(store, tmp_path)
    assert status == "rebuilt (corrupt)"
    assert len(again) == 300
    assert again.search(data[7], 1)[0][0] == 8


def test_model_change_rebuilds_from_rows_of_the_new_model_only(store, tmp_path, filled):
    _, data = filled
    newer, status = open_index(store, tmp_path, model="b" * 64)
    assert status == "rebuilt (stale model)"
    assert len(newer) == 0  # every row is stale until re-embedded
    assert any("300 embeddings come from another model" in p for p in
               check_indexes(store, tmp_path / "catalog-indexes",
                             specs={"song": (IndexParams(dim=DIM), "b" * 64)}))
    newer.add([1, 2], data[:2])
    assert {o for o, _ in newer.search(data[0], 10)} == {1, 2}


def test_row_added_behind_the_index_back_triggers_rebuild(store, tmp_path, filled):
    _, data = filled
    odd = np.full(DIM, 7.0, np.float32)
    store.db["embeddings"].insert({"kind": "song", "owner_id": 999, "model_sha256": MODEL,
                                   "dim": DIM, "vector": odd.astype("<f4").tobytes()})
    again, status = open_index(store, tmp_path)
    assert status == "rebuilt (inconsistent)"
    assert again.search(odd, 1)[0][0] == 999


@pytest.mark.parametrize("swap", [False, True])
def test_row_deleted_behind_the_index_back_triggers_rebuild(store, tmp_path, filled, swap):
    store.db.execute("DELETE FROM embeddings WHERE owner_id = 5")
    if swap:  # same number of rows, different labels
        store.db["embeddings"].insert({"kind": "song", "owner_id": 999, "model_sha256": MODEL,
                                       "dim": DIM, "vector": filled[1][4].tobytes()})
    again, status = open_index(store, tmp_path)
    assert status == "rebuilt (inconsistent)"
    assert 5 not in {o for o, _ in again.search(filled[1][4], 300)}


def test_changed_build_params_rebuild_but_a_new_ef_only_reloads(store, tmp_path, filled):
    assert open_index(store, tmp_path, m=8)[1] == "rebuilt (params changed)"
    assert open_index(store, tmp_path, m=8, ef=128)[1] == "loaded"
    assert store.db["vector_indexes"].get("song")["ef"] == 128


def test_removed_owner_never_comes_back(store, tmp_path, filled):
    index, data = filled
    index.remove([10, 11])
    assert len(index) == 298
    for q in (data[9], data[10]):
        found = index.search(q, 300)
        assert len(found) == 298 and not {10, 11} & {o for o, _ in found}
    assert store.db.execute("SELECT count(*) FROM embeddings WHERE owner_id IN (10, 11)"
                            ).fetchone()[0] == 0


def test_replaced_vector_is_found_at_its_new_place(store, tmp_path, filled):
    index, data = filled
    far = -data[0]
    index.add([50], far[None, :])
    assert index.search(far, 1)[0][0] == 50
    assert 50 not in {o for o, _ in index.search(data[49], 3)}
    assert len(index) == 300
    assert store.db.execute("SELECT count(*) FROM embeddings WHERE owner_id = 50"
                            ).fetchone()[0] == 1


def test_deleted_slots_are_reused_and_labels_never_repeat(store, tmp_path, filled):
    index, data = filled
    index.remove([300])  # the row with the highest id
    labels = index.add([301], data[:1] + 0.5)
    assert labels[0] > 300  # a reused id would point at a deleted hnswlib label
    assert index._index.element_count == 300  # the deleted slot was taken over
    assert index.search(data[0] + 0.5, 1)[0][0] == 301


def test_filter_returns_only_allowed_owners_and_k_of_them(store, tmp_path, filled):
    index, data = filled
    few = {2, 4, 6, 8, 10, 999}  # 999 has no vector
    assert {o for o, _ in index.search(data[0], 10, allowed_owner_ids=few)} == few - {999}
    many = set(range(1, 301, 2))
    found = index.search(data[0], 10, allowed_owner_ids=many)
    assert len(found) == 10 and {o for o, _ in found} <= many
    assert index.search(data[0], 10, allowed_owner_ids=set()) == []
    assert sorted(o for o, _ in index.search(data[0], 10, allowed_owner_ids=[4, 2, 4])) == [2, 4]


@pytest.mark.parametrize("space", ["cosine", "l2", "ip"])
def test_exact_and_graph_searches_agree_on_distances(store, tmp_path, space):
    data = clustered(300, DIM, 10, seed=6)
    index, _ = open_index(store, tmp_path, space=space)
    index.add(range(1, 301), data)
    graph = dict(index.search(data[0], 300))
    few = index.search(data[0], 5, allowed_owner_ids={7, 70, 170, 270, 1})
    owners = [o for o, _ in few]
    assert sorted(owners) == [1, 7, 70, 170, 270] and owners == sorted(owners, key=graph.get)
    for owner, dist in few:
        assert dist == pytest.approx(graph[owner], abs=1e-4)
    if space == "l2":
        assert graph[7] == pytest.approx(float(((data[6] - data[0]) ** 2).sum()), rel=1e-4)


def test_filtered_graph_search_keeps_k_results(store, tmp_path):
    points = clustered(6020, DIM, 20, seed=3)
    index, _ = open_index(store, tmp_path)
    index.add(range(1, 6001), points[:6000])
    for allowed in (set(range(1, 6001, 2)), set(range(1, 3001))):  # too many for exact search
        for q in points[6000:]:
            found = index.search(q, 10, allowed_owner_ids=allowed)
            assert len(found) == 10 and {o for o, _ in found} <= allowed
            assert [d for _, d in found] == sorted(d for _, d in found)


def test_k_larger_than_the_index_returns_everything_best_first(store, tmp_path, filled):
    index, data = filled
    found = index.search(data[0], 1000)
    assert len(found) == 300 and found[0][0] == 1
    assert [d for _, d in found] == sorted(d for _, d in found)


def test_bad_input_gets_a_readable_error(store, tmp_path, filled):
    index, _ = filled
    with pytest.raises(VectorIndexError, match="shape"):
        index.search(np.ones(DIM + 1, np.float32), 3)
    with pytest.raises(VectorIndexError, match="NaN"):
        index.add([1], np.full((1, DIM), np.nan, np.float32))
    with pytest.raises(VectorIndexError, match="twice"):
        index.add([1, 1], np.ones((2, DIM), np.float32))
    with pytest.raises(VectorIndexError, match="kind"):
        VectorIndex(store, tmp_path, "../evil", IndexParams(dim=DIM), MODEL)
    closed = VectorIndex(store, tmp_path / "x", "song", IndexParams(dim=DIM), MODEL)
    with pytest.raises(VectorIndexError, match="ensure"):
        closed.search(np.ones(DIM, np.float32), 3)


def test_progress_is_reported_while_rebuilding(store, tmp_path, filled):
    calls = []
    filled[0].file_path.unlink()
    index = VectorIndex(store, tmp_path / "catalog-indexes", "song", IndexParams(dim=DIM), MODEL)
    index.ensure(lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 300) and calls[-1] == (300, 300)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_searches_in_other_threads_survive_concurrent_writes(store, tmp_path, filled):
    index, data = filled
    errors, stop = [], threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                assert len(index.search(data[3], 5, allowed_owner_ids={1, 2, 3, 4, 5})) == 5
                assert len(index.search(data[3], 5)) == 5
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    extra = clustered(400, DIM, 10, seed=9)
    for i in range(0, 400, 40):
        index.add(range(1000 + i, 1040 + i), extra[i:i + 40])
        index.remove(range(1000 + i, 1020 + i))
    stop.set()
    for t in threads:
        t.join()
    assert errors == [] and len(index) == 500


def test_registry_opens_rebuilds_and_checks_every_kind(store, tmp_path, filled):
    index_dir = tmp_path / "catalog-indexes"
    singers, _ = open_index(store, tmp_path, kind="singer", dim=8)
    singers.add([1, 2], np.eye(2, 8, dtype=np.float32))
    assert ensure_indexes(store, index_dir) == {"singer": "loaded", "song": "loaded"}
    assert check_indexes(store, index_dir) == []
    singers.file_path.write_bytes(b"junk")
    problems = check_indexes(store, index_dir)
    assert len(problems) == 1 and "singer: index corrupt" in problems[0]
    seen = []
    statuses = ensure_indexes(store, index_dir, progress=lambda d, t: seen.append((d, t)))
    assert statuses == {"singer": "rebuilt (corrupt)", "song": "loaded"}
    assert seen[0] == (0, 302) and seen[-1] == (302, 302)  # vectors over all kinds
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert rebuild_indexes(store, index_dir) == {"singer": "rebuilt (forced)",
                                                 "song": "rebuilt (forced)"}
    opened = open_indexes(store, index_dir)
    assert len(opened["song"][0]) == 300 and opened["singer"][1] == "loaded"


def test_registry_reports_a_kind_it_cannot_index(store, tmp_path):
    store.db["embeddings"].insert({"kind": "hum_window", "owner_id": 1, "model_sha256": MODEL,
                                   "dim": 4, "vector": b"\0" * 12})
    statuses = ensure_indexes(store, tmp_path / "idx")
    assert statuses["hum_window"].startswith("failed: embedding")
    assert any("do not have 4 dimensions" in p for p in check_indexes(store, tmp_path / "idx"))
