"""Norae's timbre encoder against MFCC statistics and Resemblyzer, on held-out singers.

Run from the repository root (after ``python -m training.timbre_data.build``)::

    python -m bench.voice_bench [--methods norae,mfcc,resemblyzer] [--key-fit] [--json OUT]

The bench split's singers are made from TTS voices no training singer uses.
A take is one singer singing one song (two 4 s excerpts, 8 s); conditions
``clean`` (dry) and ``noisy`` (one random room, mic and 10-35 dB of noise
per take, fixed seed). Per method and condition:

* EER %: singer verification over every pair of takes of *different songs*
  (cosine similarity of the embeddings);
* ident %: identification top-1 among all bench singers, each singer's
  centroid made without the song of the take being identified;
* gender %: Norae's p(female) as the app computes it (the timbre model's
  head fused with the take's median pitch, :mod:`app.gender_estimate`, fitted
  on the validation singers); the peers get a logistic regression
  fitted on 400 clean takes of the *training* split (their embeddings have no
  gender head);
* ms/take: wall milliseconds to embed one 8 s take at 1 thread, voicing
  detection included (Norae finds the sung frames with its melody model).

Key fit (``--key-fit``, Norae only): every clean bench take, as a user whose
true range is the singer's (known from its synthesis), asks ``suggest`` for 10
songs of the demo catalog with its 16 demo voices. Reported: the share of
suggestions whose melody, moved by the suggested key and octave, lies at
least 95 % (by duration) inside the true range; the same for the suggestions
whose original singer is of the other gender, and how often those are sung
an octave away from the original. Each miss is logged (stderr) with the
singer's true range, the range the take showed and the range the keys were
fitted to.

MFCC: 20 coefficients over 25 ms frames where the level is within 40 dB of
the take's loudest, mean and standard deviation, z-scored with statistics of
the same training takes. Resemblyzer (pretrained speaker encoder, in its own
PyPI package): ``preprocess_wav`` then ``embed_utterance``.
"""

from __future__ import annotations

import os

if __name__ == "__main__":
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                 "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse
import datetime
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.melody_bench import machine_description
from inference.constants import SAMPLE_RATE
from training.timbre_data.store import TimbreSplit, default_data_dir, load_split
from training.timbre_validation import score_embeddings, takes

METHODS = ("norae", "mfcc", "resemblyzer")
CONDITIONS = ("clean", "noisy")
GENDER_FIT_TAKES = 400
Embedder = Callable[[np.ndarray], tuple[np.ndarray, float | None]]
"""audio float32 [L] at 16 kHz -> (unit embedding [D], p_female or None)."""


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, np.float64)
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def norae_take_reader() -> tuple[Callable, dict[str, float]]:
    """(read, gender weights): ``read(audio)`` gives a take's (unit embedding
    [D], the head's p_female, median sung MIDI or None), the sung frames found
    by the melody model decoded as :mod:`app.voice_take` decodes a voice
    alone; the weights fuse the last two as the app does
    (:func:`app.gender_estimate.fused_p_female`). 1 thread each."""
    from app.gender_estimate import sung_median_midi
    from app.melody_extraction import shared_tracker
    from app.voice_take import gender_weights, shared_timbre_encoder
    from inference.pitch_decode import SOLO_LEAP_COST
    from inference.timbre_features import voiced_features

    tracker, encoder = shared_tracker(threads=1), shared_timbre_encoder(threads=1)

    def read(audio: np.ndarray):
        f0 = tracker.track(audio, leap_cost=SOLO_LEAP_COST).f0_hz
        emb, p_head = encoder.embed(voiced_features(audio, f0 > 0))
        return emb, p_head, sung_median_midi(f0)

    return read, gender_weights(encoder)


def norae_embedder() -> Embedder:
    from app.gender_estimate import fused_p_female

    read, weights = norae_take_reader()

    def embed(audio: np.ndarray):
        emb, p_head, median = read(audio)
        return emb, fused_p_female(p_head, median, weights)

    return embed


