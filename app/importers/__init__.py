"""Song-file importers: MIDI/KAR, UltraStar .txt and tagged audio -> SongRecord.

Parsing only: walking folders, hashing and storing belong to the import
pipeline. :func:`parse_file` picks the parser by extension (and, for ``.txt``,
by content: only UltraStar song files are accepted). Every failure is an
:class:`ImportFileError` whose ``str`` is a short readable reason; a ``.txt``
that is simply not a song file raises its subclass :class:`NotASongFileError`.
"""

from __future__ import annotations

from pathlib import Path

from app.audio_decode import AUDIO_EXTENSIONS
from app.importers.audio_tags import parse_audio
from app.importers.errors import ImportFileError, NotASongFileError
from app.importers.midi_import import parse_midi
from app.importers.ultrastar_import import parse_ultrastar
from app.song_record import SongRecord

MIDI_EXTENSIONS = frozenset({".mid", ".midi", ".kar"})
ULTRASTAR_EXTENSIONS = frozenset({".txt"})
SUPPORTED_EXTENSIONS: frozenset[str] = MIDI_EXTENSIONS | ULTRASTAR_EXTENSIONS | AUDIO_EXTENSIONS
"""Lower-case, with the dot: .mid .midi .kar .txt .wav .flac .ogg .opus .mp3 .m4a .aac"""

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ImportFileError",
    "NotASongFileError",
    "parse_file",
]


def parse_file(path: Path) -> SongRecord:
    """Parse one song file into a SongRecord (``file_hash`` is left empty).

    ``source_path`` is ``str(path)``; ``source_format`` is midi, kar,
    ultrastar or audio. Raises ImportFileError for unsupported, unreadable,
    broken or empty files -- never any other exception type.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise ImportFileError(f"unsupported file type {ext or '(no extension)'!r}")
    if not path.is_file():
        raise ImportFileError("file not found" if not path.exists() else "not a regular file")
    try:
        if ext in MIDI_EXTENSIONS:
            return parse_midi(path)
        if ext in ULTRASTAR_EXTENSIONS:
            return parse_ultrastar(path)
        return parse_audio(path)
    except ImportFileError:
        raise
    except OSError as exc:
        raise ImportFileError(f"cannot read file ({exc.strerror or exc})") from exc
    except Exception as exc:  # a parser bug or an unforeseen byte pattern: still one clear error
        raise ImportFileError(f"could not parse file ({type(exc).__name__}: {exc})") from exc
