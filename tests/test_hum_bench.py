"""The hum-search bench on a tiny config: the baseline finds a song's own
stretch, queries are drawn as specified and cached, the tables have a row per
catalog and length, a rerun reuses every cached catalog and query, and the
scale index resumes an interrupted build.

Walk songs stand in for the held-out corpus. The end-to-end tests run the
shipped models; their numbers are not judged, only their plumbing.
"""

from __future__ import annotations

import numpy as np
import pytest

import bench.hum_bench_queries as queries_module
import bench.hum_scale as scale_module
from bench.hum_baseline import KEY_RANGE_ST, DtwBaseline, pyin_contour
from bench.hum_bench import BenchConfig, run_bench
from bench.hum_bench_queries import TEMPO_RANGE, bench_queries, shuffled_songs
from bench.hum_bench_report import format_report
from inference.constants import HUM_EMBED_DIM, HUM_WINDOW_FRAMES, SAMPLE_RATE
from inference.melody_contour import contour_from_notes, encoder_input
from training.hum_audio import KINDS
from training.hum_songs import walk_songs

SONGS = walk_songs("val", 24, seed=5)


def test_baseline_ranks_a_songs_own_transposed_contour_first():
    contours = [contour_from_notes(s.notes) for s in SONGS[:12]] + [np.full(50, np.nan, np.float32)]
    ids = [100 + i for i in range(len(contours))]
    wide = DtwBaseline(ids, contours)
    whole = contours[7] + 3.3  # all of song 7, a third of a semitone off the grid
    costs = wide.costs(whole)
    assert wide.rank_of(whole, 107, top=1) == 1 and costs[7] < 1e-6
    assert np.isinf(costs[-1]) and 112 not in [song for song, _ in wide.ranking(whole)]
    stretch = contours[4][60:260]  # 10 s of song 4, its median within the keys tried
    assert abs(np.nanmedian(stretch) - np.nanmedian(contours[4])) <= KEY_RANGE_ST
    costs = wide.costs(stretch - 5.6)
    assert wide.rank_of(stretch - 5.6, 104) == 1
    assert costs[4] < 0.1 < np.sort(costs)[1]  # off only where every other frame is sampled
    np.testing.assert_allclose(wide.costs(stretch + 2.0), costs, atol=1e-6)  # the key does not matter
    narrow = DtwBaseline(ids, contours, cell_budget=1)  # one song per DTW call
    np.testing.assert_allclose(narrow.costs(stretch - 5.6), costs, atol=1e-6)
    assert wide.rank_of(stretch, 107, top=1) is None  # song 4's stretch is not song 7's


def test_pyin_contour_follows_a_sung_tone():
    t = np.arange(int(2.0 * SAMPLE_RATE)) / SAMPLE_RATE
    f0 = np.where(t < 0.5, 0.0, np.where(t < 1.25, 220.0, 329.63))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    audio = (0.3 * sum(np.sin(k * phase) / k for k in range(1, 6))).astype(np.float32)
    contour = pyin_contour(audio)
    assert abs(len(contour) - 40) <= 1  # 2 s at 20 frames/s
    assert np.isnan(contour[2:8]).all()
    np.testing.assert_allclose(contour[13:23], 57.0, atol=0.3)
    np.testing.assert_allclose(contour[28:38], 64.0, atol=0.3)


class ProjectionEncoder:
    """A stand-in hum encoder: a fixed random projection of the encoder input."""

    sha256 = "f" * 64

    def __init__(self, fail_after: int | None = None):
        rng = np.random.default_rng(0)
        self.matrix = rng.normal(size=(2 * HUM_WINDOW_FRAMES, HUM_EMBED_DIM)).astype(np.float32)
        self.calls, self.fail_after = 0, fail_after

    def embed(self, windows: np.ndarray) -> np.ndarray:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt  # the user stops a long build
        x = encoder_input(windows).reshape(len(windows), -1) @ self.matrix
        return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_scale_index_resumes_an_interrupted_build_and_finds_a_songs_own_stretch(tmp_path, monkeypatch):
    monkeypatch.setattr(scale_module, "CHUNK_SONGS", 4)
    monkeypatch.setattr(scale_module, "SAVE_EVERY_SONGS", 8)
    folder = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        scale_module.build_scale_index(20, 3, ProjectionEncoder(fail_after=3), folder)
    assert scale_module.load_saved(folder)[2]["songs_done"] == 8  # saved after 8 songs, not 12
    resumed_encoder = ProjectionEncoder()
    state = scale_module.build_scale_index(20, 3, resumed_encoder, folder)
    assert resumed_encoder.calls == 3  # songs 8-19 only
    fresh = scale_module.build_scale_index(20, 3, ProjectionEncoder(), tmp_path / "fresh")
    assert state["songs_done"] == fresh["songs_done"] == 20
    assert state["windows"] == fresh["windows"] > 20 * 10
    index, owners, _ = scale_module.load_saved(folder)
    assert np.array_equal(np.unique(owners), np.arange(20)) and np.all(np.diff(owners) >= 0)
    song = walk_songs("held_out", 20, 3)[13]
    query = contour_from_notes(song.notes)[40:240]  # starts on a catalog window
    found, scores, n_windows = scale_module.search_windows(index, owners, ProjectionEncoder(), query)
    assert found[0] == 13 and scores[0] == pytest.approx(1.0, abs=1e-4) and n_windows > 5


