"""MIDI (.mid/.midi) and Soft Karaoke (.kar) files -> :class:`SongRecord`.

Steps: check the container (:func:`load_midi`), decode every text meta event
with one detected encoding (mido reads them as Latin-1, so re-encoding to
Latin-1 gives back the raw bytes), read the KAR headers and lyric syllables,
pick the melody voice (rules in :mod:`app.importers.midi_tracks`), reduce it
to one line, convert ticks to seconds through the tempo map, and attach each
syllable to the note it starts on.

Title, first match wins: KAR ``@T`` header, a ``Title:`` text event, the
conductor track's name (unless it is a placeholder such as "Untitled"), the
file name (``"Artist - Title.mid"``). Artist likewise: second ``@T`` header,
``Artist:`` text event, the file name.
"""

from __future__ import annotations

import io
import re
import struct
from bisect import bisect_left
from pathlib import Path

import mido

from app.importers.errors import ImportFileError
from app.importers.midi_lyrics import (
    MidiText,
    Syllable,
    kar_headers,
    lyric_syllables,
    lyrics_text,
)
from app.importers.midi_tempo import TempoMap, match_tolerance
from app.importers.midi_tracks import (
    PLAYABLE_HIGH,
    PLAYABLE_LOW,
    TickNote,
    choose_melody,
    overlap_share,
    skyline,
    voices_from_tracks,
)
from app.importers.song_names import guess_language, language_name, title_artist_from_path
from app.importers.text_encoding import decode_parts
from app.song_record import Note, SongRecord

_TEXT_KINDS = frozenset(
    {"text", "lyrics", "track_name", "copyright", "marker", "cue_marker", "instrument_name"}
)
_PLACEHOLDER_NAME = re.compile(
    r"^\s*(untitled|unnamed|no ?name|new (song|track)|track ?\d*|sequence ?\d*|tempo( track)?|"
    r"master( track)?|conductor|system|setup|control|midi ?\d*|song|title|seq-\d+|\d+)\s*$",
    re.IGNORECASE,
)
_TAGGED = re.compile(r"^\s*(title|artist|singer)\s*[:=]\s*(.+?)\s*$", re.IGNORECASE)


def _midi_chunks(data: bytes) -> bytes:
    """Validate the chunk structure and return a clean SMF (header + MTrk chunks).

    Accepts RIFF-wrapped files (RMID); skips unknown chunks (Yamaha XF etc.).
    Raises ImportFileError for a foreign or truncated file.
    """
    if data[:4] == b"RIFF" and data[8:12] == b"RMID":
        start = data.find(b"MThd", 12, 256)
        data = data[start:] if start >= 0 else b""
    if len(data) < 14 or data[:4] != b"MThd":
        raise ImportFileError("not a MIDI file (bad header)")
    header_len = struct.unpack(">L", data[4:8])[0]
    if header_len < 6 or 8 + header_len > len(data):
        raise ImportFileError("not a MIDI file (bad header)")
    fmt, n_tracks, division = struct.unpack(">HHH", data[8:14])
    if fmt > 2:
        raise ImportFileError(f"not a MIDI file (unknown format {fmt})")
    pos, tracks = 8 + header_len, []
    while pos + 8 <= len(data) and len(tracks) < n_tracks:
        name, size = struct.unpack(">4sL", data[pos : pos + 8])
        if pos + 8 + size > len(data):
            raise ImportFileError("truncated MIDI file (a track ends early)")
        if name == b"MTrk":
            tracks.append(data[pos : pos + 8 + size])
        pos += 8 + size
    if len(tracks) < n_tracks:
        raise ImportFileError(
            f"truncated MIDI file (header promises {n_tracks} track{'s' * (n_tracks != 1)}, "
            f"found {len(tracks)})"
        )
    header = b"MThd" + struct.pack(">LHHH", 6, fmt, len(tracks), division)
    return header + b"".join(tracks)


def load_midi(path: Path) -> mido.MidiFile:
    """Read and parse a MIDI file with mido; every failure is an ImportFileError."""
    data = Path(path).read_bytes()
    if not data:
        raise ImportFileError("empty file (0 bytes)")
    clean = _midi_chunks(data)
    try:
        return mido.MidiFile(file=io.BytesIO(clean), clip=True)
    except EOFError:
        raise ImportFileError(
            "damaged MIDI file (a track ends in the middle of an event)"
        ) from None
    except Exception as exc:  # mido raises OSError, ValueError, KeyError... on bad bytes
        raise ImportFileError(f"damaged MIDI file ({exc})") from exc


def _texts(tracks: list[mido.MidiTrack]) -> list[MidiText]:
    """Every text-like meta event, decoded with one encoding detected over all."""
    found: list[tuple[int, int, str, bytes]] = []
    for ti, track in enumerate(tracks):
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type in _TEXT_KINDS:
                value = getattr(msg, "text", None)
                value = msg.name if value is None else value
                found.append((ti, tick, msg.type, value.encode("latin-1", errors="replace")))
    decoded, _ = decode_parts([raw.rstrip(b"\x00") for *_, raw in found])
    return [
        MidiText(ti, tick, kind, text)
        for (ti, tick, kind, _), text in zip(found, decoded, strict=True)
    ]


