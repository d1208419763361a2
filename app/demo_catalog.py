"""The bundled demo catalog: reading it and copying it into a catalog database.

The file (:data:`app.paths.DEMO_CATALOG_FILE`) is gzip'd JSON Lines built by
``python -m tools.build_demo_catalog``; each line is one song::

    {"id": "demo:<16 hex digits>", "title": str, "artist": str, "genre": str,
     "year": int | null, "language": str, "singer_gender": str,
     "collection": str, "original_key": str, "lyrics": str,
     "notes": [[onset_s, duration_s, midi], ...]}

``notes`` is the monophonic melody: onset and duration in seconds (ms-rounded,
first onset 0), pitch as a MIDI number. The ``id`` is stable across rebuilds of
an unchanged song and becomes the song's ``file_hash``, so installing twice
adds nothing the second time. Reading needs only the standard library.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from app.catalog_store import CatalogStore
from app.paths import DEMO_CATALOG_FILE
from app.song_record import Note, SongRecord

DEMO_CATALOG_META_KEY = "demo_catalog_version"
"""``meta`` key holding the sha256 of the demo catalog file last installed."""

PROGRESS_EVERY = 50
"""``install_demo_catalog`` reports progress every this many songs (and at the end)."""

_TEXT_FIELDS = ("title", "artist", "genre", "language", "singer_gender", "collection",
                "original_key", "lyrics")


class DemoCatalogError(Exception):
    """The demo catalog file is missing or malformed; the message says where."""


def demo_catalog_sha256(path: Path = DEMO_CATALOG_FILE) -> str:
    """Hex sha256 of the catalog file's bytes (its version)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise DemoCatalogError(f"cannot read demo catalog {path}: {exc.strerror or exc}") from exc


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    yield number, line
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DemoCatalogError(f"cannot read demo catalog {path}: {exc}") from exc


def _record(entry: object, where: str) -> SongRecord:
    """One decoded JSON line -> :class:`SongRecord` (raises DemoCatalogError)."""
    if not isinstance(entry, dict):
        raise DemoCatalogError(f"{where}: a song must be a JSON object")
    song_id = entry.get("id")
    if not isinstance(song_id, str) or not song_id.startswith("demo:"):
        raise DemoCatalogError(f"{where}: missing or malformed 'id' {song_id!r}")
    for name in _TEXT_FIELDS:
        if not isinstance(entry.get(name, ""), str):
            raise DemoCatalogError(f"{where}: {name!r} must be text")
    year = entry.get("year")
    if year is not None and not isinstance(year, int):
        raise DemoCatalogError(f"{where}: 'year' must be a whole number or null")
    raw_notes = entry.get("notes")
    if not isinstance(raw_notes, list) or not raw_notes:
        raise DemoCatalogError(f"{where}: 'notes' must be a non-empty list")
    notes = []
    for note in raw_notes:
        if (not isinstance(note, list) or len(note) != 3
                or not all(isinstance(v, (int, float)) for v in note)
                or note[0] < 0 or note[1] <= 0):
            raise DemoCatalogError(
                f"{where}: a note must be [onset_s >= 0, duration_s > 0, midi], got {note!r}")
        notes.append(Note(float(note[0]), float(note[1]), float(note[2])))
    try:
        return SongRecord(
            title=entry.get("title", ""),
            artist=entry.get("artist", ""),
            genre=entry.get("genre", ""),
            year=year,
            language=entry.get("language", ""),
            singer_gender=entry.get("singer_gender", "unknown") or "unknown",
            source_path="demo_catalog",
            source_format="corpus",
            file_hash=song_id,
            lyrics=entry.get("lyrics", ""),
            original_key=entry.get("original_key", ""),
            collection=entry.get("collection", ""),
            notes=notes,
        )
    except ValueError as exc:
        raise DemoCatalogError(f"{where}: {exc}") from exc


def iter_demo_songs(path: Path = DEMO_CATALOG_FILE) -> Iterator[SongRecord]:
    """Yield every song of a demo catalog file as a :class:`SongRecord`
    (``source_format="corpus"``, ``file_hash`` = the line's ``id``).

    Raises :class:`DemoCatalogError` naming the line on a malformed song.
    """
    path = Path(path)
    for number, line in _lines(path):
        where = f"{path.name} line {number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DemoCatalogError(f"{where}: not valid JSON ({exc.msg})") from exc
        yield _record(entry, where)


def install_demo_catalog(
    store: CatalogStore,
    path: Path = DEMO_CATALOG_FILE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Copy every demo song not yet in ``store`` into it; return how many were added.

    The whole file is read and checked first, then all songs go in inside one
    transaction: a malformed file or a failure midway adds nothing. Songs
    already present (same ``file_hash``) are skipped, so a second call adds 0.
    Sets meta ``demo_catalog_version`` to the file's sha256.
    progress(done, total) is called every :data:`PROGRESS_EVERY` songs and at the end.
    """
    version = demo_catalog_sha256(path)
    records = list(iter_demo_songs(path))
    total, added = len(records), 0
    with store.db.atomic():
        for done, record in enumerate(records, start=1):
            if store.song_id_for_hash(record.file_hash) is None:
                store.add_song(record)
                added += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        store.set_meta(DEMO_CATALOG_META_KEY, version)
    return added
