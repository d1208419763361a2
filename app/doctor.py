"""``norae doctor``: checks that say plainly what works and what does not."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from app.catalog_store import CatalogStore
from app.paths import index_dir_for, models_dir
from app.index_registry import check_indexes

OK, WARN, FAIL = "ok", "warning", "failed"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warning | failed
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def check_audio_input() -> Check:
    from app.audio_devices import NoInputDeviceError, list_input_devices

    try:
        devices = list_input_devices()
    except NoInputDeviceError as exc:
        return Check("microphone", WARN, str(exc))
    if not devices:
        return Check("microphone", WARN, "No microphone found. Audio files can still be used.")
    default = next((d for d in devices if d.is_default), devices[0])
    return Check("microphone", OK, f"{len(devices)} input device(s); default: {default.name}")


def check_ffmpeg() -> Check:
    if shutil.which("ffmpeg"):
        return Check("ffmpeg", OK, "m4a/aac files can be decoded")
    return Check("ffmpeg", WARN, "not installed: m4a/aac files cannot be decoded "
                 "(apt-get install ffmpeg)")


def check_models(folder: Path | None = None) -> list[Check]:
    """Each shipped ONNX model: present, readable, sha256 matching its card if it has one."""
    folder = folder or models_dir()
    models = sorted(folder.glob("*.onnx")) if folder.is_dir() else []
    if not models:
        return [Check("models", WARN, f"no ONNX models in {folder} yet")]
    checks = []
    for model in models:
        digest = hashlib.sha256(model.read_bytes()).hexdigest()
        card = model.with_name(model.stem.removesuffix("_int8") + ".md")  # an 8-bit form shares its card
        if not card.exists():
            checks.append(Check(f"model {model.name}", WARN, "no model card"))
        elif digest not in card.read_text(encoding="utf-8"):
            checks.append(Check(f"model {model.name}", FAIL,
                                f"sha256 {digest[:12]}… does not match its model card"))
        else:
            checks.append(Check(f"model {model.name}", OK, f"sha256 {digest[:12]}…"))
    return checks


def check_database(store: CatalogStore) -> list[Check]:
    checks = []
    integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
    checks.append(Check("database integrity", OK if integrity == "ok" else FAIL, integrity))
    songs = store.count_songs()
    checks.append(Check("songs", OK if songs else WARN,
                        f"{songs} songs, schema version {store.get_meta('schema_version')}"))
    missing = store.db.execute(
        "SELECT count(*) FROM songs s LEFT JOIN melodies m ON m.song_id = s.id "
        "WHERE m.song_id IS NULL AND s.source_format != 'audio'").fetchone()[0]
    if missing:
        checks.append(Check("melodies", FAIL, f"{missing} non-audio songs have no melody"))
    orphans = store.db.execute(
        "SELECT (SELECT count(*) FROM melodies WHERE song_id NOT IN (SELECT id FROM songs))"
        " + (SELECT count(*) FROM song_singers WHERE song_id NOT IN (SELECT id FROM songs))"
        " + (SELECT count(*) FROM segments WHERE song_id NOT IN (SELECT id FROM songs))"
    ).fetchone()[0]
    if orphans:
        checks.append(Check("orphan rows", FAIL, f"{orphans} rows point at missing songs"))
    failed = store.db.execute(
        "SELECT count(*) FROM import_files WHERE status = 'failed'").fetchone()[0]
    if failed:
        checks.append(Check("imports", WARN, f"{failed} file(s) failed to import "
                            "(see `norae import` output)"))
    return checks


def check_index_files(store: CatalogStore) -> list[Check]:
    if store.path is None:
        return []
    problems = check_indexes(store, index_dir_for(store.path))
    if not problems:
        return [Check("vector indexes", OK, "consistent with the database")]
    return [Check("vector indexes", WARN, problem) for problem in problems]


def run_checks(store: CatalogStore) -> list[Check]:
    return [
        *check_database(store),
        *check_index_files(store),
        *check_models(),
        check_audio_input(),
        check_ffmpeg(),
    ]
