"""Timbre encoder parts that stand without a trained model: the front end,
the verification scores, the training batches and the network's shapes."""

import numpy as np
import pytest
import torch

from inference.constants import (
    HOP_SAMPLES,
    SAMPLE_RATE,
    TIMBRE_EMBED_DIM,
    TIMBRE_N_MELS,
)
from inference.timbre_features import log_mel, voiced_features
from tests.sung_tones import sung_melody
from training.melody_data.clip_format import CLIP_SAMPLES, LABEL_FRAMES
from training.timbre_batches import TimbreBatchMaker
from training.timbre_data.singers import Singer, draw_singer
from training.timbre_data.store import TimbreSplit
from training.timbre_model import TimbreNet
from training.timbre_validation import (
    equal_error_rate,
    score_embeddings,
    verification_pairs,
)


def test_log_mel_frames_follow_the_melody_models_grid():
    audio = sung_melody([(60, 1.0), (64, 1.0)])
    feats = log_mel(audio)
    assert feats.shape == (len(audio) // HOP_SAMPLES + 1, TIMBRE_N_MELS)
    assert feats.dtype == np.float32 and np.isfinite(feats).all()


def test_voiced_features_keep_only_sung_frames_and_ignore_loudness():
    audio = sung_melody([(57, 1.5), (None, 0.5), (60, 1.0)])
    n = len(audio) // HOP_SAMPLES + 1
    voiced = np.zeros(n, bool)
    voiced[30:120] = True
    quiet = voiced_features(audio, voiced)
    loud = voiced_features(audio * 8.0, voiced)
    assert quiet.shape == (90, TIMBRE_N_MELS)
    np.testing.assert_allclose(quiet, loud, atol=1e-3)
    assert voiced_features(audio, np.zeros(n, bool)).shape == (0, TIMBRE_N_MELS)


def test_equal_error_rate():
    assert equal_error_rate([0.9, 0.8, 0.7], [0.1, 0.2, 0.3]) == 0.0
    assert equal_error_rate([0.1, 0.2], [0.8, 0.9]) == 1.0
    assert equal_error_rate([0.2, 0.6, 0.9, 0.95], [0.1, 0.3, 0.4, 0.7]) == pytest.approx(0.25)


def test_verification_pairs_never_pair_a_song_with_itself():
    singer = np.array([0, 0, 0, 1, 1])
    song = np.array([0, 1, 1, 0, 1])
    target, non_target = verification_pairs(singer, song)
    assert {tuple(p) for p in target} == {(0, 1), (0, 2), (3, 4)}
    assert len(non_target) == 6


def test_scores_of_perfect_embeddings():
    singer = np.repeat(np.arange(4), 3)
    song = np.tile(np.arange(3), 4)
    emb = np.eye(4)[singer] + 0.01 * np.random.default_rng(0).normal(size=(12, 4))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    female = singer % 2 == 0
    scores = score_embeddings(emb, female.astype(float), singer, song, female)
    assert scores == {"eer": 0.0, "gender_acc": 1.0, "ident_top1": 1.0}


def _tiny_split() -> TimbreSplit:
    singers = [draw_singer("train", i) for i in range(4)]
    rows = [(s, song) for s in range(4) for song in range(2) for _ in range(2)]
    audio = np.zeros((len(rows), CLIP_SAMPLES), np.int16)
    f0 = np.zeros((len(rows), LABEL_FRAMES), np.float32)
    for i, (s, _) in enumerate(rows):
        tone = sung_melody([(48 + 5 * s, 1.5), (52 + 5 * s, 1.5)], lead_s=0.5)[:CLIP_SAMPLES]
        audio[i, :len(tone)] = (tone * 20000).astype(np.int16)
        f0[i, 50:350] = 200.0
    return TimbreSplit(audio=audio, f0=f0, singer=np.array([r[0] for r in rows]),
                       song=np.array([r[1] for r in rows]), melody_source=np.array(["x"] * len(rows)),
                       singers=singers)


def test_batches_pair_two_songs_of_one_singer():
    maker = TimbreBatchMaker(_tiny_split(), seed=1)
    batch = maker.batch(3, 120)
    assert batch["anchor"].shape == (3, 120, TIMBRE_N_MELS)
    assert batch["positive"].shape == (3, 120, TIMBRE_N_MELS)
    assert batch["negative"].shape[1:] == (120, TIMBRE_N_MELS)
    assert batch["female"].shape == (3,)
    assert torch.isfinite(batch["anchor"]).all()


def test_singers_round_trip_and_cover_both_genders():
    singers = [draw_singer("bench", i) for i in range(12)]
    assert {s.gender for s in singers} == {"female", "male"}
    assert all(s.high_midi - s.low_midi >= 14 for s in singers)
    assert Singer.from_json(singers[3].to_json()) == singers[3]
    assert len({(s.voice, s.voice_type) for s in singers}) == 12


def test_network_pools_any_length_into_one_unit_embedding():
    net = TimbreNet().eval()
    for frames in (20, 333):
        emb, logit = net(torch.randn(2, frames, TIMBRE_N_MELS))
        assert emb.shape == (2, TIMBRE_EMBED_DIM) and logit.shape == (2,)
        np.testing.assert_allclose(emb.norm(dim=1).detach().numpy(), 1.0, atol=1e-5)
    assert SAMPLE_RATE == 16_000


def test_voice_bench_scores_methods_and_prints_one_table():
    from bench.voice_bench import format_report, mfcc_embedder, run_method
    from training.timbre_validation import takes

    data = _tiny_split()
    pairs, singer, song = takes(data, degrade=False, seed=0)
    conditions = {"clean": ([a for a, _ in pairs], singer, song)}
    female = np.array([data.singers[s].gender == "female" for s in singer])
    embed = mfcc_embedder([a for a, _ in pairs])
    results = run_method("mfcc", embed, lambda emb: 0.5, conditions, female)
    assert set(results["clean"]) == {"eer", "ident", "gender", "ms_per_take"}
    assert 0.0 <= results["clean"]["eer"] <= 100.0
    report = {"machine": "test", "date": "today", "singers": 4, "takes": len(singer), "threads": 1,
              "results": {"mfcc": results}}
    text = format_report(report)
    assert "| mfcc | clean |" in text and text.count("\n| ") == 2


def test_gender_error_report_names_each_wrong_singer_once_with_its_voice():
    from bench.voice_gender_errors import report, singer_numbers

    data = _tiny_split()
    x, y = singer_numbers(data)
    assert x.shape == (4, 2) and y.dtype == bool
    assert np.allclose(x[:, 1], [(s.low_midi + s.high_midi) / 2 for s in data.singers])
    rows = [{"condition": c, "singer": 2, "song": 0, "median": 60.0, "p_head": 0.1, "p_female": 0.2}
            for c in ("clean", "noisy")]
    text = report(rows, 16, data, {"train": 97.9, "bench": 98.3}, {"val": 97.0, "bench": 96.1}, 94.8)
    singer = data.singers[2]
    assert "2 of 16" in text
    lines = [line for line in text.splitlines() if line.startswith("| 2 |")]
    assert len(lines) == 1 and singer.voice in lines[0] and singer.voice_type in lines[0]
    assert "clean: 60.0, 0.10 -> 0.20; noisy" in lines[0]
    assert "bench 98.3 %" in text and "bench 96.1 %" in text and "bench takes): 94.8 %" in text


def test_gender_misses_and_take_numbers_follow_each_takes_singer():
    from bench.voice_gender_errors import formant_scale, gender_misses, take_numbers

    data = _tiny_split()
    female = [s.gender == "female" for s in data.singers]
    right, wrong = female.index(True), female.index(False)
    rows = [{"condition": "clean", "singer": right, "song": 0, "median": 64.0, "p_head": 0.9, "p_female": 0.8},
            {"condition": "clean", "singer": wrong, "song": 0, "median": 62.0, "p_head": 0.7, "p_female": 0.6},
            {"condition": "noisy", "singer": wrong, "song": 1, "median": None, "p_head": 0.2, "p_female": 0.2}]
    assert gender_misses(data, rows) == [rows[1]]
    x, y = take_numbers(data, rows)
    assert x.shape == (2, 2) and list(y) == [True, False]
    assert np.allclose(x[:, 0], np.log([formant_scale(data.singers[right]), formant_scale(data.singers[wrong])]))
    assert list(x[:, 1]) == [64.0, 62.0]


def test_fusion_ceiling_is_perfect_when_the_head_is_right():
    from bench.voice_gender_errors import fusion_ceiling

    data = _tiny_split()
    rows = [{"condition": "clean", "singer": s, "song": 0, "median": 60.0,
             "p_head": 0.9 if data.singers[s].gender == "female" else 0.1, "p_female": 0.5}
            for s in range(4) for _ in range(3)]
    assert fusion_ceiling(data, rows) == 100.0
    rows = [dict(r, p_head=0.5) for r in rows]  # no cue at all: the majority class
    assert fusion_ceiling(data, rows) == 75.0
