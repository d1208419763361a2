"""Calibrate hum search's confidence for the exported hum model.

    python -m training.calibrate_hum [--model models_onnx/hum.onnx] [--queries 300]

Builds a real catalog (SQLite + hnswlib, the app's own code) from most of the
validation songs, searches simulated hummed queries of songs that are in it
and of songs that are not, and fits a logistic regression from each returned
candidate's (embedding score, alignment cost) to "this is the hummed song".
Writes ``hum_calibration.json`` beside the model, which
:func:`app.hum_search.load_calibration` reads. The numbers it prints (share of
in-catalog queries answered right and confidently, share of out-of-catalog
queries answered confidently) go into the model card.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.hum_catalog import open_hum_index
from app.hum_search import HumSearch
from app.song_record import Note, SongRecord
from inference.hum_encoder import HumEncoder
from training.hum_batches import simulated_query
from training.hum_songs import load_songs

REPO = Path(__file__).resolve().parent.parent
OUT_OF_CATALOG = 150
"""Validation songs kept out of the calibration catalog."""


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Newton's method for weights w (last = bias) of p = sigmoid(x @ w[:-1] + w[-1])."""
    a = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + l2 * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=REPO / "models_onnx" / "hum.onnx")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    songs = load_songs("val")
    order = rng.permutation(len(songs))
    outside = [songs[i] for i in order[:OUT_OF_CATALOG]]
    inside = [songs[i] for i in order[OUT_OF_CATALOG:]]
    encoder = HumEncoder(args.model, threads=2)
    rows, labels, outcomes = [], [], {"in": [], "out": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = CatalogStore(Path(tmp) / "catalog.sqlite")
        ids = [store.add_song(SongRecord(title=s.source, source_format="corpus",
                                         notes=[Note(float(o), float(d), float(q)) for o, d, q in s.notes]))
               for s in inside]
        search = HumSearch(store, open_hum_index(store, Path(tmp) / "idx", encoder), encoder)
        for k in range(args.queries):
            in_catalog = k % 3 != 2
            pool = inside if in_catalog else outside
            i = int(rng.integers(len(pool)))
            song = pool[i]
            tempo = float(np.exp(rng.uniform(np.log(0.7), np.log(1.35))))
            start = float(rng.uniform(0.0, max(0.0, song.seconds - 10.0 * tempo)))
            contour = simulated_query(song.notes, start, rng, seconds=10.0, tempo=tempo)
            if not np.isfinite(contour).any():
                continue
            hits = search.search_contour(contour, top=30)
            truth = ids[i] if in_catalog else -1
            for h in hits:
                rows.append((h.embed_score, h.align_cost))
                labels.append(float(h.song_id == truth))
            outcomes["in" if in_catalog else "out"].append((hits, truth))
        store.close()
    w = fit_logistic(np.array(rows), np.array(labels))
    calibration = {"embed": float(w[0]), "align": float(w[1]), "bias": float(w[2])}
    if calibration["embed"] <= 0 or calibration["align"] >= 0:
        print(f"calibration has the wrong signs ({calibration}): the model does not separate "
              "matches from non-matches; nothing written")
        return 1

    def confident(hit) -> bool:
        z = calibration["embed"] * hit.embed_score + calibration["align"] * hit.align_cost + calibration["bias"]
        return z > 0.0

    def best(hits):
        return max(hits, key=lambda h: calibration["embed"] * h.embed_score + calibration["align"] * h.align_cost)

    right = [bool(h) and best(h).song_id == t and confident(best(h)) for h, t in outcomes["in"]]
    top1 = [bool(h) and best(h).song_id == t for h, t in outcomes["in"]]
    false = [bool(h) and confident(best(h)) for h, _ in outcomes["out"]]
    report = {**calibration, "fitted_on": f"{len(outcomes['in'])} in-catalog and {len(outcomes['out'])} "
              f"out-of-catalog simulated 10 s queries, {len(inside)} validation songs",
              "in_catalog_top1": round(float(np.mean(top1)), 4),
              "in_catalog_confident_and_right": round(float(np.mean(right)), 4),
              "out_of_catalog_confident": round(float(np.mean(false)), 4)}
    path = args.model.with_name("hum_calibration.json")
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
