"""The melody training-data generator: labels match the audio, formats, mixing.

Uses only festival's kal_diphone voice, espeak-ng and fluidsynth with
TimGM6mb.sf2; every fixture is rendered here.
"""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
import pytest

from inference.constants import SAMPLE_RATE
from training.melody_data import augment, build
from training.melody_data.bench_set import bench_conditions
from training.melody_data.clip_format import (
    CLIP_SAMPLES,
    LABEL_FRAMES,
    PEAK_LEVEL,
    ClipFormatError,
    load_split,
    save_shard,
    shard_path,
    to_int16,
)
from training.melody_data.clips import ClipRenderer, render_demo_clip
from training.melody_data.corpus_melodies import parse_job
from training.melody_data.hum_whistle import hum_envelope
from training.melody_data.melodies import clip_excerpt, random_walk
from training.melody_data.tts_voices import (
    held_out_voices,
    training_voices,
    voice_by_name,
)
from training.melody_data.voice_synth import VOICE_TYPES
from training.melody_data.world_render import FREQS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pyworld

KAL = "kal_diphone"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("melody-cache")


@pytest.fixture(scope="module")
def renderer(cache):
    return ClipRenderer(cache, seed=5, max_sentences=2, train_voices=[voice_by_name(KAL)],
                        bench_voices=[voice_by_name("espeak:pl+m3")], soundfonts={"TimGM6mb": 1.0})


def harvest_agreement(audio: np.ndarray, labels: np.ndarray) -> float:
    """Share of labelled-voiced frames where harvest is within 50 cents of the label."""
    f0, _ = pyworld.harvest(audio.astype(np.float64), SAMPLE_RATE, f0_floor=50.0, f0_ceil=1150.0,
                            frame_period=10.0)
    voiced = labels > 0
    cents = 1200 * np.abs(np.log2(np.maximum(f0[:len(labels)][voiced], 1.0) / labels[voiced]))
    return float(np.mean(cents < 50))


def clip_of(renderer, kind: str, voice_type: str, index: int):
    spec = renderer.draw("train", index, kind=kind)
    spec.voice_type = next(v for v in VOICE_TYPES if v.name == voice_type)
    spec.clip = clip_excerpt(random_walk(spec.rng, "walk:test"), spec.rng,
                             (spec.voice_type.low, spec.voice_type.high))
    return spec


def test_sung_clip_pitch_labels_match_what_harvest_hears(renderer):
    out = renderer.render([clip_of(renderer, "sung", "tenor", 1)], with_accomp=False)
    audio, labels = out["voice"][0], out["f0"][0]
    assert audio.shape == (CLIP_SAMPLES,) and labels.shape == (LABEL_FRAMES,)
    assert 0.3 < np.mean(labels > 0) < 0.98
    assert harvest_agreement(audio, labels) >= 0.95
    assert np.max(np.abs(audio)) == pytest.approx(PEAK_LEVEL, rel=1e-3)  # -3 dBFS, not clipped


def test_voiced_labels_only_where_there_is_sound(renderer):
    out = renderer.render([clip_of(renderer, "syllables", "baritone", 2)], with_accomp=False)
    audio, labels = out["voice"][0], out["f0"][0]
    frames = np.pad(audio, (160, 160))
    level = np.array([np.sqrt(np.mean(frames[i * 160:i * 160 + 320] ** 2)) for i in range(LABEL_FRAMES)])
    assert np.all(level[labels > 0] > 10 ** (-50 / 20))       # voiced frames are never silent
    assert np.all(labels[level < 1e-6] == 0)                 # digital silence is unvoiced
    assert harvest_agreement(audio, labels) >= 0.9


def test_hum_envelope_is_a_closed_mouth_murmur():
    rng = np.random.default_rng(0)
    for warp in (0.85, 1.0, 1.2):
        log_sp, ap = hum_envelope(rng, warp, 180.0)
        db = 10 * np.log10(np.exp(log_sp))
        assert 180 < FREQS[np.argmax(db)] < 420
        assert db[FREQS > 1000].max() < db.max() - 20
        assert ap[FREQS < 1000].max() < 0.2


