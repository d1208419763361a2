"""Importing files and folders into the catalog.

One file, one transaction: a file is parsed first, then its song, singers,
melody and its ``import_files`` row are written in a single ``db.atomic()``.
A crash (even ``kill -9``) therefore leaves every song either complete or
absent, and the next import skips what is already stored (same file hash) and
goes on with the rest. One bad file never stops the others: its reason is
recorded and listed at the end.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.audio_decode import AudioDecodeError
from app.catalog_store import CatalogStore
from app.importers import SUPPORTED_EXTENSIONS, ImportFileError, NotASongFileError, parse_file
from app.melody_extraction import PitchModelError, analyse_file
from app.song_record import SongRecord

Progress = Callable[[int, int, Path], None]
"""progress(done, total, current_path) — called before each file."""

_HASH_CHUNK = 1 << 20


@dataclass
class ImportResult:
    """What an import did, file by file."""

    added: list[tuple[Path, int]] = field(default_factory=list)
    unchanged: list[tuple[Path, int]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    def record(self, path: Path, status: str, value, named: set[Path]) -> None:
        """File it under what ``import_file`` said; "not a song" is only a
        failure for a file the user named (a README.txt beside songs is skipped)."""
        if status == "added":
            self.added.append((path, value))
        elif status == "unchanged":
            self.unchanged.append((path, value))
        elif status == "not a song" and path not in named:
            self.skipped.append((path, value))
        else:
            self.failed.append((path, value))

    @property
    def total(self) -> int:
        return len(self.added) + len(self.unchanged) + len(self.failed) + len(self.skipped)

    def summary(self) -> str:
        text = (f"{len(self.added)} added, {len(self.unchanged)} already in the catalog, "
                f"{len(self.failed)} failed")
        if self.skipped:
            text += f", {len(self.skipped)} skipped (not song files)"
        return text + (" (cancelled)" if self.cancelled else "")

    def as_dict(self) -> dict:
        return {
            "added": [{"path": str(p), "song_id": i} for p, i in self.added],
            "unchanged": [{"path": str(p), "song_id": i} for p, i in self.unchanged],
            "failed": [{"path": str(p), "reason": r} for p, r in self.failed],
            "skipped": [{"path": str(p), "reason": r} for p, r in self.skipped],
            "cancelled": self.cancelled,
        }


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def collect_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders (recursively) into importable files.

    Returns (files, problems): files sorted within each folder, hidden entries
    skipped; problems lists given paths that do not exist or have an
    unsupported type (files met while walking a folder with other extensions
    are silently ignored — a music folder holds cover art and playlists).
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    candidate = Path(root) / name
                    if not name.startswith(".") and candidate.suffix.lower() in SUPPORTED_EXTENSIONS:
                        files.append(candidate)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_EXTENSIONS:
                files.append(path)
            else:
                problems.append((path, f"unsupported file type {path.suffix or '(none)'}"))
        else:
            problems.append((path, "no such file or folder"))
    return list(dict.fromkeys(files)), problems


def import_file(store: CatalogStore, path: Path) -> tuple[str, int | str]:
    """Import one file. Returns ("added", id), ("unchanged", id), ("failed", reason)
    or ("not a song", reason) for a ``.txt`` that is not an UltraStar file."""
    key = str(path.resolve())
    try:
        file_hash = file_sha256(path)
    except OSError as exc:
        return "failed", f"cannot read file: {exc.strerror or exc}"
    existing = store.song_id_for_hash(file_hash)
    if existing is not None:
        previous = store.import_status(key)
        if not previous or previous["file_hash"] != file_hash or previous["status"] != "imported":
            store.record_import(key, file_hash, "imported", song_id=existing)
        return "unchanged", existing
    try:
        record = parse_file(path)
    except NotASongFileError as exc:
        return "not a song", str(exc)
    except ImportFileError as exc:
        return _fail(store, key, file_hash, str(exc))
    except OSError as exc:
        return _fail(store, key, file_hash, f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a parser bug must not stop an import of a thousand files
        return _fail(store, key, file_hash, f"unexpected error ({type(exc).__name__}: {exc})")
    if record.source_format == "audio":
        try:
            attach_sung_melody(record, path)
        except AudioDecodeError as exc:
            return _fail(store, key, file_hash, exc.reason)
        except PitchModelError as exc:
            return _fail(store, key, file_hash, f"cannot analyse the melody: {exc}")
    record.file_hash = file_hash
    with store.db.atomic():
        song_id = store.add_song(record)
        store.record_import(key, file_hash, "imported", song_id=song_id)
    return "added", song_id


def attach_sung_melody(record: SongRecord, path: Path) -> None:
    """Hear the sung melody of an audio file and put its notes, sustained range
    and key on the record (before the write transaction: this takes seconds)."""
    analysis = analyse_file(path)
    record.notes = analysis.notes
    summary = analysis.summary
    if summary.range_low is not None and summary.range_high is not None:
        record.sung_range = (summary.range_low, summary.range_high)
    record.original_key = record.original_key or summary.key


def _fail(store: CatalogStore, key: str, file_hash: str, reason: str) -> tuple[str, str]:
    previous = store.import_status(key)
    if not previous or (previous["file_hash"], previous["error"]) != (file_hash, reason):
        store.record_import(key, file_hash, "failed", error=reason)
    return "failed", reason


def import_paths(
    store: CatalogStore,
    paths: Sequence[str | os.PathLike],
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import every supported file under ``paths``; see the module docstring."""
    files, problems = collect_files(paths)
    named = {Path(p).expanduser() for p in paths}
    result = ImportResult(failed=list(problems))
    for done, path in enumerate(files):
        if should_cancel is not None and should_cancel():
            result.cancelled = True
            break
        if progress is not None:
            progress(done, len(files), path)
        result.record(path, *import_file(store, path), named)
    if progress is not None and not result.cancelled:
        progress(len(files), len(files), Path())
    return result
