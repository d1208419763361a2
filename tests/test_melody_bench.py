"""The melody bench's scores, grid conversion and end-to-end run (pyin only)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.melody_bench import (
    BenchError,
    load_condition,
    main,
    octave_error_rate,
    score,
    to_reference_grid,
)

SR = 16_000


def reference(frames: int = 200) -> np.ndarray:
    """A sung-like reference on the 10 ms grid: 30 unvoiced frames, then a rising line."""
    f0 = np.zeros(frames, np.float32)
    f0[30:] = np.geomspace(150.0, 600.0, frames - 30)
    return f0


def test_an_estimate_one_octave_up_has_no_pitch_right_but_every_chroma():
    ref = reference()
    est = np.where(ref > 0, 2 * ref, 0).astype(np.float32)
    scores = score(ref, est, est > 0)
    assert scores["rpa"] == pytest.approx(0.0)
    assert scores["rca"] == pytest.approx(1.0)
    assert scores["octave_err"] == pytest.approx(1.0)
    assert scores["vr"] == pytest.approx(1.0) and scores["vfa"] == pytest.approx(0.0)


def test_octave_errors_count_one_and_two_octaves_either_way_over_reference_voiced_frames():
    ref = reference(130)  # 100 voiced frames
    est = ref.copy()
    est[30:40] = ref[30:40] / 4  # two octaves down
    est[40:50] = ref[40:50] * 2 * 2 ** (30 / 1200)  # an octave up, 30 cents sharp
    est[50:60] = ref[50:60] * 1.5  # a fifth: not an octave error
    est[60:70] = 0.0  # no pitch at all
    est[:30] = 440.0  # pitch on unvoiced reference frames does not count
    assert octave_error_rate(ref, est) == pytest.approx(0.20)
    est[40:50] = ref[40:50] * 2 * 2 ** (60 / 1200)  # 60 cents off the octave: outside 50
    assert octave_error_rate(ref, est) == pytest.approx(0.10)
    assert octave_error_rate(np.zeros(10), np.full(10, 220.0)) == 0.0


def test_raw_pitch_ignores_the_voicing_decision_which_voicing_scores_judge():
    ref = reference(130)
    voiced = ref > 0
    decision = voiced.copy()
    decision[30:80] = False  # misses half the voiced frames
    decision[:15] = True  # and calls half the silence voiced
    scores = score(ref, ref, decision)
    assert scores["rpa"] == pytest.approx(1.0)
    assert scores["vr"] == pytest.approx(0.5)
    assert scores["vfa"] == pytest.approx(0.5)


def test_grid_conversion_keeps_an_estimate_already_on_the_grid():
    ref = reference()
    times = np.arange(len(ref)) * 0.01
    f0, voiced = to_reference_grid(times, ref, ref > 0, len(ref))
    np.testing.assert_allclose(f0, ref, rtol=1e-6)
    np.testing.assert_array_equal(voiced, ref > 0)


def test_grid_conversion_from_a_coarser_shifted_grid_interpolates_in_log_frequency():
    times = 0.005 + 0.02 * np.arange(50)  # 20 ms frames centred 5 ms late
    est = np.full(50, 200.0)
    est[25:] = 800.0  # two octaves up from 0.505 s
    est[40:] = 0.0  # no pitch from 0.805 s
    f0, voiced = to_reference_grid(times, est, est > 0, 120)
    assert f0[0] == pytest.approx(200.0) and voiced[0]  # 5 ms before the first frame
    assert f0[10] == pytest.approx(200.0)
    assert f0[49] == pytest.approx(200.0 * 2 ** 0.5, rel=1e-5)  # a quarter of the way up
    assert f0[50] == pytest.approx(200.0 * 2 ** 1.5, rel=1e-5)  # three quarters
    assert f0[79] == pytest.approx(800.0) and voiced[79]  # next frame has no pitch: nearest
    assert f0[80] == 0.0 and not voiced[80]
    assert f0[110] == 0.0 and not voiced[110]  # past the estimate's end


def test_grid_conversion_from_a_finer_grid_picks_the_matching_frames():
    times = np.arange(400) * 0.005
    est = np.geomspace(100.0, 1000.0, 400)
    f0, voiced = to_reference_grid(times, est, np.ones(400, bool), 200)
    np.testing.assert_allclose(f0, est[::2], rtol=1e-5)
    assert voiced.all()


def tone_clip(rng: np.random.Generator, seconds: float = 2.0, noise: float = 0.0):
    """A harmonic 'sung' phrase: 0.3 s silence then two notes with vibrato."""
    n = int(seconds * SR)
    frames = n // 160 + 1
    t = np.arange(n) / SR
    midi = np.where(t < 1.1, 57.0, 64.0) + 0.3 * np.sin(2 * np.pi * 5.5 * t)
    f0 = np.where(t >= 0.3, 440.0 * 2 ** ((midi - 69) / 12), 0.0)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    audio = sum(np.sin(k * phase) / k for k in range(1, 8)) * (f0 > 0)
    audio = 0.3 * audio + noise * rng.standard_normal(n)
    ref = f0[np.minimum(np.arange(frames) * 160, n - 1)]
    return audio.astype(np.float32), ref.astype(np.float32)


@pytest.fixture
def tiny_set(tmp_path):
    rng = np.random.default_rng(3)
    for condition, noise in (("voice_clean", 0.0), ("voice_noisy", 0.02)):
        clips = [tone_clip(rng, noise=noise) for _ in range(2)]
        np.savez(tmp_path / f"{condition}.npz", audio=np.stack([a for a, _ in clips]),
                 f0=np.stack([f for _, f in clips]), voice_name=np.array(["a", "b"]))
    return tmp_path


def test_bench_runs_end_to_end_with_pyin_and_prints_one_table(tiny_set, tmp_path, capsys):
    out = tmp_path / "report.json"
    code = main(["--set", str(tiny_set), "--methods", "pyin", "--json", str(out),
                 "--model", str(tmp_path / "none.onnx")])
    assert code == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| pyin |")]
    assert [row.split("|")[2].strip() for row in rows] == ["voice_clean", "voice_noisy"]
    assert "cores" in printed and "4 clips" in printed and "model: absent" in printed
    report = json.loads(out.read_text())
    clean = report["rows"][0]
    assert clean["rpa"] > 0.9 and clean["octave_err"] < 0.05
    assert clean["vr"] > 0.9 and clean["ms_per_s"] > 0
    assert report["clips"] == {"voice_clean": 2, "voice_noisy": 2}
    assert report["speed_ratio_norae_vs_crepe_tiny"] is None


def test_bench_refuses_a_missing_set_or_an_unknown_method(tiny_set, tmp_path, capsys):
    assert main(["--set", str(tmp_path / "nowhere"), "--methods", "pyin"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["--set", str(tiny_set), "--methods", "yin"]) == 2
    assert "unknown method(s) yin" in capsys.readouterr().err


def test_a_reference_on_the_wrong_grid_is_a_clear_error(tmp_path):
    path = tmp_path / "voice_clean.npz"
    np.savez(path, audio=np.zeros((1, 64000), np.float32), f0=np.zeros((1, 400), np.float32))
    with pytest.raises(BenchError, match="400 frames, 401 expected"):
        load_condition(path)
    np.savez(path, audio=np.zeros((1, 64000), np.float32))
    with pytest.raises(BenchError, match="lacks the array"):
        load_condition(path)


def test_octave_errors_are_told_apart_as_long_runs_or_glitches():
    from bench.melody_octave_errors import analyse, error_runs
    from bench.peer_pitch import PitchOutput

    assert error_runs(np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1], bool)) == [2, 1, 3]
    assert error_runs(np.zeros(4, bool)) == []
    ref = reference()
    held = ref * 2.0  # a whole phrase an octave up
    glitchy = ref.copy()
    glitchy[100:103] /= 2.0  # three frames an octave down
    clips = {0: held, 1: glitchy}

    def track(audio):
        f0 = clips[int(audio[0])]
        return PitchOutput(f0, (f0 > 0).astype(np.float32), f0 > 0)

    r = analyse(track, np.array([[0.0], [1.0]]), np.stack([ref, ref]))
    assert r["clips"] == 2
    assert r["up_pct"] == pytest.approx(50.0) and r["down_pct"] == pytest.approx(300 / 340)
    assert r["long_run_share_pct"] == pytest.approx(100 * 170 / 173)
    assert r["worst_clips_share_pct"] == pytest.approx(100.0)


def test_worst_clips_are_listed_worst_first_with_their_backing():
    from bench.melody_octave_errors import worst_clips_table

    per_clip = [{"clip": 0, "sung": 200, "up": 10, "down": 0, "median_midi": 50.2},
                {"clip": 1, "sung": 100, "up": 0, "down": 90, "median_midi": 74.0},
                {"clip": 2, "sung": 100, "up": 1, "down": 0, "median_midi": 60.0}]
    table = worst_clips_table(per_clip, np.array(["kal", "slt", "ked"]),
                              {0: "none", 1: "doubles the melody an octave below"})
    rows = table.splitlines()[2:]
    assert rows == ["| 1 | slt | MIDI 74 | 0 | 90 | doubles the melody an octave below |",
                    "| 0 | kal | MIDI 50 | 5 | 0 | none |"]
