"""Audio files (.wav .flac .ogg .opus .mp3 .m4a .aac) -> :class:`SongRecord`.

Only metadata is read here: title, artist, genre, year, language from the
tags (mutagen: ID3, Vorbis comments, MP4 atoms; RIFF INFO chunks in WAV
files, see :mod:`app.wav_chunks`), the duration -- and the checks that the
audio is complete -- from :func:`app.audio_decode.probe_audio`, whose
AudioDecodeError becomes an ImportFileError with the same reason. The notes
stay empty; the melody is analysed later from the audio itself. The title falls back to the file name,
the artist to ``"Artist - Title"`` in the file name when the tags say
nothing contrary.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
from mutagen.id3 import ID3

from app.audio_decode import AudioDecodeError, probe_audio
from app.importers.errors import ImportFileError
from app.importers.song_names import (
    guess_language,
    language_name,
    parse_year,
    title_artist_from_path,
)
from app.importers.text_encoding import decode_parts
from app.song_record import SongRecord
from app.wav_chunks import read_riff_info

TAG_FIELDS = ("title", "artist", "genre", "date", "language")
_NAMING_FIELDS = frozenset({"title", "artist"})
"""When ID3 tags give these, a WAV file's RIFF INFO chunk is not read."""
_ID3_FRAMES = {
    "title": ("TIT2",),
    "artist": ("TPE1", "TPE2"),
    "genre": ("TCON",),
    "date": ("TDRC", "TYER", "TDAT"),
    "language": ("TLAN",),
}
_EASY_FALLBACKS = {"artist": ("artist", "albumartist", "performer"), "date": ("date", "year")}


def _first_text(values: object) -> str:
    if isinstance(values, (list, tuple)):
        for v in values:
            text = str(v).strip()
            if text:
                return text
        return ""
    return str(values).strip() if values is not None else ""


def _from_id3(tags: ID3) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, frame_ids in _ID3_FRAMES.items():
        for frame_id in frame_ids:
            for frame in tags.getall(frame_id):
                values = frame.genres if frame_id == "TCON" else frame.text
                text = _first_text(values)
                if text:
                    out.setdefault(name, text)
    return out


def _from_easy(tags: object) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in TAG_FIELDS:
        for key in _EASY_FALLBACKS.get(name, (name,)):
            try:
                text = _first_text(tags.get(key))  # type: ignore[attr-defined]
            except (KeyError, ValueError):
                text = ""
            if text:
                out[name] = text
                break
    return out


def _riff_info(path: Path) -> dict[str, str]:
    """A WAV file's RIFF INFO tags as text: Windows tools write them in the
    system code page (CP949 on Korean systems), so they are not read as UTF-8."""
    raw = read_riff_info(path)
    texts, _ = decode_parts(list(raw.values()))
    return {key: text.strip() for key, text in zip(raw, texts, strict=True) if text.strip()}


def read_tags(path: Path) -> dict[str, str]:
    """Whatever of ``TAG_FIELDS`` the file's tags hold, as stripped strings.

    Never raises for bad tags: a file whose tags cannot be read has none.
    """
    path = Path(path)
    try:
        audio = mutagen.File(str(path), easy=True)
    except Exception:  # broken tags are not a reason to refuse readable audio
        audio = None
    tags = getattr(audio, "tags", None)
    found: dict[str, str] = {}
    if isinstance(tags, ID3):
        found = _from_id3(tags)
    elif tags is not None:
        found = _from_easy(tags)
    if path.suffix.lower() == ".wav" and not _NAMING_FIELDS <= found.keys():
        for key, value in _riff_info(path).items():
            found.setdefault(key, value)
    return found


def parse_audio(path: Path) -> SongRecord:
    """Read an audio file's tags and length into a SongRecord (no notes).

    Raises ImportFileError for empty, truncated or non-audio files.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise ImportFileError("empty file (0 bytes)")  # the words every importer uses
    try:
        duration = probe_audio(path).duration_s
    except AudioDecodeError as exc:
        raise ImportFileError(exc.reason) from exc
    tags = read_tags(path)
    file_title, file_artist = title_artist_from_path(path)
    title = tags.get("title") or file_title
    artist = tags.get("artist", "")
    if not artist and file_artist and title.casefold() == file_title.casefold():
        artist = file_artist
    return SongRecord(
        title=title,
        artist=artist,
        genre=tags.get("genre", ""),
        year=parse_year(tags.get("date")),
        language=language_name(tags.get("language", "")) or guess_language(title),
        duration_s=duration,
        source_path=str(path),
        source_format="audio",
        singers=[artist] if artist else [],
    )
