"""Norae's singing-pitch tracker against published trackers, on one held-out set.

Run from the repository root::

    python -m bench.melody_bench [--set DIR] [--methods norae,pyin,crepe-tiny,pesto]
                                 [--limit N] [--json OUT] [--model PATH]

The set is a folder of ``<condition>.npz`` files (``voice_clean``,
``voice_noisy``, ``accomp0_clean``, ``accomp0_noisy``; any other ``*.npz``
follows them), each holding ``audio`` float32 [N, L] (mono, 16 kHz) and ``f0``
float32 [N, L // 160 + 1], the reference pitch in Hz at ``t_i = i * 0.01`` s,
0 where unvoiced. ``--limit`` keeps the first N clips of each condition.

Scores, per method and condition, pooled over all frames of the condition's
clips on the reference 10 ms grid (``mir_eval.melody``, 50-cent tolerance):

* RPA / RCA: raw pitch / raw chroma accuracy. As in MIREX, a method's pitch
  guess counts on frames it calls unvoiced too (pyin, crepe and PESTO give
  one; for Norae it is the most likely posterior bin, see
  :func:`bench.peer_pitch.load_norae`).
* VR / VFA: voicing recall and false alarm of the method's own decision (see
  :mod:`bench.peer_pitch` for the peers' thresholds; Norae: ``f0_hz > 0``).
* oct err: share of reference-voiced frames whose pitch is within 50 cents of
  the reference moved by +-12 or +-24 semitones.
* ms/s: wall milliseconds per second of audio of one full call (feature
  extraction included), at 1 thread, after one warm-up call.

Run as a script, the module pins every thread pool to one thread before numpy
or torch load (``OMP_NUM_THREADS`` and friends, ``torch.set_num_threads(1)``,
onnxruntime intra-op threads 1).
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
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from bench.peer_pitch import PEERS, PeerUnavailable, PitchFn, load_norae
from inference.constants import HOP_S, HOP_SAMPLES, SAMPLE_RATE
from training.melody_data.clip_format import default_data_dir

CENT_TOLERANCE = 50.0
KNOWN_CONDITIONS = ("voice_clean", "voice_noisy", "accomp0_clean", "accomp0_noisy")
DEFAULT_SET_DIR = default_data_dir() / "bench"  # honours NORAE_TRAIN_CACHE
ALL_METHODS = ("norae", "pyin", "crepe-tiny", "pesto")
SCORE_KEYS = ("rpa", "rca", "vr", "vfa", "octave_err")


class BenchError(ValueError):
    """The bench set is missing or malformed, or a requested method is unknown."""


def condition_files(set_dir: Path) -> list[tuple[str, Path]]:
    """``(condition, path)`` for each npz in ``set_dir``, known conditions first."""
    if not set_dir.is_dir():
        raise BenchError(f"bench set folder {set_dir} does not exist")
    found = {p.stem: p for p in sorted(set_dir.glob("*.npz"))}
    if not found:
        raise BenchError(f"{set_dir} holds no <condition>.npz files")
    order = [c for c in KNOWN_CONDITIONS if c in found] + sorted(set(found) - set(KNOWN_CONDITIONS))
    return [(c, found[c]) for c in order]


def load_condition(path: Path, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``audio`` float32 [N, L] and reference ``f0`` float32 [N, L // 160 + 1] (Hz)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            audio, f0 = data["audio"], data["f0"]
    except KeyError as exc:
        raise BenchError(f"{path.name} lacks the array {exc}") from exc
    except (OSError, ValueError) as exc:
        raise BenchError(f"{path.name} is not a readable npz file ({exc})") from exc
    if audio.ndim != 2 or f0.ndim != 2 or len(audio) != len(f0) or len(audio) == 0:
        raise BenchError(f"{path.name}: expected audio [N, L] and f0 [N, T] with N > 0, "
                            f"got {audio.shape} and {f0.shape}")
    if f0.shape[1] != audio.shape[1] // HOP_SAMPLES + 1:
        raise BenchError(f"{path.name}: f0 has {f0.shape[1]} frames, "
                            f"{audio.shape[1] // HOP_SAMPLES + 1} expected for {audio.shape[1]} samples")
    if limit is not None:
        audio, f0 = audio[:limit], f0[:limit]
    return audio.astype(np.float32), np.nan_to_num(f0.astype(np.float32), nan=0.0)


def to_reference_grid(est_times: np.ndarray, est_f0: np.ndarray, est_voiced: np.ndarray,
                      n_ref: int, hop_s: float = HOP_S) -> tuple[np.ndarray, np.ndarray]:
    """An estimate resampled onto the reference grid ``t_i = i * hop_s``, i < ``n_ref``.

    ``est_times`` (s, increasing), ``est_f0`` (Hz, <= 0 = no pitch) and
    ``est_voiced`` (bool) are [M]. Pitch is interpolated linearly in log
    frequency between the two estimate frames around ``t_i`` when both carry a
    pitch, otherwise taken from the nearer frame; voicing comes from the nearer
    frame. Reference times outside the estimate's span (by more than half a
    hop) get 0 Hz and unvoiced. Returns ``f0`` float32 [n_ref] (Hz) and
    ``voiced`` bool [n_ref].
    """
    est_times = np.asarray(est_times, np.float64)
    est_f0 = np.asarray(est_f0, np.float64)
    est_voiced = np.asarray(est_voiced, bool)
    if not (est_times.shape == est_f0.shape == est_voiced.shape) or est_times.ndim != 1:
        raise ValueError("est_times, est_f0 and est_voiced must be 1-D arrays of one length")
    ref_t = np.arange(n_ref) * hop_s
    f0 = np.zeros(n_ref, np.float32)
    voiced = np.zeros(n_ref, bool)
    if len(est_times) == 0:
        return f0, voiced
    after = np.searchsorted(est_times, ref_t)
    right = np.clip(after, 0, len(est_times) - 1)
    left = np.clip(after - 1, 0, len(est_times) - 1)
    span = est_times[right] - est_times[left]
    w = np.where(span > 0, (ref_t - est_times[left]) / np.where(span > 0, span, 1.0), 0.0)
    w = np.clip(w, 0.0, 1.0)
    nearest = np.where(w < 0.5, left, right)
    pitched = est_f0 > 0
    both = pitched[left] & pitched[right]
    log_f = np.log2(np.where(pitched, est_f0, 1.0))
    interp = np.exp2((1 - w) * log_f[left] + w * log_f[right])
    f0[:] = np.where(both, interp, np.where(pitched[nearest], est_f0[nearest], 0.0))
    voiced[:] = est_voiced[nearest]
    inside = (ref_t >= est_times[0] - hop_s / 2) & (ref_t <= est_times[-1] + hop_s / 2)
    f0[~inside], voiced[~inside] = 0.0, False
    return f0, voiced


def _cents(f0_hz: np.ndarray) -> np.ndarray:
    """Cents above 10 Hz (mir_eval's base); 0 where there is no pitch."""
    f = np.asarray(f0_hz, np.float64)
    return np.where(f > 0, 1200.0 * np.log2(np.where(f > 0, f, 1.0) / 10.0), 0.0)


def octave_offsets(ref_f0: np.ndarray, est_f0: np.ndarray,
                   tolerance_cents: float = CENT_TOLERANCE) -> np.ndarray:
    """Per frame, the octaves (int8 [T]: -2, -1, 1, 2; 0 for none) by which the
    estimate is off: it lies within ``tolerance_cents`` of the reference
    shifted by that many octaves. ``ref_f0``/``est_f0`` are [T] Hz (0 =
    unvoiced / no pitch); frames without both are 0."""
    ref_f0, est_f0 = np.asarray(ref_f0), np.asarray(est_f0)
    if ref_f0.shape != est_f0.shape:
        raise ValueError(f"reference {ref_f0.shape} and estimate {est_f0.shape} differ in shape")
    out = np.zeros(ref_f0.shape, np.int8)
    frames = (ref_f0 > 0) & (est_f0 > 0)
    diff = _cents(est_f0)[frames] - _cents(ref_f0)[frames]
    off = np.zeros(diff.shape, np.int8)
    for octaves in (-2, -1, 1, 2):
        off[np.abs(diff - 1200.0 * octaves) < tolerance_cents] = octaves
    out[frames] = off
    return out


def octave_error_rate(ref_f0: np.ndarray, est_f0: np.ndarray,
                      tolerance_cents: float = CENT_TOLERANCE) -> float:
    """Share of reference-voiced frames whose estimate is off by +-1 or +-2
    octaves (:func:`octave_offsets`). Returns 0.0 when the reference has no
    voiced frame."""
    ref_voiced = np.asarray(ref_f0) > 0
    offsets = octave_offsets(ref_f0, est_f0, tolerance_cents)
    if not ref_voiced.any():
        return 0.0
    return float((offsets != 0).sum() / ref_voiced.sum())


def score(ref_f0: np.ndarray, est_f0: np.ndarray, est_voiced: np.ndarray) -> dict[str, float]:
    """RPA, RCA, VR, VFA and octave-error rate (fractions) of one estimate [T] on the grid."""
    import mir_eval.melody as mel

    ref_v = (np.asarray(ref_f0) > 0).astype(np.float64)
    est_v = np.asarray(est_voiced, bool).astype(np.float64)
    ref_c, est_c = _cents(ref_f0), _cents(est_f0)
    with warnings.catch_warnings():  # "no voiced frames" is a score of 0, not news
        warnings.simplefilter("ignore", UserWarning)
        vr, vfa = mel.voicing_measures(ref_v, est_v)
        rpa = mel.raw_pitch_accuracy(ref_v, ref_c, est_v, est_c, CENT_TOLERANCE)
        rca = mel.raw_chroma_accuracy(ref_v, ref_c, est_v, est_c, CENT_TOLERANCE)
    return {"rpa": float(rpa), "rca": float(rca), "vr": float(vr), "vfa": float(vfa),
            "octave_err": octave_error_rate(ref_f0, est_f0)}


def run_condition(track: PitchFn, audio: np.ndarray, ref_f0: np.ndarray) -> dict[str, float]:
    """Scores pooled over the clips, plus ``ms_per_s`` and ``audio_s``."""
    est_f0, est_v, seconds = [], [], 0.0
    for clip, ref in zip(audio, ref_f0):
        start = time.perf_counter()
        out = track(clip)
        seconds += time.perf_counter() - start
        times = np.arange(len(out.f0_hz)) * HOP_S
        f0, voiced = to_reference_grid(times, out.f0_hz, out.voiced, len(ref))
        est_f0.append(f0)
        est_v.append(voiced)
    result = score(ref_f0.reshape(-1), np.concatenate(est_f0), np.concatenate(est_v))
    audio_s = audio.shape[0] * audio.shape[1] / SAMPLE_RATE
    result.update(ms_per_s=1000.0 * seconds / audio_s, audio_s=audio_s)
    return result


def machine_description() -> str:
    """CPU model (from /proc/cpuinfo where there is one) and logical core count."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def run_bench(set_dir: Path, methods: list[str], model_path: Path, limit: int | None = None,
              log=sys.stderr) -> dict:
    """Every method on every condition; the report :func:`format_report` prints."""
    loaders = {"norae": lambda threads: load_norae(model_path, threads), **PEERS}
    unknown = [m for m in methods if m not in loaders]
    if unknown:
        raise BenchError(f"unknown method(s) {', '.join(unknown)}; known: {', '.join(loaders)}")
    conditions = [(name, *load_condition(path, limit)) for name, path in condition_files(set_dir)]
    rows, skipped = [], {}
    for method in methods:
        try:
            track = loaders[method](1)
        except PeerUnavailable as exc:
            skipped[method] = str(exc)
            print(f"{method}: skipped, {exc}", file=log)
            continue
        track(conditions[0][1][0])  # warm-up: lazy init, JIT, allocator
        for name, audio, ref in conditions:
            print(f"{method} on {name} ({len(audio)} clips)...", file=log, flush=True)
            rows.append({"method": method, "condition": name, **run_condition(track, audio, ref)})
    speed = {}
    for method in dict.fromkeys(r["method"] for r in rows):
        mine = [r for r in rows if r["method"] == method]
        total_s = sum(r["audio_s"] for r in mine)
        speed[method] = sum(r["ms_per_s"] * r["audio_s"] for r in mine) / total_s
    ratio = None
    if speed.get("norae") and "crepe-tiny" in speed:
        ratio = speed["crepe-tiny"] / speed["norae"]
    return {
        "machine": machine_description(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "set_dir": str(set_dir),
        "clips": {name: len(audio) for name, audio, _ref in conditions},
        "audio_s": {name: float(audio.size / SAMPLE_RATE) for name, audio, _ref in conditions},
        "model": str(model_path),
        "model_bytes": model_path.stat().st_size if model_path.is_file() else None,
        "threads": 1,
        "cent_tolerance": CENT_TOLERANCE,
        "rows": rows,
        "ms_per_s": speed,
        "speed_ratio_norae_vs_crepe_tiny": ratio,
        "skipped": skipped,
    }


def format_report(report: dict) -> str:
    """Header line, one markdown table (scores in %), speed summary."""
    from bench import peer_pitch as peers

    size = report["model_bytes"]
    model = f"{Path(report['model']).name} {size / 1e6:.2f} MB" if size is not None else "absent"
    clips = report["clips"]
    lines = [
        (f"machine: {report['machine']} | date: {report['date']} | set: {report['set_dir']}, "
         f"{len(clips)} conditions, {sum(clips.values())} clips ({sum(report['audio_s'].values()):.0f} s) "
         f"| model: {model} | 1 thread, {report['cent_tolerance']:.0f}-cent tolerance"),
        (f"voicing: norae f0_hz > 0; pyin voiced_flag; crepe-tiny periodicity >= "
         f"{peers.CREPE_PERIODICITY_THRESHOLD} (3-frame median); pesto confidence >= "
         f"{peers.PESTO_CONFIDENCE_THRESHOLD}"),
        "",
        "| method | condition | RPA % | RCA % | VR % | VFA % | oct err % | ms/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["rows"]:
        scores = " | ".join(f"{100 * r[k]:.1f}" for k in SCORE_KEYS)
        lines.append(f"| {r['method']} | {r['condition']} | {scores} | {r['ms_per_s']:.1f} |")
    lines.append("")
    lines.append("ms per s of audio over the set: "
                 + ", ".join(f"{m} {v:.1f}" for m, v in report["ms_per_s"].items()))
    ratio = report["speed_ratio_norae_vs_crepe_tiny"]
    if ratio is not None:
        lines.append(f"speed: norae is {ratio:.1f}x as fast as torchcrepe tiny")
    for method, why in report["skipped"].items():
        lines.append(f"skipped {method}: {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from app.melody_extraction import melody_model_path

    parser = argparse.ArgumentParser(prog="python -m bench.melody_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="set_dir", type=Path, default=DEFAULT_SET_DIR,
                        help=f"folder of <condition>.npz files (default {DEFAULT_SET_DIR})")
    parser.add_argument("--methods", default=",".join(ALL_METHODS),
                        help="comma-separated, from: " + ", ".join(ALL_METHODS))
    parser.add_argument("--limit", type=int, default=None, help="first N clips per condition")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--model", type=Path, default=None,
                        help="Norae's pitch model (default: the one the app runs)")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    methods = list(dict.fromkeys(m.strip() for m in args.methods.split(",") if m.strip()))
    if not methods:
        parser.error("--methods names no method")
    model_path = args.model or melody_model_path()
    try:
        report = run_bench(args.set_dir.expanduser(), methods, model_path, args.limit)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not report["rows"]:
        print("error: no method could run: " + "; ".join(f"{m}: {w}" for m, w in report["skipped"].items()),
              file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
