"""The catalog database: songs, singers, melodies, embeddings, plays.

:class:`CatalogStore` owns one SQLite connection (WAL mode). SQLite connections
belong to the thread that made them, so each thread opens its own store; all
*writes* in the app go through one writer thread (:mod:`app.db_writer`), the
CLI writes from its main thread. Every multi-step write runs in ``db.atomic()``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from app import catalog_schema
from app.melody_codec import decode_notes, encode_notes
from app.melody_stats import estimate_key, melody_range, note_name, tessitura
from app.song_record import Note, SongRecord
from app.text_search import initials_key, is_initials_query, like_pattern, search_key

SONG_LIST_COLUMNS = (
    "id, title, artist, genre, year, language, singer_gender, duration_s, "
    "original_key, range_low, range_high, source_format, collection"
)


HUM_KIND = "hum"
"""Embedding kind of hum-search windows; their owners are ``segments`` ids."""


class CatalogError(Exception):
    """A catalog operation failed for a reason the user should read."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class CatalogStore:
    """One connection to a catalog database, migrated to the current schema.

    ``path`` is a file path or ``":memory:"``. Opening a file that is not a
    SQLite database raises :class:`CatalogError`.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        try:
            if self.path is None:
                self.db = sqlite_utils.Database(memory=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite_utils.Database(self.path)
                self.db.execute("PRAGMA busy_timeout = 10000")
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            catalog_schema.migrate(self.db)
        except Exception as exc:  # sqlite3.DatabaseError and friends
            raise CatalogError(f"cannot open catalog {path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- meta -------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    # --- songs ------------------------------------------------------------
    def song_id_for_hash(self, file_hash: str) -> int | None:
        if not file_hash:
            return None
        row = self.db.execute("SELECT id FROM songs WHERE file_hash = ?", [file_hash]).fetchone()
        return row[0] if row else None

    def add_song(self, record: SongRecord) -> int:
        """Store a song, its singers and melody in one transaction; return its id.

        A song whose ``file_hash`` is already stored is not added again: the
        existing id is returned.
        """
        existing = self.song_id_for_hash(record.file_hash)
        if existing is not None:
            return existing
        notes = sorted(record.notes, key=lambda n: n.onset_s)
        duration = record.duration_s
        if duration is None and notes:
            duration = max(n.offset_s for n in notes)
        row = {
            "title": record.title,
            "artist": record.artist,
            "genre": record.genre,
            "year": record.year,
            "language": record.language,
            "singer_gender": record.singer_gender,
            "duration_s": duration,
            "source_path": record.source_path,
            "source_format": record.source_format,
            "file_hash": record.file_hash or None,
            "lyrics": record.lyrics,
            "original_key": record.original_key or estimate_key(notes),
            "audio_ref": record.audio_ref,
            "collection": record.collection,
            "search_text": search_key(f"{record.title} {record.artist}"),
            "search_initials": initials_key(f"{record.title} {record.artist}"),
            "added_at": _now(),
        }
        with self.db.atomic():
            song_id = self.db["songs"].insert(row).last_pk
            for name in dict.fromkeys(s.strip() for s in record.singers if s.strip()):
                singer_id = self.ensure_singer(name, record.singer_gender)
                self.db["song_singers"].insert(
                    {"song_id": song_id, "singer_id": singer_id}, ignore=True
                )
            if notes:  # also fills the song's range and tessitura columns
                self.set_melody(song_id, notes, source=record.source_format or "notes",
                                sung_range=record.sung_range)
        return song_id

    def set_melody(self, song_id: int, notes: list[Note], source: str,
                   sung_range: tuple[int, int] | None = None) -> None:
        """Replace a song's melody (and its range/tessitura) in one transaction.

        sung_range: the sustained range of an analysed recording, which ignores
        short glitches; by default the range is the notes' lowest and highest.
        """
        rng, tess = sung_range or melody_range(notes), tessitura(notes)
        with self.db.atomic():
            self.db["melodies"].upsert(
                {"song_id": song_id, "source": source, "n_notes": len(notes),
                 "notes": encode_notes(notes)},
                pk="song_id",
            )
            self.db["songs"].update(
                song_id,
                {"range_low": rng[0] if rng else None, "range_high": rng[1] if rng else None,
                 "tessitura_low": tess[0] if tess else None,
                 "tessitura_high": tess[1] if tess else None},
            )

    def delete_segments(self, song_id: int) -> None:
        """Remove a song's melody windows (``segments``) and their hum-search
        embeddings, which the segments own."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM embeddings WHERE kind = ? AND owner_id IN "
                "(SELECT id FROM segments WHERE song_id = ?)", [HUM_KIND, song_id])
            self.db.execute("DELETE FROM segments WHERE song_id = ?", [song_id])

    def delete_song(self, song_id: int) -> None:
        """Remove a song with everything that hangs off it."""
        with self.db.atomic():
            self.delete_segments(song_id)
            for table in ("song_singers", "melodies", "plays"):
                self.db.execute(f"DELETE FROM {table} WHERE song_id = ?", [song_id])
            self.db.execute(
                "DELETE FROM embeddings WHERE kind LIKE 'song%' AND owner_id = ?", [song_id]
            )
            self.db.execute("DELETE FROM songs WHERE id = ?", [song_id])

    def song(self, song_id: int) -> dict | None:
        """All columns of one song plus ``singers`` (names) and readable range."""
        rows = list(self.db.query("SELECT * FROM songs WHERE id = ?", [song_id]))
        if not rows:
            return None
        song = rows[0]
        song["singers"] = [
            r["name"] for r in self.db.query(
                "SELECT s.name FROM singers s JOIN song_singers ss ON ss.singer_id = s.id "
                "WHERE ss.song_id = ? ORDER BY s.name", [song_id])
        ]
        if song["range_low"] is not None:
            song["range"] = f"{note_name(song['range_low'])}–{note_name(song['range_high'])}"
        melody = self.db.execute(
            "SELECT n_notes FROM melodies WHERE song_id = ?", [song_id]).fetchone()
        song["n_notes"] = melody[0] if melody else 0
        return song

    def notes(self, song_id: int) -> list[Note]:
        row = self.db.execute("SELECT notes FROM melodies WHERE song_id = ?", [song_id]).fetchone()
        return decode_notes(row[0]) if row else []

    def count_songs(self) -> int:
        return self.db.execute("SELECT count(*) FROM songs").fetchone()[0]

    def search_songs(
        self,
        query: str = "",
        *,
        limit: int | None = 50,
        offset: int = 0,
        genre: str | None = None,
        singer_gender: str | None = None,
    ) -> list[dict]:
        """Songs whose title or artist contains ``query`` (case-, accent- and
        width-insensitive; Hangul initials such as ``ㅇㄹㄹ`` match 아리랑).

        Titles that start with the query come first, then alphabetical order.
        """
        where, params = [], []
        key = search_key(query)
        if query.strip() and is_initials_query(query):
            where.append("search_initials LIKE ? ESCAPE '\\'")
            params.append(like_pattern(query.replace(" ", "")))
            prefix = query.replace(" ", "") + "%"
            rank = "CASE WHEN search_initials LIKE ? THEN 0 ELSE 1 END"
        elif key:
            where.append("search_text LIKE ? ESCAPE '\\'")
            params.append(like_pattern(key))
            prefix = key + "%"
            rank = "CASE WHEN search_text LIKE ? THEN 0 ELSE 1 END"
        else:
            prefix, rank = None, ""
        if genre:
            where.append("genre = ?")
            params.append(genre)
        if singer_gender:
            where.append("singer_gender = ?")
            params.append(singer_gender)
        sql = f"SELECT {SONG_LIST_COLUMNS} FROM songs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {rank + ', ' if rank else ''}title COLLATE NOCASE, id"
        if prefix is not None:
            params.append(prefix)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return list(self.db.query(sql, params))

    def resolve_song(self, spec: str) -> dict:
        """A song by id (``"42"``) or by the best title/artist match.

        Raises :class:`CatalogError` when nothing matches.
        """
        if spec.strip().isdigit():
            song = self.song(int(spec))
            if song:
                return song
        matches = self.search_songs(spec, limit=1)
        if not matches:
            raise CatalogError(f"no song matches {spec!r}")
        return self.song(matches[0]["id"])

    def genres(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT genre FROM songs WHERE genre != '' ORDER BY genre").fetchall()]

    # --- singers ----------------------------------------------------------
    def ensure_singer(self, name: str, gender: str = "unknown") -> int:
        row = self.db.execute("SELECT id FROM singers WHERE name = ?", [name]).fetchone()
        if row:
            return row[0]
        return self.db["singers"].insert({"name": name, "gender": gender}).last_pk

    # --- import bookkeeping ----------------------------------------------
    def record_import(self, path: str, file_hash: str, status: str,
                      song_id: int | None = None, error: str = "") -> None:
        self.db["import_files"].upsert(
            {"path": path, "file_hash": file_hash, "status": status, "song_id": song_id,
             "error": error, "imported_at": _now()},
            pk="path",
        )

    def import_status(self, path: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM import_files WHERE path = ?", [path]))
        return rows[0] if rows else None

    def add_plays(self, plays: Iterable[dict]) -> None:
        with self.db.atomic():
            self.db["plays"].insert_all(plays)
