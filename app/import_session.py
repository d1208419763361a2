"""An import the app can watch, cancel and resume (no Qt: the UI wraps it).

:class:`ImportSession` runs the import pipeline of :mod:`app.import_run`
file by file on a worker thread, keeping a snapshot the UI thread can read at
any time (counts, the current file, the failures so far). ``cancel()`` stops
it after the file being imported: each file is its own transaction, so the
catalog stays consistent and nothing finished is lost.

Unfinished imports are remembered in the catalog's ``meta`` table (key
:data:`UNFINISHED_META_KEY`, a JSON list): an import is written there when its
first file starts and removed when its last file is done. One that was
cancelled, or whose app quit or crashed, stays listed, and importing the same
paths again resumes it — files already stored are recognised by their hash
and skipped in a moment.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.catalog_store import CatalogStore
from app.cli_hum import update_hum_index
from app.import_run import ImportResult, collect_files, import_file

UNFINISHED_META_KEY = "unfinished_imports"
MAX_REMEMBERED = 8
"""Unfinished imports kept in the list (the oldest are forgotten first)."""

Progress = Callable[[int, int], None]
"""progress(done, total): files in the import phase, songs in the index phase."""

PHASE_WAITING, PHASE_IMPORTING, PHASE_INDEXING, PHASE_DONE = "waiting", "importing", "indexing", "done"


@dataclass(frozen=True)
class UnfinishedImport:
    """An import that did not reach its last file.

    paths: the files and folders it was given, resolved absolute paths.
    total: how many song files it found when it started.
    started_at: ISO 8601 UTC time of its start.
    """

    paths: tuple[str, ...]
    total: int
    started_at: str

    def label(self) -> str:
        """Short name for people: ``"karaoke"`` or ``"karaoke, a.mid (+2 more)"``."""
        names = [Path(p).name or p for p in self.paths]
        text = ", ".join(names[:2])
        return text + (f" (+{len(names) - 2} more)" if len(names) > 2 else "")


def normalise_paths(paths: Sequence[str | os.PathLike]) -> tuple[str, ...]:
    """Resolved absolute paths, duplicates removed, sorted: the identity of an import."""
    return tuple(sorted({str(Path(p).expanduser().resolve()) for p in paths}))


def unfinished_imports(store: CatalogStore) -> list[UnfinishedImport]:
    """Imports that did not finish, newest first."""
    try:
        raw = json.loads(store.get_meta(UNFINISHED_META_KEY) or "[]")
        runs = [UnfinishedImport(tuple(r["paths"]), int(r["total"]), str(r["started_at"]))
                for r in raw]
    except (ValueError, KeyError, TypeError):
        return []  # an unreadable note is not worth an error: forget it
    return sorted(runs, key=lambda r: r.started_at, reverse=True)


def _save(store: CatalogStore, runs: list[UnfinishedImport]) -> None:
    runs = sorted(runs, key=lambda r: r.started_at, reverse=True)[:MAX_REMEMBERED]
    store.set_meta(UNFINISHED_META_KEY, json.dumps(
        [{"paths": list(r.paths), "total": r.total, "started_at": r.started_at} for r in runs]))


def mark_started(store: CatalogStore, paths: tuple[str, ...], total: int) -> None:
    """Remember ``paths`` as unfinished (replacing an older note of the same paths)."""
    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    runs = [r for r in unfinished_imports(store) if r.paths != paths]
    _save(store, [UnfinishedImport(paths, total, now), *runs])


def mark_finished(store: CatalogStore, paths: tuple[str, ...]) -> None:
    """Forget the unfinished import of ``paths`` (if any)."""
    runs = unfinished_imports(store)
    if any(r.paths == paths for r in runs):
        _save(store, [r for r in runs if r.paths != paths])


def processed_count(store: CatalogStore, run: UnfinishedImport) -> int:
    """Files under the run's paths that an import already went through (stored
    or failed); text files that were not songs are not counted."""
    count = 0
    for path in run.paths:
        prefix = path.rstrip(os.sep) + os.sep
        count += store.db.execute(
            "SELECT count(*) FROM import_files WHERE path = ? OR substr(path, 1, ?) = ?",
            [path, len(prefix), prefix]).fetchone()[0]
    return min(count, run.total)


@dataclass
class ImportSnapshot:
    """What an import has done so far; a copy, safe to read on any thread.

    files_done/files_total: song files gone through / found.
    index_done/index_total: songs fingerprinted for hum search / to do.
    result: the files added, unchanged, failed and skipped so far.
    index_note: what happened to the hum search index, when anything did.
    """

    phase: str = PHASE_WAITING
    files_done: int = 0
    files_total: int = 0
    index_done: int = 0
    index_total: int = 0
    current: Path | None = None
    result: ImportResult = field(default_factory=ImportResult)
    index_note: str = ""


class ImportSession:
    """One import of ``paths`` into the catalog at ``db_path``; see the module docstring.

    ``run`` is called once, on a worker thread (it opens its own connection);
    ``snapshot`` and ``cancel`` may be called from any thread.
    """

    def __init__(self, db_path: Path, paths: Sequence[str | os.PathLike]) -> None:
        self.db_path = Path(db_path)
        self.paths = [Path(p) for p in paths]
        self.key = normalise_paths(self.paths)
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._state = ImportSnapshot()

    def cancel(self) -> None:
        """Stop after the file being imported now (and skip the index update)."""
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def snapshot(self) -> ImportSnapshot:
        with self._lock:  # lists of immutable tuples: a shallow copy of each is a deep one
            state, result = self._state, self._state.result
            return replace(state, result=ImportResult(
                added=list(result.added), unchanged=list(result.unchanged),
                failed=list(result.failed), skipped=list(result.skipped),
                cancelled=result.cancelled))

    def _update(self, **changes) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self._state, name, value)

    def run(self, progress: Progress | None = None) -> ImportSnapshot:
        """Import every file, then index the new songs for hum search; returns the final snapshot."""
        report = progress or (lambda _done, _total: None)
        with CatalogStore(self.db_path) as store:
            files, problems = collect_files(self.paths)
            named = {p.expanduser() for p in self.paths}
            self._update(phase=PHASE_IMPORTING, files_total=len(files),
                         result=ImportResult(failed=list(problems)))
            if files:
                mark_started(store, self.key, len(files))
            report(0, len(files))
            for done, path in enumerate(files):
                if self._cancel.is_set():
                    break
                self._update(current=path)
                status, value = import_file(store, path)
                with self._lock:
                    self._state.result.record(path, status, value, named)
                    self._state.files_done = done + 1
                report(done + 1, len(files))
            with self._lock:
                cancelled = self._state.result.cancelled = self._state.files_done < len(files)
                self._state.current = None
            if not cancelled:
                mark_finished(store, self.key)
                if self._state.result.added or self._state.result.unchanged:
                    self._index_new_songs(store, report)
        self._update(phase=PHASE_DONE)
        return self.snapshot()

    def _index_new_songs(self, store: CatalogStore, report: Progress) -> None:
        """Fingerprint songs the hum index lacks, as ``norae import`` does (a
        cancelled import skips this: the next hum search indexes them)."""
        self._update(phase=PHASE_INDEXING)

        def indexing(done: int, total: int) -> None:
            self._update(index_done=done, index_total=total)
            report(done, total)

        try:
            notes = update_hum_index(store, indexing)
        except Exception as exc:  # noqa: BLE001 (the songs are stored; only search is at stake)
            notes = [f"Hum search index not updated: {exc}"]
        self._update(index_note=" ".join(notes))
