"""``norae similar`` and ``norae playlist`` on a small generated catalog."""

from __future__ import annotations

import json

from app.cli import main
from tests.similar_catalog import copy_catalog


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_similar_json_lists_songs_with_their_sources(similar_db, tmp_path, capsys):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    ana = similar_db[1]["Ana Stepwise"]
    code, out, _err = run(capsys, "--db", str(path), "--json", "similar", str(ana[0]), "--top", "6")
    assert code == 0
    payload = json.loads(out)
    assert payload["song"] == {"song_id": ana[0], "title": "Ana song 1", "artist": "Ana Stepwise",
                               "genre": "Ballad", "year": 1994}
    results = payload["results"]
    assert len(results) == 6 and ana[0] not in [r["song_id"] for r in results]
    assert all(set(r) == {"song_id", "title", "artist", "score", "sources"} for r in results)
    assert all(r["sources"] and set(r["sources"]) <= {"cooc", "content", "metadata", "voice"}
               for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    # The rooms sang Ana and Bo together (now learned), and Ana's songs share artist and melody style.
    assert {r["artist"] for r in results[:3]} <= {"Ana Stepwise", "Bo Leaps"}
    assert any("cooc" in r["sources"] for r in results)


def test_similar_by_title_prints_a_table_and_an_unknown_song_is_a_clear_error(similar_db, tmp_path, capsys):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    code, out, _err = run(capsys, "--db", str(path), "similar", "Cy song 3", "--top", "3", "--fusion", "top3")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("Similar to Cy song 3 — Cy Repeats") for line in lines)
    assert "because" in out and len([line for line in lines if line[:2] in ("1 ", "2 ", "3 ")]) == 3
    code, out, err = run(capsys, "--db", str(path), "similar", "no such tune at all")
    assert code == 1 and out == "" and "no song matches 'no such tune at all'" in err


def test_playlists_import_as_sessions_and_report_what_they_could_not_use(similar_db, tmp_path, capsys):
    path = copy_catalog(similar_db[0], tmp_path / "c")
    good = tmp_path / "night.m3u8"
    good.write_text("#EXTM3U\n#EXTINF:1,Traditional - Traditional song 1\na.mid\n"
                    "#EXTINF:1,Cy Repeats - Cy song 2\nb.mid\nmissing song.mp3\n", encoding="utf-8")
    bad = tmp_path / "broken.m3u"
    bad.write_bytes(b"\x00\x00")
    code, out, _err = run(capsys, "--db", str(path), "--json", "playlist", str(good), str(bad))
    assert code == 0
    payload = json.loads(out)
    (imported,) = payload["playlists"]
    assert [m["line"] for m in imported["matched"]] == [3, 5]
    assert imported["problems"] == [{"line": 6, "reason": "no song in the catalog matches 'missing song.mp3'"}]
    assert payload["failed"] == [{"path": str(bad), "error": "broken.m3u is not a playlist (it holds binary data)"}]
    code, out, err = run(capsys, "--db", str(path), "playlist", str(bad))
    assert code == 1 and "binary data" in err
