"""Hum search ("hum a tune, find the song") against a plain baseline, in one run.

Run from the repository root::

    python -m bench.hum_bench [--catalogs 1000,10000] [--queries 100] [--lengths 5,10,15]
                              [--baseline-queries 40] [--scale 100000] [--json FILE]
                              [--seed 0] [--cache DIR] [--query-catalog N]

One cell of the standard run, for quick checks (the standard queries, searched
in the 10,000-song catalog only)::

    python -m bench.hum_bench --catalogs 10000 --query-catalog 1000 --lengths 10 \
                              --baseline-queries 0 --scale 0

1. Catalogs: the first N of a seeded shuffle of the held-out corpus songs
   (never used in training), stored in a real SQLite catalog (one song per
   tune, title = its source name) and indexed by the app's own code
   (:func:`app.hum_catalog.open_hum_index`, the shipped ``hum.onnx``). Both are
   cached under ``--cache`` (default ``$NORAE_TRAIN_CACHE/hum_bench``); a
   model change re-embeds.
2. Queries (:mod:`bench.hum_bench_queries`): ``--queries`` per length, from
   songs of the smallest catalog (or the first ``--query-catalog`` songs),
   rendered as sung / syllables / hum / whistle audio recorded in a room; plus
   ``--queries // 2`` 10 s queries of songs in no catalog. Rendered audio is
   cached.
3. Norae: the shipped melody model's pitch track, ``contour_from_f0``,
   ``HumSearch.search_contour(top=30)``; s/query includes pitch extraction;
   "after take s" is what is left once a take ends in the app, where the
   live encoder has already run over the hum: Viterbi decoding and search.
4. Baseline (:mod:`bench.hum_baseline`): pYIN + subsequence DTW against every
   song, on the first ``--baseline-queries`` queries of the length nearest 10 s.
5. Scale (:mod:`bench.hum_scale`, ``--scale 0`` skips): embedding-search
   latency on N synthetic songs.

A song ranked below 30 (or not returned) is a miss: reciprocal rank 0, for
both methods. Everything runs at one thread (index builds use
``--build-threads``); run as a script, the module pins the thread pools first.
"""

from __future__ import annotations

import os

if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                 "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse
import datetime
import hashlib
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.cli_hum import hum_model_path, shared_encoder
from app.hum_catalog import HUM_KIND, open_hum_index, songs_to_index
from app.hum_search import HumQueryError, HumSearch, load_calibration
from app.melody_extraction import melody_model_path, shared_tracker
from app.paths import index_dir_for
from app.song_record import Note, SongRecord
from bench.hum_bench_queries import BenchQuery, bench_queries, shuffled_songs
from bench.hum_bench_report import format_report, summarise
from bench.melody_bench import machine_description
from inference.melody_contour import contour_from_f0
from inference.pitch_decode import decode_f0
from training.hum_songs import HumSong
from training.melody_data.augment import require_babble_bank
from training.melody_data.clip_format import default_data_dir

TOP = 30
"""Hits asked of each method; a true song below this is a miss."""
SOURCES_META, ADD_S_META, INDEX_S_META = "bench_sources_sha1", "bench_add_s", "bench_index_s"


def default_cache_dir() -> Path:
    """``$NORAE_TRAIN_CACHE/hum_bench`` or ``~/.cache/norae-train/hum_bench``."""
    return default_data_dir().parent.parent / "hum_bench"


@dataclass
class BenchConfig:
    catalogs: list[int] = field(default_factory=lambda: [1000, 10000])
    queries: int = 100
    lengths: list[float] = field(default_factory=lambda: [5.0, 10.0, 15.0])
    baseline_queries: int = 40
    scale: int = 100_000
    scale_queries: int = 50
    seed: int = 0
    cache: Path = field(default_factory=default_cache_dir)
    build_threads: int = 2
    query_catalog: int | None = None
    """In-catalog queries come from the first this many songs (None: the smallest catalog)."""


def song_record(song: HumSong) -> SongRecord:
    notes = [Note(float(o), float(d), float(p)) for o, d, p in song.notes]
    return SongRecord(title=song.source, source_format="corpus", file_hash="bench:" + song.source,
                      notes=notes)


def _float_or_none(text: str | None) -> float | None:
    return None if text is None else float(text)