def _title_artist(texts: list[MidiText], titles: list[str], path: Path) -> tuple[str, str]:
    title = titles[0] if titles else ""
    artist = titles[1] if len(titles) > 1 else ""
    for t in texts:
        match = _TAGGED.match(t.text) if t.kind == "text" else None
        if match:
            key, value = match.group(1).lower(), match.group(2)
            if key == "title" and not title:
                title = value
            elif key in ("artist", "singer") and not artist:
                artist = value
    if not title:
        names = [t.text.strip() for t in texts if t.kind == "track_name" and t.track == 0]
        if names and names[0] and not _PLACEHOLDER_NAME.match(names[0]):
            title = names[0]
    file_title, file_artist = title_artist_from_path(path)
    if not title:
        title, artist = file_title, artist or file_artist
    elif not artist and file_artist and file_title.casefold() == title.casefold():
        artist = file_artist
    return title, artist


def _original_key(tracks: list[mido.MidiTrack]) -> str:
    """The first key_signature event as "G major" / "E minor", or ""."""
    first: tuple[int, str] | None = None
    for track in tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "key_signature" and (first is None or tick < first[0]):
                first = (tick, msg.key)
    if first is None:
        return ""
    key = first[1]
    return f"{key[:-1]} minor" if key.endswith("m") else f"{key} major"


def _to_notes(
    ticks: list[TickNote], tempo: TempoMap, syllables: list[Syllable], tol: int
) -> list[Note]:
    """Tick notes -> seconds, each carrying the syllables that start on it."""
    starts = [n.start for n in ticks]
    lyrics = [""] * len(ticks)
    for s in syllables:
        word = s.text.strip()
        if not word or not starts:
            continue
        i = bisect_left(starts, s.tick)
        best = min(
            (j for j in (i - 1, i) if 0 <= j < len(starts)), key=lambda j: abs(starts[j] - s.tick)
        )
        if abs(starts[best] - s.tick) <= tol:
            lyrics[best] += word
    notes = []
    for n, lyric in zip(ticks, lyrics, strict=True):
        onset = tempo.seconds(n.start)
        duration = tempo.seconds(n.end) - onset
        if duration > 0:
            notes.append(Note(onset, duration, float(n.pitch), lyric))
    return notes


def parse_midi(path: Path) -> SongRecord:
    """Read a .mid/.midi/.kar file into a SongRecord (``file_hash`` left empty).

    source_format is "kar" for the .kar extension or a file with KAR headers.
    Raises ImportFileError("no notes found") for a file without notes.
    """
    path = Path(path)
    mid = load_midi(path)
    tracks = list(mid.tracks)
    tpb = mid.ticks_per_beat
    texts = _texts(tracks)
    headers = kar_headers(texts)
    is_kar = path.suffix.lower() == ".kar" or headers.is_kar
    syllables, lyric_kind = lyric_syllables(texts, prefer_text=is_kar)
    track_names = [""] * len(tracks)
    for t in texts:
        if t.kind == "track_name" and not track_names[t.track]:
            track_names[t.track] = t.text.strip()
    voices = voices_from_tracks(tracks, track_names)
    if not voices:
        raise ImportFileError("no notes found")
    melody, by_lyrics = choose_melody(voices, [s.tick for s in syllables if s.text.strip()], tpb)
    if melody is None:
        raise ImportFileError("no melody notes found (only drums)")
    if not (is_kar or lyric_kind == "lyrics" or by_lyrics):
        syllables = []  # stray text events of a plain MIDI file are not lyrics
    try:
        tempo_tracks = [tracks[melody.track]] if mid.type == 2 else tracks
        tempo = TempoMap.from_tracks(tpb, tempo_tracks)
    except ValueError as exc:
        raise ImportFileError(f"damaged MIDI file ({exc})") from exc
    tol = match_tolerance(tpb)
    line = [n for n in melody.notes if PLAYABLE_LOW <= n.pitch <= PLAYABLE_HIGH]
    if overlap_share(line, tol // 2 or 1) > 0:
        line = skyline(line, tol // 2 or 1)
    notes = _to_notes(line, tempo, syllables, tol)
    if not notes:
        raise ImportFileError("no notes found")
    in_scope = [v for v in voices if mid.type != 2 or v.track == melody.track]
    duration = tempo.seconds(max(n.end for v in in_scope for n in v.notes))
    lyrics = lyrics_text(syllables)
    title, artist = _title_artist(texts, headers.titles, path)
    return SongRecord(
        title=title,
        artist=artist,
        language=language_name(headers.language) or guess_language(lyrics or title),
        duration_s=duration,
        source_path=str(path),
        source_format="kar" if is_kar else "midi",
        lyrics=lyrics,
        original_key=_original_key(tracks),
        singers=[artist] if artist else [],
        notes=notes,
    )
