"""Where Norae's gender errors on the held-out singers come from.

    python -m bench.voice_gender_errors [--data DIR]

Two parts:

* every bench take (clean and noisy, as in :mod:`bench.voice_bench`) whose
  gender the app gets wrong, grouped by singer: source TTS voice, voice type
  (the label comes from it), formant scale (the singer's warp times the
  source voice's nominal scale, 1.0 = an average man), the singer's range
  and, per take, the median sung pitch, the head's p(female) and the fused
  one (:mod:`app.gender_estimate`);
* the ceiling of the synthetic labels: a logistic regression on the
  generator's own numbers (log formant scale and range centre of each
  singer), fitted on the training singers and scored on training,
  validation and bench singers. Tenor and alto overlap by design, so even
  these exact numbers do not give every label.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.voice_bench import norae_take_reader
from training.melody_data.tts_voices import voice_by_name
from training.timbre_data.singers import Singer
from training.timbre_data.store import TimbreSplit, default_data_dir, load_split
from training.timbre_validation import takes


def formant_scale(singer: Singer) -> float:
    """The singer's formant warp times its source voice's nominal scale (1.0 = an average man)."""
    return singer.warp * voice_by_name(singer.voice).formant_scale


def singer_numbers(split: TimbreSplit) -> tuple[np.ndarray, np.ndarray]:
    """(x float [S, 2]: log formant scale, range centre MIDI; y bool [S]: female)."""
    x = np.array([[np.log(formant_scale(s)), (s.low_midi + s.high_midi) / 2] for s in split.singers])
    return x, np.array([s.gender == "female" for s in split.singers])


def label_ceiling(data_dir: Path, bench: TimbreSplit) -> dict[str, float]:
    """Accuracy % of a logistic regression on the generator's numbers, per split."""
    from sklearn.linear_model import LogisticRegression

    splits = {name: singer_numbers(load_split(data_dir, name)) for name in ("train", "val")}
    splits["bench"] = singer_numbers(bench)
    model = LogisticRegression(C=100.0, max_iter=5000).fit(*splits["train"])
    return {name: 100.0 * model.score(x, y) for name, (x, y) in splits.items()}


def gender_misses(bench: TimbreSplit) -> tuple[list[dict], int]:
    """(one row per wrongly gendered bench take, number of takes looked at)."""
    from app.gender_estimate import fused_p_female

    read, weights = norae_take_reader()
    rows, total = [], 0
    for condition in ("clean", "noisy"):
        pairs, singers, songs = takes(bench, degrade=condition == "noisy", seed=1)
        for (audio, _), s, song in zip(pairs, singers, songs):
            total += 1
            _, p_head, median = read(audio)
            p = fused_p_female(p_head, median, weights)
            singer = bench.singers[s]
            if (p >= 0.5) != (singer.gender == "female"):
                rows.append({"condition": condition, "singer": int(s), "song": int(song), "median": median,
                             "p_head": float(p_head), "p_female": p})
    return rows, total


def report(rows: list[dict], total: int, bench: TimbreSplit, ceiling: dict[str, float]) -> str:
    header = "| singer | source voice | type | formant scale | range | takes (condition: median MIDI, p head -> fused) |"
    lines = [f"Wrongly gendered bench takes: {len(rows)} of {total}", "", header, "|---:|---|---|---:|---|---|"]
    by_singer = defaultdict(list)
    for row in rows:
        by_singer[row["singer"]].append(row)
    for s, misses in sorted(by_singer.items()):
        singer = bench.singers[s]
        scale = formant_scale(singer)
        cells = "; ".join(f"{m['condition']}: {m['median']:.1f}, {m['p_head']:.2f} -> {m['p_female']:.2f}"
                          for m in misses)
        lines.append(f"| {s} | {singer.voice} | {singer.voice_type} | {scale:.3f} | "
                     f"{singer.low_midi:.0f}-{singer.high_midi:.0f} | {cells} |")
    lines += ["", "Label ceiling (logistic regression on each singer's formant scale and range centre, "
              "fitted on the training singers): " + ", ".join(f"{k} {v:.1f} %" for k, v in ceiling.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.voice_gender_errors", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=default_data_dir())
    args = p.parse_args(argv)
    bench = load_split(args.data, "bench")
    rows, total = gender_misses(bench)
    print(report(rows, total, bench, label_ceiling(args.data, bench)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
