"""Build the bundled demo voices: ``resources/demo_singers/``.

Usage::

    python -m tools.build_demo_singers [--singers 16] [--seed 0]

Every demo singer is a *synthetic* voice made exactly like the timbre
encoder's training singers (:mod:`training.timbre_data.singers`, split
"demo"): a real speaker's TTS voice resung with pyworld in its own voice
type, formant warp, tilt, breathiness, range and singing style. Each sings
two 8 s takes of two music21-corpus melodies, written as 16 kHz mono Ogg
Vorbis (about 35 KB each), and ``demo_singers.json`` lists them::

    {"note": str, "singers": [{"name", "gender", "voice_type", "range_low",
      "range_high", "source_voice", "clips": [file names]}]}

Names end in "(demo voice)" so nobody takes them for real artists. Needs the
training extras and TTS voices (``make setup-train``); the app only reads
the built files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from app.paths import DEMO_SINGERS_DIR
from inference.constants import SAMPLE_RATE
from training.melody_data import corpus_melodies
from training.melody_data.clips import default_cache_dir
from training.timbre_data.build import _init_worker, _state, sing
from training.timbre_data.singers import draw_singer

NAMES = {"female": ["Hana", "Sora", "Yuna", "Claire", "Mirae", "Elena", "Jiwoo", "Maya", "Nari", "Ana"],
         "male": ["Minho", "Joon", "Daniel", "Taeyang", "Marco", "Leo", "Hyun", "Sam", "Woojin", "Tomas"]}
MANIFEST = "demo_singers.json"
NOTE = ("Synthetic demo voices made by Norae's training-data synthesis (TTS voices resung with "
        "pyworld); not recordings of real singers.")
TAKES = 2
EXCERPTS_PER_TAKE = 2


def build(out: Path, n_singers: int, seed: int) -> dict:
    cache = default_cache_dir()
    _init_worker(str(cache), str(cache / corpus_melodies.CACHE_NAME))
    pool = _state["melodies"]["val"]
    used = {"female": 0, "male": 0}
    singers = []
    out.mkdir(parents=True, exist_ok=True)
    for index in range(n_singers):
        singer = draw_singer("demo", index, seed)
        if used[singer.gender] == len(NAMES[singer.gender]):
            raise SystemExit(f"more {singer.gender} demo singers than names; add names to NAMES")
        name = NAMES[singer.gender][used[singer.gender]]
        used[singer.gender] += 1
        rng = np.random.default_rng([seed, 63, index])
        clips = []
        for take, pick in enumerate(rng.choice(len(pool), size=TAKES, replace=False)):
            audio = np.concatenate([sing(singer, pool[int(pick)], rng)[0] for _ in range(EXCERPTS_PER_TAKE)])
            file_name = f"{name.lower()}_{take + 1}.ogg"
            sf.write(str(out / file_name), audio, SAMPLE_RATE, format="OGG", subtype="VORBIS")
            clips.append(file_name)
        singers.append({"name": f"{name} (demo voice)", "gender": singer.gender,
                        "voice_type": singer.voice_type, "range_low": int(singer.low_midi),
                        "range_high": int(singer.high_midi), "source_voice": singer.voice,
                        "clips": clips})
        print(f"{singers[-1]['name']}: {singer.voice_type}, {singer.voice}", flush=True)
    manifest = {"note": NOTE, "seed": seed, "singers": singers}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.build_demo_singers", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=DEMO_SINGERS_DIR)
    p.add_argument("--singers", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.singers < 1:
        p.error("--singers must be at least 1")
    build(args.out, args.singers, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
