"""Calibrate hum search's ranking and confidence for the exported hum model.

    python -m training.calibrate_hum [--model models_onnx/hum.onnx] [--queries 400]

Builds a real catalog (SQLite + hnswlib, the app's own code) from most of the
validation songs plus every training song as distractors, and searches it with
rendered queries the way the app does: sung, "la"-syllable, hummed and
whistled audio (training TTS voices only), recorded in a simulated room,
tracked by the shipped melody model, turned into a contour. Three queries in
four come from catalog songs (5, 10 and 10 s long, in turn); every fourth is
10 s of a validation song left out of the catalog.

Every returned candidate gets the features of :func:`app.hum_search.features`;
a logistic regression from them to "this is the hummed song" gives the
weights that both rank the candidates and say how sure the answer is. Writes
``hum_calibration.json`` beside the model, which
:func:`app.hum_search.load_calibration` reads. The numbers it prints (top-1 of
in-catalog queries, share answered right and confidently, share of
out-of-catalog queries answered confidently) go into the model card.

The rendered queries' contours are cached under the training cache
(``hum_calibration/``), keyed by the melody model's sha256 and the pitch
decode settings; their candidates beside them, keyed also by the hum model's
sha256 and ``app.hum_search.SEARCH_VERSION``. A refit after a change to the
fit alone takes seconds, one after a change to the search a few minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.hum_catalog import open_hum_index
from app.hum_search import (
    FEATURES,
    SEARCH_VERSION,
    HumQueryError,
    HumSearch,
    lead_features,
)
from app.melody_extraction import melody_model_path, shared_tracker
from app.song_record import Note, SongRecord
from inference.hum_encoder import HumEncoder
from inference.melody_contour import contour_from_f0
from inference.pitch_decode import DECODE_SIGNATURE
from training.hum_audio import KINDS, TTS_KINDS, recorded_query
from training.hum_queries import excerpt
from training.hum_songs import load_songs
from training.melody_data.augment import require_babble_bank
from training.melody_data.tts_voices import training_voices
from training.melody_paths import cache_root

REPO = Path(__file__).resolve().parent.parent
OUT_OF_CATALOG = 150
"""Validation songs kept out of the calibration catalog."""
IN_CATALOG_LENGTHS_S = (5.0, 10.0, 10.0)
"""Lengths of the in-catalog queries, in turn (queries k % 4 = 0, 1, 2)."""
TOP = 30


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


def render(song_notes: np.ndarray, length_s: float, number: int, rng: np.random.Generator,
           voices: list[str]) -> np.ndarray | None:
    """One query as a phone in a room records it, float32 [S]; None if the excerpt is empty."""
    kind = KINDS[number % len(KINDS)]
    voice = voices[number % len(voices)] if kind in TTS_KINDS else None
    tempo = float(rng.uniform(0.7, 1.3))
    span = length_s * tempo + 0.3
    end = float((song_notes[:, 0] + song_notes[:, 1]).max())
    notes = excerpt(song_notes, float(rng.uniform(0.0, max(0.0, end - span))), span)
    if len(notes) < 3:
        return None
    return recorded_query(notes, rng, kind=kind, voice=voice, tempo=tempo,
                          key_shift=float(rng.uniform(-7, 7)))


def rendered_contours(n_queries: int, seed: int, cache: Path) -> dict[str, np.ndarray]:
    """The rendered queries, tracked by the shipped melody model: ``contour``
    float32 (all query contours end to end), ``length`` int [Q] (frames of
    each), ``song`` int [Q] (index into the in-catalog validation songs, or
    -1 for a song left out), ``inside`` bool [Q]. Cached under ``cache`` by
    the melody model's sha256 and the pitch decode settings."""
    pitch_sha = hashlib.sha256(melody_model_path().read_bytes()).hexdigest()
    path = cache / f"contours-{pitch_sha[:12]}-{DECODE_SIGNATURE}-n{n_queries}-seed{seed}.npz"
    if path.is_file():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    rng = np.random.default_rng(seed)
    inside, outside = calibration_songs(rng)
    voices = [v.name for v in training_voices()]
    tracker = shared_tracker(threads=1)
    contours, songs, in_flags = [], [], []
    for k in range(n_queries):
        is_inside = k % 4 != 3
        pool = inside if is_inside else outside
        i = int(rng.integers(len(pool)))
        audio = render(pool[i].notes, IN_CATALOG_LENGTHS_S[k % 4] if is_inside else 10.0, k,
                       rng, voices)
        if audio is None:
            continue
        contours.append(contour_from_f0(tracker.track(audio).f0_hz))
        songs.append(i if is_inside else -1)
        in_flags.append(is_inside)
        if (k + 1) % 50 == 0:
            print(f"queries rendered: {k + 1}/{n_queries}", flush=True)
    out = {"contour": np.concatenate(contours).astype(np.float32),
           "length": np.array([len(c) for c in contours]), "song": np.array(songs),
           "inside": np.array(in_flags)}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **out)
    return out


def calibration_songs(rng: np.random.Generator) -> tuple[list, list]:
    """(validation songs in the catalog, validation songs left out), drawn with ``rng``."""
    val = load_songs("val")
    order = rng.permutation(len(val))
    return [val[i] for i in order[OUT_OF_CATALOG:]], [val[i] for i in order[:OUT_OF_CATALOG]]


