"""Nearest-neighbour indexes (hnswlib), one per embedding kind, kept
consistent with the catalog's SQLite tables.

SQLite is the source of truth. ``embeddings`` holds every vector (float32
little-endian blobs) and a vector's hnswlib label **is** its ``embeddings.id``,
so the label→row map lives in SQLite. ``vector_indexes`` records per kind the
parameters (space, dim, M, ef_construction, ef), the encoder's model sha256,
the file name, the number of items and the file's checksum. The ``.hnsw`` file
beside the database is a cache: :meth:`VectorIndex.ensure` loads it only when
it matches SQLite and otherwise rebuilds it from the rows.

Only rows whose ``model_sha256`` equals the encoder's current hash are indexed;
rows from another model are *stale*: the caller re-embeds them.

A file is loaded only when its ``vector_indexes`` row exists with the same
space, dim, M, ef_construction and model hash, its checksum matches, its header
fits those parameters, hnswlib loads it, and its live (not deleted) labels are
exactly the ids of the kind's current-model rows, as many as ``n_items``.
Anything else rebuilds it; nothing about a damaged file raises.

Checksum: sha256 of the whole file, streamed (about 1.7 GB/s with SHA
instructions, 0.4 s for a 1M x 128-d index of 650 MB; expect 3-4x that on CPUs
without them). It is paid on every load and every save, and it is what makes a
truncated or overwritten file harmless: a file whose checksum differs is never
handed to hnswlib (which may crash on garbage), it is rebuilt.

Threads: ``ensure``, ``rebuild``, ``add``, ``remove`` and ``save`` use SQLite,
so they run in the thread that owns ``store`` (the app's writer thread), one at
a time. ``search`` and ``len`` never touch SQLite and may run in any thread,
alongside each other and alongside the writer: a readers-writer lock keeps
hnswlib from serving a search while its graph is being changed.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import hnswlib
import numpy as np

from app.catalog_store import CatalogStore
from app.hnsw_file import HnswFileError, file_checksum, read_file_labels
from app.index_labels import LabelMap, exact_search, label_filter
from app.rw_lock import ReadWriteLock

SPACES = ("cosine", "l2", "ip")
_KIND_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_READ_CHUNK = 20_000
_SQL_CHUNK = 500


def exact_search_limit(n_items: int) -> int:
    """Filtered searches allowing at most this many of ``n_items`` vectors are
    exact. Cost model (128-d, 1 thread): reading vectors back from hnswlib
    costs ~5 us each, a filtered graph walk ~0.04 ms x n_items / allowed; the
    two meet near sqrt(8 x n_items) (~2800 allowed at 1M, ~13 ms)."""
    return max(256, int(math.sqrt(8 * n_items)))


Progress = Callable[[int, int], None]


class VectorIndexError(Exception):
    """A vector index cannot do what was asked, for a reason the user should read."""


@dataclass(frozen=True, kw_only=True)
class IndexParams:
    """hnswlib settings of one index. ``space``: cosine | l2 | ip; ``dim``:
    vector length; ``m``, ``ef_construction``: graph build settings (a change
    rebuilds); ``ef``: search breadth (a change is applied on load)."""

    space: str = "cosine"
    dim: int
    m: int = 16
    ef_construction: int = 200
    ef: int = 64

    def __post_init__(self) -> None:
        if self.space not in SPACES:
            raise VectorIndexError(f"unknown space {self.space!r}; use one of {SPACES}")
        for name, low in (("dim", 1), ("m", 2), ("ef_construction", 1), ("ef", 1)):
            if int(getattr(self, name)) < low:
                raise VectorIndexError(f"index {name} must be at least {low}")

    @property
    def build_key(self) -> tuple:
        return (self.space, self.dim, self.m, self.ef_construction)


class VectorIndex:
    """The hnswlib index of one embedding kind (see the module docstring).

    ``index_dir`` holds ``<kind>.hnsw``; ``build_threads`` (default: all
    cores) is used for building and adding. Call :meth:`ensure` before use.
    """

    def __init__(self, store: CatalogStore, index_dir: Path, kind: str, params: IndexParams,
                 model_sha256: str, *, build_threads: int | None = None) -> None:
        if not _KIND_RE.match(kind):
            raise VectorIndexError(f"bad embedding kind {kind!r}: use letters, digits, _ or -")
        self.store, self.index_dir, self.kind = store, Path(index_dir), kind
        self.params, self.model_sha256 = params, model_sha256
        self.build_threads = build_threads or os.cpu_count() or 1
        self._index: hnswlib.Index | None = None
        self._map = LabelMap.empty()
        self._max_label = 0
        self._lock = ReadWriteLock()

    @property
    def file_path(self) -> Path:
        return self.index_dir / f"{self.kind}.hnsw"

    def __len__(self) -> int:
        return len(self._map)

    # --- loading and rebuilding ------------------------------------------
    def ensure(self, progress: Progress | None = None) -> str:
        """Load the file if it matches SQLite, else rebuild it from the rows.

        Returns ``"loaded"`` or ``"rebuilt (<reason>)"`` with reason one of
        missing | params changed | stale model | corrupt | inconsistent.
        ``progress(done, total)`` is called while rebuilding.
        """
        reason, index, db_map, max_label = self._diagnose()
        if reason is None:
            index.set_ef(self.params.ef)
            if self._record()["ef"] != self.params.ef:
                self.store.db["vector_indexes"].update(self.kind, {"ef": self.params.ef})
            with self._lock.writing():
                self._index, self._map, self._max_label = index, db_map, max_label
            return "loaded"
        self.rebuild(progress)
        return f"rebuilt ({reason})"

    def check(self) -> str | None:
        """Why :meth:`ensure` would rebuild (a reason as above), or None."""
        return self._diagnose()[0]

    def rebuild(self, progress: Progress | None = None) -> None:
        """Build the index from the rows of the current model, save it, use it."""
        where = "kind = ? AND model_sha256 = ?"
        args = [self.kind, self.model_sha256]
        total = self.store.db.execute(f"SELECT count(*) FROM embeddings WHERE {where}",
                                      args).fetchone()[0]
        p = self.params
        index = hnswlib.Index(space=p.space, dim=p.dim)
        index.init_index(max_elements=max(16, total + total // 8), M=p.m,
                         ef_construction=p.ef_construction, random_seed=100,
                         allow_replace_deleted=True)
        index.set_ef(p.ef)
        labels, owners, done = [], [], 0
        if progress:
            progress(0, total)
        cursor = self.store.db.execute(
            f"SELECT id, owner_id, vector FROM embeddings WHERE {where}", args)
        while rows := cursor.fetchmany(_READ_CHUNK):
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            vectors = self._decode(rows)
            index.add_items(vectors, ids, num_threads=self.build_threads)
            labels.append(ids)
            owners.append(np.array([r[1] for r in rows], dtype=np.int64))
            done += len(rows)
            if progress:
                progress(done, total)
        new_map = LabelMap(np.concatenate(labels or [[]]), np.concatenate(owners or [[]]))
        self._write_file(index, len(new_map))
        with self._lock.writing():
            self._index, self._map = index, new_map
            self._max_label = int(new_map.labels[-1]) if len(new_map) else 0

    def _decode(self, rows: list) -> np.ndarray:
        size = self.params.dim * 4
        for row in rows:
            if len(row[2]) != size:
                raise VectorIndexError(
                    f"embedding {row[0]} of kind {self.kind!r} holds {len(row[2]) // 4} "
                    f"floats, the index expects {self.params.dim}")
        return np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(-1, self.params.dim)

    def _diagnose(self) -> tuple[str | None, hnswlib.Index | None, LabelMap | None, int]:
        row = self._record()
        path = self.index_dir / (row["file_name"] if row and row["file_name"] else
                                 self.file_path.name)
        if row is None or not path.is_file():
            return "missing", None, None, 0
        if (row["space"], row["dim"], row["m"], row["ef_construction"]) != self.params.build_key:
            return "params changed", None, None, 0
        if row["model_sha256"] != self.model_sha256:
            return "stale model", None, None, 0
        try:
            if file_checksum(path) != row["checksum"]:
                return "corrupt", None, None, 0
            held, deleted = read_file_labels(path, self.params.m, self.params.dim)
            index = hnswlib.Index(space=self.params.space, dim=self.params.dim)
            index.load_index(str(path), allow_replace_deleted=True)
        except (OSError, RuntimeError, MemoryError, ValueError, HnswFileError):
            return "corrupt", None, None, 0
        db_map = self._db_map()
        live = np.sort(held[~deleted])
        if row["n_items"] != len(db_map) or not np.array_equal(live, db_map.labels):
            return "inconsistent", None, None, 0
        return None, index, db_map, int(held.max()) if held.size else 0

    def _record(self) -> dict | None:
        rows = list(self.store.db.query("SELECT * FROM vector_indexes WHERE kind = ?",
                                        [self.kind]))
        return rows[0] if rows else None

    def _db_map(self) -> LabelMap:
        rows = self.store.db.execute(
            "SELECT id, owner_id FROM embeddings WHERE kind = ? AND model_sha256 = ?",
            [self.kind, self.model_sha256]).fetchall()
        pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return LabelMap(pairs[:, 0], pairs[:, 1])

    # --- writing ------------------------------------------------------------
    def save(self) -> None:
        """Write the index file atomically and record it in ``vector_indexes``."""
        self._write_file(self._require_open(), len(self._map))

    def _write_file(self, index: hnswlib.Index, n_items: int) -> None:
        final = self.file_path
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            with self._lock.reading():
                index.save_index(str(tmp))
            checksum = file_checksum(tmp)
            os.replace(tmp, final)
        except (OSError, RuntimeError) as exc:
            tmp.unlink(missing_ok=True)
            raise VectorIndexError(f"cannot write index file {final}: {exc}") from exc
        p = self.params
        self.store.db["vector_indexes"].upsert(
            {"kind": self.kind, "space": p.space, "dim": p.dim, "m": p.m,
             "ef_construction": p.ef_construction, "ef": p.ef,
             "model_sha256": self.model_sha256, "file_name": final.name,
             "n_items": n_items, "checksum": checksum, "built_at": now_iso()},
            pk="kind")

    def add(self, owner_ids: Sequence[int], vectors: np.ndarray, *, save: bool = True) -> list[int]:
        """Store one vector per owner (``vectors``: (n, dim) float32) and index it.

        Rows are upserted in one transaction; an owner's previous vector is
        replaced (its old label marked deleted; deleted slots are reused).
        Returns the new labels (``embeddings.id``). ``save=False`` defers the
        file write (call :meth:`save`); each save writes the whole file, so
        batch many small adds.
        """
        index = self._require_open()
        owners = [int(o) for o in owner_ids]
        vectors = self._check_vectors(vectors, len(owners))
        if len(set(owners)) != len(owners):
            raise VectorIndexError("the same owner appears twice in one add()")
        if not owners:
            return []
        db = self.store.db
        with db.atomic():
            old = self._delete_rows(owners)
            top = db.execute("SELECT max(id) FROM embeddings").fetchone()[0] or 0
            first = max(top, self._max_label) + 1
            labels = np.arange(first, first + len(owners), dtype=np.int64)
            db.conn.executemany(
                "INSERT INTO embeddings (id, kind, owner_id, model_sha256, dim, vector) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(int(lab), self.kind, own, self.model_sha256, self.params.dim,
                  vec.astype("<f4").tobytes()) for lab, own, vec in zip(labels, owners, vectors)])
        with self._lock.writing():
            try:
                dropped = self._mark_deleted(index, old)
                free = index.max_elements - index.element_count
                needed = len(owners) - (index.element_count - len(self._map) + len(dropped))
                if needed > free:
                    index.resize_index(max(index.element_count + needed,
                                           index.max_elements * 3 // 2, 16))
                index.add_items(vectors, labels, num_threads=self.build_threads,
                                replace_deleted=True)
            except RuntimeError as exc:
                self._index = None
                raise VectorIndexError(f"index {self.kind!r} update failed ({exc}); "
                                       "call ensure() to rebuild it") from exc
            self._map = self._map.replaced(dropped, labels, np.array(owners, dtype=np.int64))
            self._max_label = int(labels[-1])
        if save:
            self.save()
        return labels.tolist()

    def remove(self, owner_ids: Collection[int], *, save: bool = True) -> None:
        """Delete the owners' rows (any model) and their vectors from the index."""
        index = self._require_open()
        with self.store.db.atomic():
            old = self._delete_rows([int(o) for o in owner_ids])
        with self._lock.writing():
            dropped = self._mark_deleted(index, old)
            self._map = self._map.replaced(dropped, np.empty(0, np.int64), np.empty(0, np.int64))
        if save and dropped.size:
            self.save()

    def _delete_rows(self, owners: list[int]) -> np.ndarray:
        ids: list[int] = []
        for i in range(0, len(owners), _SQL_CHUNK):
            chunk = owners[i:i + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            where = f"kind = ? AND owner_id IN ({marks})"
            ids += [r[0] for r in self.store.db.execute(
                f"SELECT id FROM embeddings WHERE {where}", [self.kind, *chunk])]
            self.store.db.execute(f"DELETE FROM embeddings WHERE {where}", [self.kind, *chunk])
        return np.array(ids, dtype=np.int64)

    def _mark_deleted(self, index: hnswlib.Index, ids: np.ndarray) -> np.ndarray:
        dropped = ids[self._map.has(ids)]
        for label in dropped.tolist():
            index.mark_deleted(label)
        return dropped

    # --- searching ----------------------------------------------------------
    def search(self, vector: np.ndarray, k: int,
               allowed_owner_ids: Collection[int] | None = None) -> list[tuple[int, float]]:
        """The ``k`` nearest owners of ``vector`` ((dim,) float32) as
        ``(owner_id, distance)``, best first; fewer when fewer exist.

        Distances are hnswlib's: cosine 1-cos, ip 1-dot, l2 squared. With
        ``allowed_owner_ids`` (a collection of ints or an int array, the
        fastest) only those owners are returned: small allowed sets are
        searched exactly, large ones through hnswlib's filter (one thread).
        """
        query = self._check_vectors(np.asarray(vector).reshape(1, -1), 1)
        if k <= 0:
            return []
        with self._lock.reading():
            index, label_map = self._require_open(), self._map
            if allowed_owner_ids is None:
                allowed = None
                count = len(label_map)
            else:
                wanted = (allowed_owner_ids.astype(np.int64, copy=False)
                          if isinstance(allowed_owner_ids, np.ndarray) else
                          np.fromiter(allowed_owner_ids, dtype=np.int64,
                                      count=len(allowed_owner_ids)))
                allowed = label_map.labels_of(wanted)
                count = allowed.size
            if count == 0:
                return []
            k = min(k, count)
            if allowed is not None and count <= exact_search_limit(len(label_map)):
                labels, dists = exact_search(index, self.params.space, query[0], allowed, k)
            else:
                filt = None if allowed is None else label_filter(allowed, self._max_label)
                try:
                    found, found_d = index.knn_query(query, k=k, num_threads=1, filter=filt)
                    labels, dists = found[0].astype(np.int64), found_d[0]
                except RuntimeError:  # the graph walk found fewer than k
                    pool = label_map.labels if allowed is None else allowed
                    labels, dists = exact_search(index, self.params.space, query[0], pool, k)
            owners = label_map.owners_of(labels)
        floor = -np.inf if self.params.space == "ip" else 0.0  # rounding gives -1e-7
        return [(int(o), max(floor, float(d))) for o, d in zip(owners, dists) if o >= 0]

    # --- helpers ------------------------------------------------------------
    def _require_open(self) -> hnswlib.Index:
        if self._index is None:
            raise VectorIndexError(f"index {self.kind!r} is not open: call ensure() first")
        return self._index

    def _check_vectors(self, vectors: np.ndarray, n: int) -> np.ndarray:
        arr = np.ascontiguousarray(vectors, dtype=np.float32)
        if arr.ndim != 2 or arr.shape != (n, self.params.dim):
            raise VectorIndexError(f"expected vectors of shape ({n}, {self.params.dim}) for "
                                   f"index {self.kind!r}, got {np.shape(vectors)}")
        if not np.isfinite(arr).all():
            raise VectorIndexError("vectors contain NaN or infinity")
        if self.params.space == "cosine" and n and not np.linalg.norm(arr, axis=1).all():
            raise VectorIndexError("a zero vector has no cosine distance")
        return arr


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
