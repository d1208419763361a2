"""Where Norae's gender errors on the held-out singers come from.

    python -m bench.voice_gender_errors [--data DIR]

Four parts:

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
  these exact numbers do not give every label;
* the ceiling for one take: the same regression on the singer's exact
  formant scale and what a take shows of its range (the median sung pitch
  the app measures), fitted on the validation takes and scored on the
  bench takes (clean and noisy). A take covers only part of a singer's
  range, so this is the most a gender reading of one take could reach
  even if it heard the formant scale exactly;
* the fusion ceiling: the app's fusion (the head's logit and the median sung
  pitch) refitted on the bench takes themselves - the most any refit of
  ``timbre_gender.json`` could give on these takes without a better head.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from app.gender_estimate import fused_p_female
from bench.voice_bench import CONDITIONS, norae_take_reader
from training.calibrate_gender import fit as fit_fusion
from training.melody_data.tts_voices import voice_by_name
from training.timbre_data.singers import Singer
from training.timbre_data.store import TimbreSplit, default_data_dir, load_split
from training.timbre_validation import takes

CEILING_C, CEILING_MAX_ITER = 100.0, 5000
"""The ceilings' logistic regressions: hardly regularised, run to convergence."""


def formant_scale(singer: Singer) -> float:
    """The singer's formant warp times its source voice's nominal scale (1.0 = an average man)."""
    return singer.warp * voice_by_name(singer.voice).formant_scale


def singer_numbers(split: TimbreSplit) -> tuple[np.ndarray, np.ndarray]:
    """(x float [S, 2]: log formant scale, range centre MIDI; y bool [S]: female)."""
    x = np.array([[np.log(formant_scale(s)), (s.low_midi + s.high_midi) / 2] for s in split.singers])
    return x, np.array([s.gender == "female" for s in split.singers])


def _regression():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=CEILING_C, max_iter=CEILING_MAX_ITER)


def _female(split: TimbreSplit, row: dict) -> bool:
    """Whether the singer of a take row is labelled female."""
    return split.singers[row["singer"]].gender == "female"


def label_ceiling(data_dir: Path, bench: TimbreSplit) -> dict[str, float]:
    """Accuracy % of a logistic regression on the generator's numbers, per split."""
    splits = {name: singer_numbers(load_split(data_dir, name)) for name in ("train", "val")}
    splits["bench"] = singer_numbers(bench)
    model = _regression().fit(*splits["train"])
    return {name: 100.0 * model.score(x, y) for name, (x, y) in splits.items()}


def read_takes(split: TimbreSplit, reader: tuple) -> list[dict]:
    """One row per take of ``split`` (clean, then noisy, as in :mod:`bench.voice_bench`):
    condition, singer, song, median sung MIDI (None: nothing sung), the head's
    p(female) and the fused one the app uses. ``reader``: what
    :func:`bench.voice_bench.norae_take_reader` returns."""
    read, weights = reader
    conditions = [(c, *takes(split, degrade=c == "noisy", seed=1)) for c in CONDITIONS]
    rows = []
    for condition, pairs, singers, songs in conditions:
        for (audio, _), s, song in zip(pairs, singers, songs):
            _, p_head, median = read(audio)
            rows.append({"condition": condition, "singer": int(s), "song": int(song), "median": median,
                         "p_head": float(p_head), "p_female": fused_p_female(p_head, median, weights)})
    return rows


def gender_misses(bench: TimbreSplit, rows: list[dict]) -> list[dict]:
    """The rows of wrongly gendered takes."""
    return [r for r in rows if (r["p_female"] >= 0.5) != _female(bench, r)]


def take_numbers(split: TimbreSplit, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(x float [N, 2]: the singer's log formant scale, the take's median sung MIDI;
    y bool [N]: female) for the takes with singing."""
    kept = [r for r in rows if r["median"] is not None]
    x = np.array([[np.log(formant_scale(split.singers[r["singer"]])), r["median"]] for r in kept])
    return x, np.array([_female(split, r) for r in kept])


def take_ceiling(val: TimbreSplit, val_rows: list[dict], bench: TimbreSplit,
                 bench_rows: list[dict]) -> dict[str, float]:
    """Accuracy % of a logistic regression on exact formant scale and take median, fitted on val takes."""
    x_val, y_val = take_numbers(val, val_rows)
    x_bench, y_bench = take_numbers(bench, bench_rows)
    model = _regression().fit(x_val, y_val)
    return {"val": 100.0 * model.score(x_val, y_val), "bench": 100.0 * model.score(x_bench, y_bench)}


def fusion_ceiling(bench: TimbreSplit, rows: list[dict]) -> float:
    """Accuracy % of the app's fusion fitted on (and scored on) the bench takes with singing."""
    kept = [r for r in rows if r["median"] is not None]
    female = np.array([_female(bench, r) for r in kept])
    weights = fit_fusion(np.array([r["p_head"] for r in kept]), np.array([r["median"] for r in kept]), female,
                         c=CEILING_C, max_iter=CEILING_MAX_ITER)
    fused = np.array([fused_p_female(r["p_head"], r["median"], weights) for r in kept])
    return 100.0 * float(np.mean((fused >= 0.5) == female))


def report(rows: list[dict], total: int, bench: TimbreSplit, ceiling: dict[str, float],
           per_take: dict[str, float], fusion: float) -> str:
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
              "fitted on the training singers): " + ", ".join(f"{k} {v:.1f} %" for k, v in ceiling.items()),
              "Take ceiling (the same on each singer's formant scale and the take's median sung pitch, "
              "fitted on the validation takes): " + ", ".join(f"{k} {v:.1f} %" for k, v in per_take.items()),
              f"Fusion ceiling (head logit and median sung pitch, fitted on these bench takes): {fusion:.1f} %"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.voice_gender_errors", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=default_data_dir())
    args = p.parse_args(argv)
    bench, val = load_split(args.data, "bench"), load_split(args.data, "val")
    reader = norae_take_reader()
    bench_rows, val_rows = read_takes(bench, reader), read_takes(val, reader)
    print(report(gender_misses(bench, bench_rows), len(bench_rows), bench, label_ceiling(args.data, bench),
                 take_ceiling(val, val_rows, bench, bench_rows), fusion_ceiling(bench, bench_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