def collect(model: Path, n_queries: int, seed: int, cache: Path) -> dict[str, np.ndarray]:
    """Candidates of rendered queries: ``embed`` and ``align`` float [R] (their
    scores), ``query`` int [R] (query number), ``truth`` bool [R], ``inside``
    bool [Q]. Cached by the hum model, the queries and SEARCH_VERSION."""
    encoder = HumEncoder(model, threads=1)
    queries = rendered_contours(n_queries, seed, cache)
    query_key = hashlib.sha256(queries["contour"].tobytes()).hexdigest()
    path = cache / (f"candidates-{encoder.sha256[:12]}-{query_key[:12]}-s{SEARCH_VERSION}"
                    f"-n{n_queries}-seed{seed}.npz")
    if path.is_file():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    inside, _ = calibration_songs(np.random.default_rng(seed))
    distractors = load_songs("train")
    contours = np.split(queries["contour"], np.cumsum(queries["length"])[:-1])
    rows, numbers, truths = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = CatalogStore(Path(tmp) / "catalog.sqlite")
        with store.db.atomic():
            ids = [store.add_song(SongRecord(title=s.source, source_format="corpus", notes=[
                Note(float(o), float(d), float(q)) for o, d, q in s.notes])) for s in inside + distractors]
        search = HumSearch(store, open_hum_index(store, Path(tmp) / "idx", encoder), encoder)
        for k, (contour, song) in enumerate(zip(contours, queries["song"])):
            try:
                hits = search.search_contour(contour, top=TOP)
            except HumQueryError:
                hits = []  # nothing sung that could be searched: a query with no answer
            truth = ids[song] if song >= 0 else -1
            rows += [(h.embed_score, h.align_cost) for h in hits]
            numbers += [k] * len(hits)
            truths += [h.song_id == truth for h in hits]
            if (k + 1) % 50 == 0:
                print(f"queries searched: {k + 1}/{len(contours)}", flush=True)
        store.close()
    scores = np.array(rows, dtype=np.float64).reshape(-1, 2)
    out = {"embed": scores[:, 0], "align": scores[:, 1], "query": np.array(numbers),
           "truth": np.array(truths), "inside": queries["inside"]}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **out)
    return out


def feature_rows(data: dict[str, np.ndarray]) -> np.ndarray:
    """float64 [R, len(FEATURES)]: each query's candidates through :func:`app.hum_search.lead_features`."""
    x = np.zeros((len(data["query"]), len(FEATURES)))
    for q in np.unique(data["query"]):
        rows = np.flatnonzero(data["query"] == q)
        x[rows] = lead_features(data["embed"][rows], data["align"][rows])
    return x


def evaluate(w: np.ndarray, data: dict[str, np.ndarray]) -> dict[str, float]:
    """Top-1, MRR, confident-and-right (in catalog) and confident (outside) under weights w."""
    z = feature_rows(data) @ w[:-1] + w[-1]
    top1, rr, right, false = [], [], [], []
    for q, inside in enumerate(data["inside"]):
        rows = np.flatnonzero(data["query"] == q)
        if not len(rows):  # no candidate: a miss, and not a confident answer
            if inside:
                top1.append(False), rr.append(0.0), right.append(False)
            else:
                false.append(False)
            continue
        order = rows[np.argsort(-z[rows])]
        best = order[0]
        if inside:
            hit = np.flatnonzero(data["truth"][order])
            rr.append(1.0 / (hit[0] + 1) if len(hit) else 0.0)
            top1.append(bool(data["truth"][best]))
            right.append(bool(data["truth"][best]) and z[best] > 0)
        else:
            false.append(bool(z[best] > 0))
    return {"in_catalog_top1": round(float(np.mean(top1)), 4), "in_catalog_mrr": round(float(np.mean(rr)), 4),
            "in_catalog_confident_and_right": round(float(np.mean(right)), 4),
            "out_of_catalog_confident": round(float(np.mean(false)), 4)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=REPO / "models_onnx" / "hum.onnx")
    p.add_argument("--queries", type=int, default=400)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)
    require_babble_bank()  # the rendered queries' room noise includes babble
    data = collect(args.model, args.queries, args.seed, cache_root() / "hum_calibration")
    w = fit_logistic(feature_rows(data), data["truth"].astype(float))
    calibration = {name: float(v) for name, v in zip(FEATURES, w[:-1])} | {"bias": float(w[-1])}
    if calibration["embed"] <= 0 or calibration["align"] >= 0:
        print(f"calibration has the wrong signs ({calibration}): the model does not separate "
              "matches from non-matches; nothing written")
        return 1
    n_in = int(data["inside"].sum())
    report = {**calibration, "fitted_on": f"{n_in} in-catalog and {len(data['inside']) - n_in} "
              "out-of-catalog rendered queries (5 and 10 s, training voices, room noise, melody-model "
              "pitch), a catalog of validation songs and training-split distractors",
              **evaluate(w, data)}
    path = args.model.with_name("hum_calibration.json")
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
