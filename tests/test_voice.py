"""The shipped timbre encoder and what is built on it: ``norae voice``, singer
profiles and ``norae suggest``, on voices made from one recorded phrase."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from app.catalog_store import CatalogStore
from app.cli import main
from app.paths import index_dir_for
from app.singer_profiles import open_timbre_index
from app.song_record import Note, SongRecord
from app.voice_take import analyse_voice, shared_timbre_encoder, timbre_model_path
from inference.constants import SAMPLE_RATE, TIMBRE_EMBED_DIM, TIMBRE_N_MELS
from tests.voice_variants import resung
from training.export_timbre import CARD_PATH, WEIGHTS_PATH, load_net
from training.timbre_model import ExportedTimbreNet

MAX_MODEL_BYTES = 5 * 1024 * 1024
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def phrase() -> np.ndarray:
    audio, rate = sf.read(str(FIXTURES / "sung_phrase.flac"), dtype="float32")
    assert rate == SAMPLE_RATE
    return np.concatenate([audio, audio])  # 6 s, a little more than the 3 s minimum take


@pytest.fixture(scope="module")
def voices(phrase) -> dict[str, np.ndarray]:
    """The phrase's singer in three keys, a lower male-like voice in two, a third voice."""
    return {"A": phrase, "A+2": resung(phrase, 2), "A-4": resung(phrase, -4),
            "B": resung(phrase, -14, 0.8), "B+2": resung(phrase, -12, 0.8),
            "C": resung(phrase, -4, 1.18)}


def test_onnx_matches_torch_on_fixed_inputs():
    net = ExportedTimbreNet(load_net(WEIGHTS_PATH))
    encoder = shared_timbre_encoder()
    for frames in (200, 731):
        x = np.random.default_rng(frames).normal(size=(frames, TIMBRE_N_MELS)).astype(np.float32)
        with torch.no_grad():
            emb, p = (t.numpy() for t in net(torch.from_numpy(x)[None]))
        got_emb, got_p = encoder.embed(x)
        assert got_emb.shape == (TIMBRE_EMBED_DIM,)
        np.testing.assert_allclose(got_emb, emb[0], atol=1e-5)
        assert got_p == pytest.approx(float(p[0]), abs=1e-5)


def test_model_is_small_and_its_card_names_its_sha256():
    data = timbre_model_path().read_bytes()
    assert len(data) <= MAX_MODEL_BYTES
    assert hashlib.sha256(data).hexdigest() in CARD_PATH.read_text(encoding="utf-8")


def test_one_voice_in_other_keys_is_nearer_than_other_voices(voices):
    emb = {k: analyse_voice(v).embedding for k, v in voices.items()}
    same = [emb["A"] @ emb["A+2"], emb["A"] @ emb["A-4"], emb["A+2"] @ emb["A-4"], emb["B"] @ emb["B+2"]]
    other = [emb[a] @ emb[b] for a in ("A", "A+2", "A-4") for b in ("B", "B+2", "C")]
    assert min(same) > max(other) + 0.2, (same, other)


def test_gender_follows_the_voice(voices):
    assert analyse_voice(voices["A"]).gender == "female"
    assert analyse_voice(voices["B"]).gender == "male"


