"""Similar songs on simulated karaoke rooms, and the content embeddings' sanity.

Run from the repository root::

    python -m bench.similar_bench [--db PATH] [--sessions 3000] [--queries 2000] [--seed 0]

The catalog is the demo catalog with its demo voices and hum windows (built
into ``--db`` on first use, about a minute; default
``~/.cache/norae-bench/similar/demo.sqlite``).

**Rooms** (:mod:`bench.similar_rooms`: synthetic artists, genres, eras and
languages over the real melodies, ranges and demo voices; users with tastes
and vocal ranges; rooms of 1-4 users): the co-occurrence embedding is trained
(:func:`app.item2vec.train_item2vec`, the app's settings) on the first 80 % of
the sessions; then for up to ``--queries`` consecutive pairs of the remaining
sessions, the song sung asks for similar songs and the next song sung is the
answer. hit@10: share of answers in the top 10; MRR: mean of 1 / rank within
the top 100 (0 beyond). Each source alone, each fusion, and the popularity
baseline (most played in training first). The weighted fusions use source
weights fitted on the *training* sessions exactly as the app fits them
(:mod:`app.similar_weights`): a second item2vec on the first 80 % of the
training sessions, the weights under which the last 20 %'s next songs rank
highest; the test sessions are never seen. Those weights, printed under the
table's heading, are the app's cold-start defaults
(:data:`app.similar_constants.DEFAULT_SOURCE_WEIGHTS`). Cold start: 10 % of the songs are
"new" — their plays are removed from the training sessions — and the "cold
queries" rows score only the queries asked from a new song (co-occurrence
knows nothing of it, so the fusion must fall back on the other sources).

**Content sanity**: renditions of catalog melodies — transposed (2-5
semitones), tempo-changed (x0.75-1.33), ornamented (note lengths jittered by
up to 15 %, a grace note before 15 % of the notes) and all three at once —
are embedded by each content candidate and looked up among the catalog's
songs; recall@5: how often the original is among the 5 nearest.
"""

from __future__ import annotations

import os

if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse
import dataclasses
import datetime
import sys
import time
from pathlib import Path

import numpy as np

from app.catalog_setup import open_catalog
from app.cli_hum import shared_encoder, update_hum_index
from app.cli_voice import update_timbre_index
from app.item2vec import Item2VecParams, train_item2vec
from app.melody_codec import decode_notes_array
from app.melody_features import melody_vector
from app.similar_constants import (
    DEFAULT_SOURCE_WEIGHTS,
    FUSION_SCORE_TOTAL,
    FUSION_TOP3,
    SOURCES,
)
from app.similar_fusion import fuse
from app.similar_songs import SimilarSongs, song_voice_vectors
from app.similar_sources import SongTable
from app.similar_weights import (
    WeightFit,
    fit_source_weights,
    held_out_split,
    next_song_pairs,
)
from app.song_content import (
    centred_unit,
    melody_vectors,
    pooled_hum_vector,
    pooled_hum_vectors,
)
from bench.melody_bench import machine_description
from bench.similar_rooms import make_rooms, simulate_sessions, synthetic_metadata

DEFAULT_DB = Path.home() / ".cache" / "norae-bench" / "similar" / "demo.sqlite"
LIST_DEPTH = 100
NEW_SONG_SHARE = 0.1
RENDITIONS = ("transposed", "tempo", "ornamented", "all three")


def prepare_catalog(path: Path) -> None:
    """The demo catalog with demo voices and hum windows at ``path`` (built once)."""
    store = open_catalog(path)
    try:
        for line in update_timbre_index(store) + update_hum_index(store):
            print(line, file=sys.stderr)
    finally:
        store.close()


