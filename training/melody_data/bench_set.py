"""The benchmark set: held-out clips rendered once, mixed into four conditions.

``voice_clean``: the dry voice. ``voice_noisy``: the voice in a room
(RT60 0.3-0.9 s), through a cheap-mic EQ, with pink or babble noise at
10 dB SNR. ``accomp0_clean``: voice plus its paired accompaniment at exactly
0 dB (RMS over the clip, dry signals). ``accomp0_noisy``: that mix with the
same room, mic and noise as ``voice_noisy``. Every condition is peak
normalised to -3 dBFS; the noisy ones of a clip share one room, mic and noise
draw, so conditions differ only in what they add. Babble in the bench is
made from the held-out voices' own speech, never from training voices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .augment import MixSettings, apply_settings, set_babble_bank
from .clip_format import BENCH_CONDITIONS, save_bench
from .clips import ClipRenderer
from .tts_voices import voice_by_name

BENCH_SNR_DB = 10.0
BENCH_PEAK_DBFS = -3.0
BENCH_NOISES = ("pink", "babble")


def noisy_settings(rng: np.random.Generator, *, with_accomp: bool) -> MixSettings:
    """Room + cheap-mic EQ + pink/babble noise at BENCH_SNR_DB; no band limit or clipping."""
    eq = (rng.uniform(80.0, 200.0), rng.uniform(-6.0, 4.0), rng.uniform(-10.0, 4.0),
          float(np.exp(rng.uniform(np.log(400.0), np.log(4000.0)))), rng.uniform(-8.0, 8.0),
          rng.uniform(0.7, 2.5))
    return MixSettings(rt60_s=rng.uniform(0.3, 0.9), drr_db=rng.uniform(0.0, 8.0), eq=eq, band=None,
                       accomp_db=0.0 if with_accomp else None,
                       noise_kind=BENCH_NOISES[int(rng.integers(0, len(BENCH_NOISES)))],
                       snr_db=BENCH_SNR_DB, clip_drive_db=None, peak_dbfs=BENCH_PEAK_DBFS)


def clean_settings(*, with_accomp: bool) -> MixSettings:
    return MixSettings(rt60_s=None, drr_db=0.0, eq=None, band=None,
                       accomp_db=0.0 if with_accomp else None, noise_kind=None, snr_db=0.0,
                       clip_drive_db=None, peak_dbfs=BENCH_PEAK_DBFS)


def bench_conditions(voice: np.ndarray, accomp: np.ndarray, seed: int, index: int) -> dict[str, np.ndarray]:
    """condition -> float32 [L] audio for one clip (voice, accomp: dry float [L])."""
    draw = np.random.default_rng([seed, 2, 200, index])
    noisy = noisy_settings(draw, with_accomp=False)
    noisy_accomp = MixSettings(**{**noisy.__dict__, "accomp_db": 0.0})
    out = {}
    for name, settings, acc in (("voice_clean", clean_settings(with_accomp=False), None),
                                ("voice_noisy", noisy, None),
                                ("accomp0_clean", clean_settings(with_accomp=True), accomp),
                                ("accomp0_noisy", noisy_accomp, accomp)):
        rng = np.random.default_rng([seed, 2, 300, index])  # same room and noise in both noisy ones
        out[name] = apply_settings(voice, acc, settings, rng)
    return {name: out[name] for name in BENCH_CONDITIONS}


def render_bench_chunk(renderer: ClipRenderer, first: int, count: int) -> dict[str, np.ndarray]:
    """Bench clips ``first .. first+count-1``: ``f0`` [N, LABEL_FRAMES], ``voice_name`` [N]
    and one float32 [N, CLIP_SAMPLES] array per condition."""
    clips = renderer.render([renderer.draw("bench", i) for i in range(first, first + count)])
    set_babble_bank(np.concatenate([renderer.analysis(v).speech for v in renderer.bench_voices]))
    try:
        mixes = [bench_conditions(clips["voice"][i], clips["accomp"][i], renderer.seed, first + i)
                 for i in range(count)]
    finally:
        set_babble_bank(None)
    return {"f0": clips["f0"], "voice_name": clips["voice_name"],
            **{c: np.stack([m[c] for m in mixes]) for c in BENCH_CONDITIONS}}


def write_bench(out: Path, chunks: list[dict[str, np.ndarray]]) -> None:
    """``out/bench/<condition>.npz`` for every condition, from rendered chunks in order."""
    for condition in BENCH_CONDITIONS:
        save_bench(Path(out) / "bench" / f"{condition}.npz", {
            "audio": np.concatenate([c[condition] for c in chunks]),
            "f0": np.concatenate([c["f0"] for c in chunks]),
            "voice_name": np.concatenate([c["voice_name"] for c in chunks])})


def bench_backings(data_dir: Path, indices: list[int]) -> dict[int, str]:
    """Bench clip index -> what its backing's guide instrument plays
    (:func:`training.melody_data.accompaniment.describe_guide`).

    Replays the build's draws (seed, soundfonts and corpus melodies from the
    data's MANIFEST.json and cache) up to each clip's accompaniment; the
    voice is rendered again only to advance the random stream as the build did.
    """
    import json

    from . import corpus_melodies
    from .accompaniment import accompaniment_events, describe_guide

    data_dir = Path(data_dir)
    manifest = json.loads((data_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    cache = data_dir.parent / "cache"
    melodies = {}
    if manifest.get("corpus"):
        melodies = corpus_melodies.load_cache(cache / corpus_melodies.CACHE_NAME)
    renderer = ClipRenderer(cache, melodies=melodies, seed=manifest["seed"],
                            soundfonts=manifest["soundfonts"],
                            bench_voices=[voice_by_name(v) for v in manifest["splits"]["bench"]["tts_voices"]])
    out = {}
    for index in indices:
        spec = renderer.draw("bench", index)
        renderer.voice_part(spec)
        out[index] = describe_guide(spec.clip, accompaniment_events(spec.clip, spec.rng))
    return out