def mfcc_stats(audio: np.ndarray) -> np.ndarray:
    """float32 [40]: mean and std of 20 MFCCs over the frames within 40 dB of the loudest."""
    import librosa

    mfcc = librosa.feature.mfcc(y=audio, sr=SAMPLE_RATE, n_mfcc=20, n_fft=512, hop_length=160,
                                win_length=400)
    level = librosa.feature.rms(y=audio, frame_length=400, hop_length=160)[0][: mfcc.shape[1]]
    keep = level >= level.max() * 10 ** (-40 / 20)
    frames = mfcc[:, keep] if keep.any() else mfcc
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)]).astype(np.float32)


def mfcc_embedder(train_takes: list[np.ndarray]) -> Embedder:
    stats = np.stack([mfcc_stats(a) for a in train_takes])
    mean, std = stats.mean(axis=0), stats.std(axis=0) + 1e-6
    return lambda audio: (_unit((mfcc_stats(audio) - mean) / std), None)


def resemblyzer_embedder() -> Embedder:
    from resemblyzer import VoiceEncoder, preprocess_wav

    encoder = VoiceEncoder("cpu", verbose=False)

    def embed(audio: np.ndarray):
        wav = preprocess_wav(audio, source_sr=SAMPLE_RATE)
        return _unit(encoder.embed_utterance(wav if len(wav) else audio)), None

    return embed


def gender_classifier(embed: Embedder, train: TimbreSplit):
    """Logistic regression on embeddings of clean training takes: embedding -> p_female."""
    from sklearn.linear_model import LogisticRegression

    audio, singer, _ = _training_takes(train)
    x = np.stack([embed(a)[0] for a in audio])
    y = np.array([train.singers[s].gender == "female" for s in singer])
    model = LogisticRegression(max_iter=2000).fit(x, y)
    return lambda emb: float(model.predict_proba(emb[None])[0, 1])


def _training_takes(train: TimbreSplit) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """GENDER_FIT_TAKES clean takes of the training split, spread over its singers."""
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(train.singers), size=min(GENDER_FIT_TAKES, len(train.singers)), replace=False)
    audio, singers, songs = [], [], []
    for s in sorted(chosen.tolist()):
        rows = np.flatnonzero((train.singer == s) & (train.song == 0))
        if len(rows):
            audio.append(np.concatenate([train.audio[r].astype(np.float32) / 32768.0 for r in rows]))
            singers.append(s)
            songs.append(0)
    return audio, np.array(singers), np.array(songs)


def run_method(name: str, embed: Embedder, gender_of, conditions: dict, female: np.ndarray,
               log=sys.stderr) -> dict[str, dict[str, float]]:
    out = {}
    for condition, (audio_list, singer, song) in conditions.items():
        embed(audio_list[0])  # warm-up
        embs, probs, seconds = [], [], 0.0
        for audio in audio_list:
            start = time.perf_counter()
            emb, p = embed(audio)
            seconds += time.perf_counter() - start
            embs.append(emb)
            probs.append(p if p is not None else gender_of(emb))
        scores = score_embeddings(np.stack(embs), np.array(probs), singer, song, female)
        out[condition] = {"eer": 100 * scores["eer"], "ident": 100 * scores["ident_top1"],
                          "gender": 100 * scores["gender_acc"],
                          "ms_per_take": 1000 * seconds / len(audio_list)}
        print(f"{name} {condition}: {out[condition]}", file=log, flush=True)
    return out


