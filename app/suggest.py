"""Songs that suit a voice: timbre likeness plus range fit in the best key.

Given a :class:`app.voice_take.VoiceSummary` (embedding, gender, range):

1. The singers whose profiles sound most like the take (``timbre`` index,
   cosine similarity) bring their songs (the SONGS_PER_SINGER whose span
   fits the range best).
2. Any other song with a melody may come too if its range fits the singer's
   (the range a range test measured when given as ``range_override``, else
   the take's sustained range, at least MIN_RANGE_SEMITONES wide, see
   :func:`range_used`): every song's stored range and tessitura give a quick
   estimate of how much of it the singer can reach in some key; the best
   estimates join the candidates.
3. Each candidate gets its key (:func:`app.key_fit.best_key` on its notes,
   preferring keys inside the range actually heard) and a score:
   ``TIMBRE_WEIGHT * similarity + FIT_WEIGHT * fit`` where fit is the share
   of the melody in range (partly in the widened range, partly in the heard
   one, HEARD_WEIGHT) minus a little for a tessitura far from the centre of
   the range. A song by no profiled singer has similarity 0 and is judged by
   fit alone.
4. Songs that fit (at least FULL_FIT of the melody in range after the key)
   come first, best score first; songs that do not fit only fill the list
   when too few do. At most ``per_singer`` songs of one singer.

Each result says why it is there (``reasons``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.catalog_store import CatalogStore
from app.key_fit import KeyFit, best_key
from app.melody_stats import note_name
from app.vector_index import VectorIndex
from app.vocal_range import widen_range
from app.voice_take import VoiceSummary
from app.voice_types import gender_span

TIMBRE_WEIGHT = 0.5
FIT_WEIGHT = 0.5
CENTRE_PENALTY = 0.02
"""Fit lost per semitone between the shifted tessitura centre and the range centre."""
HEARD_WEIGHT = 0.5
"""Share of the fit term measured inside the range actually heard rather than
the widened one (see MIN_RANGE_SEMITONES): a song that sits where the voice
was heard is the safer suggestion."""
FULL_FIT = 0.95
"""A song "fits" when this share of its melody (by duration) is in range."""
NEAREST_SINGERS = 12
SONGS_PER_SINGER = 40
"""Of a near singer's songs, the ones whose span best fits the range are scored."""
RANGE_CANDIDATES = 300
"""Songs outside the nearest singers' that are checked for range fit."""
DEFAULT_RANGE = (48, 67)
"""Assumed range (C3-G4) when a take is too short to measure one."""
MIN_RANGE_SEMITONES = 8
"""A take rarely shows all a singer can sing: a measured range narrower than
this is widened to this width (:func:`range_used`). Wider guesses put keys
past the singer's real limits (``python -m bench.voice_bench --key-fit``:
75.7 % of top-10 songs inside the users' true ranges when widening evenly
to 12 semitones, 97.8 % evenly to 8, 98.7 % as :func:`range_used` widens to
8); not widening at all leaves no song for a narrow take (in the demo
catalog none has 95 % of its melody within 6 semitones)."""


@dataclass
class Suggestion:
    song_id: int
    title: str
    artist: str
    singer_gender: str
    singer: str
    similarity: float
    fit: KeyFit
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"song_id": self.song_id, "title": self.title, "artist": self.artist,
                "singer_gender": self.singer_gender, "singer": self.singer,
                "similarity": round(self.similarity, 4), "key_shift": self.fit.key_shift,
                "octave": self.fit.octave, "key_text": self.fit.describe(),
                "in_range": self.fit.in_range, "score": round(self.score, 4),
                "reasons": self.reasons}


def _quick_fit(spans: np.ndarray, width: float) -> np.ndarray:
    """Estimated in-range share per song from its range span alone (semitones)."""
    return np.clip((width + 1.0) / np.maximum(spans + 1.0, 1.0), 0.0, 1.0)


