"""All vector indexes of a catalog at once: open (load or rebuild) at app
start, force a rebuild (``norae reindex``), list problems (``norae doctor``).

A kind's parameters and current model hash come from ``specs`` (what the
encoders say now: the only way a model change is noticed), else from its
``vector_indexes`` row, else from its newest ``embeddings`` row (dim and model
hash, default parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from app.catalog_store import CatalogStore
from app.vector_index import IndexParams, VectorIndex, VectorIndexError

KindSpec = tuple[IndexParams, str]
"""(index parameters, the encoder model's sha256) of one embedding kind."""
Progress = Callable[[int, int], None]
"""``progress(done, total)`` in vectors, summed over all kinds."""


def index_kinds(store: CatalogStore, specs: Mapping[str, KindSpec] | None = None) -> list[str]:
    """Every kind named in ``specs``, ``vector_indexes`` or ``embeddings``, sorted."""
    rows = store.db.execute(
        "SELECT kind FROM vector_indexes UNION SELECT DISTINCT kind FROM embeddings").fetchall()
    return sorted({r[0] for r in rows} | set(specs or ()))


def spec_for(store: CatalogStore, kind: str,
             specs: Mapping[str, KindSpec] | None = None) -> KindSpec:
    """The parameters and model hash to use for ``kind`` (see module docstring)."""
    if specs and kind in specs:
        return specs[kind]
    row = store.db.execute(
        "SELECT space, dim, m, ef_construction, ef, model_sha256 FROM vector_indexes "
        "WHERE kind = ?", [kind]).fetchone()
    if row:
        space, dim, m, ef_construction, ef, model = row
        return IndexParams(space=space, dim=dim, m=m, ef_construction=ef_construction,
                           ef=ef), model or ""
    row = store.db.execute(
        "SELECT dim, length(vector), model_sha256 FROM embeddings WHERE kind = ? "
        "ORDER BY id DESC LIMIT 1", [kind]).fetchone()
    if not row:
        raise VectorIndexError(f"no parameters known for embedding kind {kind!r}")
    return IndexParams(dim=row[0] or row[1] // 4), row[2] or ""


def open_indexes(store: CatalogStore, index_dir: Path, *,
                 specs: Mapping[str, KindSpec] | None = None,
                 progress: Progress | None = None,
                 force: bool = False) -> dict[str, tuple[VectorIndex | None, str]]:
    """Open every kind's index, rebuilding those that do not match SQLite
    (all of them with ``force``). Returns kind -> (index, status); status is
    what :meth:`VectorIndex.ensure` says, or ``"rebuilt (forced)"``, or
    ``"failed: <reason>"`` with index None. ``progress(done, total)`` counts
    vectors over all kinds; a kind that loads counts as done at once."""
    result: dict[str, tuple[VectorIndex | None, str]] = {}
    plans: dict[str, KindSpec] = {}
    kinds = index_kinds(store, specs)
    for kind in kinds:
        try:
            plans[kind] = spec_for(store, kind, specs)
        except VectorIndexError as exc:
            result[kind] = (None, f"failed: {exc}")
    sizes = {kind: store.db.execute(
        "SELECT count(*) FROM embeddings WHERE kind = ? AND model_sha256 = ?",
        [kind, model]).fetchone()[0] for kind, (_, model) in plans.items()}
    total, offset = sum(sizes.values()), 0
    for kind, (params, model) in plans.items():
        def kind_progress(done: int, _total: int, base: int = offset) -> None:
            if progress:
                progress(base + done, total)
        try:
            index = VectorIndex(store, index_dir, kind, params, model)
            if force:
                index.rebuild(kind_progress)
                status = "rebuilt (forced)"
            else:
                status = index.ensure(kind_progress)
            result[kind] = (index, status)
        except VectorIndexError as exc:
            result[kind] = (None, f"failed: {exc}")
        offset += sizes[kind]
        if progress:
            progress(offset, total)
    return {kind: result[kind] for kind in kinds}


def ensure_indexes(store: CatalogStore, index_dir: Path,
                   progress: Progress | None = None, *,
                   specs: Mapping[str, KindSpec] | None = None) -> dict[str, str]:
    """Load or rebuild every kind's index (app start); kind -> status."""
    opened = open_indexes(store, index_dir, specs=specs, progress=progress)
    return {kind: status for kind, (_, status) in opened.items()}


def rebuild_indexes(store: CatalogStore, index_dir: Path,
                    progress: Progress | None = None, *,
                    specs: Mapping[str, KindSpec] | None = None) -> dict[str, str]:
    """Rebuild every kind's index from SQLite (``norae reindex``); kind -> status."""
    opened = open_indexes(store, index_dir, specs=specs, progress=progress, force=True)
    return {kind: status for kind, (_, status) in opened.items()}


def check_indexes(store: CatalogStore, index_dir: Path, *,
                  specs: Mapping[str, KindSpec] | None = None) -> list[str]:
    """Readable problems with the indexes and embeddings, fixing nothing."""
    problems: list[str] = []
    for kind in index_kinds(store, specs):
        try:
            params, model = spec_for(store, kind, specs)
            reason = VectorIndex(store, index_dir, kind, params, model).check()
        except VectorIndexError as exc:
            problems.append(f"{kind}: {exc}")
            continue
        if reason:
            problems.append(f"{kind}: index {reason}")
        stale = store.db.execute(
            "SELECT count(*) FROM embeddings WHERE kind = ? AND model_sha256 IS NOT ?",
            [kind, model]).fetchone()[0]
        if stale:
            problems.append(f"{kind}: {stale} embeddings come from another model "
                            "and need re-embedding")
        bad = store.db.execute(
            "SELECT count(*) FROM embeddings WHERE kind = ? AND model_sha256 IS ? "
            "AND length(vector) != ?", [kind, model, params.dim * 4]).fetchone()[0]
        if bad:
            problems.append(f"{kind}: {bad} embeddings do not have {params.dim} dimensions")
    known = {r[0] for r in store.db.execute("SELECT file_name FROM vector_indexes")}
    if Path(index_dir).is_dir():
        for path in sorted(Path(index_dir).iterdir()):
            if path.name.endswith(".tmp"):
                problems.append(f"leftover temporary file {path}")
            elif path.suffix == ".hnsw" and path.name not in known:
                problems.append(f"index file {path} belongs to no embedding kind")
    return problems
