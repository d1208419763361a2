"""What the app does with a finished take: voice + suggestions, hum search, or
the range a range test shows.

An :class:`Analyst` owns one catalog connection and the indexes opened on it,
so it must always be called from the same thread (the UI runs it on a
one-thread pool that never retires its thread). Opening the models and
indexes happens on first use; :meth:`Analyst.catalog_changed` drops them so
the next call sees newly imported songs. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.catalog_store import CatalogStore
from app.cli_hum import CONFIDENT as HUM_CONFIDENT
from app.cli_hum import hum_search_for
from app.hum_search import HumFilters, HumHit, HumQueryError, HumSearch
from app.melody_extraction import pitch_of
from app.paths import index_dir_for
from app.range_test import MeasuredRange, measure_range
from app.singer_profiles import open_timbre_index
from app.suggest import Suggestion, range_used, suggest
from app.vector_index import VectorIndex
from app.voice_take import (
    TooLittleSinging,
    VoiceSummary,
    analyse_voice,
    shared_timbre_encoder,
)
from inference.constants import SAMPLE_RATE
from inference.pitch_tracker import PitchTrack

MIN_TAKE_S = 1.0
"""Shorter recordings are refused before any model runs."""


TOO_SHORT, SILENT, LITTLE_SINGING, LITTLE_HUMMING = "too_short", "silent", "little_singing", "little_humming"
"""Kinds of :class:`TakeError`."""


class TakeError(ValueError):
    """The take cannot be analysed; the message says what the singer should do
    (in English), ``kind`` (TOO_SHORT, SILENT, LITTLE_SINGING, LITTLE_HUMMING)
    lets a window say it in its own language."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class Cancelled(Exception):
    """Work stopped because the app is closing."""


@dataclass
class VoiceAdvice:
    """A sung take's analysis: the voice, the range used for keys, and songs.

    range_tested: the keys were chosen for a range test's range (``range_used``),
    not for a guess from the take."""

    voice: VoiceSummary
    range_used: tuple[int, int]
    suggestions: list[Suggestion] = field(default_factory=list)
    range_tested: bool = False


@dataclass
class HumAnswer:
    """A hum search: hits best first; ``found`` when the best one is confident."""

    hits: list[HumHit]
    found: bool


def _check_take(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1 or len(audio) < MIN_TAKE_S * SAMPLE_RATE:
        raise TakeError("The recording is too short — sing or hum for a few seconds.", TOO_SHORT)
    if not np.any(np.abs(audio) > 1e-4):
        raise TakeError("The recording is silent — check the microphone and its level.", SILENT)
    return audio


class Analyst:
    """Voice analysis, suggestions and hum search on one catalog (one thread)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self._store: CatalogStore | None = None
        self._timbre_index: VectorIndex | None = None
        self._hum: HumSearch | None = None
        self.cancel = threading.Event()
        """Set from any thread to stop :meth:`prepare` at the next song."""

    @property
    def store(self) -> CatalogStore:
        if self._store is None:
            self._store = CatalogStore(self.db_path)
        return self._store

    def catalog_changed(self) -> None:
        """Forget opened indexes (songs or singers were added elsewhere)."""
        self._timbre_index = None
        self._hum = None

    def close(self) -> None:
        self.catalog_changed()
        if self._store is not None:
            self._store.close()
            self._store = None

    def prepare(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Index what the catalog lacks (hum windows of new songs, singer clips
        from another timbre model) so the first take is answered at once; on a
        fresh demo catalog this takes a minute or two. ``progress(done, total)``
        counts songs. Raises Cancelled when ``cancel`` is set meanwhile."""
        def step(done: int, total: int) -> None:
            if self.cancel.is_set():
                raise Cancelled()
            if progress is not None:
                progress(done, total)

        if self._hum is None:  # opening the hum index embeds the songs it lacks
            self._hum = hum_search_for(self.store, step)
        self.timbre_index()

    # --- singing -> songs ----------------------------------------------------
    def timbre_index(self) -> VectorIndex:
        if self._timbre_index is None:
            self._timbre_index = open_timbre_index(self.store, index_dir_for(self.db_path),
                                                   shared_timbre_encoder())
        return self._timbre_index

    def analyse_voice(self, audio: np.ndarray, pitch: PitchTrack | None = None) -> VoiceSummary:
        """float32 [L] mono 16 kHz (and its PitchTrack when known) -> VoiceSummary;
        TakeError when too little was sung."""
        try:
            return analyse_voice(_check_take(audio), shared_timbre_encoder(), pitch)
        except TooLittleSinging as exc:
            raise TakeError(f"Too little singing to hear your voice ({exc}). "
                            "Sing a little longer, with held notes.", LITTLE_SINGING) from exc

    def suggest(self, voice: VoiceSummary, *, top: int = 20, gender_filter: str | None = None,
                tested_range: tuple[int, int] | None = None) -> VoiceAdvice:
        """Songs for ``voice``; keys fitted to ``tested_range`` (MIDI low, high from
        a range test) when given, else to the take's range."""
        results = suggest(self.store, self.timbre_index(), voice, top=top,
                          gender_filter=gender_filter, range_override=tested_range)
        return VoiceAdvice(voice, tested_range or range_used(voice), results,
                           range_tested=tested_range is not None)

    def advise(self, audio: np.ndarray, *, top: int = 20, pitch: PitchTrack | None = None,
               tested_range: tuple[int, int] | None = None) -> VoiceAdvice:
        """A sung take (and its PitchTrack when known) -> its voice and the songs that suit it."""
        return self.suggest(self.analyse_voice(audio, pitch), top=top, tested_range=tested_range)

    # --- range test ---------------------------------------------------------------
    def measure_range(self, audio: np.ndarray, pitch: PitchTrack | None = None) -> MeasuredRange:
        """A range-test take (float32 [L] mono 16 kHz; its PitchTrack when the live
        encoder has it) -> the range it shows (:func:`app.range_test.measure_range`).
        TakeError for a recording too short or silent to try."""
        return measure_range(pitch_of(_check_take(audio), pitch, solo=True))

    # --- humming -> a song --------------------------------------------------------
    def hum_search(self) -> HumSearch:
        if self._hum is None:
            self._hum = hum_search_for(self.store)
        return self._hum

    def find_song(self, audio: np.ndarray, *, top: int = 10, filters: HumFilters | None = None,
                  pitch: PitchTrack | None = None) -> HumAnswer:
        """A hummed/sung/whistled take -> the best matching songs. ``pitch``: the
        take's PitchTrack when the live encoder already has it (then only the
        search runs here)."""
        from inference.melody_contour import contour_from_f0

        contour = contour_from_f0(pitch_of(_check_take(audio), pitch).f0_hz)
        try:
            hits = self.hum_search().search_contour(contour, top=top, filters=filters)
        except HumQueryError as exc:
            raise TakeError(f"{exc} Hum the tune a little longer.", LITTLE_HUMMING) from exc
        return HumAnswer(hits, bool(hits) and hits[0].score >= HUM_CONFIDENT)