def test_whistle_is_a_tone_between_500_and_1050_hz(renderer):
    out = renderer.render([renderer.draw("train", 3, kind="whistle")], with_accomp=False)
    labels = out["f0"][0]
    assert np.mean(labels > 0) > 0.3
    assert labels[labels > 0].min() >= 499 and labels.max() <= 1051
    assert harvest_agreement(out["voice"][0], labels) >= 0.9


def test_choir_line_labels_follow_the_rendered_soundfont(renderer):
    spec = clip_of(renderer, "choir", "alto", 4)
    out = renderer.render([spec])
    assert out["kind"][0] == "choir" and out["voice_name"][0].endswith("@TimGM6mb")
    assert np.mean(out["f0"][0] > 0) > 0.3
    assert harvest_agreement(out["voice"][0], out["f0"][0]) >= 0.9
    assert np.sqrt(np.mean(out["accomp"][0] ** 2)) > 0.02  # a paired backing track was rendered


def test_accompaniment_is_in_the_melody_key(renderer):
    from training.melody_data.accompaniment import BASS, CHORDS, accompaniment_events

    spec = clip_of(renderer, "sung", "tenor", 6)
    events = accompaniment_events(spec.clip, np.random.default_rng(1))
    scale = {(spec.clip.key_pc + s) % 12 for s in
             ((0, 2, 3, 5, 7, 8, 10, 11) if spec.clip.key_mode == "minor" else (0, 2, 4, 5, 7, 9, 11))}
    notes = [m.note % 12 for _, m in events if m.type == "note_on" and m.channel in (CHORDS, BASS)]
    assert notes and np.mean([n in scale for n in notes]) > 0.85
    assert min(t for t, _ in events) >= -1.0


def test_demo_clip_is_deterministic_and_sized(cache):
    audio, labels = render_demo_clip(3, 2.5, cache_dir=cache)
    again, labels_again = render_demo_clip(3, 2.5, cache_dir=cache)
    assert audio.dtype == np.float32 and audio.shape == (40000,) and labels.shape == (251,)
    assert np.array_equal(audio, again) and np.array_equal(labels, labels_again)
    other, _ = render_demo_clip(4, 2.5, cache_dir=cache)
    assert not np.array_equal(audio, other)


def test_held_out_voices_and_melodies_stay_in_the_bench(renderer):
    train_names = {v.name for v in training_voices()}
    assert {"czech_machac", "suo_fi_lj_diphone"} <= {v.name for v in held_out_voices()}
    assert not train_names & {v.name for v in held_out_voices()}
    spoken = {v.name.split(":")[1].split("+")[0] for v in training_voices() if v.engine == "espeak"}
    assert not spoken & {v.name.split(":")[1].split("+")[0] for v in held_out_voices() if v.engine == "espeak"}
    bench = ClipRenderer(renderer.cache_dir, seed=0)
    for i in range(30):
        spec = bench.draw("bench", i)
        assert spec.voice is None or spec.voice.held_out
        assert spec.clip.source.startswith("walk:bench:")
        spec = bench.draw("train", i)
        assert spec.voice is None or not spec.voice.held_out


def test_corpus_tune_keeps_pitch_duration_and_ties():
    tune = "X:1\nT:Test\nM:4/4\nL:1/4\nK:G\nG A B c | d2- d B | c B A G | G4 |]\n"
    rec = parse_job(("essenFolksong/test.abc", 0, tune))
    assert rec["pitches"][:5] == [67, 69, 71, 72, 74]
    assert rec["durations"][4] == 3.0  # the tied d2-d is one sung note
    assert rec["key_pc"] == 7 and rec["key_mode"] == "major" and rec["bar_beats"] == 4.0


