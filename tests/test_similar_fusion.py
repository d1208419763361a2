"""Fusing per-source rankings: ranks with ties, the score total, the per-source
top 3, and which sources each result names."""

from __future__ import annotations

import numpy as np
import pytest

from app.similar_fusion import (
    fractional_ranks,
    fuse,
    fuse_score_total,
    fuse_top_per_source,
    score_total,
)

INF = -np.inf


def test_ties_share_their_mean_rank_and_unranked_rows_get_none():
    ranks = fractional_ranks(np.array([0.9, 0.5, 0.5, 0.5, INF, 0.95]))
    assert ranks.tolist() == [2.0, 4.0, 4.0, 4.0, np.inf, 1.0]
    assert np.isinf(fractional_ranks(np.array([INF, INF]))).all()


def test_score_total_is_the_sum_of_reciprocal_ranks():
    ranks = {"cooc": np.array([1.0, 2.0, np.inf, 4.0]),
             "content": np.array([3.0, 1.0, 2.0, np.inf])}
    assert score_total(ranks, offset=0) == pytest.approx([1 + 1 / 3, 1 / 2 + 1, 1 / 2, 1 / 4])
    assert score_total(ranks, offset=60) == pytest.approx(
        [1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 62, 1 / 64])
    fused = fuse_score_total(ranks, top=3, offset=0)
    # rows 0 and 1 tie at 4/3 and 3/2: row 1 first; row 2 (one source) third
    assert [f.row for f in fused] == [1, 0, 2]
    assert fused[0].score == pytest.approx(1.5)
    assert [f.row for f in fuse_score_total(ranks, top=3)] == [1, 0, 2]  # the app's offset, 60
    assert fused[0].sources == ["content", "cooc"] and fused[0].ranks == {"cooc": 2.0, "content": 1.0}
    assert fused[2].sources == ["content"]


def test_a_song_two_sources_agree_on_beats_one_that_a_single_source_loves():
    # offset 60: a song at rank 3 in both lists beats one at rank 1 in one list only
    ranks = {"cooc": np.array([1.0, 3.0, 2.0]), "metadata": np.array([np.inf, 3.0, 50.0])}
    assert [f.row for f in fuse_score_total(ranks, 2, offset=60.0)] == [1, 2]
    assert [f.row for f in fuse_score_total(ranks, 2, offset=0.0)] == [0, 1]


def test_top_3_per_source_takes_turns_and_never_repeats_a_song():
    n = 20
    ranks = {
        "cooc": fractional_ranks(-np.arange(n, dtype=float)),                # 0, 1, 2, ...
        "content": fractional_ranks(-np.abs(np.arange(n) - 10.0)),           # 10, then 9 and 11 tied, ...
        "metadata": fractional_ranks(np.where(np.arange(n) < 5, 1.0, INF)),  # rows 0-4 tied, no more
    }
    fused = fuse_top_per_source(ranks, top=10, offset=0)
    rows = [f.row for f in fused]
    assert len(rows) == len(set(rows)) == 10
    # Turns: cooc 0, content 10, metadata 1 (0 is taken; in a tie the row the
    # other sources back most by score total comes first), then 2, 9, 3; then 4, 11 and
    # metadata has nothing left; then 5, 8.
    assert rows == [0, 10, 1, 2, 9, 3, 4, 11, 5, 8]
    assert [f.sources[0] for f in fused[:3]] == ["cooc", "content", "metadata"]


def test_top_3_per_source_fills_the_list_when_few_sources_know_the_song():
    ranks = {"metadata": fractional_ranks(np.array([3.0, 2.0, 1.0, 0.5, INF]))}
    assert [f.row for f in fuse(ranks, 10, "top3")] == [0, 1, 2, 3]
    assert fuse({}, 10, "top3") == [] and fuse({}, 10) == []


def test_every_result_names_at_least_one_source():
    ranks = {"cooc": np.array([1.0, 40.0]), "voice": np.array([np.inf, 55.0])}
    fused = fuse_score_total(ranks, 2, depth=20, offset=0)
    assert fused[1].row == 1 and fused[1].sources == ["cooc"]  # beyond the depth: its best source


