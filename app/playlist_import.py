"""Importing .m3u/.m3u8 playlists as sessions, so similar songs learn from them.

A playlist is read line by line (``#EXTM3U`` extended format or a plain list
of paths): ``#EXTINF:<seconds>,<Artist> - <Title>`` describes the entry on the
next line; other ``#`` lines are comments. Each entry is matched to a catalog
song by, in turn,

1. its path (relative paths are taken from the playlist's folder; ``file://``
   URLs too) against ``songs.source_path``;
2. the ``#EXTINF`` artist and title against the songs' titles and artists
   (case-, accent- and width-insensitive, as in search): the same artist, else
   an artist name containing the other ("Traditional" and "Traditional (words:
   Robert Burns)"), else the only song of that title;
3. the file name, read as ``Artist - Title`` or ``Title`` (a leading track
   number such as ``03 -`` or ``03.`` is dropped).

Entries that match nothing, and malformed lines, are reported with their line
numbers and skipped; they never stop the import. A file that cannot be read,
holds binary data, is not .m3u/.m3u8 or lists no entries at all raises
:class:`PlaylistError`. The matched songs become one session of ``plays``
whose id comes from the file's content, so importing the same playlist again
replaces its session instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from app.catalog_store import CatalogStore
from app.play_log import Play
from app.similar_constants import PLAYLIST_SESSION_PREFIX
from app.text_search import search_key

PLAYLIST_SUFFIXES = (".m3u", ".m3u8")
_TRACK_NUMBER = re.compile(r"^\s*\d{1,3}\s*(?:[-._)]\s*|\s+)")


class PlaylistError(ValueError):
    """The file cannot be imported as a playlist; the message says why."""


@dataclass(frozen=True)
class PlaylistEntry:
    """One song line of a playlist: its line number, location as written, and
    the artist and title of its ``#EXTINF`` line ("" when there was none)."""

    line: int
    location: str
    artist: str = ""
    title: str = ""