def test_mix_example_is_fast_and_keeps_shape():
    rng = np.random.default_rng(0)
    t = np.arange(CLIP_SAMPLES) / SAMPLE_RATE
    voice = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    accomp = (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    for _ in range(3):
        augment.mix_example(voice, accomp, rng)
    start = time.perf_counter()
    outs = [augment.mix_example(voice, accomp, rng) for _ in range(30)]
    per_clip_ms = (time.perf_counter() - start) / 30 * 1000
    assert per_clip_ms < 30  # measured ~4-6 ms on one core; 15 ms is the budget
    for out in outs:
        assert out.dtype == np.float32 and out.shape == voice.shape and np.all(np.isfinite(out))
        assert 10 ** (-41 / 20) < np.max(np.abs(out)) <= 10 ** (-1 / 20) + 1e-6
    odd = augment.mix_example(voice[:12345], None, rng)
    assert odd.shape == (12345,)
    with pytest.raises(augment.AugmentError):
        augment.mix_example(voice, accomp[:100], rng)


def _tone_power(x: np.ndarray, hz: float) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    k = round(hz * len(x) / SAMPLE_RATE)
    return float(spec[k - 3:k + 4].sum())


def test_mix_levels_follow_accomp_db_and_snr():
    t = np.arange(CLIP_SAMPLES) / SAMPLE_RATE
    voice = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    accomp = (0.05 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    clean = augment.MixSettings(None, 0.0, None, None, 6.0, None, 0.0, None, -3.0)
    out = augment.apply_settings(voice, accomp, clean, np.random.default_rng(0))
    assert 10 * np.log10(_tone_power(out, 330) / _tone_power(out, 220)) == pytest.approx(6.0, abs=0.3)
    noisy = augment.MixSettings(None, 0.0, None, None, None, "white", 10.0, None, -3.0)
    out = augment.apply_settings(voice, None, noisy, np.random.default_rng(0))
    tone = np.sqrt(_tone_power(out, 220) / _tone_power(voice, 220)) * voice
    snr = 10 * np.log10(np.mean(tone ** 2) / np.mean((out - tone) ** 2))
    assert snr == pytest.approx(10.0, abs=0.5)


def test_degraded_takes_refuse_to_run_without_the_babble_bank(monkeypatch, tmp_path):
    """Without babble.npy the noise draws differ, so a benchmark must say so rather than run."""
    monkeypatch.setattr(augment, "_babble_bank", None)
    monkeypatch.setattr(augment, "_babble_loaded", False)
    monkeypatch.setattr(augment, "default_data_dir", lambda: tmp_path)
    with pytest.raises(augment.AugmentError, match="melody_data.build"):
        augment.require_babble_bank()
    np.save(tmp_path / "babble.npy", np.zeros(2 * SAMPLE_RATE, np.int16))
    monkeypatch.setattr(augment, "_babble_loaded", False)
    augment.require_babble_bank()
    assert augment._babble_source().shape == (2 * SAMPLE_RATE,)


def test_bench_conditions_add_only_what_they_say():
    rng = np.random.default_rng(2)
    t = np.arange(CLIP_SAMPLES) / SAMPLE_RATE
    voice = (0.4 * np.sin(2 * np.pi * 196 * t) * (t % 1 < 0.7)).astype(np.float32)
    accomp = (0.2 * rng.standard_normal(CLIP_SAMPLES)).astype(np.float32)
    out = bench_conditions(voice, accomp, seed=0, index=0)
    assert list(out) == ["voice_clean", "voice_noisy", "accomp0_clean", "accomp0_noisy"]
    for audio in out.values():
        assert audio.dtype == np.float32 and np.max(np.abs(audio)) == pytest.approx(10 ** (-3 / 20), rel=1e-4)
    assert np.allclose(out["voice_clean"], voice * (10 ** (-3 / 20) / np.max(np.abs(voice))), atol=1e-5)
    gain = np.max(np.abs(out["accomp0_clean"])) / np.max(np.abs(voice + accomp * np.sqrt(
        np.mean(voice ** 2) / np.mean(accomp ** 2))))
    mix = out["accomp0_clean"] / gain
    assert np.sqrt(np.mean((mix - voice) ** 2)) == pytest.approx(np.sqrt(np.mean(voice ** 2)), rel=1e-3)
    assert not np.allclose(out["voice_noisy"], out["voice_clean"], atol=1e-3)


def test_shards_round_trip_and_bad_shapes_fail(tmp_path):
    n = 3
    arrays = {"voice": to_int16(np.full((n, CLIP_SAMPLES), 0.1)), "accomp": np.zeros((n, CLIP_SAMPLES), np.int16),
              "f0": np.full((n, LABEL_FRAMES), 220.0, np.float32), "kind": np.array(["sung"] * n),
              "voice_name": np.array([KAL] * n), "melody_source": np.array(["walk:train:0"] * n)}
    save_shard(shard_path(tmp_path, "train", 0), arrays)
    save_shard(shard_path(tmp_path, "train", 1), arrays)
    (tmp_path / "train" / "shard_0002.tmp.npz").write_bytes(b"partial")  # an interrupted write
    data = load_split(tmp_path, "train")
    assert data["voice"].shape == (6, CLIP_SAMPLES) and data["voice"].dtype == np.int16
    assert data["kind"].tolist() == ["sung"] * 6
    with pytest.raises(ClipFormatError):
        save_shard(tmp_path / "bad.npz", {**arrays, "f0": np.zeros((n, 400), np.float32)})
    with pytest.raises(ClipFormatError):
        load_split(tmp_path, "val")


def test_tiny_build_writes_every_split_and_resumes(tmp_path, cache):
    out = tmp_path / "v1"
    argv = ["--out", str(out), "--cache", str(cache), "--train-clips", "3", "--val-clips", "2",
            "--bench-clips", "2", "--workers", "1", "--no-corpus", "--voices", KAL,
            "--bench-voices", "espeak:pl+m3", "--soundfonts", "TimGM6mb", "--max-sentences", "2"]
    assert build.main(argv) == 0
    train = load_split(out, "train")
    assert train["voice"].shape == (3, CLIP_SAMPLES) and train["f0"].shape == (3, LABEL_FRAMES)
    assert set(train["voice_name"]) <= {KAL, "hum", "whistle"} | {f"gm{p}@TimGM6mb" for p in (52, 53, 54)}
    bench = load_split(out, "accomp0_noisy")
    assert bench["audio"].dtype == np.float32 and bench["audio"].shape == (2, CLIP_SAMPLES)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert manifest["splits"]["train"]["clips"] == 3 and manifest["splits"]["val"]["clips"] == 2
    assert (out / "babble.npy").is_file()
    stamp = shard_path(out, "train", 0).stat().st_mtime_ns
    assert build.main(argv) == 0
    assert shard_path(out, "train", 0).stat().st_mtime_ns == stamp  # a complete shard is kept


def test_the_guide_line_is_described_against_the_melody(renderer):
    import mido

    from training.melody_data.accompaniment import (
        GUIDE,
        accompaniment_events,
        describe_guide,
    )

    clip = clip_of(renderer, "sung", "tenor", 6).clip

    def line(shift: int, channel: int = GUIDE):
        return [(n.onset_s, mido.Message("note_on", channel=channel, note=round(n.pitch) + shift, velocity=80))
                for n in clip.notes]

    assert describe_guide(clip, line(-12)) == "doubles the melody an octave below"
    assert describe_guide(clip, line(12)) == "doubles the melody an octave above"
    assert describe_guide(clip, line(0)) == "doubles the melody in unison"
    assert describe_guide(clip, line(0, channel=GUIDE - 1)) == "none"
    assert describe_guide(clip, line(0)[1:]) == "doubles the melody in unison"  # first note cut off
    thirds = [(t, m.copy(note=m.note + 4 * (i % 2))) for i, (t, m) in enumerate(line(0))]
    assert describe_guide(clip, thirds) == "counter line"
    silent = clip.notes[-1].offset_s + 0.5  # a note where the melody rests
    assert describe_guide(clip, line(0) + [(silent, line(0)[0][1])]) == "counter line"
    seen = {describe_guide(clip, accompaniment_events(clip, np.random.default_rng(s))) for s in range(60)}
    assert "none" in seen and "counter line" in seen
    assert any(d.startswith("doubles the melody") for d in seen)
