"""The `norae` CLI end to end on real files and a real database file."""

from __future__ import annotations

import json

import pytest

from app.catalog_store import CatalogStore
from app.cli import main
from tests.fixture_files import write_import_fixtures


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def import_folder(tmp_path):
    folder = tmp_path / "music"
    folder.mkdir()
    return folder, write_import_fixtures(folder)


def table_dump(db_path) -> list:
    with CatalogStore(db_path) as store:
        return [list(store.db.query(f"SELECT * FROM {t} ORDER BY 1"))
                for t in ("songs", "singers", "song_singers", "melodies")]


def test_import_adds_good_files_lists_bad_ones_and_a_second_run_changes_nothing(
        capsys, tmp_path, import_folder):
    folder, fixtures = import_folder
    db = str(tmp_path / "x.sqlite")
    code, first = run_json(capsys, "--db", db, "--no-demo", "import", str(folder))
    assert code == 0
    assert sorted(a["path"] for a in first["added"]) == sorted(map(str, fixtures["good"]))
    failed = {f["path"]: f["reason"] for f in first["failed"]}
    assert sorted(failed) == sorted(map(str, fixtures["bad"]))
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    before = table_dump(db)

    code, second = run_json(capsys, "import", str(folder), "--db", db, "--no-demo")
    assert second["added"] == []
    assert len(second["unchanged"]) == len(fixtures["good"])
    assert {f["path"]: f["reason"] for f in second["failed"]} == failed
    assert table_dump(db) == before


def test_import_prints_a_readable_summary(capsys, tmp_path, import_folder):
    folder, fixtures = import_folder
    main(["--db", str(tmp_path / "x.sqlite"), "--no-demo", "import", str(folder)])
    out = capsys.readouterr().out
    assert f"{len(fixtures['good'])} added" in out
    assert "could not be imported" in out
    for bad in fixtures["bad"]:
        assert str(bad) in out


def test_import_of_a_missing_path_says_so(capsys, tmp_path):
    code, result = run_json(capsys, "--db", str(tmp_path / "x.sqlite"), "--no-demo", "import",
                            str(tmp_path / "nope"))
    assert code == 1
    assert result["failed"][0]["reason"] == "no such file or folder"


def test_songs_and_info_on_the_demo_catalog(capsys, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    code, listing = run_json(capsys, "--db", db, "songs", "arirang")
    assert code == 0
    assert any("아리랑" in s["title"] for s in listing["songs"])
    code, listing = run_json(capsys, "--db", db, "songs", "ㄴㅂㅇ")
    assert any("나비야" in s["title"] for s in listing["songs"])
    code, song = run_json(capsys, "--db", db, "info", "Jingle Bells")
    assert song["title"] == "Jingle Bells" and len(song["notes"]) >= 8
    assert song["range"] and song["original_key"]
    main(["--db", db, "info", "Jingle Bells"])
    assert "Range:" in capsys.readouterr().out


def test_songs_text_output_and_no_match(capsys, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert main(["--db", db, "songs", "silent night"]) == 0
    out = capsys.readouterr().out
    assert "Silent Night" in out and "title" in out
    main(["--db", db, "songs", "zzzz no such song"])
    assert "No songs match" in capsys.readouterr().out


def test_info_of_an_unknown_song_is_a_plain_error(capsys, tmp_path):
    assert main(["--db", str(tmp_path / "x.sqlite"), "--no-demo", "info", "nothing"]) == 1
    assert "no song matches" in capsys.readouterr().err


def test_no_demo_keeps_a_new_database_empty(capsys, tmp_path):
    code, listing = run_json(capsys, "--db", str(tmp_path / "x.sqlite"), "--no-demo", "songs")
    assert listing["songs"] == []


def test_db_from_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NORAE_DB", str(tmp_path / "env.sqlite"))
    main(["--no-demo", "songs"])
    assert (tmp_path / "env.sqlite").exists()


def test_a_corrupt_database_is_a_plain_error(capsys, tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"\x00garbage" * 1000)
    assert main(["--db", str(bogus), "songs"]) == 2
    assert "cannot open catalog" in capsys.readouterr().err


def test_doctor_reports_checks(capsys, tmp_path):
    code, report = run_json(capsys, "--db", str(tmp_path / "x.sqlite"), "doctor")
    names = {c["name"]: c for c in report["checks"]}
    assert names["database integrity"]["status"] == "ok"
    assert "microphone" in names and "ffmpeg" in names
    assert code == 0


def test_reindex_without_embeddings(capsys, tmp_path):
    code, report = run_json(capsys, "--db", str(tmp_path / "x.sqlite"), "--no-demo", "reindex")
    assert code == 0 and report == {"indexes": {}}


def test_no_command_without_a_gui_explains_itself(capsys):
    assert main([]) == 2
    assert "desktop app" in capsys.readouterr().err


def test_a_damaged_demo_catalog_is_a_plain_error_and_adds_nothing(capsys, tmp_path, monkeypatch):
    from app import demo_catalog

    damaged = tmp_path / "demo.jsonl.gz"
    damaged.write_bytes(b"\x1f\x8b not really gzip")
    original = demo_catalog.install_demo_catalog
    monkeypatch.setattr("app.catalog_setup.install_demo_catalog",
                        lambda store, progress=None: original(store, damaged, progress))
    assert main(["--db", str(tmp_path / "x.sqlite"), "songs"]) == 2
    assert "demo catalog is damaged" in capsys.readouterr().err
    with CatalogStore(tmp_path / "x.sqlite") as store:
        assert store.count_songs() == 0
