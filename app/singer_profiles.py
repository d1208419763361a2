"""Singer profiles: a named singer's timbre, made from clean vocal clips.

Each clip is analysed like a user's take (:func:`app.voice_take.analyse_voice`)
and kept in ``singer_clips``: its audio (16 kHz mono FLAC, so it can be
embedded again when the timbre model changes), its embedding, p(female) and
range. The singer's profile is the normalised mean of its clips' embeddings,
an ``embeddings`` row of kind ``timbre`` owned by the singer and indexed in
hnswlib; the singer's range is the union of its clips' ranges. Everything
in the index can be rebuilt from SQLite.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from app.audio_decode import AudioDecodeError, decode_audio
from app.catalog_store import CatalogStore
from app.vector_index import IndexParams, VectorIndex, now_iso
from app.voice_take import TooLittleSinging, VoiceSummary, analyse_voice
from inference.constants import SAMPLE_RATE, TIMBRE_EMBED_DIM
from inference.timbre_encoder import TimbreEncoder

TIMBRE_KIND = "timbre"
TIMBRE_INDEX_PARAMS = IndexParams(space="cosine", dim=TIMBRE_EMBED_DIM, m=16, ef_construction=100, ef=64)
GENDERS = ("female", "male")

Analyse = Callable[[np.ndarray, TimbreEncoder], VoiceSummary]


class SingerError(ValueError):
    """A singer cannot be added as asked (bad name or gender, no usable clip)."""


@dataclass
class ClipOutcome:
    """What happened to one clip: ``error`` is empty when it was used."""

    path: str
    error: str = ""
    sung_s: float = 0.0
    range_text: str = ""


@dataclass
class SingerAdded:
    singer_id: int
    name: str
    clips: list[ClipOutcome] = field(default_factory=list)

    @property
    def used(self) -> int:
        return sum(1 for c in self.clips if not c.error)


def flac_bytes(audio: np.ndarray) -> bytes:
    """float [L] at 16 kHz -> 16-bit FLAC file bytes."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    return buffer.getvalue()


def flac_audio(blob: bytes) -> np.ndarray:
    """FLAC bytes written by :func:`flac_bytes` -> float32 [L] at 16 kHz."""
    audio, rate = sf.read(io.BytesIO(blob), dtype="float32")
    if rate != SAMPLE_RATE or audio.ndim != 1:
        raise ValueError(f"stored clip is {rate} Hz with shape {audio.shape}, not 16 kHz mono")
    return audio


def open_timbre_index(store: CatalogStore, index_dir, encoder: TimbreEncoder,
                      analyse: Analyse = analyse_voice) -> VectorIndex:
    """The ``timbre`` index, loaded or rebuilt from SQLite; clips embedded by
    another model (or never, like the demo voices) are embedded from their
    stored audio first. A stored clip that cannot be analysed is kept but
    left out of its singer's profile."""
    index = VectorIndex(store, index_dir, TIMBRE_KIND, TIMBRE_INDEX_PARAMS, encoder.sha256)
    index.ensure()
    stale = store.db.execute(
        "SELECT id, singer_id, audio_flac FROM singer_clips WHERE model_sha256 IS NOT ?",
        [encoder.sha256]).fetchall()
    touched = set()
    for clip_id, singer_id, blob in stale:
        try:
            voice = analyse(flac_audio(blob), encoder)
            values = [voice.embedding.astype("<f4").tobytes(), voice.p_female]
        except (TooLittleSinging, ValueError, RuntimeError):
            values = [None, None]  # unusable: kept, but left out of the profile
        store.db.execute("UPDATE singer_clips SET embedding = ?, p_female = ?, model_sha256 = ? "
                         "WHERE id = ?", [*values, encoder.sha256, clip_id])
        touched.add(singer_id)
    missing = store.db.execute(
        "SELECT id FROM singers WHERE id IN (SELECT singer_id FROM singer_clips) AND id NOT IN "
        "(SELECT owner_id FROM embeddings WHERE kind = ? AND model_sha256 = ?)",
        [TIMBRE_KIND, encoder.sha256]).fetchall()
    for singer_id in sorted(touched | {r[0] for r in missing}):
        refresh_profile(store, index, singer_id, save=False)
    if touched or missing:
        index.save()
    return index


