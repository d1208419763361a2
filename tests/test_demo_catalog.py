"""The shipped demo catalog: contents, installing it, and building it reproducibly."""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from app.catalog_store import CatalogStore
from app.demo_catalog import (
    DEMO_CATALOG_META_KEY,
    DemoCatalogError,
    demo_catalog_sha256,
    install_demo_catalog,
    iter_demo_songs,
)
from app.paths import DEMO_CATALOG_FILE, ROOT_DIR
from tools.build_demo_catalog import fit_size

CORPUS_COLLECTIONS = {
    "O'Neill's Music of Ireland": ("Irish traditional", {1903}),
    "Ryan's Mammoth Collection": ("American fiddle tunes", {1883}),
    "Aird's Airs": ("Scottish airs", {1778, 1782, 1788, 1794, 1797, 1803}),
}


@pytest.fixture(scope="module")
def shipped() -> list:
    return list(iter_demo_songs(DEMO_CATALOG_FILE))


def by_title(songs, title):
    matches = [s for s in songs if s.title == title and s.collection == "Known songs"]
    assert matches, f"{title!r} is missing from the demo catalog"
    return matches[0]


def intervals(song, n):
    pitches = [note.pitch for note in song.notes[: n + 1]]
    return [round(b - a) for a, b in itertools.pairwise(pitches)]


def test_shipped_file_is_small_and_holds_over_a_thousand_songs(shipped):
    assert DEMO_CATALOG_FILE.stat().st_size <= 4_000_000
    assert len(shipped) >= 1000
    assert len({s.file_hash for s in shipped}) == len(shipped)
    counts = Counter(s.collection for s in shipped)
    assert counts["Known songs"] >= 30
    for name in CORPUS_COLLECTIONS:
        assert counts[name] >= 300, counts


def test_every_song_is_a_usable_melody(shipped):
    for s in shipped:
        assert s.title and s.genre and s.collection, s
        assert s.source_format == "corpus" and s.file_hash.startswith("demo:")
        assert s.singer_gender == "unknown"
        assert len(s.notes) >= 8, s.title
        onsets = [n.onset_s for n in s.notes]
        assert onsets[0] == 0.0 and onsets == sorted(onsets), s.title
        assert all(n.duration_s > 0 for n in s.notes), s.title
        assert all(36 <= n.pitch <= 96 for n in s.notes), s.title


def test_corpus_songs_carry_their_collection_metadata(shipped):
    for s in shipped:
        if s.collection in CORPUS_COLLECTIONS:
            genre, years = CORPUS_COLLECTIONS[s.collection]
            assert s.genre == genre and s.year in years
            assert s.artist == "Traditional" and s.language == "" and s.lyrics == ""
    keys = Counter(s.original_key for s in shipped if s.collection == "O'Neill's Music of Ireland")
    assert keys["G major"] > 100 and keys["D major"] > 100
    titles = {s.title for s in shipped}
    assert "The Bashful Lover" in titles  # "Bashful Lover., The" in the abc source
    assert "Acrobat's Hornpipe" in titles  # "ACROBAT'S -- HORNPIPE"


def test_known_songs_start_the_way_the_real_songs_do(shipped):
    twinkle = by_title(shipped, "Twinkle, Twinkle, Little Star")
    assert intervals(twinkle, 3) == [0, 7, 0]  # twin-kle twin-kle: a repeat, then a fifth up
    assert intervals(by_title(shipped, "Happy Birthday to You"), 5) == [0, 2, -2, 5, -1]
    assert intervals(by_title(shipped, "Ode to Joy"), 4) == [0, 1, 2, 0]
    assert intervals(by_title(shipped, "Jingle Bells"), 3) == [9, -2, -2]  # dash-ing through the
    assert intervals(by_title(shipped, "Silent Night"), 3) == [2, -2, -3]
    assert intervals(by_title(shipped, "아리랑 (Arirang)"), 4) == [2, -2, 2, 3]
    jingle = [round(n.pitch) for n in by_title(shipped, "Jingle Bells").notes]
    chorus = [71, 71, 71, 71, 71, 71, 71, 74, 67, 69, 71]  # jin-gle bells x2, jin-gle all the way
    assert any(jingle[i:i + len(chorus)] == chorus for i in range(len(jingle)))
    arirang = by_title(shipped, "아리랑 (Arirang)")
    assert arirang.language == "ko" and arirang.genre == "Korean folk (민요)"
    assert arirang.lyrics.startswith("아리랑 아리랑 아라리요")


