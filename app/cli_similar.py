"""``norae similar SONG`` and ``norae playlist FILE...``.

``similar`` lists the songs most like one song (an id or words of its title or
artist), each with the sources that put it there; ``--json`` gives
``{"song": {"song_id", "title", "artist", "genre", "year"}, "results":
[{"song_id", "title", "artist", "score", "sources": [...]}, ...]}`` best first.
Before answering it brings what similar songs read up to date: hum windows of
songs that lack them (the content source; the first run on the demo catalog
takes about a minute) and the co-occurrence training when enough new plays
arrived.

``playlist`` imports .m3u/.m3u8 files as sessions of songs sung together
(:mod:`app.playlist_import`), lists the lines it could not use, and retrains
the co-occurrence embedding when that made it due.
"""

from __future__ import annotations

import argparse
import json

from app.catalog_store import CatalogStore
from app.cli_format import fail, table
from app.cli_hum import update_hum_index
from app.cooc_training import retrain_if_due
from app.playlist_import import PlaylistError, import_playlist
from app.similar_constants import (
    CONTENT_DEFAULT,
    CONTENT_HUM,
    DEFAULT_TOP,
    FUSION_DEFAULT,
    FUSIONS,
    SOURCE_LABELS,
)
from app.similar_songs import load_similar


def add_similar_commands(commands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("similar", parents=[common],
                            help="songs similar to one song: sung together, melody, artist/genre/era, voice")
    p.add_argument("song", metavar="SONG", help="song id or words of its title or artist")
    p.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N")
    p.add_argument("--fusion", choices=FUSIONS, default=FUSION_DEFAULT,
                   help=("score_total: weighted sum of reciprocal ranks (weights learned from "
                         "the room's plays); top3: each source's best in turn"))
    p = commands.add_parser("playlist", parents=[common],
                            help="import .m3u/.m3u8 playlists as sessions for similar songs")
    p.add_argument("paths", nargs="+", metavar="FILE", help=".m3u or .m3u8 files")


def refresh_similar_sources(store: CatalogStore, progress=None) -> list[str]:
    """Index missing hum windows (when content comes from them) and retrain
    the co-occurrence embedding if due; lines worth showing."""
    lines = update_hum_index(store, progress) if CONTENT_DEFAULT == CONTENT_HUM else []
    stamp = retrain_if_due(store)
    if stamp is not None:
        lines.append(f"Learned from {stamp.sessions} sessions: {stamp.songs} songs sung together.")
    return lines


def cmd_similar(args: argparse.Namespace, store: CatalogStore, progress=None) -> int:
    song = store.resolve_song(args.song)  # CatalogError: "no song matches ..." (exit 1)
    notes = refresh_similar_sources(store, progress)
    hits = load_similar(store).similar(song["id"], max(1, args.top), fusion=args.fusion)
    head = {"song_id": song["id"], "title": song["title"], "artist": song["artist"],
            "genre": song["genre"], "year": song["year"]}
    if args.json:
        print(json.dumps({"song": head, "results": [h.to_json() for h in hits]}, ensure_ascii=False))
        return 0
    for line in notes:
        print(line)
    print(f"Similar to {song['title']} — {song['artist'] or 'unknown artist'} (id {song['id']}):")
    if not hits:
        print("No similar songs: the catalog has nothing to compare this song with yet.")
        return 0
    rows = [(str(i + 1), f"{h.score:.3f}", str(h.song_id), h.title, h.artist,
             ", ".join(SOURCE_LABELS[s] for s in h.sources)) for i, h in enumerate(hits)]
    print(table(("#", "score", "id", "title", "artist", "because"), rows, (3, 5, 5, 34, 18, 40)))
    return 0


def cmd_playlist(args: argparse.Namespace, store: CatalogStore) -> int:
    imports, failed = [], []
    for path in args.paths:
        try:
            imports.append(import_playlist(store, path))
        except PlaylistError as exc:
            failed.append((path, str(exc)))
    stamp = retrain_if_due(store) if imports else None
    if args.json:
        print(json.dumps({"playlists": [i.as_dict() for i in imports],
                          "failed": [{"path": p, "error": e} for p, e in failed],
                          "retrained": stamp is not None}, ensure_ascii=False))
    else:
        for outcome in imports:
            print(outcome.summary() + ".")
            for line, reason in outcome.problems:
                print(f"  line {line}: {reason}")
        if stamp is not None:
            print(f"Similar songs learned from {stamp.sessions} sessions.")
        for _path, error in failed:
            fail(error, 1)
    return 1 if failed and not imports else 0
