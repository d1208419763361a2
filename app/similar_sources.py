"""The four ways a song can be similar to another, each a score over the catalog.

A :class:`SongTable` holds one snapshot of the catalog as arrays aligned by
row (row ``i`` is song ``song_ids[i]``); :func:`source_scores` scores every
row against one query row, per source:

==========  =================================================================
source      score (higher is more similar)
==========  =================================================================
cooc        cosine of the co-occurrence (item2vec) vectors: sung together
content     cosine of the centred content vectors: a similar melody
metadata    points for the same artist, genre and language, and for a close
            release year (:data:`app.similar_constants.METADATA_WEIGHTS`)
voice       cosine of the songs' singers' timbre (mean of their profiles)
==========  =================================================================

A score is ``-inf`` where the source has nothing to say (a song without that
vector, no metadata in common, the query song itself). A source with nothing
about the query song (a song never sung: cold start) is left out of the
result, so fusion falls back to the others. Pure numpy; loading a table from
SQLite is :func:`app.similar_songs.load_song_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.similar_constants import ERA_SCALE_YEARS, METADATA_WEIGHTS

NO_ARTIST = frozenset({"", "traditional", "trad", "anonymous", "anon", "unknown",
                       "unknown artist", "various", "various artists"})
"""Artist names (search keys) that say nobody in particular: they never count as the same artist."""


@dataclass
class SongTable:
    """A catalog snapshot for similar songs. N songs, all arrays by row.

    song_ids int64 [N]; titles, artists: lists of N strings (for display);
    artist, genre, language: int64 [N] codes, -1 where unknown; year: float64
    [N], NaN where unknown; each vector matrix float32 [N, D] with unit (or
    zero) rows beside a bool [N] mask of the rows that have one (``None`` for
    a source with no vectors at all).
    """

    song_ids: np.ndarray
    titles: list[str]
    artists: list[str]
    artist: np.ndarray
    genre: np.ndarray
    language: np.ndarray
    year: np.ndarray
    cooc: np.ndarray | None = None
    cooc_mask: np.ndarray | None = None
    content: np.ndarray | None = None
    content_mask: np.ndarray | None = None
    voice: np.ndarray | None = None
    voice_mask: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.row_of = {int(s): i for i, s in enumerate(self.song_ids)}

    def __len__(self) -> int:
        return len(self.song_ids)

    def set_vectors(self, source: str, song_ids: np.ndarray, vectors: np.ndarray) -> None:
        """Attach ``vectors`` (float [M, D], rows for ``song_ids``; unit or not)
        as ``source``'s matrix; songs not in the table are ignored."""
        n = len(self)
        matrix = np.zeros((n, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
        mask = np.zeros(n, bool)
        for song_id, vector in zip(np.asarray(song_ids).tolist(), vectors):
            row = self.row_of.get(int(song_id))
            norm = float(np.linalg.norm(vector))
            if row is not None and norm > 0:
                matrix[row] = vector / norm
                mask[row] = True
        setattr(self, source, matrix)
        setattr(self, f"{source}_mask", mask)


def codes(values: list[str], ignore: frozenset[str] = frozenset({""})) -> np.ndarray:
    """Strings -> int64 codes, equal strings equal codes; ``ignore``d ones -1."""
    table: dict[str, int] = {}
    return np.array([-1 if v in ignore else table.setdefault(v, len(table)) for v in values],
                    dtype=np.int64)


def _cosine(matrix: np.ndarray | None, mask: np.ndarray | None, row: int) -> np.ndarray | None:
    if matrix is None or mask is None or not mask[row]:
        return None
    scores = (matrix @ matrix[row]).astype(np.float64)
    scores[~mask] = -np.inf
    return scores


def metadata_scores(table: SongTable, row: int) -> np.ndarray | None:
    """Metadata points of every row against ``row``: float64 [N], -inf where none."""
    w = METADATA_WEIGHTS
    points = np.zeros(len(table))
    known = False
    for name in ("artist", "genre", "language"):
        code = getattr(table, name)[row]
        if code >= 0:
            known = True
            points += w[name] * (getattr(table, name) == code)
    year = table.year[row]
    if np.isfinite(year):
        known = True
        gap = np.abs(table.year - year)
        points += w["era"] * np.where(np.isfinite(gap), 0.5 ** (gap / ERA_SCALE_YEARS), 0.0)
    if not known:
        return None
    return np.where(points > 0, points, -np.inf)


def source_scores(table: SongTable, row: int, sources: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Scores float64 [N] of each source in ``sources`` that knows song ``row``
    (the query itself at -inf)."""
    out = {}
    for source in sources:
        if source == "metadata":
            scores = metadata_scores(table, row)
        else:
            scores = _cosine(getattr(table, source), getattr(table, f"{source}_mask"), row)
        if scores is not None:
            scores[row] = -np.inf
            out[source] = scores
    return out