def test_install_into_a_fresh_file_database_is_fast_and_idempotent(tmp_path, shipped):
    store = CatalogStore(tmp_path / "catalog.sqlite")
    calls = []
    started = time.perf_counter()
    added = install_demo_catalog(store, progress=lambda done, total: calls.append((done, total)))
    elapsed = time.perf_counter() - started
    print(f"installed {added} demo songs in {elapsed:.2f} s")
    assert added == len(shipped) == store.count_songs()
    assert elapsed < 30  # about 5 s on an idle 2-core machine; generous for busy CI
    assert store.get_meta(DEMO_CATALOG_META_KEY) == demo_catalog_sha256(DEMO_CATALOG_FILE)
    assert calls[-1] == (len(shipped), len(shipped))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    assert install_demo_catalog(store) == 0
    assert store.count_songs() == len(shipped)

    song = store.resolve_song("아리랑")
    assert song["title"] == "아리랑 (Arirang)"
    assert song["source_format"] == "corpus" and song["collection"] == "Known songs"
    stored = store.notes(song["id"])
    original = by_title(shipped, "아리랑 (Arirang)").notes
    assert [round(n.pitch) for n in stored] == [round(n.pitch) for n in original]
    assert stored[-1].onset_s == pytest.approx(original[-1].onset_s, abs=1e-4)
    store.close()


