"""``norae hum AUDIO``: find the song a recording hums, sings or whistles.

Prints the best matches with a confidence; says plainly when nothing in the
catalog matches. ``--json`` gives ``{"results": [{"song_id", "title",
"artist", "score", "start_s"}, ...]}`` best first.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

from app.audio_decode import AudioDecodeError, decode_audio
from app.catalog_store import CatalogStore
from app.cli_format import fail, table
from app.hum_catalog import open_hum_index, songs_to_index
from app.hum_search import HumFilters, HumQueryError, HumSearch, load_calibration
from app.melody_extraction import PitchModelError, pitch_of
from app.paths import index_dir_for, models_dir
from inference.hum_encoder import HumEncoder, HumModelError
from inference.melody_contour import contour_from_f0

HUM_MODEL_FILE = "hum.onnx"
CONFIDENT = 0.5
"""Matches below this confidence are shown as guesses, not answers."""

_lock = threading.Lock()
_encoders: dict[str, HumEncoder] = {}


def hum_model_path():
    return models_dir() / HUM_MODEL_FILE


def shared_encoder() -> HumEncoder:
    """The process-wide hum encoder. Raises HumModelError."""
    path = hum_model_path()
    with _lock:
        if str(path) not in _encoders:
            _encoders[str(path)] = HumEncoder(path)
        return _encoders[str(path)]


def hum_search_for(store: CatalogStore, progress=None) -> HumSearch:
    """A searcher on the catalog's hum index (songs missing from it are indexed first)."""
    encoder = shared_encoder()
    index = open_hum_index(store, index_dir_for(store.path), encoder, progress)
    return HumSearch(store, index, encoder, load_calibration(hum_model_path()))


def update_hum_index(store: CatalogStore, progress=None) -> list[str]:
    """Embed every song the hum index lacks (new imports, or all after a hum
    model change). Returns a line to show, or none when nothing was needed."""
    try:
        encoder = shared_encoder()
    except HumModelError as exc:
        return [f"Hum search index not updated: {exc}"]
    missing = len(songs_to_index(store, encoder.sha256))
    if not missing:
        return []
    open_hum_index(store, index_dir_for(store.path), encoder, progress)
    return [f"Hum search: {missing} songs indexed."]


def add_hum_command(commands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("hum", parents=[common],
                            help="find a song by humming, singing or whistling it (audio file)")
    p.add_argument("audio", metavar="AUDIO", help="a recording of 5-15 s of the tune")
    p.add_argument("--top", type=int, default=10, metavar="N")
    p.add_argument("--genre")
    p.add_argument("--gender", choices=("female", "male", "mixed"), help="singer gender")
    p.add_argument("--language")
    p.add_argument("--year", type=year_range, metavar="YYYY[-YYYY]",
                   help="release year, or a range such as 1990-1999")


def year_range(text: str) -> tuple[int, int]:
    """``"1994"`` -> (1994, 1994); ``"1990-1999"`` -> (1990, 1999); else ArgumentTypeError."""
    parts = text.strip().split("-")
    try:
        years = [int(part) for part in parts]
    except ValueError:
        years = []
    if len(years) not in (1, 2) or not all(1000 <= y <= 9999 for y in years) or years[0] > years[-1]:
        raise argparse.ArgumentTypeError(f"not a year or a year range: {text!r} (e.g. 1994 or 1990-1999)")
    return years[0], years[-1]


def cmd_hum(args: argparse.Namespace, store: CatalogStore, progress=None) -> int:
    try:
        audio = decode_audio(Path(args.audio))
        contour = contour_from_f0(pitch_of(audio).f0_hz)
        searcher = hum_search_for(store, progress)
        hits = searcher.search_contour(contour, top=max(1, args.top), filters=HumFilters(
            genre=args.genre, gender=args.gender, language=args.language,
            year_from=args.year[0] if args.year else None,
            year_to=args.year[1] if args.year else None))
    except AudioDecodeError as exc:
        return fail(exc, 2)
    except (PitchModelError, HumModelError) as exc:
        return fail(exc, 2, check_install=True)
    except HumQueryError as exc:
        return fail(exc, 1)
    if args.json:
        payload = {"results": [{"song_id": h.song_id, "title": h.title, "artist": h.artist,
                                "score": round(h.score, 4), "start_s": round(h.start_s, 2)}
                               for h in hits]}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    if not hits or hits[0].score < CONFIDENT:
        print("No confident match in the catalog." + (" Closest guesses:" if hits else ""))
    rows = [(str(i + 1), f"{h.score:.2f}", h.title[:40], h.artist[:24], f"{h.start_s:6.1f}")
            for i, h in enumerate(hits)]
    if rows:
        print(table(("#", "conf", "title", "artist", "at s"), rows, (3, 5, 40, 24, 6)))
    return 0
