"""Hum search end to end on a real 100,000-song catalog (SQLite + hnswlib, the app's own code).

    python -m bench.hum_full_scale [--songs 100000] [--queries 50] [--seed 0] [--json FILE]

:mod:`bench.hum_scale` times only the index lookup on a bare hnswlib index.
This bench builds the catalog the app would have — ``walk_songs("held_out",
N)`` (random melodic walks; the held-out split's are never trained on)
stored with :meth:`app.catalog_store.CatalogStore.add_song`, cut into windows
and embedded into the hum index by :func:`app.hum_catalog.open_hum_index` —
and times :meth:`app.hum_search.HumSearch.search_contour` at one thread:
window lookup, the SQLite reads, time-consistent voting and DTW re-ranking,
calibrated confidence. The catalog is cached under the bench cache
(``full-scale-seed<S>-n<N>.sqlite``; ~35 min to build 100k songs on 2 cores,
resumable: songs already embedded are kept).

Queries: simulated 10 s hums (:func:`bench.hum_scale.scale_queries`: key
±7, tempo ±30 %, drift, note errors, at the pitch-track level) of songs
among the catalog's first 2,000. "after take ms" adds the Viterbi decoding of
a 10 s take's frame outputs (measured here on the melody model's outputs for
10 s of a sung tone) to the search: what is left to do when a hum ends in the
app, whose live encoder has produced the frame outputs while the user hummed
(:meth:`app.take_recorder.TakeRecorder.pitch_track`). "file ms" adds the
melody model's forward pass over those 10 s instead (``norae hum FILE``, or a
file picked in the app), at 1 thread and at the app's
:data:`app.melody_extraction.OFFLINE_THREADS` for a whole recording.
"""

from __future__ import annotations

import os

if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse
import datetime
import gc
import json
import sys
import time
from pathlib import Path

import numpy as np

from app.melody_extraction import OFFLINE_THREADS
from bench.hum_bench import default_cache_dir, open_catalog
from bench.hum_scale import SCALE_SPLIT, rss_mb, scale_queries
from bench.melody_bench import machine_description
from inference.constants import SAMPLE_RATE
from inference.pitch_decode import decode_f0
from training.hum_songs import walk_songs

QUERY_SECONDS = 10.0
DECODE_REPEATS = 20
FORWARD_REPEATS = 5
"""The melody model's time is the mean of this many calls after a warm-up
(the app's tracker has always run before: it tracks live)."""


def pitch_costs_ms() -> tuple[float, float, float]:
    """(Viterbi decoding ms, model forward ms at 1 thread, the same at the
    app's OFFLINE_THREADS) for 10 s of audio; forward = features + network."""
    from app.melody_extraction import shared_tracker

    t = np.arange(int(QUERY_SECONDS * SAMPLE_RATE)) / SAMPLE_RATE
    audio = (0.2 * np.sin(2 * np.pi * 220.0 * t * (1 + 0.01 * np.sin(2 * np.pi * 5 * t)))).astype(np.float32)
    forward = []
    for threads in (1, OFFLINE_THREADS):
        tracker = shared_tracker(threads=threads)
        tracker.frame_outputs(audio)  # warm-up
        start = time.perf_counter()
        for _ in range(FORWARD_REPEATS):
            posterior, voiced = tracker.frame_outputs(audio)
        forward.append((time.perf_counter() - start) / FORWARD_REPEATS)
    start = time.perf_counter()
    for _ in range(DECODE_REPEATS):
        decode_f0(posterior, voiced, smooth=True)
    decode = (time.perf_counter() - start) / DECODE_REPEATS
    return 1000.0 * decode, 1000.0 * forward[0], 1000.0 * forward[1]


def run(n_songs: int, n_queries: int, seed: int, cache: Path, log=sys.stderr) -> dict:
    songs = walk_songs(SCALE_SPLIT, n_songs, seed)
    path = cache / f"full-scale-seed{seed}-n{n_songs}.sqlite"
    print(f"full scale: {path}", file=log, flush=True)
    rss_before = rss_mb()
    store, search, info = open_catalog(songs, path, log)
    rss_loaded = rss_mb()
    ids = {title: i for i, title in store.db.execute("SELECT id, title FROM songs")}
    queries = scale_queries(n_songs, n_queries, seed)
    sources = [songs[which].source for _, which in queries]
    # The app holds no generated song list: drop it, so that Python's garbage
    # collector does not walk its millions of notes while queries are timed.
    del songs
    gc.collect()
    search.search_contour(queries[0][0], top=30)  # warm-up
    times, ranks = [], []
    for (contour, _), source in zip(queries, sources):
        start = time.perf_counter()
        hits = search.search_contour(contour, top=30)
        times.append(time.perf_counter() - start)
        found = [h.song_id for h in hits]
        true_id = ids.get(source)
        ranks.append(found.index(true_id) + 1 if true_id in found else None)
    store.close()
    decode_ms, forward_ms, forward_app_ms = pitch_costs_ms()
    ms = 1000.0 * np.array(times)
    index_files = list((path.parent / (path.stem + "-indexes")).glob("*"))
    return {
        "machine": machine_description(), "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "threads": 1, **info, "sqlite_mb": path.stat().st_size / 1e6,
        "index_mb": sum(f.stat().st_size for f in index_files) / 1e6,
        "rss_growth_mb": None if rss_before is None or rss_loaded is None else rss_loaded - rss_before,
        "queries": len(queries), "search_mean_ms": float(ms.mean()),
        "search_p95_ms": float(np.percentile(ms, 95)), "decode_ms": decode_ms, "forward_ms": forward_ms,
        "forward_app_ms": forward_app_ms, "offline_threads": OFFLINE_THREADS,
        "top1": float(np.mean([r == 1 for r in ranks])),
        "top10": float(np.mean([r is not None and r <= 10 for r in ranks])),
        "mrr": float(np.mean([1.0 / r if r else 0.0 for r in ranks])),
    }


def format_report(r: dict) -> str:
    after = r["search_mean_ms"] + r["decode_ms"]
    rss = "–" if r["rss_growth_mb"] is None else f"{r['rss_growth_mb']:.0f}"
    n = r["offline_threads"]
    return "\n".join([
        f"Hum search end to end on a real catalog; {r['machine']}; {r['date']}; 1 thread unless said",
        "",
        ("| songs | windows | SQLite MB | index MB | RSS growth MB | queries | MRR | top-1 % | "
         f"top-10 % | search ms (mean / p95) | after take ms | file ms (1 / {n} threads) |"),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        (f"| {r['songs']} | {r['windows']} | {r['sqlite_mb']:.0f} | {r['index_mb']:.0f} | {rss} | "
         f"{r['queries']} | {r['mrr']:.3f} | {100 * r['top1']:.1f} | {100 * r['top10']:.1f} | "
         f"{r['search_mean_ms']:.0f} / {r['search_p95_ms']:.0f} | {after:.0f} | "
         f"{after + r['forward_ms']:.0f} / {after + r['forward_app_ms']:.0f} |"),
        "",
        (f"after take = search + Viterbi decoding of 10 s ({r['decode_ms']:.0f} ms); "
         f"file = that + the melody model over 10 s ({r['forward_ms']:.0f} ms at 1 thread, "
         f"{r['forward_app_ms']:.0f} ms at the {n} threads the app gives a whole recording)."),
    ])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.hum_full_scale", description=__doc__.split("\n")[0])
    p.add_argument("--songs", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", type=Path, default=None)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    cache = args.cache or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    report = run(args.songs, args.queries, args.seed, cache)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
