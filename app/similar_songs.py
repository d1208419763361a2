"""Similar songs: "people who sang this also sang", similar melodies, same
artist/genre/era, similar voices — fused into one list that says why.

    engine = load_similar(store)               # one catalog snapshot (~0.5 s for 4k songs)
    hits = engine.similar(song_id, top=10)     # [SimilarHit], best first (~2 ms)

:func:`load_song_table` reads everything the sources need from SQLite: song
metadata; the co-occurrence vectors of the last training
(:mod:`app.cooc_training`, :mod:`app.similar_store`); content vectors
(:mod:`app.song_content`: the pooled hum-encoder windows, or the melody
statistics where the catalog has no hum windows yet); and per song the mean
timbre profile of its singers (``embeddings`` kind ``timbre``).
:func:`load_similar` adds the source weights fitted at the last training, or
the defaults (:func:`app.similar_store.source_weights`). :func:`catalog_version`
changes whenever any of those may have, so a long-lived engine knows when to
load again. Scores and fusion are pure (:mod:`app.similar_sources`,
:mod:`app.similar_fusion`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.catalog_store import CatalogError, CatalogStore
from app.similar_constants import (
    CONTENT_DEFAULT,
    CONTENT_HUM,
    COOC_STAMP_META_KEY,
    DEFAULT_SOURCE_WEIGHTS,
    DEFAULT_TOP,
    FUSION_DEFAULT,
    SOURCE_LABELS,
    SOURCES,
    WEIGHTS_META_KEY,
)
from app.similar_fusion import fractional_ranks, fuse
from app.similar_sources import NO_ARTIST, SongTable, codes, source_scores
from app.similar_store import cooc_vectors, source_weights
from app.song_content import centred_unit, melody_vectors, pooled_hum_vectors
from app.text_search import search_key

TIMBRE_KIND = "timbre"


@dataclass(frozen=True)
class SimilarHit:
    """One similar song: ``score`` is its score total (sum of weighted
    reciprocal ranks); ``sources`` the sources that put it in the list,
    strongest first (never one of weight 0); ``ranks`` its rank in every
    source of positive weight that ranks it."""

    song_id: int
    title: str
    artist: str
    score: float
    sources: list[str]
    ranks: dict[str, float] = field(default_factory=dict)

    def reason(self) -> str:
        """``"sung together · similar melody"``."""
        return " · ".join(SOURCE_LABELS.get(s, s) for s in self.sources)

    def to_json(self) -> dict:
        return {"song_id": self.song_id, "title": self.title, "artist": self.artist,
                "score": round(self.score, 4), "sources": list(self.sources)}


class SimilarSongs:
    """Similar songs over one :class:`SongTable` (read-only; any thread).

    ``weights``: the per-source weights of the fusion (default: the cold-start
    ones); ``weights_pairs``: the held-out pairs they were fitted on (0: defaults)."""

    def __init__(self, table: SongTable, version: tuple = (),
                 weights: dict[str, float] | None = None, weights_pairs: int = 0) -> None:
        self.table = table
        self.version = version
        self.weights = dict(DEFAULT_SOURCE_WEIGHTS if weights is None else weights)
        self.weights_pairs = weights_pairs

    def rankings(self, song_id: int, sources: tuple[str, ...] = SOURCES) -> dict[str, np.ndarray]:
        """Fractional ranks float64 [N] of every source that knows ``song_id``."""
        row = self.table.row_of.get(int(song_id))
        if row is None:
            raise CatalogError(f"song {song_id} is not in the catalog")
        return {s: fractional_ranks(v) for s, v in source_scores(self.table, row, sources).items()}

    def similar(self, song_id: int, top: int = DEFAULT_TOP, *, fusion: str = FUSION_DEFAULT,
                sources: tuple[str, ...] = SOURCES, weights: dict[str, float] | None = None
                ) -> list[SimilarHit]:
        """The ``top`` songs most similar to ``song_id``, best first (the song
        itself never), fused with ``weights`` (default: the engine's).
        Raises CatalogError for a song not in the snapshot."""
        fused = fuse(self.rankings(song_id, sources), max(0, top), fusion,
                     weights=self.weights if weights is None else weights)
        t = self.table
        return [SimilarHit(int(t.song_ids[f.row]), t.titles[f.row], t.artists[f.row], f.score,
                           f.sources, f.ranks) for f in fused]


def catalog_version(store: CatalogStore) -> tuple:
    """Changes when songs, embeddings, the co-occurrence training or the
    source weights change (cheap)."""
    songs = store.db.execute("SELECT count(*), max(id) FROM songs").fetchone()
    vectors = store.db.execute("SELECT count(*), max(id) FROM embeddings").fetchone()
    links = store.db.execute("SELECT count(*) FROM song_singers").fetchone()
    return (*songs, *vectors, *links, store.get_meta(COOC_STAMP_META_KEY),
            store.get_meta(WEIGHTS_META_KEY))


def song_voice_vectors(store: CatalogStore) -> tuple[np.ndarray, np.ndarray]:
    """(song ids, mean of their singers' timbre profiles) for songs whose singers have one."""
    row = store.db.execute("SELECT model_sha256 FROM embeddings WHERE kind = ? GROUP BY "
                           "model_sha256 ORDER BY count(*) DESC LIMIT 1", [TIMBRE_KIND]).fetchone()
    if row is None:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    profiles = {owner: np.frombuffer(blob, "<f4") for owner, blob in store.db.execute(
        "SELECT owner_id, vector FROM embeddings WHERE kind = ? AND model_sha256 = ?",
        [TIMBRE_KIND, row[0]]).fetchall()}
    by_song: dict[int, list[np.ndarray]] = {}
    for song_id, singer_id in store.db.execute("SELECT song_id, singer_id FROM song_singers"):
        if singer_id in profiles:
            by_song.setdefault(song_id, []).append(profiles[singer_id])
    if not by_song:
        return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    ids = np.array(sorted(by_song), np.int64)
    return ids, np.stack([np.mean(by_song[s], axis=0) for s in ids.tolist()]).astype(np.float32)


def content_vectors(store: CatalogStore, content: str = CONTENT_DEFAULT,
                    ) -> tuple[np.ndarray, np.ndarray, str]:
    """(song ids, centred unit content vectors, the kind used): ``content``,
    or the melody statistics when the catalog has no hum windows."""
    if content == CONTENT_HUM:
        ids, vectors = pooled_hum_vectors(store)
        if len(ids):
            return ids, centred_unit(vectors), CONTENT_HUM
    ids, vectors = melody_vectors(store)
    return ids, centred_unit(vectors), "melody"


def load_song_table(store: CatalogStore, content: str = CONTENT_DEFAULT,
                    cooc: tuple[np.ndarray, np.ndarray] | None = None) -> SongTable:
    """Everything the four sources need, read from the catalog in one go;
    ``cooc``: (song ids, vectors) to use instead of the stored training's
    (the weight fit's training on earlier sessions)."""
    rows = store.db.execute(
        "SELECT id, title, artist, genre, language, year FROM songs ORDER BY id").fetchall()
    table = SongTable(
        song_ids=np.array([r[0] for r in rows], np.int64),
        titles=[r[1] for r in rows], artists=[r[2] or "" for r in rows],
        artist=codes([search_key(r[2] or "") for r in rows], NO_ARTIST),
        genre=codes([search_key(r[3] or "") for r in rows]),
        language=codes([search_key(r[4] or "") for r in rows]),
        year=np.array([np.nan if r[5] is None else float(r[5]) for r in rows]))
    ids, vectors = cooc_vectors(store) if cooc is None else cooc
    if len(ids):
        table.set_vectors("cooc", ids, vectors)
    ids, vectors, _kind = content_vectors(store, content)
    if len(ids):
        table.set_vectors("content", ids, vectors)
    ids, vectors = song_voice_vectors(store)
    if len(ids):
        table.set_vectors("voice", ids, vectors)
    return table


def load_similar(store: CatalogStore, content: str = CONTENT_DEFAULT) -> SimilarSongs:
    version = catalog_version(store)
    weights, pairs = source_weights(store)
    return SimilarSongs(load_song_table(store, content), version, weights, pairs)