def write_catalog(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
    return path


def good_line(n: int) -> str:
    return json.dumps({"id": f"demo:{n:016x}", "title": f"Song {n}", "artist": "Traditional",
                       "genre": "Test", "year": 1900, "language": "", "singer_gender": "unknown",
                       "collection": "Test", "original_key": "C major", "lyrics": "",
                       "notes": [[i * 0.5, 0.5, 60 + i] for i in range(8)]})


def test_a_malformed_catalog_adds_nothing(fresh_store, tmp_path):
    bad = json.loads(good_line(3))
    bad["notes"][2][1] = 0
    path = write_catalog(tmp_path / "bad.jsonl.gz", [good_line(1), good_line(2), json.dumps(bad)])
    with pytest.raises(DemoCatalogError, match=r"bad.jsonl.gz line 3: a note must be"):
        install_demo_catalog(fresh_store, path)
    assert fresh_store.count_songs() == 0
    assert fresh_store.get_meta(DEMO_CATALOG_META_KEY) is None


@pytest.mark.parametrize("content, message", [
    (b"not gzip at all", "cannot read demo catalog"),
    (gzip.compress(b'{"id": "demo:1", "title": "x"\n'), "line 1: not valid JSON"),
    (gzip.compress(b'{"title": "x", "notes": [[0, 1, 60]]}\n'), "malformed 'id'"),
    (gzip.compress(b'{"id": "demo:1", "title": " ", "notes": [[0, 1, 60]]}\n'), "needs a title"),
])
def test_unreadable_catalogs_raise_a_readable_error(tmp_path, content, message):
    path = tmp_path / "demo.jsonl.gz"
    path.write_bytes(content)
    with pytest.raises(DemoCatalogError, match=message):
        list(iter_demo_songs(path))


def test_a_small_catalog_installs_with_its_metadata(fresh_store, tmp_path):
    path = write_catalog(tmp_path / "small.jsonl.gz", [good_line(1), good_line(2)])
    assert install_demo_catalog(fresh_store, path) == 2
    song = fresh_store.resolve_song("Song 2")
    assert song["file_hash"] == "demo:0000000000000002"
    assert song["year"] == 1900 and song["collection"] == "Test" and song["n_notes"] == 8
    assert song["range"] == "C4–G4"


def build(out: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tools.build_demo_catalog", "--out", str(out),
         "--limit-per-collection", "4", "--jobs", "1"],
        cwd=ROOT_DIR, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_builder_is_deterministic(tmp_path):
    require_music21()
    report = build(tmp_path / "a.jsonl.gz")
    build(tmp_path / "b.jsonl.gz")
    first, second = (tmp_path / "a.jsonl.gz").read_bytes(), (tmp_path / "b.jsonl.gz").read_bytes()
    assert first == second
    songs = list(iter_demo_songs(tmp_path / "a.jsonl.gz"))
    counts = Counter(s.collection for s in songs)
    assert all(counts[name] == 4 for name in CORPUS_COLLECTIONS), counts
    assert counts["Known songs"] >= 30
    assert "Known songs:" in report and "O'Neill's Music of Ireland: 4 tunes" in report


def fake_song(collection: str, n: int) -> dict:
    return {"id": f"demo:{collection[:4]}{n:012d}", "title": f"Tune {n}", "collection": collection,
            "notes": [[i * 0.25, 0.25, 60 + (i * 7 + n) % 24] for i in range(40)]}


def test_an_oversized_catalog_is_capped_per_collection_and_keeps_known_songs():
    songs = [fake_song("Known songs", n) for n in range(5)]
    songs += [fake_song(name, n) for name in ("Big", "Small") for n in range(200)]
    data, cap = fit_size(songs, max_bytes=len(fit_size(songs, 10**9)[0]) // 2)
    kept = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
    counts = Counter(s["collection"] for s in kept)
    assert cap is not None and counts["Big"] == counts["Small"] == cap < 200
    assert counts["Known songs"] == 5
    assert fit_size(songs, 10**9)[1] is None


def require_music21() -> None:
    try:
        import music21  # noqa: F401
    except ImportError:
        pytest.fail("the demo catalog builder needs music21: pip install -e '.[catalog]'")


REEL_NOTES = "GABc dBGB|cBAG FADF|GABc dBGB|cAFA G4|]\n"


def test_abc_tunes_get_a_pace_typical_of_their_type():
    require_music21()
    from tools.abc_tunes import tune_melody

    in_sixteenths = tune_melody("X:1\nT:ACACIA -- REEL\nM:2/4\nL:1/16\nK:G\n" + REEL_NOTES)
    in_eighths = tune_melody("X:1\nT:Acacia Reel\nM:C|\nL:1/8\nK:G\n" + REEL_NOTES)
    assert in_sixteenths.title == in_eighths.title == "Acacia Reel"
    assert in_sixteenths.notes == in_eighths.notes  # same speed whatever the notation
    assert in_eighths.key == "G major"
    assert 0.12 < in_eighths.notes[1][0] < 0.2  # a reel's running eighths
    air = tune_melody("X:1\nT:An Air\nN:Slow\nM:3/4\nL:1/8\nK:D\nA4-B2|d6|A4 F2|D6|E4 F2|A6|]\n")
    # "A4-B2" is a slur written as a tie: two notes, not one
    assert [n[2] for n in air.notes[:3]] == [69, 71, 74]
    assert air.notes[0][1] == pytest.approx(2 * 60 / 76, abs=1e-3)  # airs: quarter = 76
    given = tune_melody("X:1\nT:Quick Step\nM:2/4\nL:1/8\nQ:1/4=120\nK:G\nGABc|dBGB|cBAG|FADF|G4|]\n")
    assert given.notes[1][0] == 0.25  # Q: 1/4=120 -> an eighth is 0.25 s