def test_norae_voice_prints_range_and_voice_type(tmp_path, capsys, voices):
    path = tmp_path / "take.wav"
    sf.write(str(path), voices["B"], SAMPLE_RATE)
    assert main(["voice", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gender"] == "male" and out["p_female"] < 0.5
    assert len(out["embedding"]) == TIMBRE_EMBED_DIM
    assert out["range"]["low_midi"] <= out["range"]["high_midi"]
    assert out["range"]["low_note"][-1] in "23"  # an octave and more below the original phrase
    assert out["voice_type"] in ("bass", "baritone", "tenor")


def test_too_little_singing_is_a_clear_error(tmp_path, capsys):
    sf.write(str(tmp_path / "quiet.wav"), np.zeros(SAMPLE_RATE * 4, np.float32), SAMPLE_RATE)
    assert main(["voice", str(tmp_path / "quiet.wav")]) == 2
    assert "of singing found" in capsys.readouterr().err


def _songs(store: CatalogStore) -> None:
    """Six short tunes: two by each profiled singer, two by nobody in particular."""
    tune = [60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72]
    plan = [("Mina 1", "Mina", "female", 9), ("Mina 2", "Mina", "female", 7),
            ("Joon 1", "Joon", "male", -3), ("Joon 2", "Joon", "male", -5),
            ("Folk 1", None, "unknown", 0), ("Folk 2", None, "unknown", 2)]
    for title, singer, gender, shift in plan:
        notes = [Note(0.5 * i, 0.45, float(p + shift)) for i, p in enumerate(tune)]
        store.add_song(SongRecord(title=title, artist=singer or "Traditional", singer_gender=gender,
                                  singers=[singer] if singer else [], notes=notes))


def test_singers_and_suggestions_end_to_end(tmp_path, capsys, voices):
    db = tmp_path / "catalog.sqlite"
    with CatalogStore(db) as store:
        _songs(store)
    clips = {}
    for name in ("A", "A+2", "A-4", "B", "B+2"):
        clips[name] = tmp_path / f"{name}.wav"
        sf.write(str(clips[name]), voices[name], SAMPLE_RATE)
    (tmp_path / "broken.wav").write_bytes(b"RIFF not really a wave")
    assert main(["--db", str(db), "--no-demo", "singer", "add", "Mina", "--gender", "female",
                 str(clips["A"]), str(clips["A+2"]), str(tmp_path / "broken.wav")]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 clips used" in out and "broken.wav: skipped" in out
    assert main(["--db", str(db), "singer", "add", "Joon", "--gender", "male", str(clips["B+2"])]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "--json", "singer", "list"]) == 0
    listed = {s["name"]: s for s in json.loads(capsys.readouterr().out)["singers"]}
    assert listed["Mina"]["clips"] == 2 and listed["Mina"]["songs"] == 2
    assert listed["Joon"]["gender"] == "male"

    # A new take of Mina's voice in another key: her songs first, each with a key that fits.
    assert main(["--db", str(db), "suggest", str(clips["A-4"]), "--json", "--top", "4"]) == 0
    result = json.loads(capsys.readouterr().out)
    top = result["results"]
    assert result["voice"]["gender"] == "female"
    assert {r["title"] for r in top[:2]} == {"Mina 1", "Mina 2"}
    assert top[0]["reasons"][0].startswith("voice like Mina")
    assert all(r["in_range"] >= 0.5 for r in top)
    # Joon's low voice is told to sing Mina's songs an octave (or more) down when they come up.
    assert main(["--db", str(db), "suggest", str(clips["B"]), "--json", "--top", "6"]) == 0
    low = {r["title"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert list(low)[0].startswith("Joon")
    assert low["Mina 1"]["octave"] == -1
    # A tested range (from `norae range`) decides the keys instead of the take's guess.
    assert main(["--db", str(db), "suggest", str(clips["B"]), "--json", "--top", "6",
                 "--range", "C4-C5"]) == 0
    tested = json.loads(capsys.readouterr().out)
    assert tested["voice"]["range_used"] == {"low_midi": 60, "high_midi": 72, "tested": True}
    assert all("tested range C4" in r["reasons"][-1] for r in tested["results"])
    assert tested["results"][0]["in_range"] >= 0.95
    with pytest.raises(SystemExit):
        main(["--db", str(db), "suggest", str(clips["B"]), "--range", "E4-G2"])
    assert "the low note comes first" in capsys.readouterr().err
    # A singer the take misjudges says who they are: voice type and range bounds follow.
    assert main(["--db", str(db), "suggest", str(clips["B"]), "--json", "--top", "6",
                 "--gender", "female"]) == 0
    told = json.loads(capsys.readouterr().out)["voice"]
    assert told["gender"] == "female" and told["voice_type"] in ("alto", "mezzo-soprano", "soprano")
    assert told["p_female"] < 0.5  # what was heard is still reported
    assert main(["--db", str(db), "suggest", str(clips["B"]), "--gender", "female"]) == 0
    assert "Your voice: female (as you said)" in capsys.readouterr().out


def test_profiles_are_embedded_again_after_a_model_change(tmp_path, voices):
    db = tmp_path / "catalog.sqlite"
    clip = tmp_path / "a.wav"
    sf.write(str(clip), voices["A"], SAMPLE_RATE)
    assert main(["--db", str(db), "--no-demo", "singer", "add", "Mina", "--gender", "female", str(clip)]) == 0
    with CatalogStore(db) as store:
        store.db.execute("UPDATE singer_clips SET model_sha256 = 'an older model', embedding = ?",
                         [np.zeros(TIMBRE_EMBED_DIM, "<f4").tobytes()])
        encoder = shared_timbre_encoder()
        index = open_timbre_index(store, index_dir_for(db), encoder)
        row = store.db.execute("SELECT model_sha256, embedding FROM singer_clips").fetchone()
        assert row[0] == encoder.sha256
        assert np.linalg.norm(np.frombuffer(row[1], "<f4")) == pytest.approx(1.0, abs=1e-4)
        hits = index.search(analyse_voice(voices["A+2"]).embedding, 1)
        assert hits and hits[0][1] < 0.3