def refresh_profile(store: CatalogStore, index: VectorIndex, singer_id: int, *, save: bool = True) -> None:
    """Recompute a singer's profile vector and range from its current-model clips."""
    rows = store.db.execute(
        "SELECT embedding, range_low, range_high FROM singer_clips "
        "WHERE singer_id = ? AND model_sha256 = ? AND embedding IS NOT NULL",
        [singer_id, index.model_sha256]).fetchall()
    if not rows:
        index.remove([singer_id], save=save)
        return
    vectors = np.stack([np.frombuffer(r[0], "<f4") for r in rows])
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-9)
    lows = [r[1] for r in rows if r[1] is not None]
    highs = [r[2] for r in rows if r[2] is not None]
    store.db.execute("UPDATE singers SET range_low = ?, range_high = ? WHERE id = ?",
                     [min(lows) if lows else None, max(highs) if highs else None, singer_id])
    index.add([singer_id], centre[None].astype(np.float32), save=save)


def _clip_row(path: str, audio: np.ndarray, voice: VoiceSummary, encoder: TimbreEncoder,
              digest: str) -> dict:
    return {"source_name": Path(path).name, "file_hash": digest,
            "duration_s": round(len(audio) / SAMPLE_RATE, 3), "sung_s": voice.sung_seconds,
            "range_low": voice.range_low, "range_high": voice.range_high,
            "p_female": voice.p_female, "audio_flac": flac_bytes(audio),
            "embedding": voice.embedding.astype("<f4").tobytes(),
            "model_sha256": encoder.sha256, "added_at": now_iso()}


def add_singer(store: CatalogStore, index: VectorIndex, encoder: TimbreEncoder, name: str,
               gender: str, clips: Sequence[str | Path], *, origin: str = "user",
               analyse: Analyse = analyse_voice) -> SingerAdded:
    """Add (or extend) singer ``name`` from audio files of their singing.

    Every clip is tried; one that cannot be decoded or holds too little
    singing is reported in the result and skipped. Raises SingerError when
    the name or gender is unusable or no clip could be used (then nothing is
    stored). A clip already stored for this singer (same audio) is not added twice.
    """
    name = name.strip()
    if not name:
        raise SingerError("a singer needs a name")
    if gender not in GENDERS:
        raise SingerError(f"gender must be one of {', '.join(GENDERS)}, got {gender!r}")
    outcomes, rows = [], []
    for path in clips:
        outcome = ClipOutcome(str(path))
        try:
            audio = decode_audio(Path(path))
            voice = analyse(audio, encoder)
        except (AudioDecodeError, TooLittleSinging) as exc:
            outcome.error = str(exc)
        else:
            digest = hashlib.sha256(np.asarray(audio, np.float32).tobytes()).hexdigest()
            rows.append(_clip_row(str(path), audio, voice, encoder, digest))
            outcome.sung_s, outcome.range_text = voice.sung_seconds, voice.range_text
        outcomes.append(outcome)
    if not rows:
        details = "; ".join(f"{Path(o.path).name}: {o.error}" for o in outcomes) or "no clips given"
        raise SingerError(f"no usable clip for {name} ({details})")
    with store.db.atomic():
        found = store.db.execute("SELECT id FROM singers WHERE name = ?", [name]).fetchone()
        if found:
            singer_id = found[0]
            store.db.execute("UPDATE singers SET gender = ?, origin = ? WHERE id = ?",
                             [gender, origin, singer_id])
        else:
            singer_id = store.db["singers"].insert({"name": name, "gender": gender, "origin": origin,
                                                    "added_at": now_iso()}).last_pk
        for row in rows:
            store.db["singer_clips"].insert({**row, "singer_id": singer_id}, ignore=True)
    refresh_profile(store, index, singer_id)
    return SingerAdded(singer_id, name, outcomes)


def remove_singer(store: CatalogStore, index: VectorIndex, name: str) -> bool:
    """Delete a singer, its clips and its profile; False if there is no such singer."""
    found = store.db.execute("SELECT id FROM singers WHERE name = ?", [name]).fetchone()
    if not found:
        return False
    with store.db.atomic():
        for table, column in (("singer_clips", "singer_id"), ("song_singers", "singer_id"),
                              ("singers", "id")):
            store.db.execute(f"DELETE FROM {table} WHERE {column} = ?", [found[0]])
    index.remove([found[0]])
    return True