def run_bench(methods: list[str], data_dir: Path, log=sys.stderr) -> dict:
    bench = load_split(data_dir, "bench")
    train = load_split(data_dir, "train")
    conditions = {}
    for condition in CONDITIONS:
        pairs, singer, song = takes(bench, degrade=condition == "noisy", seed=1)
        conditions[condition] = ([a for a, _ in pairs], singer, song)
    female = np.array([bench.singers[s].gender == "female" for s in conditions["clean"][1]])
    report = {"machine": machine_description(), "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "singers": len(bench.singers), "takes": len(female), "threads": 1, "results": {}}
    for name in methods:
        if name == "norae":
            embed = norae_embedder()
            gender_of = None
        else:
            embed = mfcc_embedder(_training_takes(train)[0]) if name == "mfcc" else resemblyzer_embedder()
            gender_of = gender_classifier(embed, train)
        report["results"][name] = run_method(name, embed, gender_of, conditions, female, log)
    return report


def key_fit_check(data_dir: Path, takes_per_singer: int = 1, log=sys.stderr) -> dict:
    """Suggestions for the bench singers against their true ranges (see the module docstring)."""
    import tempfile

    from app.catalog_setup import open_catalog
    from app.key_fit import in_range_share
    from app.paths import index_dir_for
    from app.singer_profiles import open_timbre_index
    from app.suggest import range_used, suggest
    from app.voice_take import analyse_voice, shared_timbre_encoder

    bench = load_split(data_dir, "bench")
    pairs, singer, song = takes(bench, degrade=False, seed=1)
    counts = {"results": 0, "fit": 0, "other_gender": 0, "other_fit": 0, "other_octave": 0, "users": 0}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.sqlite"
        with open_catalog(db) as store:
            encoder = shared_timbre_encoder()
            index = open_timbre_index(store, index_dir_for(db), encoder)
            for n, ((audio, _), s, g) in enumerate(zip(pairs, singer, song)):
                if g >= takes_per_singer:
                    continue
                truth = bench.singers[s]
                voice = analyse_voice(audio, encoder)
                used = range_used(voice)
                counts["users"] += 1
                for result in suggest(store, index, voice, top=10):
                    notes = store.notes(result.song_id)
                    pitches = np.array([x.pitch for x in notes]) + result.fit.total_shift
                    weights = np.array([max(x.duration_s, 1e-3) for x in notes])
                    share = in_range_share(pitches, weights, truth.low_midi, truth.high_midi)
                    inside = share >= 0.95
                    if not inside:  # the why, on the log: true, heard and used ranges (MIDI)
                        print(f"key fit miss: singer {s} ({truth.gender}, true {truth.low_midi:.0f}-"
                              f"{truth.high_midi:.0f}, heard {voice.range_low}-{voice.range_high}, "
                              f"used {used[0]}-{used[1]}): song {result.song_id} at "
                              f"{result.fit.describe()}, sung {pitches.min():.0f}-{pitches.max():.0f}, "
                              f"{share:.1%} inside", file=log, flush=True)
                    counts["results"] += 1
                    counts["fit"] += int(inside)
                    if result.singer_gender in ("female", "male") and result.singer_gender != truth.gender:
                        counts["other_gender"] += 1
                        counts["other_fit"] += int(inside)
                        counts["other_octave"] += int(result.fit.octave != 0)
                print(f"key fit: {counts['users']} users, {counts['fit']}/{counts['results']} in range",
                      file=log, flush=True)
    def share(part: str, whole: str) -> float:
        return 100.0 * counts[part] / counts[whole] if counts[whole] else float("nan")

    return {**counts, "fit_pct": share("fit", "results"), "other_fit_pct": share("other_fit", "other_gender"),
            "other_octave_pct": share("other_octave", "other_gender")}


def format_report(report: dict) -> str:
    lines = [(f"Voice bench: {report['singers']} held-out singers, {report['takes']} takes of 8 s; "
             f"{report['machine']}; {report['date']}; {report['threads']} thread"),
             "", "| method | condition | EER % | ident top-1 % | gender % | ms/take |",
             "|---|---|---:|---:|---:|---:|"]
    for name, by_condition in report["results"].items():
        for condition, s in by_condition.items():
            lines.append(f"| {name} | {condition} | {s['eer']:.1f} | {s['ident']:.1f} | "
                         f"{s['gender']:.1f} | {s['ms_per_take']:.0f} |")
    fit = report.get("key_fit")
    if fit:
        lines += ["", (f"Key fit: {fit['users']} users x top 10 = {fit['results']} suggestions; "
                      f"{fit['fit_pct']:.1f} % at least 95 % inside the user's true range. "
                      f"Other-gender songs: {fit['other_gender']}, {fit['other_fit_pct']:.1f} % in range, "
                      f"{fit['other_octave_pct']:.1f} % sung an octave away from the original.")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.voice_bench", description=__doc__.split("\n")[0])
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--data", type=Path, default=default_data_dir())
    p.add_argument("--key-fit", action="store_true", help="also check suggested keys (slower)")
    p.add_argument("--json", type=Path, default=None, help="also write the report as JSON")
    args = p.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        p.error(f"unknown methods {unknown}; known: {', '.join(METHODS)}")
    report = run_bench(methods, args.data)
    if args.key_fit:
        report["key_fit"] = key_fit_check(args.data)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
