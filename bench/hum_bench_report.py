"""Scores and printed tables of the hum-search bench (:mod:`bench.hum_bench`).

A query record holds ``rank`` (1-based, None = not in the top 30: a miss),
``seconds`` (per query, pitch extraction included) and, for Norae,
``top_score`` (calibrated confidence of the first hit, 0..1) and
``top_right``. MRR averages 1/rank with misses as 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.cli_hum import CONFIDENT  # a first hit at or above it is shown as the answer

KINDS_LENGTH_S = 10.0
"""The per-kind table is for queries of the length nearest this."""


def rank_scores(ranks: list[int | None]) -> dict:
    """n, MRR, top-1 and top-10 shares (0..1) of 1-based ranks (None = miss)."""
    rr = np.array([1.0 / r if r else 0.0 for r in ranks])
    hit = np.array([r if r else 10 ** 9 for r in ranks])
    if not len(ranks):
        return {"n": 0, "mrr": None, "top1": None, "top10": None}
    return {"n": len(ranks), "mrr": float(rr.mean()), "top1": float((hit == 1).mean()),
            "top10": float((hit <= 10).mean())}


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def summarise(report: dict, lengths: list[float]) -> dict:
    """The numbers behind the tables: ``rows`` (catalog x length x method),
    ``kinds`` (largest catalog, length nearest 10 s) and ``confidence`` (per catalog)."""
    rows, confidence = [], []
    for catalog in report["catalogs"]:
        n = str(catalog["n"])
        records = report["records"][n]
        inside = [r for r in records if r["in_catalog"]]
        for length in lengths:
            mine = [r for r in inside if r["length_s"] == length]
            rows.append({"catalog": catalog["n"], "length_s": length, "method": "norae",
                         **rank_scores([r["rank"] for r in mine]),
                         "s_per_query": _mean([r["seconds"] for r in mine]),
                         "pitch_s": _mean([r["pitch_s"] for r in mine]),
                         "after_take_s": _mean([r.get("after_take_s", np.nan) for r in mine]),
                         "confident_right": _mean([float(r["top_right"] and r["top_score"] >= CONFIDENT)
                                                   for r in mine])})
            base = [r for r in report["baseline_records"].get(n, []) if r["length_s"] == length]
            if base:
                rows.append({"catalog": catalog["n"], "length_s": length, "method": "baseline",
                             **rank_scores([r["rank"] for r in base]),
                             "s_per_query": _mean([r["seconds"] for r in base]),
                             "pitch_s": _mean([r["pitch_s"] for r in base]), "after_take_s": None,
                             "confident_right": None})
        outside = [r for r in records if not r["in_catalog"]]
        confidence.append({
            "catalog": catalog["n"], "out_of_catalog": len(outside),
            "false_confident": _mean([float(r["top_score"] >= CONFIDENT) for r in outside]),
            "in_catalog": len(inside),
            "confident_right": _mean([float(r["top_right"] and r["top_score"] >= CONFIDENT)
                                      for r in inside])})
    kinds = {}
    if report["catalogs"] and lengths:
        largest = str(report["catalogs"][-1]["n"])
        length = min(lengths, key=lambda v: abs(v - KINDS_LENGTH_S))
        mine = [r for r in report["records"][largest] if r["in_catalog"] and r["length_s"] == length]
        for kind in dict.fromkeys(r["kind"] for r in mine):
            kinds[kind] = rank_scores([r["rank"] for r in mine if r["kind"] == kind])
        kinds = {"catalog": int(largest), "length_s": length, "by_kind": kinds}
    return {"rows": rows, "kinds": kinds, "confidence": confidence}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _num(value: float | None, fmt: str = "{:.3f}") -> str:
    return "–" if value is None or np.isnan(value) else fmt.format(value)


def format_report(report: dict) -> str:
    """Header lines and markdown tables of a :func:`bench.hum_bench.run_bench` report."""
    summary = report["summary"]
    lines = [
        (f"machine: {report['machine']} | date: {report['date']} | 1 thread | "
         f"hum model: {Path(report['hum_model']).name} {report['hum_model_sha256'][:12]} | "
         f"pitch: {Path(report['melody_model']).name} | seed {report['config']['seed']} | "
         f"misses = not in the top {report['top']}"),
        "",
        "| catalog | songs | windows | add s | index s | |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for c in report["catalogs"]:
        lines.append(f"| {c['n']} | {c['songs']} | {c['windows']} | {_num(c['add_s'], '{:.1f}')} | "
                     f"{_num(c['index_s'], '{:.1f}')} | {'cached' if c['cached'] else 'built now'} |")
    lines += ["", ("| catalog | query s | method | queries | MRR | top-1 % | top-10 % | "
                   "conf. & right % | s/query | pitch s | after take s |"),
              "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in summary["rows"]:
        lines.append(f"| {r['catalog']} | {r['length_s']:g} | {r['method']} | {r['n']} | "
                     f"{_num(r['mrr'])} | {_pct(r['top1'])} | {_pct(r['top10'])} | "
                     f"{_pct(r['confident_right'])} | {_num(r['s_per_query'])} | "
                     f"{_num(r['pitch_s'])} | {_num(r['after_take_s'])} |")
    kinds = summary["kinds"]
    if kinds:
        lines += ["", f"by kind, catalog {kinds['catalog']}, {kinds['length_s']:g} s queries:", "",
                  "| kind | queries | MRR | top-1 % | top-10 % |", "|---|---:|---:|---:|---:|"]
        for kind, s in kinds["by_kind"].items():
            lines.append(f"| {kind} | {s['n']} | {_num(s['mrr'])} | {_pct(s['top1'])} | "
                         f"{_pct(s['top10'])} |")
    lines += ["", f"confidence (first hit at >= {CONFIDENT}):", "",
              ("| catalog | out-of-catalog queries | false confident % | in-catalog queries | "
               "confident and right % |"), "|---:|---:|---:|---:|---:|"]
    for c in summary["confidence"]:
        lines.append(f"| {c['catalog']} | {c['out_of_catalog']} | {_pct(c['false_confident'])} | "
                     f"{c['in_catalog']} | {_pct(c['confident_right'])} |")
    scale = report.get("scale")
    if scale:
        rss = scale["rss_growth_mb"]
        lines += ["", ("scale (synthetic songs; stage 1 only: windows, embed, hnswlib top "
                       "64 per window, per-song scores; 1 thread):"), "",
                  ("| songs | windows | index MB | build s | queries | windows/query | mean ms | "
                   "p95 ms | RSS growth MB | top-10 % |"),
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                  (f"| {scale['songs']} | {scale['windows']} | {scale['index_mb']:.1f} | "
                   f"{scale['build_s']:.0f}{'' if scale['built_now'] else ' (cached)'} | "
                   f"{scale['queries']} | {scale['windows_per_query']:.1f} | "
                   f"{scale['mean_ms']:.1f} | {scale['p95_ms']:.1f} | "
                   f"{'–' if rss is None else f'{rss:.0f}'} | {_pct(scale['top10'])} |")]
    return "\n".join(lines)