def test_an_unknown_fusion_is_refused():
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse({"cooc": np.array([1.0])}, 3, "borda")


# --- weights ------------------------------------------------------------------------


def test_weights_scale_each_source_contribution():
    ranks = {"cooc": np.array([1.0, 2.0, np.inf, 4.0]),
             "content": np.array([3.0, 1.0, 2.0, np.inf])}
    weighted = score_total(ranks, offset=0, weights={"cooc": 2.0, "content": 0.5})
    assert weighted == pytest.approx([2 / 1 + 0.5 / 3, 2 / 2 + 0.5 / 1, 0.5 / 2, 2 / 4])
    # offset 60: w / (rank + 60); a source missing from the weights counts 0
    assert score_total(ranks, offset=60, weights={"content": 3.0}) == pytest.approx(
        [3 / 63, 3 / 61, 3 / 62, 0.0])
    assert np.array_equal(score_total(ranks, 60, None), score_total(ranks, 60, dict.fromkeys(ranks, 1.0)))
    # weights favour cooc: row 0 (cooc's first) now beats row 1 (content's first)
    fused = fuse_score_total(ranks, top=4, offset=0, weights={"cooc": 2.0, "content": 0.5})
    assert [f.row for f in fused] == [0, 1, 3, 2]
    assert fused[0].score == pytest.approx(2 + 0.5 / 3)
    # multiplying every weight by the same factor scales the scores, never the order
    doubled = fuse_score_total(ranks, top=4, offset=0, weights={"cooc": 4.0, "content": 1.0})
    assert [f.row for f in doubled] == [f.row for f in fused]
    assert [f.score for f in doubled] == pytest.approx([2 * f.score for f in fused])


@pytest.mark.parametrize("method", ["score_total", "top3"])
def test_a_source_of_weight_zero_cannot_move_the_order_or_name_a_song(method):
    rng = np.random.default_rng(5)
    n = 40
    cooc = fractional_ranks(rng.normal(size=n))
    metadata = fractional_ranks(np.where(rng.random(n) < 0.5, rng.integers(0, 3, n), INF))
    alone = fuse({"cooc": cooc, "metadata": metadata}, 10, method, weights={"cooc": 1.0, "metadata": 0.5})
    for _trial in range(5):  # whatever the zero-weight source says
        noise = fractional_ranks(rng.normal(size=n))
        fused = fuse({"cooc": cooc, "metadata": metadata, "voice": noise}, 10, method,
                     weights={"cooc": 1.0, "metadata": 0.5, "voice": 0.0})
        assert [(f.row, f.score, f.sources) for f in fused] == [(f.row, f.score, f.sources) for f in alone]
        assert all("voice" not in f.sources and "voice" not in f.ranks for f in fused)
    # without weights (all 1) the noise does move the list and names songs
    unweighted = fuse({"cooc": cooc, "metadata": metadata, "voice": noise}, 10, method)
    assert any("voice" in f.sources for f in unweighted)


def test_a_song_only_zero_weight_sources_know_falls_back_to_equal_weights():
    ranks = {"voice": fractional_ranks(np.array([0.9, 0.1, 0.5]))}
    fused = fuse(ranks, 3, weights={"cooc": 1.0, "voice": 0.0})
    assert [f.row for f in fused] == [0, 2, 1] and all(f.sources == ["voice"] for f in fused)


def test_weighted_top_3_gives_the_heaviest_source_the_first_turn_and_skips_weight_zero():
    n = 12
    ranks = {"cooc": fractional_ranks(-np.arange(n, dtype=float)),         # 0, 1, 2, ...
             "metadata": fractional_ranks(np.arange(n, dtype=float)),      # 11, 10, 9, ...
             "voice": fractional_ranks(-np.abs(np.arange(n) - 5.5))}       # 5 and 6 tied, ...
    fused = fuse_top_per_source(ranks, 4, weights={"cooc": 0.5, "metadata": 1.0, "voice": 0.0})
    assert [f.row for f in fused] == [11, 0, 10, 1]
    assert [f.sources[0] for f in fused] == ["metadata", "cooc", "metadata", "cooc"]
    assert all("voice" not in f.sources for f in fused)