def open_catalog(songs: list[HumSong], path: Path, log=sys.stderr) -> tuple[CatalogStore, HumSearch, dict]:
    """The catalog of ``songs`` at ``path`` with its hum index, built or reused.

    Returns (store, searcher, info: songs, windows, add_s, index_s, cached).
    A file holding another song list is rebuilt; build times are kept in
    the catalog's meta table so a reused catalog still reports them.
    """
    encoder = shared_encoder()
    sources = hashlib.sha1("\n".join(s.source for s in songs).encode("utf-8")).hexdigest()
    store = CatalogStore(path)
    added = store.get_meta(SOURCES_META) != sources
    if added:
        store.close()
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(index_dir_for(path), ignore_errors=True)
        store = CatalogStore(path)
        start = time.perf_counter()
        for first in range(0, len(songs), 500):
            with store.db.atomic():
                for song in songs[first:first + 500]:
                    store.add_song(song_record(song))
        store.set_meta(ADD_S_META, f"{time.perf_counter() - start:.3f}")
        store.set_meta(SOURCES_META, sources)
    pending = len(songs_to_index(store, encoder.sha256))
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 1000 == 0 or done == total:
            print(f"{path.name}: indexed {done}/{total} songs", file=log, flush=True)

    index = open_hum_index(store, index_dir_for(path), encoder, progress)
    index_key = f"{INDEX_S_META}:{encoder.sha256[:16]}"
    if pending:
        store.set_meta(index_key, f"{time.perf_counter() - start:.3f}")
    windows = store.db.execute("SELECT count(*) FROM embeddings WHERE kind = ? AND model_sha256 = ?",
                               [HUM_KIND, encoder.sha256]).fetchone()[0]
    info = {"songs": store.count_songs(), "windows": int(windows),
            "add_s": _float_or_none(store.get_meta(ADD_S_META)),
            "index_s": _float_or_none(store.get_meta(index_key)),
            "cached": not added and not pending}
    return store, HumSearch(store, index, encoder, load_calibration(hum_model_path())), info


def norae_contours(queries: list[BenchQuery]) -> list[tuple[np.ndarray, float, float]]:
    """(query contour, pitch-extraction seconds, decoding seconds) per query,
    shipped model, 1 thread. Decoding (Viterbi over the model's frame outputs,
    then the contour) is the part of pitch extraction that is still left when
    a take ends in the app: the live encoder has already produced the frame
    outputs while the user hummed (:meth:`app.take_recorder.TakeRecorder.pitch_track`)."""
    tracker = shared_tracker(threads=1)
    if queries:
        tracker.track(queries[0].audio)  # warm-up
    out = []
    for query in queries:
        start = time.perf_counter()
        posterior, voiced_prob = tracker.frame_outputs(query.audio)
        decode_start = time.perf_counter()
        f0, _ = decode_f0(posterior, voiced_prob, smooth=True)
        contour = contour_from_f0(f0)
        end = time.perf_counter()
        out.append((contour, end - start, end - decode_start))
    return out


def norae_record(search: HumSearch, query: BenchQuery, contour: np.ndarray, pitch_s: float,
                 decode_s: float, ids: dict[str, int]) -> dict:
    """One query searched: rank (1-based, None = miss), top score and whether
    the top hit is right, seconds (search and pitch extraction) and seconds
    after the take (search and decoding; see :func:`norae_contours`)."""
    start = time.perf_counter()
    try:
        hits = search.search_contour(contour, top=TOP)
    except HumQueryError:
        hits = []
    search_s = time.perf_counter() - start
    true_id = ids.get(query.spec.source)
    found = [h.song_id for h in hits]
    return {"kind": query.spec.kind, "length_s": query.spec.length_s,
            "source": query.spec.source, "in_catalog": query.spec.in_catalog,
            "rank": found.index(true_id) + 1 if true_id in found else None,
            "top_score": hits[0].score if hits else 0.0,
            "top_right": bool(hits) and hits[0].song_id == true_id,
            "seconds": search_s + pitch_s, "pitch_s": pitch_s,
            "after_take_s": search_s + decode_s}


def run_baseline(store: CatalogStore, queries: list[BenchQuery], ids: dict[str, int],
                 pyin: list[tuple[np.ndarray, float]], log=sys.stderr) -> list[dict]:
    """Baseline records (rank, seconds incl. pYIN) of ``queries`` on one catalog."""
    from app.hum_catalog import song_contour
    from bench.hum_baseline import DtwBaseline

    song_ids = [r[0] for r in store.db.execute("SELECT id FROM songs ORDER BY id")]
    baseline = DtwBaseline(song_ids, [song_contour(store, i) for i in song_ids])
    records = []
    for n, (query, (contour, pitch_s)) in enumerate(zip(queries, pyin)):
        start = time.perf_counter()
        rank = baseline.rank_of(contour, ids[query.spec.source], top=TOP)
        seconds = time.perf_counter() - start + pitch_s
        records.append({"kind": query.spec.kind, "length_s": query.spec.length_s,
                        "source": query.spec.source, "rank": rank, "seconds": seconds,
                        "pitch_s": pitch_s})
        print(f"baseline {len(song_ids)} songs: {n + 1}/{len(queries)} ({seconds:.1f} s)",
              file=log, flush=True)
    return records


