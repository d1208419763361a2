"""The catalog side of hum search: every song's melody cut into windows,
stored as ``segments`` rows and embedded into the ``hum`` vector index.

A segment is one window of a song's melody contour: ``start_s``/``end_s`` in
song seconds. Its hum embedding is an ``embeddings`` row of kind ``hum`` whose
owner is the segment id, so SQLite holds everything needed to rebuild the
index. Songs are (re)indexed when imported, when their melody changes, and
when the hum model changes (their old embeddings are then stale).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from app.catalog_store import HUM_KIND, CatalogStore
from app.melody_codec import decode_notes_array
from app.vector_index import IndexParams, VectorIndex
from inference.constants import CONTOUR_HOP_S, HUM_EMBED_DIM, HUM_WINDOW_FRAMES
from inference.hum_encoder import HumEncoder
from inference.melody_contour import contour_from_notes, sung_windows

HUM_INDEX_PARAMS = IndexParams(space="cosine", dim=HUM_EMBED_DIM, m=16, ef_construction=100, ef=96)

Progress = Callable[[int, int], None]


def song_contour(store: CatalogStore, song_id: int) -> np.ndarray:
    """The song's melody contour, float32 [T] MIDI (NaN in rests); empty when it has no melody."""
    row = store.db.execute("SELECT notes FROM melodies WHERE song_id = ?", [song_id]).fetchone()
    if not row or not row[0]:
        return np.zeros(0, dtype=np.float32)
    return contour_from_notes(decode_notes_array(row[0]))


def songs_to_index(store: CatalogStore, model_sha256: str) -> list[int]:
    """Songs with a melody but no window embedded by this model, by id."""
    # One pass over the embeddings (a correlated subquery per song is
    # quadratic: SQLite walks every hum embedding for each song).
    rows = store.db.execute(
        "SELECT m.song_id FROM melodies m WHERE m.n_notes > 0 AND m.song_id NOT IN ("
        " SELECT s.song_id FROM embeddings e JOIN segments s ON s.id = e.owner_id"
        " WHERE e.kind = ? AND e.model_sha256 = ?) ORDER BY m.song_id",
        [HUM_KIND, model_sha256]).fetchall()
    return [r[0] for r in rows]


def drop_song_windows(store: CatalogStore, index: VectorIndex | None, song_id: int) -> None:
    """Remove a song's segments and their embeddings (from the index too)."""
    ids = [r[0] for r in store.db.execute("SELECT id FROM segments WHERE song_id = ?", [song_id])]
    if index is not None and ids:
        index.remove(ids, save=False)
    store.delete_segments(song_id)


def index_songs(store: CatalogStore, index: VectorIndex, encoder: HumEncoder,
                song_ids: Sequence[int], progress: Progress | None = None) -> int:
    """(Re)cut and embed the given songs' windows; returns windows indexed.

    Each song is replaced in one step (old segments and vectors out, new in),
    so an interrupted run leaves every song either indexed or not at all.
    The index file is written once at the end.
    """
    total = 0
    for done, song_id in enumerate(song_ids):
        drop_song_windows(store, index, song_id)
        windows, starts = sung_windows(song_contour(store, song_id))
        if len(windows):
            vectors = encoder.embed(windows)
            with store.db.atomic():
                ids = []
                for start in starts.tolist():
                    cursor = store.db.execute(
                        "INSERT INTO segments (song_id, start_s, end_s) VALUES (?, ?, ?)",
                        [song_id, start * CONTOUR_HOP_S, (start + HUM_WINDOW_FRAMES) * CONTOUR_HOP_S])
                    ids.append(cursor.lastrowid)
            index.add(ids, vectors, save=False)
            total += len(ids)
        if progress is not None:
            progress(done + 1, len(song_ids))
    index.save()
    return total


def open_hum_index(store: CatalogStore, index_dir, encoder: HumEncoder,
                   progress: Progress | None = None) -> VectorIndex:
    """The ``hum`` index, loaded or rebuilt from SQLite, with every song that
    lacks current-model windows indexed now."""
    index = VectorIndex(store, index_dir, HUM_KIND, HUM_INDEX_PARAMS, encoder.sha256)
    index.ensure()
    missing = songs_to_index(store, encoder.sha256)
    if missing:
        index_songs(store, index, encoder, missing, progress)
    return index
