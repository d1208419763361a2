"""Hum search at catalog scale: the first search stage on N synthetic songs.

The catalog is ``walk_songs("held_out", N, seed)`` (random walks; the
held-out split's walks are never used in training). Each song's contour is cut
with :func:`inference.melody_contour.sung_windows` as the app cuts catalog
songs, embedded with the hum encoder and added to a plain hnswlib index with
the app's hum-index settings (cosine, dim 64, M 16, ef_construction 100,
ef 96); label = window number, ``owners.npy`` (int32 [W]) maps it to the song.
No SQLite: this measures what grows with the catalog, the embedding search.

The build runs in chunks of :data:`CHUNK_SONGS` songs and is saved every
:data:`SAVE_EVERY_SONGS` songs under ``<cache>/scale-<model>-n<N>-seed<S>/``
(``index.hnsw``, ``owners.npy``, then ``state.json`` last), so an interrupted
build resumes where it was saved and a finished one is reused.

Latency: simulated 10 s queries (:mod:`training.hum_queries`, at the pitch
track level) of songs in the catalog, each searched at one thread the way
:meth:`app.hum_search.HumSearch.candidates` does: windows at every query
scale, embedded, TOP_WINDOWS nearest windows each, songs scored by the mean
over query windows of their best cosine at the best scale (the index lookup
that picks the search's candidate pool). Scoring the POOL_SONGS best by
windows that agree in time (reading their windows from SQLite) and the DTW
re-ranking of the CANDIDATES best take a fixed number of songs whatever the
catalog size, and are left out.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

import hnswlib
import numpy as np

from app.hum_catalog import HUM_INDEX_PARAMS
from app.hum_search import TOP_WINDOWS, scale_scores
from bench.hum_bench_queries import KEY_SHIFT_ST, LEAD_S, TEMPO_RANGE
from inference.hum_encoder import HumEncoder
from inference.melody_contour import (
    contour_from_f0,
    contour_from_notes,
    query_windows,
    sung_windows,
)
from training.hum_queries import draw_style, excerpt, perform, query_f0
from training.hum_songs import HumSong, walk_songs

SCALE_SPLIT = "held_out"
CHUNK_SONGS = 500
SAVE_EVERY_SONGS = 10_000
WINDOWS_PER_SONG_GUESS = 45
"""Initial index capacity per song (the index grows when this is short)."""
QUERY_SECONDS = 10.0
QUERY_SONG_POOL = 2000
"""Queries come from the first songs (a prefix of every N), so a cached index
needs only these songs generated again."""


def rss_mb() -> float | None:
    """Resident memory of this process in MB (Linux /proc), None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return None


def scale_folder(cache_dir: Path, model_sha256: str, n_songs: int, seed: int) -> Path:
    return Path(cache_dir) / f"scale-{model_sha256[:12]}-n{n_songs}-seed{seed}"


def _new_index(capacity: int) -> hnswlib.Index:
    p = HUM_INDEX_PARAMS
    index = hnswlib.Index(space=p.space, dim=p.dim)
    index.init_index(max_elements=max(16, capacity), M=p.m, ef_construction=p.ef_construction,
                     random_seed=100)
    return index


def load_saved(folder: Path) -> tuple[hnswlib.Index | None, np.ndarray, dict]:
    """(index, owners int32 [W], state) as last saved; (None, empty, {}) when
    nothing usable is there (missing or inconsistent files)."""
    try:
        state = json.loads((folder / "state.json").read_text())
        owners = np.load(folder / "owners.npy")
        index = hnswlib.Index(space=HUM_INDEX_PARAMS.space, dim=HUM_INDEX_PARAMS.dim)
        index.load_index(str(folder / "index.hnsw"))
    except (OSError, ValueError, KeyError, RuntimeError):
        return None, np.zeros(0, np.int32), {}
    if not (index.element_count == len(owners) == state.get("windows")):
        return None, np.zeros(0, np.int32), {}
    index.set_ef(HUM_INDEX_PARAMS.ef)
    return index, owners, state


