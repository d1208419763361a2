"""Write the melody dataset: ``python -m training.melody_data.build``.

    python -m training.melody_data.build [--out DIR] [--train-clips N] [--val-clips N]
        [--bench-clips N] [--workers 2] [--seed 0] [--cache DIR] [--no-corpus]
        [--voices A,B] [--bench-voices A,B] [--soundfonts FluidR3,TimGM6mb]

Steps (each timed, each resumable): analyse every TTS voice (cached), measure
the choir programs' tuning per soundfont (cached), parse the music21 corpus
(cached), render train/val shards (a complete shard is skipped), render the
bench conditions, write ``babble.npy`` and ``MANIFEST.json``. Output layout:
:mod:`training.melody_data.clip_format`. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from inference.constants import SAMPLE_RATE
from inference.pitch_decode import hz_to_midi

from . import GENERATOR_VERSION, corpus_melodies
from .augment import AUGMENT_VERSION
from .bench_set import render_bench_chunk, write_bench
from .choir import CHOIR_PROGRAMS
from .clip_format import (
    BENCH_CONDITIONS,
    SHARD_CLIPS,
    default_data_dir,
    load_split,
    save_shard,
    shard_path,
    to_int16,
)
from .clips import SOUNDFONT_P, ClipRenderer
from .midi_render import tuning_offsets
from .tts_voices import TtsError, held_out_voices, training_voices, voice_by_name
from .voice_analysis import VoiceAnalysisError, cached_analysis

BABBLE_SECONDS_PER_VOICE = 3.0
BENCH_CHUNK = 60
_renderer: ClipRenderer | None = None


def _log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def _init_worker(config: dict) -> None:
    global _renderer
    melodies = {}
    if config["corpus_cache"]:
        melodies = corpus_melodies.load_cache(Path(config["corpus_cache"]))
    _renderer = ClipRenderer(Path(config["cache"]), melodies=melodies, seed=config["seed"],
                             max_sentences=config["max_sentences"],
                             train_voices=[voice_by_name(v) for v in config["voices"]],
                             bench_voices=[voice_by_name(v) for v in config["bench_voices"]],
                             soundfonts=config["soundfonts"])


def _analyse(args: tuple[str, str, int | None]) -> tuple[str, float, str]:
    """Worker: analyse one voice -> (name, seconds, error or "")."""
    name, cache, max_sentences = args
    start = time.time()
    try:
        cached_analysis(voice_by_name(name), Path(cache), max_sentences)
    except (TtsError, VoiceAnalysisError) as exc:
        return name, time.time() - start, str(exc)
    return name, time.time() - start, ""


def _tuning(args: tuple[str, str, int]) -> tuple[str, int]:
    cache, font, program = args
    tuning_offsets(Path(cache), font, program)
    return font, program


def _shard(args: tuple[str, int, int, int, str]) -> tuple[str, int, float, int]:
    split, shard, first, count, out = args
    start = time.time()
    specs = [_renderer.draw(split, i) for i in range(first, first + count)]
    clips = _renderer.render(specs)
    save_shard(shard_path(Path(out), split, shard), {
        **clips, "voice": to_int16(clips["voice"]), "accomp": to_int16(clips["accomp"])})
    return split, shard, time.time() - start, count


def _bench_chunk(args: tuple[int, int]) -> dict[str, np.ndarray]:
    first, count = args
    return render_bench_chunk(_renderer, first, count)


def _shard_complete(path: Path, count: int) -> bool:
    """A shard exists (shards are renamed into place whole) with ``count`` clips."""
    if not path.is_file():
        return False
    try:
        with np.load(path) as data:
            return len(data["f0"]) == count
    except (OSError, ValueError, KeyError):
        return False


def _labels(out: Path, split: str) -> dict[str, np.ndarray]:
    """The small arrays of a split (no audio): f0, kind, voice_name, melody_source."""
    parts = []
    for path in sorted((out / split).glob("shard_[0-9][0-9][0-9][0-9].npz")):
        with np.load(path) as data:
            parts.append({k: data[k] for k in ("f0", "kind", "voice_name", "melody_source")})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}


def babble_bank(renderer: ClipRenderer, seed: int) -> np.ndarray:
    """int16 [S]: a few seconds of speech from every training voice, shuffled."""
    rng = np.random.default_rng([seed, 77])
    pieces = []
    for voice in renderer.train_voices:
        speech = renderer.analysis(voice).speech
        n = int(BABBLE_SECONDS_PER_VOICE * SAMPLE_RATE)
        start = int(rng.integers(0, max(1, len(speech) - n)))
        pieces.append(speech[start:start + n])
    order = rng.permutation(len(pieces))
    return np.concatenate([pieces[i] for i in order]).astype(np.int16)


def f0_coverage(f0: np.ndarray) -> dict[str, int]:
    """Voiced label frames per semitone, "C2" ... "C6" (nearest note), plus below/above."""
    from app.melody_stats import note_name

    voiced = f0[f0 > 0]
    midi = np.round(hz_to_midi(voiced)).astype(int)
    out = {"below C2": int(np.sum(midi < 36))}
    out.update({note_name(m): int(np.sum(midi == m)) for m in range(36, 85)})
    out["above C6"] = int(np.sum(midi > 84))
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.melody_data.build", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=default_data_dir())
    p.add_argument("--train-clips", type=int, default=10_000)
    p.add_argument("--val-clips", type=int, default=400)
    p.add_argument("--bench-clips", type=int, default=120)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", type=Path, default=None, help="analysis cache (default: OUT/../cache)")
    p.add_argument("--no-corpus", action="store_true", help="random-walk melodies only")
    p.add_argument("--voices", default="", help="comma-separated training voices (default: all)")
    p.add_argument("--bench-voices", default="", help="comma-separated bench voices (default: held out)")
    p.add_argument("--soundfonts", default="", help="comma-separated soundfonts (default: both)")
    p.add_argument("--max-sentences", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if min(args.train_clips, args.val_clips, args.bench_clips) < 0 or args.workers < 1:
        p.error("clip counts must be >= 0 and --workers >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out, cache = args.out.expanduser(), (args.cache or args.out.expanduser().parent / "cache")
    voices = args.voices.split(",") if args.voices else [v.name for v in training_voices()]
    bench_voices = args.bench_voices.split(",") if args.bench_voices else [v.name for v in held_out_voices()]
    fonts = args.soundfonts.split(",") if args.soundfonts else list(SOUNDFONT_P)
    soundfonts = {f: SOUNDFONT_P.get(f, 1.0) for f in fonts}
    for name in voices + bench_voices:
        voice_by_name(name)  # unknown names fail here, before any work
    timings: dict[str, float] = {}
    t_all = time.time()
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(args.workers) as pool:
        t = time.time()
        needed = (voices if args.train_clips + args.val_clips else []) + (bench_voices if args.bench_clips else [])
        skipped = {}
        for name, seconds, error in pool.map(_analyse, [(v, str(cache), args.max_sentences) for v in needed]):
            if error:
                skipped[name] = error
                _log(f"SKIPPING voice {name}: {error}")
            elif seconds > 0.5:
                _log(f"analysed voice {name} in {seconds:.1f} s")
        voices = [v for v in voices if v not in skipped]
        bench_voices = [v for v in bench_voices if v not in skipped]
        if not voices or not bench_voices:
            raise SystemExit("no usable TTS voices left (is festival/espeak-ng installed?)")
        list(pool.map(_tuning, [(str(cache), f, p) for f in soundfonts for p in CHOIR_PROGRAMS]))
        timings["voices_and_tuning_s"] = round(time.time() - t, 1)
        _log(f"voices and soundfont tuning ready ({timings['voices_and_tuning_s']} s)")
        corpus_cache = None
        if not args.no_corpus:
            t = time.time()
            corpus_cache = cache / corpus_melodies.CACHE_NAME
            if not corpus_cache.is_file():
                jobs = corpus_melodies.list_jobs()
                _log(f"parsing {len(jobs)} corpus tunes and scores with music21 ...")
                records = [r for r in pool.map(corpus_melodies.parse_job, jobs, chunksize=64) if r]
                corpus_melodies.write_cache(corpus_cache, records)
                _log(f"kept {len(records)} of {len(jobs)} corpus melodies")
            timings["corpus_s"] = round(time.time() - t, 1)
    config = {"cache": str(cache), "seed": args.seed, "max_sentences": args.max_sentences,
              "voices": voices, "bench_voices": bench_voices, "soundfonts": soundfonts,
              "corpus_cache": str(corpus_cache) if corpus_cache else ""}
    tasks = []
    for split, total in (("train", args.train_clips), ("val", args.val_clips)):
        for shard in range(math.ceil(total / SHARD_CLIPS)):
            first = shard * SHARD_CLIPS
            if not _shard_complete(shard_path(out, split, shard), min(SHARD_CLIPS, total - first)):
                tasks.append((split, shard, first, min(SHARD_CLIPS, total - first), str(out)))
    t = time.time()
    todo = sum(task[3] for task in tasks)
    _log(f"rendering {todo} clips in {len(tasks)} shards with {args.workers} workers")
    with ProcessPoolExecutor(args.workers, initializer=_init_worker, initargs=(config,)) as pool:
        done = 0
        for split, shard, seconds, count in pool.map(_shard, tasks):
            done += count
            elapsed = time.time() - t
            _log(f"{split} shard {shard:04d}: {count} clips in {seconds:.0f} s; {done}/{todo} clips, "
                 f"eta {elapsed / done * (todo - done) / 60:.1f} min")
        timings["shards_s"] = round(time.time() - t, 1)
        t = time.time()
        if args.bench_clips and not all((out / "bench" / f"{c}.npz").is_file() for c in BENCH_CONDITIONS):
            chunks = [(s, min(BENCH_CHUNK, args.bench_clips - s)) for s in range(0, args.bench_clips, BENCH_CHUNK)]
            write_bench(out, list(pool.map(_bench_chunk, chunks)))
            _log(f"bench: {args.bench_clips} clips x {len(BENCH_CONDITIONS)} conditions")
        timings["bench_s"] = round(time.time() - t, 1)
    _init_worker(config)
    if args.train_clips + args.val_clips:
        np.save(out / "babble.npy", babble_bank(_renderer, args.seed))
    timings["total_s"] = round(time.time() - t_all, 1)
    write_manifest(out, args, voices, bench_voices, soundfonts, timings, skipped)
    _log(f"done in {timings['total_s'] / 60:.1f} min -> {out}")
    return 0


def write_manifest(out: Path, args, voices, bench_voices, soundfonts, timings, skipped) -> None:
    """MANIFEST.json: versions, seed, timings, and per split its counts, voices and f0 coverage."""
    manifest = {"generator_version": GENERATOR_VERSION, "augment_version": AUGMENT_VERSION,
                "seed": args.seed, "corpus": not args.no_corpus, "soundfonts": soundfonts,
                "timings": timings, "skipped_voices": skipped, "splits": {}}
    for split in ("train", "val"):
        data = _labels(out, split)
        if not data:
            continue
        kinds, counts = np.unique(data["kind"], return_counts=True)
        manifest["splits"][split] = {
            "clips": len(data["f0"]), "kinds": dict(zip(kinds.tolist(), counts.tolist())),
            "voices": sorted(set(data["voice_name"].tolist())), "tts_voices": voices,
            "voiced_frames": float(np.mean(data["f0"] > 0)),
            "corpus_clips": int(sum(s.startswith("corpus:") for s in data["melody_source"])),
            "f0_coverage": f0_coverage(data["f0"])}
    if (out / "bench").is_dir() and all((out / "bench" / f"{c}.npz").is_file() for c in BENCH_CONDITIONS):
        bench = load_split(out, "voice_clean")
        manifest["splits"]["bench"] = {
            "clips_per_condition": len(bench["f0"]), "conditions": list(BENCH_CONDITIONS),
            "voices": sorted(set(bench["voice_name"].tolist())), "tts_voices": bench_voices,
            "f0_coverage": f0_coverage(bench["f0"])}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
