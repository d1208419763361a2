"""What an importer hands to the catalog: one song, its notes and metadata.

Importers (MIDI/KAR, UltraStar, audio tags, the demo catalog) all produce a
:class:`SongRecord`; :mod:`app.catalog_store` is the only code that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SINGER_GENDERS = ("female", "male", "mixed", "unknown")


@dataclass(frozen=True)
class Note:
    """One melody note.

    onset_s: start in seconds from the start of the song (float, >= 0).
    duration_s: length in seconds (float, > 0).
    pitch: MIDI note number (float so that sung pitch can carry cents; 60.0 = C4).
    lyric: the syllable sung on this note, if known.
    """

    onset_s: float
    duration_s: float
    pitch: float
    lyric: str = ""

    @property
    def offset_s(self) -> float:
        return self.onset_s + self.duration_s


@dataclass
class SongRecord:
    """A song ready to be stored. Only ``title`` is required.

    ``file_hash`` makes re-imports idempotent: the catalog keeps one song per
    hash. ``source_format`` is one of ``midi``, ``kar``, ``ultrastar``,
    ``audio`` or ``corpus`` (demo catalog melodies).
    """

    title: str
    artist: str = ""
    genre: str = ""
    year: int | None = None
    language: str = ""
    singer_gender: str = "unknown"
    duration_s: float | None = None
    source_path: str = ""
    source_format: str = ""
    file_hash: str = ""
    lyrics: str = ""
    original_key: str = ""
    audio_ref: str = ""
    collection: str = ""
    singers: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sung_range: tuple[int, int] | None = None
    """(low, high) MIDI the singer sustained, when the notes were heard in a
    recording; None means the notes' own lowest and highest."""

    def __post_init__(self) -> None:
        if self.singer_gender not in SINGER_GENDERS:
            raise ValueError(
                f"singer_gender must be one of {SINGER_GENDERS}, got {self.singer_gender!r}"
            )
        self.title = self.title.strip()
        if not self.title:
            raise ValueError("a song needs a title")