def rendition(notes: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Notes float [n, 3] -> another rendition of the tune (see the module docstring)."""
    n = notes.astype(np.float64).copy()
    if kind in ("transposed", "all three"):
        n[:, 2] += rng.choice([-5, -4, -3, -2, 2, 3, 4, 5])
    if kind in ("tempo", "all three"):
        n[:, :2] *= rng.uniform(0.75, 1.33)
    if kind in ("ornamented", "all three"):
        out = []
        for onset, duration, pitch in n:
            length = duration * rng.uniform(0.85, 1.15)
            if rng.random() < 0.15 and duration > 0.1:
                grace = 0.25 * length
                out += [(onset, grace, pitch + rng.choice([-2, -1, 1, 2])),
                        (onset + grace, length - grace, pitch)]
            else:
                out.append((onset, length, pitch))
        n = np.array(out)
    return n


def content_sanity(store, ids: np.ndarray, raw: dict[str, np.ndarray], n_queries: int,
                   rng: np.random.Generator) -> list[dict]:
    """recall@5 of each content candidate on each rendition kind."""
    encoder = shared_encoder()
    embed = {"hum": lambda notes: pooled_hum_vector(notes, encoder.embed),
             "melody": melody_vector}
    picks = rng.choice(len(ids), size=min(n_queries, len(ids)), replace=False)
    melodies = {int(ids[i]): decode_notes_array(store.db.execute(
        "SELECT notes FROM melodies WHERE song_id = ?", [int(ids[i])]).fetchone()[0]) for i in picks}
    rows = []
    for kind in RENDITIONS:
        versions = {s: rendition(notes, kind, rng) for s, notes in melodies.items()}
        for name, matrix in raw.items():
            mean = matrix.astype(np.float64).mean(axis=0)
            catalog = centred_unit(matrix)
            hits = 0
            for song_id, notes in versions.items():
                v = embed[name](notes).astype(np.float64) - mean
                v /= max(float(np.linalg.norm(v)), 1e-12)
                top = ids[np.argsort(-(catalog @ v))[:5]]
                hits += song_id in top
            rows.append({"part": f"content sanity: {kind}", "method": name,
                         "n": len(versions), "recall5": hits / len(versions)})
    return rows


def _score(lists: list[list[int]], targets: list[int]) -> tuple[float, float]:
    hit = mrr = 0.0
    for ranked, target in zip(lists, targets):
        if target in ranked:
            position = ranked.index(target) + 1
            hit += position <= 10
            mrr += 1.0 / position
    return hit / max(len(targets), 1), mrr / max(len(targets), 1)


def fit_like_the_app(table: SongTable, content: tuple[np.ndarray, np.ndarray],
                     train: list[np.ndarray]) -> WeightFit:
    """Source weights fitted on the training sessions only, as
    :func:`app.cooc_training.fit_weights_on_plays` does: item2vec on the
    earlier 80 %, the next songs of the last 20 %."""
    earlier, held_out = held_out_split([s for s in train if len(s) >= 2])
    pairs = next_song_pairs(held_out)
    variant = dataclasses.replace(table)
    variant.set_vectors("content", *content)
    if earlier:
        vectors = train_item2vec(earlier, len(table), Item2VecParams())
        seen = np.flatnonzero(np.bincount(np.concatenate(earlier), minlength=len(table)) > 0)
        variant.set_vectors("cooc", table.song_ids[seen], vectors[seen])
    return fit_source_weights(variant, pairs)


def room_bench(table: SongTable, contents: dict[str, np.ndarray], sessions: list[np.ndarray],
               n_queries: int, rng: np.random.Generator) -> tuple[list[dict], dict]:
    """Hit@10 and MRR of the next song for each method (rows of the report)."""
    n = len(table)
    split = int(0.8 * len(sessions))
    is_new = np.zeros(n, bool)
    is_new[rng.choice(n, size=int(NEW_SONG_SHARE * n), replace=False)] = True
    train = [s[~is_new[s]] for s in sessions[:split]]
    test = sessions[split:]
    default = next(iter(contents))
    started = time.perf_counter()
    fit = fit_like_the_app(table, contents[default], train)
    fit_s = time.perf_counter() - started
    weights = fit.weights or DEFAULT_SOURCE_WEIGHTS
    started = time.perf_counter()
    vectors = train_item2vec(train, n, Item2VecParams())
    train_s = time.perf_counter() - started
    counts = np.bincount(np.concatenate(train), minlength=n)
    seen = np.flatnonzero(counts > 0)
    table.set_vectors("cooc", table.song_ids[seen], vectors[seen])
    pairs = [(int(s[i]), int(s[i + 1])) for s in test for i in range(len(s) - 1)]
    pairs = [pairs[i] for i in sorted(rng.choice(len(pairs), min(n_queries, len(pairs)), replace=False))]
    engines = {}
    for name, ids_vectors in contents.items():
        variant = dataclasses.replace(table)
        variant.set_vectors("content", *ids_vectors)
        engines[name] = SimilarSongs(variant)
    popular = np.lexsort((np.arange(n), -counts))
    methods = {"popularity (baseline)": []}
    methods.update({f"{s} alone" + (f" ({default})" if s == "content" else ""): [] for s in SOURCES})
    methods.update({f"content alone ({c})": [] for c in contents if c != default})
    fusions = {f"score total, offset 60 ({default})": (default, FUSION_SCORE_TOTAL, {"offset": 60.0}),
               f"score total, offset 0 as seed 003 ({default})":
                   (default, FUSION_SCORE_TOTAL, {"offset": 0.0}),
               f"top 3 per source ({default})": (default, FUSION_TOP3, {}),
               f"score total, weighted, offset 60 ({default})":
                   (default, FUSION_SCORE_TOTAL, {"offset": 60.0, "weights": weights}),
               f"top 3 per source, weighted ({default})":
                   (default, FUSION_TOP3, {"weights": weights})}
    fusions.update({f"score total, offset 60 ({c})": (c, FUSION_SCORE_TOTAL, {"offset": 60.0})
                    for c in contents if c != default})
    methods.update({name: [] for name in fusions})
    cold = []
    for row, _target in pairs:
        cold.append(bool(is_new[row]))
        methods["popularity (baseline)"].append([int(r) for r in popular[:LIST_DEPTH + 1] if r != row][:LIST_DEPTH])
        ranks = {c: e.rankings(int(table.song_ids[row])) for c, e in engines.items()}
        for source in SOURCES:
            name = f"{source} alone" + (f" ({default})" if source == "content" else "")
            own = {source: ranks[default][source]} if source in ranks[default] else {}
            methods[name].append([f.row for f in fuse(own, LIST_DEPTH)])
        for c in contents:
            if c != default:
                own = {"content": ranks[c]["content"]} if "content" in ranks[c] else {}
                methods[f"content alone ({c})"].append([f.row for f in fuse(own, LIST_DEPTH)])
        for name, (c, method, options) in fusions.items():
            methods[name].append([f.row for f in fuse(ranks[c], LIST_DEPTH, method, **options)])
    targets = [t for _q, t in pairs]
    rows = []
    for name, lists in methods.items():
        hit, mrr = _score(lists, targets)
        rows.append({"part": "rooms: next song", "method": name, "n": len(targets), "hit10": hit, "mrr": mrr})
    cold_idx = [i for i, c in enumerate(cold) if c]
    for name in ["popularity (baseline)", f"content alone ({default})", "metadata alone",
                 *fusions]:
        hit, mrr = _score([methods[name][i] for i in cold_idx], [targets[i] for i in cold_idx])
        rows.append({"part": "rooms: cold queries", "method": name, "n": len(cold_idx),
                     "hit10": hit, "mrr": mrr})
    info = {"train_sessions": len(train), "test_sessions": len(test), "train_s": train_s,
            "cooc_songs": len(seen), "cold_share": len(cold_idx) / max(len(pairs), 1),
            "fit": dataclasses.asdict(fit), "fit_s": fit_s}
    return rows, info


def run_bench(db: Path, n_sessions: int, n_queries: int, sanity_queries: int, seed: int) -> dict:
    if not db.exists():
        print(f"building the demo catalog with its hum windows in {db} (about a minute)…",
              file=sys.stderr)
        db.parent.mkdir(parents=True, exist_ok=True)
    prepare_catalog(db)
    rng = np.random.default_rng(seed)
    store = open_catalog(db, seed_demo=False)
    try:
        rows = store.db.execute("SELECT id, collection, range_low, range_high FROM songs "
                                "WHERE range_low IS NOT NULL ORDER BY id").fetchall()
        song_ids = np.array([r[0] for r in rows], np.int64)
        _names, collections = np.unique([r[1] or "" for r in rows], return_inverse=True)
        meta = synthetic_metadata(collections, rng)
        table = SongTable(song_ids=song_ids, titles=[str(s) for s in song_ids],
                          artists=[meta.artist_names[a] for a in meta.artist], artist=meta.artist,
                          genre=meta.genre, language=meta.language, year=meta.year)
        table.set_vectors("voice", *song_voice_vectors(store))
        hum_ids, hum_raw = pooled_hum_vectors(store)
        mel_ids, mel_raw = melody_vectors(store)
        contents = {"hum": (hum_ids, centred_unit(hum_raw)), "melody": (mel_ids, centred_unit(mel_raw))}
        rooms = make_rooms(meta, np.array([r[2] for r in rows], float),
                           np.array([r[3] for r in rows], float), rng)
        sessions = simulate_sessions(rooms, n_sessions, rng)
        room_rows, info = room_bench(table, contents, sessions, n_queries, rng)
        assert np.array_equal(hum_ids, mel_ids), "every song should have both content vectors"
        sanity = content_sanity(store, hum_ids, {"hum": hum_raw, "melody": mel_raw},
                                sanity_queries, rng)
    finally:
        store.close()
    return {"machine": machine_description(), "date": datetime.date.today().isoformat(),
            "songs": len(song_ids), "sessions": n_sessions, "seed": seed, "rows": room_rows + sanity,
            **info}


def _weights_text(weights: dict[str, float]) -> str:
    return ", ".join(f"{s} {weights.get(s, 0.0):g}" for s in SOURCES)


def weights_line(report: dict) -> str:
    """The fitted weights and how they compare with the app's defaults."""
    fit = report.get("fit") or {}
    if not fit.get("weights"):
        return (f"weights: too few held-out pairs ({fit.get('pairs', 0)}) to fit; "
                f"weighted rows use the defaults ({_weights_text(DEFAULT_SOURCE_WEIGHTS)})")
    same = all(abs(fit["weights"].get(s, 0.0) - DEFAULT_SOURCE_WEIGHTS.get(s, 0.0)) < 1e-6
               for s in SOURCES)
    return (f"weights fitted as the app does, on the training sessions only (last 20 % held out, "
            f"{fit['pairs']} pairs, {report.get('fit_s', 0.0):.1f} s): {_weights_text(fit['weights'])}"
            f" | held-out MRR {fit['mrr']:.3f} / hit@10 {100 * fit['hit10']:.1f} % against "
            f"{fit['start_mrr']:.3f} / {100 * fit['start_hit10']:.1f} % with the defaults | app "
            f"defaults (DEFAULT_SOURCE_WEIGHTS) " + ("are these" if same else
                                                    f"differ: {_weights_text(DEFAULT_SOURCE_WEIGHTS)}"))


def format_report(report: dict) -> str:
    def pct(v):
        return "–" if v is None else f"{100 * v:.1f}"

    head = (f"machine: {report['machine']} | date: {report['date']} | 1 thread | "
            f"{report['songs']} demo songs (real melodies and demo voices, synthetic "
            f"artists/genres/eras) | {report['sessions']} sessions: {report['train_sessions']} "
            f"train, {report['test_sessions']} test | item2vec on {report['cooc_songs']} songs "
            f"in {report['train_s']:.1f} s | cold queries {pct(report['cold_share'])} % | "
            f"seed {report['seed']}")
    lines = [head, weights_line(report), "", "| part | method | n | hit@10 % | MRR | recall@5 % |",
             "|---|---|---:|---:|---:|---:|"]
    for r in report["rows"]:
        mrr = f"{r['mrr']:.3f}" if "mrr" in r else "–"
        lines.append(f"| {r['part']} | {r['method']} | {r['n']} | {pct(r.get('hit10'))} | {mrr} | "
                     f"{pct(r.get('recall5'))} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.similar_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sanity-queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = run_bench(args.db, args.sessions, args.queries, args.sanity_queries, args.seed)
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