def _save(folder: Path, index: hnswlib.Index, owners: np.ndarray, state: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    index.save_index(str(folder / "index.tmp"))
    np.save(folder / "owners.tmp.npy", owners)
    os.replace(folder / "index.tmp", folder / "index.hnsw")
    os.replace(folder / "owners.tmp.npy", folder / "owners.npy")
    (folder / "state.tmp").write_text(json.dumps(state))
    os.replace(folder / "state.tmp", folder / "state.json")


def build_scale_index(n_songs: int, seed: int, encoder: HumEncoder, folder: Path, *,
                      threads: int = 2, log=sys.stderr) -> dict:
    """Build (or finish building) the index of ``n_songs`` walk songs in
    ``folder``; returns its state: songs_done, windows, build_s (all sessions)."""
    index, owners, state = load_saved(folder)
    if state.get("songs_done") == n_songs:
        return state
    done = int(state.get("songs_done", 0))
    if index is None:
        index, owners, done = _new_index(n_songs * WINDOWS_PER_SONG_GUESS), np.zeros(0, np.int32), 0
    print(f"scale: generating {n_songs} walk songs...", file=log, flush=True)
    songs = walk_songs(SCALE_SPLIT, n_songs, seed)
    parts, windows = [owners], len(owners)
    spent, start_t, last_save, resumed_at = (float(state.get("build_s", 0.0)), time.perf_counter(),
                                             done, done)
    for first in range(done, n_songs, CHUNK_SONGS):
        chunk = songs[first:first + CHUNK_SONGS]
        cut = [sung_windows(contour_from_notes(s.notes))[0] for s in chunk]
        owner = np.concatenate([np.full(len(w), first + k, np.int32) for k, w in enumerate(cut)])
        if len(owner):
            vectors = encoder.embed(np.concatenate(cut))
            if index.element_count + len(owner) > index.max_elements:
                index.resize_index(max(index.element_count + len(owner), index.max_elements * 3 // 2))
            index.add_items(vectors, np.arange(windows, windows + len(owner)), num_threads=threads)
            parts.append(owner)
            windows += len(owner)
        done = first + len(chunk)
        elapsed = time.perf_counter() - start_t
        if done - last_save >= SAVE_EVERY_SONGS or done == n_songs:
            state = {"songs_done": done, "windows": windows, "build_s": spent + elapsed,
                     "n_songs": n_songs, "seed": seed, "model_sha256": encoder.sha256}
            _save(folder, index, np.concatenate(parts), state)
            last_save = done
        per_song = elapsed / max(1, done - resumed_at)
        print(f"scale: {done}/{n_songs} songs, {windows} windows, {elapsed:.0f} s this run, "
              f"~{per_song * (n_songs - done) / 60:.0f} min left (saved at {last_save})",
              file=log, flush=True)
    return state


def scale_queries(n_songs: int, count: int, seed: int) -> list[tuple[np.ndarray, int]]:
    """(query contour float32 [T], index of its song) for ``count`` simulated
    10 s hums of songs among the catalog's first QUERY_SONG_POOL."""
    songs: list[HumSong] = walk_songs(SCALE_SPLIT, min(n_songs, QUERY_SONG_POOL), seed)
    rng = np.random.default_rng([seed, 3])
    out = []
    while len(out) < count:
        which = int(rng.integers(len(songs)))
        song, tempo = songs[which], float(rng.uniform(*TEMPO_RANGE))
        span = QUERY_SECONDS * tempo + LEAD_S
        part = excerpt(song.notes, float(rng.uniform(0.0, max(0.0, song.seconds - span))), span)
        if len(part) < 3:
            continue
        style = draw_style(rng)
        performed = perform(part, rng, style, tempo=tempo,
                            key_shift=float(rng.uniform(-KEY_SHIFT_ST, KEY_SHIFT_ST)))
        out.append((contour_from_f0(query_f0(performed, rng, style, seconds=QUERY_SECONDS)), which))
    return out


def search_windows(index: hnswlib.Index, owners: np.ndarray, encoder: HumEncoder,
                   contour: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Stage 1 of hum search on the bare index: (song indices int64 [S], their
    scores float64 [S], best first; query windows searched)."""
    windows, scale_of, _ = query_windows(contour)
    if not len(windows):
        return np.zeros(0, np.int64), np.zeros(0), 0
    labels, dists = index.knn_query(encoder.embed(windows), k=min(TOP_WINDOWS, index.element_count),
                                    num_threads=1)
    songs, row = np.unique(owners[labels], return_inverse=True)
    best = np.zeros((len(songs), len(windows)))
    np.maximum.at(best, (row.reshape(labels.shape), np.arange(len(windows))[:, None]), 1.0 - dists)
    scores = scale_scores(best.T, scale_of)
    order = np.argsort(-scores, kind="stable")
    return songs[order].astype(np.int64), scores[order], len(windows)


def run_scale(n_songs: int, model_path: Path, cache_dir: Path, *, seed: int = 0,
              n_queries: int = 50, threads: int = 2, log=sys.stderr) -> dict:
    """Build or reuse the scale index, then time ``n_queries`` searches at 1 thread."""
    build_encoder = HumEncoder(model_path, threads=threads)
    folder = scale_folder(cache_dir, build_encoder.sha256, n_songs, seed)
    before = load_saved(folder)[2].get("songs_done")
    state = build_scale_index(n_songs, seed, build_encoder, folder, threads=threads, log=log)
    del build_encoder
    gc.collect()
    encoder = HumEncoder(model_path, threads=1)
    queries = scale_queries(n_songs, n_queries, seed)
    rss_before = rss_mb()
    index, owners, _ = load_saved(folder)
    search_windows(index, owners, encoder, queries[0][0])  # warm-up
    times, n_windows, top10 = [], [], []
    for contour, song in queries:
        start = time.perf_counter()
        found, _scores, w = search_windows(index, owners, encoder, contour)
        times.append(time.perf_counter() - start)
        n_windows.append(w)
        top10.append(bool((found[:10] == song).any()))
    rss_after = rss_mb()
    ms = 1000.0 * np.array(times)
    return {
        "songs": n_songs, "windows": int(state["windows"]), "build_s": float(state["build_s"]),
        "built_now": before != n_songs, "index_mb": (folder / "index.hnsw").stat().st_size / 1e6,
        "queries": len(queries), "windows_per_query": float(np.mean(n_windows)),
        "mean_ms": float(ms.mean()), "p95_ms": float(np.percentile(ms, 95)),
        "rss_growth_mb": (rss_after - rss_before) if rss_before is not None and rss_after is not None
        else None,
        "top10": float(np.mean(top10)), "folder": str(folder),
    }
