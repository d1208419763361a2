"""The ``norae`` command line.

``norae`` alone starts the desktop app (the UI layer passes ``start_gui``);
subcommands work on the same catalog: ``import``, ``songs``, ``info``,
``reindex``, ``doctor``, ``hum`` (find a song by humming), ``singer`` (singer
profiles), ``suggest`` (songs that suit a recorded voice), ``similar`` (songs
like one song) and ``playlist`` (import playlists as sessions); ``pitch``, ``notes``,
``voice`` and ``range`` analyse an audio file. ``--db PATH`` picks the catalog (else ``NORAE_DB``,
else the user data dir); ``--json`` prints machine-readable output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from tqdm import tqdm

from app import doctor
from app.catalog_setup import open_catalog
from app.catalog_store import CatalogError, CatalogStore
from app.cli_audio import add_audio_commands, cmd_audio
from app.cli_format import duration_text, range_text, table
from app.cli_hum import add_hum_command, cmd_hum, update_hum_index
from app.cli_similar import add_similar_commands, cmd_playlist, cmd_similar
from app.cli_voice import (
    add_voice_commands,
    cmd_singer,
    cmd_suggest,
    update_timbre_index,
)
from app.import_run import import_paths
from app.index_registry import rebuild_indexes
from app.paths import default_db_path, index_dir_for
from app.song_record import SINGER_GENDERS

GuiStarter = Callable[[argparse.Namespace], int]


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="catalog database (default: $NORAE_DB or the user data dir)")
    parser.add_argument("--json", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="print machine-readable JSON")
    parser.add_argument("--no-demo", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="do not copy the demo catalog into a new database")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="norae", description="Norae — offline karaoke companion. "
        "Without a command, the desktop app starts.")
    _common_options(parser, suppress=False)
    parser.add_argument("--kiosk", action="store_true",
                        help="desktop app in kiosk mode: full screen, large targets, no file "
                             "dialogs, back to the start after a minute idle")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, suppress=True)

    p = commands.add_parser("import", parents=[common], help="import song files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="MIDI/KAR, UltraStar .txt, audio files, or folders (walked recursively)")
    p = commands.add_parser("songs", parents=[common], help="list or search songs")
    p.add_argument("query", nargs="?", default="", help="words of the title or artist")
    p.add_argument("--genre")
    p.add_argument("--gender", choices=SINGER_GENDERS, help="singer gender")
    p.add_argument("--limit", type=int, default=50)
    p = commands.add_parser("info", parents=[common], help="show one song")
    p.add_argument("song", help="song id or title")
    commands.add_parser("reindex", parents=[common],
                        help="rebuild every vector index from the database")
    commands.add_parser("doctor", parents=[common],
                        help="check audio devices, models, database and indexes")
    add_audio_commands(commands, common)
    add_hum_command(commands, common)
    add_voice_commands(commands, common)
    add_similar_commands(commands, common)
    return parser


def _emit(args: argparse.Namespace, payload, text: str) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print(text)


def _progress_bar(desc: str, quiet: bool, unit: str = "file"):
    """A progress(done, total) callback drawing a tqdm bar on stderr."""
    state: dict = {}

    def update(done: int, total: int, *_ignored) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr,
                                      disable=quiet or total < 2, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def cmd_import(args, store: CatalogStore) -> int:
    result = import_paths(store, args.paths, progress=_progress_bar("Importing", args.json))
    lines = [f"Imported: {result.summary()}."]
    if result.added:  # make the new songs findable by humming right away
        lines += update_hum_index(store, _progress_bar("Indexing melodies", args.json, "song"))
    if result.failed:
        lines.append("Files that could not be imported:")
        lines += [f"  {path}: {reason}" for path, reason in result.failed]
    _emit(args, {**result.as_dict(), "summary": result.summary()}, "\n".join(lines))
    return 1 if result.failed and not (result.added or result.unchanged) else 0


def cmd_songs(args, store: CatalogStore) -> int:
    rows = store.search_songs(args.query, limit=args.limit, genre=args.genre,
                              singer_gender=args.gender)
    text = table(
        ("id", "title", "artist", "genre", "range", "key", "length"),
        [(r["id"], r["title"], r["artist"], r["genre"], range_text(r["range_low"], r["range_high"]),
          r["original_key"] or "", duration_text(r["duration_s"])) for r in rows],
        (5, 34, 18, 20, 9, 9, 6),
    ) if rows else "No songs match."
    _emit(args, {"songs": rows}, text)
    return 0


def cmd_info(args, store: CatalogStore) -> int:
    song = store.resolve_song(args.song)
    notes = store.notes(song["id"])
    song["notes"] = [[round(n.onset_s, 3), round(n.duration_s, 3), n.pitch] for n in notes]
    fields = [
        ("Title", song["title"]), ("Artist", song["artist"]), ("Genre", song["genre"]),
        ("Year", song["year"] or ""), ("Language", song["language"]),
        ("Singers", ", ".join(song["singers"])), ("Singer gender", song["singer_gender"]),
        ("Length", duration_text(song["duration_s"])), ("Key", song["original_key"]),
        ("Range", song.get("range", "")), ("Notes", song["n_notes"]),
        ("Source", f"{song['source_format']} {song['source_path']}".strip()),
        ("Collection", song["collection"]),
    ]
    text = "\n".join(f"{k:>14}: {v}" for k, v in fields if v not in ("", None))
    if song["lyrics"]:
        text += "\n\n" + song["lyrics"][:600]
    _emit(args, song, text)
    return 0


def cmd_reindex(args, store: CatalogStore) -> int:
    reports = rebuild_indexes(store, index_dir_for(store.path),
                              progress=_progress_bar("Indexing", args.json, "vector"))
    notes = update_hum_index(store, _progress_bar("Re-embedding melodies", args.json, "song"))
    if notes:
        reports["hum"] = notes[0]
    notes = update_timbre_index(store)
    if notes:
        reports["timbre"] = notes[0]
    text = "\n".join(f"{kind}: {how}" for kind, how in reports.items()) or \
        "No vector indexes yet (nothing has been embedded)."
    _emit(args, {"indexes": reports}, text)
    return 0


def cmd_doctor(args, store: CatalogStore) -> int:
    checks = doctor.run_checks(store)
    marks = {doctor.OK: "ok  ", doctor.WARN: "warn", doctor.FAIL: "FAIL"}
    text = "\n".join(f"[{marks[c.status]}] {c.name}: {c.detail}" for c in checks)
    _emit(args, {"db": str(store.path), "checks": [c.as_dict() for c in checks]},
          f"Catalog: {store.path}\n{text}")
    return 1 if any(c.status == doctor.FAIL for c in checks) else 0


def cmd_hum_search(args, store: CatalogStore) -> int:
    return cmd_hum(args, store, progress=_progress_bar("Indexing melodies", args.json, "song"))


def cmd_similar_songs(args, store: CatalogStore) -> int:
    return cmd_similar(args, store, progress=_progress_bar("Indexing melodies", args.json, "song"))


COMMANDS = {"import": cmd_import, "songs": cmd_songs, "info": cmd_info,
            "reindex": cmd_reindex, "doctor": cmd_doctor, "hum": cmd_hum_search,
            "singer": cmd_singer, "suggest": cmd_suggest, "similar": cmd_similar_songs,
            "playlist": cmd_playlist}
AUDIO_COMMANDS = ("pitch", "notes", "voice", "range")


def main(argv: Sequence[str] | None = None, start_gui: GuiStarter | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        if start_gui is None:
            print("norae: the desktop app is not available here; see `norae --help`.",
                  file=sys.stderr)
            return 2
        return start_gui(args)
    if args.command in AUDIO_COMMANDS:
        return cmd_audio(args)
    db_path = default_db_path(args.db)
    try:
        store = open_catalog(db_path, seed_demo=not args.no_demo,
                             ensure_index_files=args.command == "import",
                             seed_progress=_progress_bar("Preparing the demo catalog", args.json, "song"),
                             index_progress=_progress_bar("Checking indexes", args.json, "vector"))
    except CatalogError as exc:
        print(f"norae: {exc}", file=sys.stderr)
        return 2
    try:
        with store:
            return COMMANDS[args.command](args, store)
    except CatalogError as exc:
        print(f"norae: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("norae: interrupted; everything finished so far is saved.", file=sys.stderr)
        return 130