@pytest.fixture(scope="module")
def bench_runs(tmp_path_factory):
    cache = tmp_path_factory.mktemp("hum-bench")
    config = BenchConfig(catalogs=[8, 16], queries=2, lengths=[5.0, 10.0], baseline_queries=1,
                         scale=30, scale_queries=3, seed=4, cache=cache)
    order = shuffled_songs(SONGS, config.seed)
    drawn = bench_queries(order, 8, 16, config.lengths, config.queries, config.seed,
                          cache / "queries")
    first = run_bench(config, SONGS)
    with pytest.MonkeyPatch.context() as patch:
        def no_rendering(*_args):
            raise AssertionError("a cached query was rendered again")

        patch.setattr(queries_module, "render_audio", no_rendering)
        second = run_bench(config, SONGS)
    return order, drawn, first, second


def test_queries_are_drawn_from_the_smallest_catalog_and_outside_the_largest(bench_runs):
    order, drawn, first, _ = bench_runs
    smallest, spare = {s.source for s in order[:8]}, {s.source for s in order[16:]}
    assert drawn.rendered == 5 and first["queries_rendered"] == 0  # the bench read them back
    for length, queries in drawn.by_length.items():
        assert [q.spec.kind for q in queries] == list(KINDS[:2])
        for q in queries:
            assert q.spec.source in smallest and q.spec.in_catalog
            assert TEMPO_RANGE[0] <= q.spec.tempo <= TEMPO_RANGE[1] and abs(q.spec.key_shift) <= 7
            assert 0.8 * length < len(q.audio) / SAMPLE_RATE < length + 1.5
    [outside] = drawn.out_of_catalog
    assert outside.spec.source in spare and not outside.spec.in_catalog


def test_the_report_has_a_row_per_catalog_and_length_and_ranks_in_range(bench_runs):
    _, _, first, _ = bench_runs
    rows = first["summary"]["rows"]
    assert [(r["catalog"], r["length_s"], r["method"]) for r in rows] == [
        (8, 5.0, "norae"), (8, 10.0, "norae"), (8, 10.0, "baseline"),
        (16, 5.0, "norae"), (16, 10.0, "norae"), (16, 10.0, "baseline")]
    for n in ("8", "16"):
        records = first["records"][n]
        assert len(records) == 5 and sum(not r["in_catalog"] for r in records) == 1
        for r in records + first["baseline_records"][n]:
            assert r["rank"] is None or 1 <= r["rank"] <= 30
            assert r["seconds"] > r["pitch_s"] > 0
    assert all(r["rank"] is None for r in first["records"]["8"] if not r["in_catalog"])
    assert [c["windows"] > 0 and not c["cached"] for c in first["catalogs"]] == [True, True]
    assert first["scale"]["songs"] == 30 and first["scale"]["mean_ms"] > 0
    printed = format_report(first)
    for catalog, length, method in (("8", "5", "norae"), ("16", "10", "baseline")):
        assert f"| {catalog} | {length} | {method} |" in printed
    assert "| 30 |" in printed and "false confident" in printed


def test_a_rerun_reuses_cached_catalogs_and_queries_with_the_same_results(bench_runs):
    _, _, first, second = bench_runs
    assert [c["cached"] for c in second["catalogs"]] == [True, True]
    assert second["scale"]["built_now"] is False
    for n in ("8", "16"):
        assert [r["rank"] for r in second["records"][n]] == [r["rank"] for r in first["records"][n]]


def test_queries_from_more_songs_than_the_smallest_catalog_are_refused(tmp_path):
    config = BenchConfig(catalogs=[8, 16], queries=1, lengths=[5.0], baseline_queries=0, scale=0,
                         seed=4, cache=tmp_path, query_catalog=9)
    with pytest.raises(ValueError, match="query-catalog"):
        run_bench(config, SONGS)
