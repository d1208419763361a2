"""UltraStar song files (.txt, format 1.0.0 and the older common variants).

A file is a block of ``#KEY:value`` headers followed by one event per line::

    #TITLE:Arirang
    #BPM:300,5          <- comma decimals allowed
    #GAP:1200           <- milliseconds before beat 0
    : 0 4 0 A           <- type, start beat, length in beats, pitch, syllable
    * 4 2 2 ri          <- golden note
    F 8 2 0 rang        <- freestyle: no pitch
    - 12                <- line break (older files: "- 12 16")
    E                   <- end; everything after is ignored

Beats are quarter-beats: ``seconds = GAP / 1000 + beat * 60 / (BPM * 4)``.
Pitch 0 is C4 (MIDI 60). Note types ``:`` and ``*`` are sung pitches and go
into the melody; ``F`` (freestyle), ``R`` (rap) and ``G`` (golden rap) carry no
reliable pitch, so only their syllables are kept, in the lyrics. Duet files
(``P1``/``P2`` markers) keep P1 (and ``P3``, "both singers", in old duets).
``#RELATIVE:yes`` files count beats from the last line break, whose second
number moves the origin. The game scores pitch classes only, so some files
sit whole octaves off; a melody whose median lies outside MIDI_LOW..MIDI_HIGH
is moved by octaves to centre on C4 (:func:`fold_octaves`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from statistics import median

from app.importers.errors import ImportFileError, NotASongFileError
from app.importers.song_names import (
    guess_language,
    language_name,
    parse_year,
    title_artist_from_path,
)
from app.importers.text_encoding import decode_bytes
from app.song_record import Note, SongRecord
from inference.constants import MIDI_HIGH, MIDI_LOW

ULTRASTAR_C4_MIDI = 60
MAX_TEXT_BYTES = 4 * 1024 * 1024
"""Larger .txt files are not song files; they are not read in full."""
_KNOWN_HEADERS = frozenset(
    {"TITLE", "ARTIST", "BPM", "GAP", "MP3", "AUDIO", "VERSION", "LANGUAGE", "GENRE", "EDITION"}
)
_PITCHED = frozenset(":*")
_NOTE = re.compile(r"^([:*FRG])[ \t]*(-?\d+)[ \t]+(-?\d+)[ \t]+(-?\d+)(?:[ \t](.*))?$")
_BREAK = re.compile(r"^-[ \t]*(-?\d+)(?:[ \t]+(-?\d+))?$")
_PLAYER = re.compile(r"^P[ \t]*(\d)$")
_ENCODING = re.compile(rb"^#ENCODING:[ \t]*([A-Za-z0-9_-]+)", re.MULTILINE)


def looks_like_ultrastar(text: str) -> bool:
    """True when the file opens with ``#KEY:value`` headers naming a known key
    (TITLE, ARTIST, BPM, GAP, MP3, AUDIO ...), before any other line."""
    for line in text.lstrip("\ufeff").splitlines()[:200]:
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return False
        key, colon, _ = stripped[1:].partition(":")
        if colon and key.strip().upper() in _KNOWN_HEADERS:
            return True
    return False


def fold_octaves(notes: list[Note]) -> list[Note]:
    """Shift a melody whose median pitch is outside MIDI_LOW..MIDI_HIGH by
    whole octaves towards C4; other melodies are returned unchanged."""
    if not notes:
        return notes
    mid = median(n.pitch for n in notes)
    if MIDI_LOW <= mid <= MIDI_HIGH:
        return notes
    shift = 12.0 * round((ULTRASTAR_C4_MIDI - mid) / 12)
    return [replace(n, pitch=n.pitch + shift) for n in notes]


def _number(value: str, what: str, lineno: int) -> float:
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        raise ImportFileError(f"line {lineno}: bad {what} value {value.strip()!r}") from None


def _snippet(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 40 else line[:37] + "...")


def parse_ultrastar_text(text: str, path: Path) -> SongRecord:
    """Parse decoded UltraStar text; ``path`` gives source_path and name fallbacks."""
    headers: dict[str, tuple[str, int]] = {}
    notes: list[Note] = []
    lines: list[str] = [""]
    n_events = 0
    seconds_per_beat = gap_s = None
    relative, origin = False, 0
    player: int | None = None
    end_s = 0.0
    for lineno, raw_line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        stripped = raw_line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, colon, value = stripped[1:].partition(":")
            if colon:
                headers.setdefault(key.strip().upper(), (value.strip(), lineno))
            continue
        if stripped == "E" or stripped.startswith("E "):
            break
        if seconds_per_beat is None:
            if "BPM" not in headers:
                raise ImportFileError(f"no #BPM header before the notes (line {lineno})")
            bpm_text, bpm_line = headers["BPM"]
            bpm = _number(bpm_text, "#BPM", bpm_line)
            if bpm <= 0:
                raise ImportFileError(f"line {bpm_line}: #BPM must be above 0, got {bpm_text!r}")
            seconds_per_beat = 60.0 / (bpm * 4)
            gap_text, gap_line = headers.get("GAP", ("0", 0))
            gap_s = _number(gap_text or "0", "#GAP", gap_line) / 1000.0
            relative = headers.get("RELATIVE", ("", 0))[0].lower() in ("yes", "true", "1")
        if match := _PLAYER.match(stripped):
            player = int(match.group(1))
            continue
        keep = player is None or player in (1, 3)
        if match := _BREAK.match(stripped):
            if keep:
                lines.append("")
                if relative:
                    origin += int(match.group(2) or match.group(1))
            continue
        match = _NOTE.match(raw_line.lstrip())
        if not match:
            raise ImportFileError(f"line {lineno}: malformed note line {_snippet(raw_line)}")
        kind, start, length, pitch, syllable = match.groups()
        if int(length) < 0:
            raise ImportFileError(f"line {lineno}: negative note length {_snippet(raw_line)}")
        n_events += 1
        if not keep:
            continue
        syllable = (syllable or "").replace("~", "")
        lines[-1] += syllable
        onset = gap_s + (origin + int(start)) * seconds_per_beat
        duration = int(length) * seconds_per_beat
        end_s = max(end_s, onset + duration)
        if onset < 0:
            onset, duration = 0.0, duration + onset
        if kind in _PITCHED and duration > 0:
            notes.append(
                Note(onset, duration, float(ULTRASTAR_C4_MIDI + int(pitch)), syllable.strip())
            )
    if n_events == 0:
        raise ImportFileError("no notes found")

    def header(*keys: str) -> str:
        return next((headers[k][0] for k in keys if headers.get(k, ("", 0))[0]), "")

    file_title, file_artist = title_artist_from_path(path)
    artist = header("ARTIST") or file_artist
    lyrics = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    return SongRecord(
        title=header("TITLE") or file_title,
        artist=artist,
        genre=header("GENRE"),
        year=parse_year(header("YEAR")),
        language=language_name(header("LANGUAGE")) or guess_language(lyrics),
        duration_s=end_s or None,
        source_path=str(path),
        source_format="ultrastar",
        lyrics=lyrics,
        audio_ref=header("AUDIO", "MP3"),
        singers=[artist] if artist else [],
        notes=fold_octaves(sorted(notes, key=lambda n: n.onset_s)),
    )


def read_ultrastar_text(path: Path) -> str:
    """Read and decode a .txt file; NotASongFileError if it is not UltraStar.

    The encoding comes from a ``#ENCODING`` header when present, otherwise it
    is detected (:func:`app.importers.text_encoding.decode_bytes`).
    """
    with open(path, "rb") as fh:
        raw = fh.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise NotASongFileError("not an UltraStar file (too large for a song file)")
    if not raw.strip():
        raise NotASongFileError("not an UltraStar file (empty)")
    match = _ENCODING.search(raw[:4096])
    text = decode_bytes(raw, hint=match.group(1).decode() if match else None).text
    if "\x00" in text or not looks_like_ultrastar(text):
        raise NotASongFileError("not an UltraStar file (no #TITLE/#ARTIST/#BPM headers)")
    return text


def parse_ultrastar(path: Path) -> SongRecord:
    """Read an UltraStar .txt file into a SongRecord (``file_hash`` left empty).

    Raises NotASongFileError for other text files and ImportFileError (with the
    line number) for malformed UltraStar files.
    """
    path = Path(path)
    return parse_ultrastar_text(read_ultrastar_text(path), path)
