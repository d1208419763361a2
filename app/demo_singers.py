"""The bundled demo voices: synthetic singers so voice suggestions work out of the box.

``resources/demo_singers/demo_singers.json`` (built by
``python -m tools.build_demo_singers``) lists 16 synthetic singers, each
with two sung takes. :func:`install_demo_singers` adds them as singers of
origin "demo" (clips stored, embedded later by the timbre model, see
:func:`app.singer_profiles.open_timbre_index`) and gives every demo-catalog
song one of them as its singer: a song goes to a singer whose range can hold
its melody (its span at most the singer's range), chosen by a stable hash of
the song, and takes that singer's gender. The demo tunes are written at
notation pitch; each is moved by whole octaves to where its singer would sing
it (its middle nearest the middle of the singer's range), so a man's song lies
an octave below a woman's, as in real karaoke files. Installing is done once per
database (``meta.demo_singers_version``); songs the user imported are never touched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from app.audio_decode import AudioDecodeError, decode_audio
from app.catalog_store import CatalogStore
from app.paths import DEMO_SINGERS_DIR
from app.singer_profiles import flac_bytes
from app.vector_index import now_iso
from inference.constants import SAMPLE_RATE

DEMO_SINGERS_META_KEY = "demo_singers_version"
MANIFEST = "demo_singers.json"


class DemoSingersError(Exception):
    """The bundled demo voices are missing or malformed."""


def demo_singers_sha256(folder: Path = DEMO_SINGERS_DIR) -> str:
    try:
        return hashlib.sha256((Path(folder) / MANIFEST).read_bytes()).hexdigest()
    except OSError as exc:
        raise DemoSingersError(f"cannot read {Path(folder) / MANIFEST}: {exc.strerror or exc}") from exc


def load_manifest(folder: Path = DEMO_SINGERS_DIR) -> list[dict]:
    try:
        singers = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["singers"]
        for s in singers:
            if s["gender"] not in ("female", "male") or not s["clips"] or s["range_low"] > s["range_high"]:
                raise ValueError(f"bad entry for {s.get('name')!r}")
        return singers
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DemoSingersError(f"demo voices manifest in {folder} is unusable: {exc}") from exc


def _singer_for(song_id: str, span: int | None, singers: list[tuple[int, dict]]) -> tuple[int, dict]:
    """A stable pick among the singers whose range holds ``span`` semitones (any, if none does)."""
    able = [s for s in singers if span is None or span <= s[1]["range_high"] - s[1]["range_low"]]
    pool = able or singers
    digest = int(hashlib.sha256(song_id.encode("utf-8")).hexdigest()[:12], 16)
    return pool[digest % len(pool)]


def sung_octave_shift(low: int, high: int, singer: dict) -> int:
    """Semitones (a multiple of 12) that bring a melody spanning MIDI ``low``..``high``
    nearest the middle of the singer's range."""
    middle = (singer["range_low"] + singer["range_high"]) / 2
    return min((12 * k for k in (-2, -1, 0, 1, 2)),
               key=lambda shift: (abs((low + high) / 2 + shift - middle), abs(shift)))


def _move_to_singer(store: CatalogStore, song_id: int, low: int | None, high: int | None,
                    singer: dict) -> None:
    shift = 0 if low is None else sung_octave_shift(low, high, singer)
    if shift:
        source = store.db.execute("SELECT source FROM melodies WHERE song_id = ?", [song_id]).fetchone()
        notes = [replace(n, pitch=n.pitch + shift) for n in store.notes(song_id)]
        store.set_melody(song_id, notes, source[0] if source else "demo")


def install_demo_singers(store: CatalogStore, folder: Path = DEMO_SINGERS_DIR) -> int:
    """Add the demo voices and give the demo songs their singers, once; returns
    the number of singers added (0 when already installed)."""
    version = demo_singers_sha256(folder)
    if store.get_meta(DEMO_SINGERS_META_KEY) is not None:
        return 0
    manifest = load_manifest(folder)
    clips = {}
    for entry in manifest:
        try:
            clips[entry["name"]] = [decode_audio(Path(folder) / c) for c in entry["clips"]]
        except AudioDecodeError as exc:
            raise DemoSingersError(f"demo voice {entry['name']}: {exc}") from exc
    songs = store.db.execute(
        "SELECT id, file_hash, range_low, range_high FROM songs WHERE source_path = 'demo_catalog' "
        "AND id NOT IN (SELECT song_id FROM song_singers)").fetchall()
    with store.db.atomic():
        added = []
        for entry in manifest:
            found = store.db.execute("SELECT id FROM singers WHERE name = ?", [entry["name"]]).fetchone()
            if found:
                continue
            singer_id = store.db["singers"].insert(
                {"name": entry["name"], "gender": entry["gender"], "origin": "demo",
                 "range_low": entry["range_low"], "range_high": entry["range_high"],
                 "added_at": now_iso()}).last_pk
            for name, audio in zip(entry["clips"], clips[entry["name"]]):
                store.db["singer_clips"].insert(
                    {"singer_id": singer_id, "source_name": name,
                     "file_hash": hashlib.sha256(audio.tobytes()).hexdigest(),
                     "duration_s": round(len(audio) / SAMPLE_RATE, 3), "audio_flac": flac_bytes(audio),
                     "range_low": entry["range_low"], "range_high": entry["range_high"],
                     "added_at": now_iso()})
            added.append((singer_id, entry))
        if added:
            for song_id, file_hash, low, high in songs:
                singer_id, entry = _singer_for(file_hash or str(song_id),
                                               None if low is None else high - low, added)
                store.db.execute("INSERT OR IGNORE INTO song_singers (song_id, singer_id) VALUES (?, ?)",
                                 [song_id, singer_id])
                store.db.execute("UPDATE songs SET singer_gender = ? WHERE id = ?", [entry["gender"], song_id])
                _move_to_singer(store, song_id, low, high, entry)
        store.set_meta(DEMO_SINGERS_META_KEY, version)
    return len(added)
