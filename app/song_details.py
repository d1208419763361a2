"""Everything a song page shows about one song, read from the catalog in one call.

Pure (no Qt): :func:`song_details` gathers the song's metadata, its singers
with their genders, its range and tessitura as note names, its key and its
melody notes into a :class:`SongDetails` the UI only has to lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.catalog_store import CatalogStore
from app.cli_format import duration_text, range_text
from app.song_record import Note


@dataclass(frozen=True)
class SongDetails:
    """One song, ready to show.

    singers: (name, gender) pairs; gender is female, male, mixed or unknown.
    range_text: the sung range as note names, e.g. ``"G3–E5"``; "" when unknown.
    tessitura_text: where the melody mostly lies, e.g. ``"B3–D5"``; "" when unknown.
    key: e.g. ``"G major"``; "" when unknown.
    length_text: ``"m:ss"``; "" when unknown.
    notes: the melody, sorted by onset (seconds, MIDI pitch); empty when none is stored.
    """

    song_id: int
    title: str
    artist: str = ""
    genre: str = ""
    year: int | None = None
    language: str = ""
    singer_gender: str = "unknown"
    singers: list[tuple[str, str]] = field(default_factory=list)
    range_text: str = ""
    tessitura_text: str = ""
    key: str = ""
    length_text: str = ""
    source_format: str = ""
    notes: list[Note] = field(default_factory=list)


def song_singers(store: CatalogStore, song_id: int) -> list[tuple[str, str]]:
    """The song's singers as (name, gender), by name."""
    return [(r[0], r[1] or "unknown") for r in store.db.execute(
        "SELECT s.name, s.gender FROM singers s JOIN song_singers ss ON ss.singer_id = s.id "
        "WHERE ss.song_id = ? ORDER BY s.name", [song_id]).fetchall()]


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def song_details(store: CatalogStore, song_id: int) -> SongDetails | None:
    """The song ``song_id`` with its singers and melody; None when there is no such song."""
    song = store.song(song_id)
    if song is None:
        return None
    return SongDetails(
        song_id=song_id,
        title=song["title"],
        artist=song["artist"] or "",
        genre=song["genre"] or "",
        year=song["year"],
        language=song["language"] or "",
        singer_gender=song["singer_gender"] or "unknown",
        singers=song_singers(store, song_id),
        range_text=range_text(song["range_low"], song["range_high"]),
        tessitura_text=range_text(_rounded(song["tessitura_low"]), _rounded(song["tessitura_high"])),
        key=song["original_key"] or "",
        length_text=duration_text(song["duration_s"]),
        source_format=song["source_format"] or "",
        notes=sorted(store.notes(song_id), key=lambda n: n.onset_s),
    )