@dataclass
class PlaylistImport:
    """The outcome: ``matched`` (line, song id) in playlist order; ``problems``
    (line, reason) for every line skipped."""

    path: str
    session_id: str
    entries: int = 0
    matched: list[tuple[int, int]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    replaced: bool = False

    def summary(self) -> str:
        again = " (replacing its earlier import)" if self.replaced else ""
        return (f"{Path(self.path).name}: {len(self.matched)} of {self.entries} entries matched "
                f"songs in the catalog{again}")

    def as_dict(self) -> dict:
        return {"path": self.path, "session_id": self.session_id, "entries": self.entries,
                "matched": [{"line": line, "song_id": song} for line, song in self.matched],
                "problems": [{"line": line, "reason": why} for line, why in self.problems],
                "replaced": self.replaced}


def _text(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise PlaylistError(f"{path.name} is not a playlist (it holds binary data)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if path.suffix.lower() == ".m3u8":
            raise PlaylistError(f"{path.name} is not valid UTF-8, which .m3u8 files must be") from None
        return raw.decode("latin-1")  # old .m3u files use the system's 8-bit code page


def _artist_title(text: str) -> tuple[str, str]:
    """``"Artist - Title"`` -> (artist, title); no separator -> ("", text)."""
    artist, sep, title = text.partition(" - ")
    return (artist.strip(), title.strip()) if sep and title.strip() else ("", text.strip())


def parse_playlist(path: Path, raw: bytes) -> tuple[list[PlaylistEntry], list[tuple[int, str]]]:
    """A playlist's bytes -> (entries, problems by line). Raises PlaylistError
    when it is binary or not valid text for its kind."""
    entries, problems = [], []
    info: tuple[str, str] | None = None
    for number, line in enumerate(_text(path, raw).splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.upper().startswith("#EXTINF:"):
            _seconds, comma, display = line[8:].partition(",")
            if not comma or not display.strip():
                problems.append((number, "malformed #EXTINF line (expected #EXTINF:seconds,Artist - Title)"))
                info = None
            else:
                info = _artist_title(display)
            continue
        if line.startswith("#"):
            continue
        if any(ord(c) < 32 for c in line):
            problems.append((number, "unreadable entry (control characters)"))
            info = None
            continue
        artist, title = info or ("", "")
        entries.append(PlaylistEntry(number, line, artist, title))
        info = None
    return entries, problems


def _local_path(location: str, base: Path) -> Path | None:
    parsed = urlparse(location)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http://, rtsp://: not a file here
        return None
    path = Path(location.replace("\\", "/"))  # a playlist written on Windows
    return path if path.is_absolute() else (base / path)


def _by_title(store: CatalogStore, artist: str, title: str) -> int | None:
    key = search_key(title)
    if not key:
        return None
    rows = store.db.execute(
        "SELECT id, title, artist FROM songs WHERE search_text LIKE ? ORDER BY id",
        [key.replace("%", "").replace("_", "") + "%"]).fetchall()
    same_title = [r for r in rows if search_key(r[1]) == key]
    if artist and same_title:
        wanted = search_key(artist)
        artists = [search_key(r[2] or "") for r in same_title]
        for rule in (lambda a: a == wanted, lambda a: bool(a) and (wanted in a or a in wanted)):
            found = [r[0] for r, a in zip(same_title, artists) if rule(a)]
            if found:
                return found[0]
        # another artist's name for the only song of that title (a cover, "Traditional (words: ...)")
        return same_title[0][0] if len(same_title) == 1 else None
    return same_title[0][0] if same_title else None


def match_entry(store: CatalogStore, entry: PlaylistEntry, base: Path) -> int | None:
    """The catalog song an entry names (see the module docstring), or None."""
    local = _local_path(entry.location, base)
    candidates = [entry.location] + ([str(local), str(local.resolve())] if local else [])
    for candidate in dict.fromkeys(candidates):
        row = store.db.execute("SELECT id FROM songs WHERE source_path = ? ORDER BY id LIMIT 1",
                               [candidate]).fetchone()
        if row:
            return row[0]
    if entry.title:
        found = _by_title(store, entry.artist, entry.title)
        if found is not None:
            return found
    stem = Path(unquote(urlparse(entry.location).path or entry.location).replace("\\", "/")).stem
    stem = _TRACK_NUMBER.sub("", stem)
    artist, title = _artist_title(stem)
    return _by_title(store, artist, title) or (_by_title(store, "", stem) if artist else None)


def import_playlist(store: CatalogStore, path: str | Path, now: float | None = None) -> PlaylistImport:
    """Match a playlist's entries and store them as one session (one transaction)."""
    path = Path(path)
    if path.suffix.lower() not in PLAYLIST_SUFFIXES:
        raise PlaylistError(f"{path.name} is not an .m3u or .m3u8 playlist")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlaylistError(f"cannot read {path}: {exc.strerror or exc}") from exc
    entries, problems = parse_playlist(path, raw)
    if not entries:
        raise PlaylistError(f"{path.name} lists no songs")
    session_id = PLAYLIST_SESSION_PREFIX + hashlib.sha256(raw).hexdigest()[:16]
    outcome = PlaylistImport(str(path), session_id, len(entries), problems=problems)
    for entry in entries:
        song_id = match_entry(store, entry, path.parent)
        if song_id is None:
            described = f"{entry.artist} - {entry.title}" if entry.title else entry.location
            outcome.problems.append((entry.line, f"no song in the catalog matches {described!r}"))
        else:
            outcome.matched.append((entry.line, song_id))
    outcome.problems.sort()
    start = time.time() if now is None else now
    with store.db.atomic():
        outcome.replaced = store.db.execute(
            "DELETE FROM plays WHERE session_id = ?", [session_id]).rowcount > 0
        store.db["plays"].insert_all(
            Play(session_id, song_id, 0, start + i).row()
            for i, (_line, song_id) in enumerate(outcome.matched))
    return outcome
