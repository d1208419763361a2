"""``norae singer add|list|remove`` and ``norae suggest AUDIO``: voices and the songs that suit them.

``suggest --range G2-E4`` fits the keys to a tested range (``norae range``)
instead of the guess from the take; ``suggest --gender female|male`` corrects
a wrong gender guess (as the app's gender buttons do). ``suggest --json`` gives ``{"voice": {...},
"results": [{"song_id", "title",
"artist", "singer_gender", "similarity", "key_shift", "octave", "in_range",
"score", "reasons"}, ...]}`` best first.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.audio_decode import AudioDecodeError, decode_audio
from app.catalog_store import CatalogStore
from app.cli_format import fail, range_text, table
from app.melody_extraction import PitchModelError
from app.melody_stats import parse_range
from app.paths import index_dir_for
from app.singer_profiles import (
    GENDERS,
    SingerError,
    add_singer,
    open_timbre_index,
    remove_singer,
)
from app.suggest import range_used, suggest
from app.voice_take import (
    TimbreModelError,
    TooLittleSinging,
    analyse_voice,
    shared_timbre_encoder,
    with_gender,
)


def add_voice_commands(commands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("singer", parents=[common], help="add, list or remove singer profiles")
    actions = p.add_subparsers(dest="singer_action", metavar="ACTION", required=True)
    a = actions.add_parser("add", parents=[common], help="add a singer from clean vocal clips")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--gender", choices=GENDERS, required=True)
    a.add_argument("clips", metavar="CLIP", nargs="+", help="audio files of the singer singing")
    actions.add_parser("list", parents=[common], help="list singer profiles")
    r = actions.add_parser("remove", parents=[common], help="delete a singer profile")
    r.add_argument("name", metavar="NAME")
    p = commands.add_parser("suggest", parents=[common],
                            help="songs that suit the voice in a recording, each with its key")
    p.add_argument("audio", metavar="AUDIO", help="8-20 s of singing")
    p.add_argument("--top", type=int, default=10, metavar="N")
    p.add_argument("--gender-filter", choices=("female", "male", "mixed"),
                   help="only songs whose original singer is of this gender")
    p.add_argument("--per-singer", type=int, default=2, metavar="N",
                   help="at most N songs of one singer (default 2)")
    p.add_argument("--gender", choices=GENDERS,
                   help="your gender, when the guess from the take is wrong: voice type, "
                        "octaves and the range's bounds follow it")
    p.add_argument("--range", dest="tested_range", type=_range_arg, metavar="LOW-HIGH",
                   help="fit keys to this range (e.g. G2-E4, from `norae range`) instead of "
                        "a guess from the take")


def _range_arg(text: str) -> tuple[int, int]:
    try:
        return parse_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _timbre_index(store: CatalogStore):
    encoder = shared_timbre_encoder()
    return encoder, open_timbre_index(store, index_dir_for(store.path), encoder)


def update_timbre_index(store: CatalogStore) -> list[str]:
    """Embed again every singer clip made by another timbre model (``norae
    reindex`` after a model change). Returns a line to show, or none."""
    stale = store.db.execute("SELECT count(*) FROM singer_clips").fetchone()[0]
    if not stale:
        return []
    try:
        encoder = shared_timbre_encoder()
    except TimbreModelError as exc:
        return [f"Singer profiles not updated: {exc}"]
    stale = store.db.execute("SELECT count(*) FROM singer_clips WHERE model_sha256 IS NOT ?",
                             [encoder.sha256]).fetchone()[0]
    open_timbre_index(store, index_dir_for(store.path), encoder)
    return [f"Singer profiles: {stale} clips embedded again."] if stale else []


def cmd_singer(args: argparse.Namespace, store: CatalogStore) -> int:
    if args.singer_action == "list":
        rows = store.db.execute(
            "SELECT g.name, g.gender, g.origin, g.range_low, g.range_high, "
            "(SELECT count(*) FROM singer_clips c WHERE c.singer_id = g.id), "
            "(SELECT count(*) FROM song_singers ss WHERE ss.singer_id = g.id) "
            "FROM singers g ORDER BY g.name").fetchall()
        if args.json:
            print(json.dumps({"singers": [
                {"name": r[0], "gender": r[1], "origin": r[2], "range_low": r[3], "range_high": r[4],
                 "clips": r[5], "songs": r[6]} for r in rows]}, ensure_ascii=False))
        elif rows:
            print(table(("name", "gender", "kind", "range", "clips", "songs"),
                        [(r[0], r[1] or "", r[2] or "", range_text(r[3], r[4]), str(r[5]), str(r[6]))
                         for r in rows], (28, 7, 5, 9, 5, 6)))
        else:
            print("No singers yet. Add one with `norae singer add NAME --gender female|male CLIPS...`.")
        return 0
    try:
        encoder, index = _timbre_index(store)
        if args.singer_action == "remove":
            if not remove_singer(store, index, args.name):
                return fail(f"no singer named {args.name!r}", 1)
            print(f"Removed {args.name}.")
            return 0
        added = add_singer(store, index, encoder, args.name, args.gender, args.clips)
    except SingerError as exc:
        return fail(exc, 1)
    except (PitchModelError, TimbreModelError) as exc:
        return fail(exc, 2, check_install=True)
    if args.json:
        print(json.dumps({"singer_id": added.singer_id, "name": added.name,
                          "clips": [vars(c) for c in added.clips]}, ensure_ascii=False))
    else:
        print(f"{added.name}: {added.used} of {len(added.clips)} clips used.")
        for clip in added.clips:
            print(f"  {Path(clip.path).name}: " + (f"skipped ({clip.error})" if clip.error else
                                                  f"{clip.sung_s:.1f} s sung, range {clip.range_text or '?'}"))
    return 0


def cmd_suggest(args: argparse.Namespace, store: CatalogStore) -> int:
    try:
        encoder, index = _timbre_index(store)
        voice = analyse_voice(decode_audio(Path(args.audio)), encoder)
        if args.gender:
            voice = with_gender(voice, args.gender)
        results = suggest(store, index, voice, top=max(1, args.top), gender_filter=args.gender_filter,
                          per_singer=max(1, args.per_singer), range_override=args.tested_range)
    except (AudioDecodeError, TooLittleSinging) as exc:
        return fail(exc, 2)
    except (PitchModelError, TimbreModelError) as exc:
        return fail(exc, 2, check_install=True)
    low, high = args.tested_range or range_used(voice)
    if args.json:
        print(json.dumps({"voice": {**voice.to_json(with_embedding=False),
                                    "range_used": {"low_midi": low, "high_midi": high,
                                                   "tested": args.tested_range is not None}},
                          "results": [r.to_json() for r in results]}, ensure_ascii=False))
        return 0
    told = " (as you said)" if args.gender else ""
    print(f"Your voice: {voice.gender}{told}" + (f", {voice.voice_type}" if voice.voice_type else "")
          + f"; range {voice.range_text or 'not measured (sing longer notes)'}"
          + f"; songs fitted to {'your tested range ' if args.tested_range else ''}"
          + range_text(low, high))
    if not results:
        print("No songs with melodies in the catalog yet.")
        return 0
    rows = [(str(i + 1), r.title[:34], r.artist[:18], r.fit.short_text(), f"{r.fit.in_range:.0%}",
             "; ".join(r.reasons)[:60]) for i, r in enumerate(results)]
    print(table(("#", "title", "artist", "key", "fit", "why"), rows, (3, 34, 18, 22, 4, 60)))
    return 0
