"""The catalog's SQLite schema, as named migrations (``sqlite_utils.Migrations``).

Each migration runs once, inside its own transaction together with its record
in ``_sqlite_migrations``; ``meta.schema_version`` counts the migrations
applied. Add new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

CATALOG_MIGRATIONS = Migrations("norae.catalog")


@CATALOG_MIGRATIONS(name="001_initial")
def _m001_initial(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["songs"].create(
        {
            "id": int,
            "title": str,
            "artist": str,
            "genre": str,
            "year": int,
            "language": str,
            "singer_gender": str,
            "duration_s": float,
            "source_path": str,
            "source_format": str,
            "file_hash": str,
            "lyrics": str,
            "original_key": str,
            "range_low": int,
            "range_high": int,
            "tessitura_low": float,
            "tessitura_high": float,
            "audio_ref": str,
            "collection": str,
            "search_text": str,
            "search_initials": str,
            "added_at": str,
            "analysed_at": str,
        },
        pk="id",
        not_null={"title", "singer_gender", "search_text"},
        defaults={"singer_gender": "unknown", "search_text": "", "search_initials": ""},
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_songs_file_hash ON songs(file_hash) "
        "WHERE file_hash IS NOT NULL AND file_hash != ''"
    )
    db["songs"].create_index(["genre"])
    db["songs"].create_index(["singer_gender"])
    db["singers"].create({"id": int, "name": str, "gender": str}, pk="id", not_null={"name"})
    db["singers"].create_index(["name"], unique=True)
    db["song_singers"].create(
        {"song_id": int, "singer_id": int},
        pk=("song_id", "singer_id"),
        foreign_keys=[("song_id", "songs", "id"), ("singer_id", "singers", "id")],
    )
    db["melodies"].create(
        {"song_id": int, "source": str, "n_notes": int, "notes": bytes},
        pk="song_id",
        foreign_keys=[("song_id", "songs", "id")],
    )
    db["embeddings"].create(
        {"id": int, "kind": str, "owner_id": int, "model_sha256": str, "dim": int, "vector": bytes},
        pk="id",
        not_null={"kind", "owner_id", "vector"},
    )
    db["embeddings"].create_index(["kind", "owner_id"], unique=True)
    db["segments"].create(
        {"id": int, "song_id": int, "start_s": float, "end_s": float},
        pk="id",
        foreign_keys=[("song_id", "songs", "id")],
    )
    db["segments"].create_index(["song_id"])
    db["plays"].create(
        {"id": int, "session_id": str, "song_id": int, "played_at": str, "key_shift": int},
        pk="id",
        foreign_keys=[("song_id", "songs", "id")],
    )
    db["plays"].create_index(["session_id"])
    db["vector_indexes"].create(
        {
            "kind": str,
            "space": str,
            "dim": int,
            "m": int,
            "ef_construction": int,
            "ef": int,
            "model_sha256": str,
            "file_name": str,
            "n_items": int,
            "checksum": str,
            "built_at": str,
        },
        pk="kind",
    )
    db["import_files"].create(
        {
            "path": str,
            "file_hash": str,
            "status": str,
            "song_id": int,
            "error": str,
            "imported_at": str,
        },
        pk="path",
    )


@CATALOG_MIGRATIONS(name="002_singer_profiles")
def _m002_singer_profiles(db: sqlite_utils.Database) -> None:
    # A singer is "user" (added from the user's clips) or "demo" (a synthetic
    # demo voice). Each clip keeps its audio (16 kHz mono FLAC) so embeddings
    # can be made again when the timbre model changes; the profile vector is
    # an ``embeddings`` row of kind "timbre" owned by the singer.
    db["singers"].add_column("origin", str, not_null_default="user")
    db["singers"].add_column("range_low", int)
    db["singers"].add_column("range_high", int)
    db["singers"].add_column("added_at", str)
    db["singer_clips"].create(
        {
            "id": int,
            "singer_id": int,
            "source_name": str,
            "file_hash": str,
            "duration_s": float,
            "sung_s": float,
            "range_low": int,
            "range_high": int,
            "p_female": float,
            "audio_flac": bytes,
            "embedding": bytes,
            "model_sha256": str,
            "added_at": str,
        },
        pk="id",
        foreign_keys=[("singer_id", "singers", "id")],
        not_null={"singer_id", "audio_flac"},
    )
    db["singer_clips"].create_index(["singer_id", "file_hash"], unique=True)


SCHEMA_VERSION = len(CATALOG_MIGRATIONS.pending(sqlite_utils.Database(memory=True)))


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration; return the names applied now."""
    pending = [m.name for m in CATALOG_MIGRATIONS.pending(db)]
    CATALOG_MIGRATIONS.apply(db)
    if pending:
        applied = len(CATALOG_MIGRATIONS.applied(db))
        db["meta"].upsert({"key": "schema_version", "value": str(applied)}, pk="key")
    return pending
