"""The bundled demo voices: a fresh catalog has singers for its songs, and a
take of one demo voice brings that voice's songs first."""

import json
import shutil

import pytest
import soundfile as sf

from app.audio_decode import decode_audio
from app.catalog_setup import open_catalog
from app.cli import main
from app.demo_singers import DemoSingersError, install_demo_singers, load_manifest
from app.paths import DEMO_SINGERS_DIR
from inference.constants import SAMPLE_RATE
from tests.voice_variants import resung


def test_manifest_names_synthetic_voices_of_both_genders():
    singers = load_manifest()
    assert len(singers) == 16
    assert {s["gender"] for s in singers} == {"female", "male"}
    assert all(s["name"].endswith("(demo voice)") for s in singers)
    assert all((DEMO_SINGERS_DIR / c).is_file() for s in singers for c in s["clips"])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "catalog.sqlite"
    open_catalog(path).close()
    return path


def test_every_demo_song_gets_a_demo_singer_and_its_gender(demo_db, capsys):
    assert main(["--db", str(demo_db), "--json", "singer", "list"]) == 0
    singers = json.loads(capsys.readouterr().out)["singers"]
    assert len(singers) == 16 and all(s["origin"] == "demo" and s["clips"] == 2 for s in singers)
    with open_catalog(demo_db) as store:
        unsung = store.db.execute("SELECT count(*) FROM songs WHERE id NOT IN "
                                  "(SELECT song_id FROM song_singers)").fetchone()[0]
        unknown = store.db.execute("SELECT count(*) FROM songs WHERE singer_gender = 'unknown'").fetchone()[0]
        assert unsung == 0 and unknown == 0
        assert install_demo_singers(store) == 0  # once per database


def test_a_take_of_a_demo_voice_brings_its_songs_first(demo_db, tmp_path, capsys):
    entry = next(s for s in load_manifest() if s["gender"] == "female")
    # A new take: the voice of one of its clips, resung two semitones higher.
    audio = resung(decode_audio(DEMO_SINGERS_DIR / entry["clips"][1]), 2.0)
    take = tmp_path / "take.wav"
    sf.write(str(take), audio, SAMPLE_RATE)
    assert main(["--db", str(demo_db), "suggest", str(take), "--json", "--top", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["voice"]["gender"] == "female"
    assert out["results"][0]["reasons"][0].startswith(f"voice like {entry['name']}")
    assert all(r["in_range"] >= 0.95 for r in out["results"])


def test_damaged_demo_voices_are_a_clear_error(tmp_path):
    folder = tmp_path / "voices"
    shutil.copytree(DEMO_SINGERS_DIR, folder)
    (folder / "demo_singers.json").write_text("{not json", encoding="utf-8")
    with open_catalog(tmp_path / "c.sqlite", seed_demo=False) as store:
        store.set_meta("demo_catalog_version", "x")
        with pytest.raises(DemoSingersError, match="unusable"):
            install_demo_singers(store, folder)