def candidate_songs(store: CatalogStore, singer_sims: dict[int, float], low: float, high: float,
                    gender_filter: str | None) -> dict[int, tuple[float, str]]:
    """song id -> (timbre similarity, singer name) of every song worth scoring."""
    where, params = "m.n_notes > 0", []
    if gender_filter:
        where += " AND s.singer_gender = ?"
        params.append(gender_filter)
    out: dict[int, tuple[float, str]] = {}
    if singer_sims:
        marks = ",".join("?" * len(singer_sims))
        rows = store.db.execute(
            f"SELECT s.id, ss.singer_id, g.name, s.range_high - s.range_low FROM songs s "
            f"JOIN melodies m ON m.song_id = s.id JOIN song_singers ss ON ss.song_id = s.id "
            f"JOIN singers g ON g.id = ss.singer_id WHERE {where} AND ss.singer_id IN ({marks})",
            [*params, *singer_sims]).fetchall()
        by_singer: dict[int, list] = {}
        for row in rows:
            by_singer.setdefault(row[1], []).append(row)
        for singer_id, songs in by_singer.items():
            spans = np.array([r[3] if r[3] is not None else 99 for r in songs], dtype=np.float64)
            keep = np.lexsort(([r[0] for r in songs], -_quick_fit(spans, high - low)))[:SONGS_PER_SINGER]
            for i in keep:
                song_id, _, name, _ = songs[i]
                if singer_sims[singer_id] > out.get(song_id, (-2.0, ""))[0]:
                    out[song_id] = (singer_sims[singer_id], name)
    rows = store.db.execute(
        f"SELECT s.id, s.range_low, s.range_high FROM songs s JOIN melodies m ON m.song_id = s.id "
        f"WHERE {where} AND s.range_low IS NOT NULL", params).fetchall()
    if rows:
        ids = np.array([r[0] for r in rows])
        spans = np.array([r[2] - r[1] for r in rows], dtype=np.float64)
        estimate = _quick_fit(spans, high - low)
        order = np.lexsort((ids, -estimate))[:RANGE_CANDIDATES]
        for i in order:
            out.setdefault(int(ids[i]), (0.0, ""))
    return out


def range_used(voice: VoiceSummary) -> tuple[int, int]:
    """The range suggestions are fitted to: the take's sustained range, widened
    to MIN_RANGE_SEMITONES when narrower (:func:`app.vocal_range.widen_range`:
    first towards notes the take reached without holding them, then evenly,
    not past the lowest/highest note of the voice's gender), or DEFAULT_RANGE
    without one."""
    if voice.range_low is None or voice.range_high is None:
        return DEFAULT_RANGE
    bounds = gender_span(voice.gender) if voice.gender in ("female", "male") else None
    return widen_range(int(voice.range_low), int(voice.range_high), MIN_RANGE_SEMITONES,
                       reached=voice.reached, bounds=bounds)


def suggest(store: CatalogStore, index: VectorIndex | None, voice: VoiceSummary, *, top: int = 10,
            gender_filter: str | None = None, per_singer: int = 2,
            range_override: tuple[int, int] | None = None) -> list[Suggestion]:
    """The ``top`` songs for this voice, best first (see the module docstring).

    range_override: (low, high) MIDI measured by a range test
    (:mod:`app.range_test`); keys are then fitted to it as it is, without
    widening or a heard range, and the reasons say "your tested range"."""
    low, high = range_override or range_used(voice)
    heard = None
    if range_override is None and voice.range_low is not None and voice.range_high is not None:
        heard = (max(float(voice.range_low), low), min(float(voice.range_high), high))
    sims: dict[int, float] = {}
    if index is not None and len(index):
        for singer_id, distance in index.search(voice.embedding, NEAREST_SINGERS):
            sims[singer_id] = 1.0 - distance
    scored = []
    for song_id, (similarity, singer) in candidate_songs(store, sims, low, high, gender_filter).items():
        notes = store.notes(song_id)
        if not notes:
            continue
        fit = best_key(notes, low, high, heard)
        share = (1.0 - HEARD_WEIGHT) * fit.in_range + HEARD_WEIGHT * fit.heard_share
        fit_score = share - CENTRE_PENALTY * fit.centre_distance
        score = TIMBRE_WEIGHT * max(similarity, 0.0) + FIT_WEIGHT * fit_score
        scored.append((score, song_id, similarity, singer, fit))
    scored.sort(key=lambda t: (t[4].in_range < FULL_FIT, -t[0], t[1]))
    results, per = [], {}
    range_text = ("tested range " if range_override else "range ") + f"{note_name(low)}\u2013{note_name(high)}"
    for score, song_id, similarity, singer, fit in scored:
        if singer and per.get(singer, 0) >= per_singer:
            continue
        per[singer] = per.get(singer, 0) + 1
        song = store.song(song_id)
        reasons = []
        if singer:
            reasons.append(f"voice like {singer}, {similarity:.2f}")
        share = "fits your" if fit.in_range >= FULL_FIT else f"{fit.in_range:.0%} in your"
        reasons.append(f"{share} {range_text} at {fit.describe()[0].lower()}{fit.describe()[1:]}")
        results.append(Suggestion(song_id, song["title"], song.get("artist") or "",
                                  song["singer_gender"], singer, similarity, fit, score, reasons))
        if len(results) == top:
            break
    return results
