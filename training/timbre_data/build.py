"""Write the timbre dataset: ``python -m training.timbre_data.build``.

    python -m training.timbre_data.build [--out DIR] [--train-singers 1512]
        [--val-singers 108] [--bench-singers 60] [--songs 3] [--bench-songs 4]
        [--workers 2] [--seed 0]

Every singer (:mod:`training.timbre_data.singers`) sings ``--songs`` corpus
melodies of its split (``--bench-songs`` for bench singers), two 4 s excerpts
each, inside its own range, with its own voice and style. Voice analyses and
the parsed corpus are shared with the melody dataset (made on first use, then
cached). A complete shard is skipped, so an interrupted build resumes.
Deterministic for a seed. Output layout: :mod:`training.timbre_data.store`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from training.melody_data import corpus_melodies
from training.melody_data.clip_format import peak_normalise, to_int16
from training.melody_data.clips import default_cache_dir
from training.melody_data.melodies import ScoreMelody, clip_excerpt
from training.melody_data.tts_voices import voice_by_name
from training.melody_data.voice_analysis import VoiceAnalysis, cached_analysis
from training.melody_data.voice_synth import sing_plan
from training.melody_data.world_render import render_plan

from . import GENERATOR_VERSION
from .singers import SPLIT_CODES, Singer, clip_style, draw_singer
from .store import SHARD_SINGERS, default_data_dir, save_shard, save_singers, shard_path

EXCERPTS_PER_SONG = 2
_state: dict = {}


def _log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def _analysis(name: str) -> VoiceAnalysis:
    cache = _state.setdefault("analyses", {})
    if name not in cache:
        cache[name] = cached_analysis(voice_by_name(name), _state["cache_dir"])
    return cache[name]


def sing(singer: Singer, melody: ScoreMelody, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One 4 s excerpt of ``melody`` sung by ``singer``: (audio float32 [CLIP_SAMPLES]
    at peak -3 dBFS, f0 labels float32 [LABEL_FRAMES])."""
    clip = clip_excerpt(melody, rng, (singer.low_midi, singer.high_midi))
    analysis = _analysis(singer.voice)
    plan = sing_plan(analysis, clip, rng, syllables=rng.random() < singer.syllable_p,
                     style=clip_style(singer, rng))
    audio, f0 = render_plan(plan, singer.timbre, analysis.log_sp, analysis.ap)
    return peak_normalise(audio), f0


def render_singers(singers: list[Singer], songs: int, pool: list[ScoreMelody], seed: int) -> dict:
    """All clips of ``singers``: the arrays of one shard (see the store module)."""
    out = {"audio": [], "f0": [], "singer": [], "song": [], "melody_source": []}
    for singer in singers:
        rng = np.random.default_rng([seed, 60 + SPLIT_CODES[singer.split], singer.index])
        picks = rng.choice(len(pool), size=songs, replace=False)
        for song, pick in enumerate(picks):
            for _ in range(EXCERPTS_PER_SONG):
                audio, f0 = sing(singer, pool[int(pick)], rng)
                out["audio"].append(to_int16(audio))
                out["f0"].append(f0)
                out["singer"].append(singer.index)
                out["song"].append(song)
                out["melody_source"].append(pool[int(pick)].source)
    return {k: np.stack(v) if k in ("audio", "f0") else np.array(v) for k, v in out.items()}


def _init_worker(cache_dir: str, corpus_cache: str) -> None:
    _state["cache_dir"] = Path(cache_dir)
    _state["melodies"] = corpus_melodies.load_cache(Path(corpus_cache))


def _shard(task: tuple) -> tuple[str, int, float, int]:
    split, shard, singers, songs, seed, out = task
    start = time.time()
    arrays = render_singers(singers, songs, _state["melodies"][split], seed)
    save_shard(shard_path(Path(out), split, shard), arrays)
    return split, shard, time.time() - start, len(arrays["singer"])


def _shard_complete(path: Path, n_clips: int) -> bool:
    if not path.is_file():
        return False
    try:
        with np.load(path) as data:
            return len(data["singer"]) == n_clips
    except (OSError, ValueError, KeyError):
        return False


def corpus_cache_file(cache_dir: Path, workers: int) -> Path:
    """The parsed music21 corpus (parsed now if the melody build has not done it)."""
    path = cache_dir / corpus_melodies.CACHE_NAME
    if not path.is_file():
        jobs = corpus_melodies.list_jobs()
        _log(f"parsing {len(jobs)} corpus tunes and scores with music21 ...")
        with ProcessPoolExecutor(workers) as pool:
            records = [r for r in pool.map(corpus_melodies.parse_job, jobs, chunksize=64) if r]
        corpus_melodies.write_cache(path, records)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.timbre_data.build", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=default_data_dir())
    p.add_argument("--train-singers", type=int, default=1512)
    p.add_argument("--val-singers", type=int, default=108)
    p.add_argument("--bench-singers", type=int, default=60)
    p.add_argument("--songs", type=int, default=3, help="songs per train/val singer")
    p.add_argument("--bench-songs", type=int, default=4, help="songs per bench singer")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if min(args.train_singers, args.val_singers, args.bench_singers) < 0 or args.workers < 1:
        p.error("singer counts must be >= 0 and --workers >= 1")
    if min(args.songs, args.bench_songs) < 2:
        p.error("every singer needs at least two songs (pairs come from different songs)")
    out, cache_dir = args.out.expanduser(), default_cache_dir()
    started = time.time()
    corpus = corpus_cache_file(cache_dir, args.workers)
    tasks, counts = [], {}
    for split, n, songs in (("train", args.train_singers, args.songs),
                            ("val", args.val_singers, args.songs),
                            ("bench", args.bench_singers, args.bench_songs)):
        singers = [draw_singer(split, i, args.seed) for i in range(n)]
        if singers:
            save_singers(out, split, singers)
        counts[split] = {"singers": n, "clips": n * songs * EXCERPTS_PER_SONG,
                         "voices": sorted({s.voice for s in singers}),
                         "female": sum(s.gender == "female" for s in singers)}
        for shard, first in enumerate(range(0, n, SHARD_SINGERS)):
            group = singers[first:first + SHARD_SINGERS]
            if not _shard_complete(shard_path(out, split, shard), len(group) * songs * EXCERPTS_PER_SONG):
                tasks.append((split, shard, group, songs, args.seed, str(out)))
    _log(f"rendering {len(tasks)} shards of up to {SHARD_SINGERS} singers with {args.workers} workers")
    with ProcessPoolExecutor(args.workers, initializer=_init_worker,
                             initargs=(str(cache_dir), str(corpus))) as pool:
        for done, (split, shard, seconds, n_clips) in enumerate(pool.map(_shard, tasks), 1):
            _log(f"{split} shard {shard:04d}: {n_clips} clips in {seconds:.0f} s ({done}/{len(tasks)})")
    manifest = {"generator_version": GENERATOR_VERSION, "seed": args.seed,
                "excerpts_per_song": EXCERPTS_PER_SONG, "splits": counts,
                "build_s": round(time.time() - started, 1)}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1))
    _log(f"done in {(time.time() - started) / 60:.1f} min -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