def run_bench(config: BenchConfig, songs: list[HumSong] | None = None, log=sys.stderr) -> dict:
    """The whole bench; ``songs`` defaults to the held-out corpus songs."""
    from training.hum_songs import load_songs

    catalogs = sorted(set(config.catalogs))
    order = shuffled_songs(songs if songs is not None else load_songs("held_out"), config.seed)
    if catalogs[-1] > len(order) or catalogs[0] < 1:
        raise ValueError(f"catalog sizes must be 1..{len(order)} (held-out songs), got {catalogs}")
    cache = Path(config.cache)
    query_pool = config.query_catalog or catalogs[0]
    if not 1 <= query_pool <= catalogs[0]:
        raise ValueError(f"--query-catalog must be 1..{catalogs[0]} (the smallest catalog), "
                         f"got {query_pool}")
    query_set = bench_queries(order, query_pool, catalogs[-1], config.lengths, config.queries,
                              config.seed, cache / "queries", log)
    in_catalog = [q for length in config.lengths for q in query_set.by_length[length]]
    everything = in_catalog + query_set.out_of_catalog
    print(f"pitch: {len(everything)} queries (melody model, 1 thread)", file=log, flush=True)
    pitch = norae_contours(everything)
    base_length = min(config.lengths, key=lambda length: abs(length - 10.0))
    base_queries = query_set.by_length[base_length][:config.baseline_queries]
    pyin = []
    if base_queries:
        from bench.hum_baseline import pyin_contour

        pyin_contour(base_queries[0].audio)  # warm-up (librosa's first call compiles)
        for query in base_queries:
            start = time.perf_counter()
            pyin.append((pyin_contour(query.audio), time.perf_counter() - start))
    report = {"machine": machine_description(),
              "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "config": {**asdict(config), "cache": str(cache)},
              "hum_model": str(hum_model_path()), "hum_model_sha256": shared_encoder().sha256,
              "melody_model": str(melody_model_path()), "threads": 1, "top": TOP,
              "queries_rendered": query_set.rendered, "baseline_length_s": base_length,
              "catalogs": [], "records": {}, "baseline_records": {}}
    for n in catalogs:
        path = cache / f"catalog-seed{config.seed}-n{n}.sqlite"
        print(f"catalog {n}: {path}", file=log, flush=True)
        store, search, info = open_catalog(order[:n], path, log)
        ids = {title: i for i, title in store.db.execute("SELECT id, title FROM songs")}
        if everything:
            norae_record(search, everything[0], *pitch[0], ids)  # warm-up
        report["catalogs"].append({"n": n, **info})
        report["records"][str(n)] = [norae_record(search, q, *timed, ids)
                                     for q, timed in zip(everything, pitch)]
        if base_queries:
            report["baseline_records"][str(n)] = run_baseline(store, base_queries, ids, pyin, log)
        store.close()
    report["summary"] = summarise(report, config.lengths)
    if config.scale:
        from bench.hum_scale import run_scale

        report["scale"] = run_scale(config.scale, hum_model_path(), cache, seed=config.seed,
                                    n_queries=config.scale_queries, threads=config.build_threads,
                                    log=log)
    return report


def _numbers(text: str, kind=int) -> list:
    """Comma-separated numbers, each once, in the order given."""
    return list(dict.fromkeys(kind(v) for v in text.split(",") if v.strip()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hum_bench",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--catalogs", default="1000,10000", help="catalog sizes, songs")
    parser.add_argument("--queries", type=int, default=100, help="queries per length")
    parser.add_argument("--lengths", default="5,10,15", help="query lengths, seconds")
    parser.add_argument("--baseline-queries", type=int, default=40)
    parser.add_argument("--scale", type=int, default=100_000, help="synthetic songs (0 skips)")
    parser.add_argument("--scale-queries", type=int, default=50)
    parser.add_argument("--build-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    parser.add_argument("--query-catalog", type=int, default=None,
                        help="draw in-catalog queries from the first N songs (default: the "
                             "smallest catalog); with --catalogs 10000 --query-catalog 1000 the "
                             "standard queries are searched in the large catalog only")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    try:
        config = BenchConfig(_numbers(args.catalogs), args.queries, _numbers(args.lengths, float),
                             args.baseline_queries, args.scale, args.scale_queries, args.seed,
                             args.cache.expanduser(), args.build_threads, args.query_catalog)
    except ValueError as exc:
        parser.error(str(exc))
    if not config.catalogs or not config.lengths or config.queries < 1:
        parser.error("--catalogs, --lengths and --queries need at least one value")
    try:
        require_babble_bank()  # the sung queries' room noise includes babble
        report = run_bench(config)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
