"""Benchmark of :class:`app.vector_index.VectorIndex` on clustered synthetic data.

Run from the repository root::

    python -m bench.index_bench [--sizes 10000 100000 1000000] [--dim 128] [--queries 1000]

For each size the vectors are written to ``embeddings`` in a fresh file
catalog, then the index is built the way the app builds it (``ensure()`` on a
missing file: read SQLite, hnswlib add with ``--threads`` threads, save,
checksum), reopened (load + checksum + label check), and queried one vector at
a time through ``search`` (hnswlib with 1 thread). Recall@10 is measured
against exact cosine search (numpy, batched) on the first ``--recall-queries``
queries. Queries are unseen points drawn from the same clusters.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.vector_index import IndexParams, VectorIndex

MODEL = "bench-model"
KIND = "bench"


def clustered(n: int, dim: int, clusters: int, seed: int = 0, spread: float = 0.35) -> np.ndarray:
    """(n, dim) float32: Gaussian blobs (std ``spread``) around N(0, 1) centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        which = rng.integers(0, clusters, size=stop - start)
        noise = rng.standard_normal(size=(stop - start, dim), dtype=np.float32)
        out[start:stop] = centres[which] + spread * noise
    return out


def exact_top10(data: np.ndarray, queries: np.ndarray, batch: int = 32) -> np.ndarray:
    """(q, 10) row indices of the exact cosine nearest neighbours."""
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    qs = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    out = np.empty((len(qs), 10), np.int64)
    for start in range(0, len(qs), batch):
        sims = qs[start:start + batch] @ unit.T
        top = np.argpartition(-sims, 10, axis=1)[:, :10]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1)
        out[start:start + batch] = np.take_along_axis(top, order, axis=1)
    return out


def fill_catalog(store: CatalogStore, data: np.ndarray) -> None:
    """Owner i+1 gets row i; written in one transaction, as an import would."""
    dim = data.shape[1]
    with store.db.atomic():
        for start in range(0, len(data), 50_000):
            chunk = data[start:start + 50_000]
            store.db.conn.executemany(
                "INSERT INTO embeddings (id, kind, owner_id, model_sha256, dim, vector) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(start + i + 1, KIND, start + i + 1, MODEL, dim, v.astype("<f4").tobytes())
                 for i, v in enumerate(chunk)])


def bench_size(n: int, args: argparse.Namespace, workdir: Path) -> dict:
    points = clustered(n + args.queries, args.dim, args.clusters, seed=n, spread=args.spread)
    data, queries = points[:n], points[n:]
    store = CatalogStore(workdir / f"bench-{n}.sqlite")
    t0 = time.perf_counter()
    fill_catalog(store, data)
    sqlite_s = time.perf_counter() - t0
    params = IndexParams(dim=args.dim, m=args.m, ef_construction=args.ef_construction)
    index_dir = workdir / f"bench-{n}-indexes"
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            print(f"  n={n}: built {done}/{total} ({last[0] - t0:.0f} s)", file=sys.stderr,
                  flush=True)

    index = VectorIndex(store, index_dir, KIND, params, MODEL, build_threads=args.threads)
    t0 = time.perf_counter()
    status = index.ensure(progress)
    build_s = time.perf_counter() - t0
    assert status == "rebuilt (missing)", status
    size_mb = index.file_path.stat().st_size / 1e6
    del index
    n_recall = min(args.recall_queries, len(queries))
    truth = exact_top10(data, queries[:n_recall])
    allowed = set(range(1, n + 1, 10))  # a 10 % metadata filter, as a caller builds it
    rows = []
    for ef in args.ef_search:  # a new ef needs no rebuild: it is applied on load
        params = IndexParams(dim=args.dim, m=args.m, ef_construction=args.ef_construction, ef=ef)
        index = VectorIndex(store, index_dir, KIND, params, MODEL, build_threads=args.threads)
        t0 = time.perf_counter()
        status = index.ensure()
        load_s = time.perf_counter() - t0
        assert status == "loaded", status
        latencies, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            hits = index.search(q, 10)
            latencies.append(time.perf_counter() - t0)
            found.append([owner - 1 for owner, _ in hits])
        filtered = []
        for q in queries[:200]:
            t0 = time.perf_counter()
            hits = index.search(q, 10, allowed_owner_ids=allowed)
            filtered.append(time.perf_counter() - t0)
            assert len(hits) == 10 and all(o in allowed for o, _ in hits)
        recall = np.mean([len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, truth)])
        ms = np.array(latencies) * 1e3
        rows.append({"n": n, "dim": args.dim, "ef": ef, "sqlite_s": sqlite_s,
                     "build_s": build_s, "load_s": load_s, "p50": np.percentile(ms, 50),
                     "p95": np.percentile(ms, 95),
                     "filt_p50": np.percentile(np.array(filtered) * 1e3, 50),
                     "recall": recall, "size_mb": size_mb})
        del index
    store.close()
    for path in workdir.glob(f"bench-{n}*"):
        if path.is_dir():
            for f in path.iterdir():
                f.unlink()
            path.rmdir()
        else:
            path.unlink()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--recall-queries", type=int, default=200)
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2, help="build threads")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef-search", type=int, nargs="+", default=[64],
                        help="search ef values to measure (default: the app's 64)")
    parser.add_argument("--spread", type=float, default=0.35,
                        help="cluster std relative to the N(0, 1) centres")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    print(f"cosine, M={args.m}, ef_construction={args.ef_construction}, {args.clusters} "
          f"clusters (spread {args.spread}); build with {args.threads} threads, queries with "
          "1 thread")
    header = (f"{'n':>9} {'dim':>4} {'ef':>4} {'sqlite s':>9} {'build s':>8} {'load s':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'filt10% p50':>11} {'recall@10':>10} {'file MB':>8}")
    print(header, flush=True)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for n in args.sizes:
            for r in bench_size(n, args, Path(tmp)):
                print(f"{r['n']:>9} {r['dim']:>4} {r['ef']:>4} {r['sqlite_s']:>9.1f} "
                      f"{r['build_s']:>8.1f} {r['load_s']:>7.2f} {r['p50']:>7.3f} "
                      f"{r['p95']:>7.3f} {r['filt_p50']:>11.3f} {r['recall']:>10.4f} "
                      f"{r['size_mb']:>8.1f}", flush=True)
    print(f"recall on the first {args.recall_queries} queries; "
          "sqlite s = writing the embeddings rows, build s = ensure() on a missing file, "
          "load s = ensure() on a good file (sha256 + label check)")


if __name__ == "__main__":
    main()
