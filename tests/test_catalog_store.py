"""The catalog store: schema, songs, search, atomic writes."""

from __future__ import annotations

import sqlite3

import pytest

from app.catalog_schema import CATALOG_MIGRATIONS, SCHEMA_VERSION
from app.catalog_store import CatalogError, CatalogStore
from app.song_record import Note, SongRecord

TWINKLE = [Note(i * 0.5, 0.5, p) for i, p in enumerate([60, 60, 67, 67, 69, 69, 67])]


def song(title="Twinkle Twinkle Little Star", **kw) -> SongRecord:
    kw.setdefault("notes", list(TWINKLE))
    return SongRecord(title=title, **kw)


def test_fresh_catalog_has_every_table_and_the_schema_version(fresh_store):
    tables = set(fresh_store.db.table_names())
    assert {"songs", "singers", "song_singers", "melodies", "embeddings", "segments", "plays",
            "meta", "vector_indexes", "import_files"} <= tables
    assert fresh_store.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert CATALOG_MIGRATIONS.pending(fresh_store.db) == []


def test_file_catalog_uses_wal_and_reopens_without_migrating_again(tmp_path):
    path = tmp_path / "c.sqlite"
    with CatalogStore(path) as store:
        store.add_song(song())
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with CatalogStore(path) as store:
        assert store.count_songs() == 1
        assert len(CATALOG_MIGRATIONS.applied(store.db)) == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_gives_a_readable_error(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"this is a shopping list, not a database" * 50)
    with pytest.raises(CatalogError, match="cannot open catalog"):
        CatalogStore(bogus)


def test_add_song_stores_melody_range_tessitura_and_key(fresh_store):
    song_id = fresh_store.add_song(song(singers=["Kim", "Lee"], singer_gender="mixed"))
    stored = fresh_store.song(song_id)
    assert stored["range_low"] == 60 and stored["range_high"] == 69
    assert stored["range"] == "C4–A4"
    assert 60 <= stored["tessitura_low"] <= stored["tessitura_high"] <= 69
    assert stored["original_key"] == "C major"
    assert stored["singers"] == ["Kim", "Lee"]
    assert stored["duration_s"] == pytest.approx(3.5)
    assert [n.pitch for n in fresh_store.notes(song_id)] == [60, 60, 67, 67, 69, 69, 67]


def test_same_file_hash_is_stored_once(fresh_store):
    first = fresh_store.add_song(song(file_hash="abc"))
    again = fresh_store.add_song(song(title="Renamed", file_hash="abc"))
    assert first == again and fresh_store.count_songs() == 1


def test_failed_write_leaves_no_half_song(fresh_store):
    fresh_store.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON melodies BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        fresh_store.add_song(song(singers=["Kim"]))
    assert fresh_store.count_songs() == 0
    assert fresh_store.db.execute("SELECT count(*) FROM singers").fetchone()[0] == 0


@pytest.mark.parametrize("query, expected", [
    ("twinkle", "Twinkle Twinkle Little Star"),
    ("TWINKLE little", "Twinkle Twinkle Little Star"),
    ("cafe", "Café Noël"),
    ("NOEL", "Café Noël"),
    ("아리", "아리랑 (Arirang)"),
    ("arirang", "아리랑 (Arirang)"),
    ("ㅇㄹㄹ", "아리랑 (Arirang)"),
    ("도라지", "도라지 타령 (Doraji taryeong)"),
    ("ㄷㄹㅈ", "도라지 타령 (Doraji taryeong)"),
    ("ｔｗｉｎｋｌｅ", "Twinkle Twinkle Little Star"),
])
def test_search_is_case_accent_width_insensitive_and_hangul_safe(fresh_store, query, expected):
    for title in ("Twinkle Twinkle Little Star", "Café Noël", "아리랑 (Arirang)",
                  "도라지 타령 (Doraji taryeong)", "Amazing Grace"):
        fresh_store.add_song(song(title))
    assert [r["title"] for r in fresh_store.search_songs(query)] == [expected]


def test_search_puts_prefix_matches_first_and_filters(fresh_store):
    fresh_store.add_song(song("A Song of Stars", genre="folk"))
    fresh_store.add_song(song("Stars Fell", genre="folk", singer_gender="female"))
    fresh_store.add_song(song("Starry", genre="pop", singer_gender="female"))
    titles = [r["title"] for r in fresh_store.search_songs("star")]
    assert titles[:2] == ["Starry", "Stars Fell"] and titles[2] == "A Song of Stars"
    assert [r["title"] for r in fresh_store.search_songs("star", genre="folk",
                                                         singer_gender="female")] == ["Stars Fell"]
    assert fresh_store.search_songs("100%_") == []
    assert [r["title"] for r in fresh_store.search_songs("")] == [
        "A Song of Stars", "Starry", "Stars Fell"]


def test_resolve_song_by_id_or_title(fresh_store):
    song_id = fresh_store.add_song(song("Amazing Grace"))
    assert fresh_store.resolve_song(str(song_id))["title"] == "Amazing Grace"
    assert fresh_store.resolve_song("amazing")["id"] == song_id
    with pytest.raises(CatalogError, match="no song matches"):
        fresh_store.resolve_song("nothing like this")


def test_delete_song_removes_everything_hanging_off_it(fresh_store):
    song_id = fresh_store.add_song(song(singers=["Kim"]))
    fresh_store.db["segments"].insert({"song_id": song_id, "start_s": 0, "end_s": 4})
    fresh_store.delete_song(song_id)
    for table in ("songs", "melodies", "song_singers", "segments"):
        assert fresh_store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
