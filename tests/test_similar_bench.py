"""The similar-songs bench on a tiny synthetic world: rooms follow their
tastes, renditions keep the tune, and the report is one table with every
method, the weighted fusions with weights fitted on the training sessions."""

from __future__ import annotations

import numpy as np

from app.similar_constants import SOURCES
from app.similar_sources import SongTable
from bench.similar_bench import format_report, rendition, room_bench
from bench.similar_rooms import (
    FOLLOW_ARTIST,
    make_rooms,
    simulate_sessions,
    synthetic_metadata,
)


def tiny_world(seed: int = 0):
    rng = np.random.default_rng(seed)
    collections = np.repeat([0, 1, 2], [120, 60, 20])
    meta = synthetic_metadata(collections, rng)
    low = rng.integers(45, 60, len(collections)).astype(float)
    rooms = make_rooms(meta, low, low + rng.integers(8, 16, len(collections)), rng,
                       n_users=30, n_groups=12)
    return rng, collections, meta, rooms


def test_synthetic_artists_stay_in_one_collection_and_sessions_never_repeat_a_song():
    rng, collections, meta, rooms = tiny_world()
    for artist in np.unique(meta.artist):
        assert len(set(collections[meta.artist == artist])) == 1
        assert len(set(meta.genre[meta.artist == artist])) == 1
    assert meta.year.min() >= 1955 and meta.year.max() <= 2030
    sessions = simulate_sessions(rooms, 200, rng)
    assert all(len(s) == len(set(s.tolist())) and 6 <= len(s) <= 20 for s in sessions)
    pairs = [(s[i], s[i + 1]) for s in sessions for i in range(len(s) - 1)]
    same_artist = np.mean([meta.artist[a] == meta.artist[b] for a, b in pairs])
    assert FOLLOW_ARTIST - 0.05 < same_artist < FOLLOW_ARTIST + 0.25  # follow-ups, plus taste


def test_renditions_change_key_tempo_and_notes_but_keep_the_tune():
    rng = np.random.default_rng(3)
    notes = np.array([[i * 0.5, 0.4, 60 + (i % 5)] for i in range(40)], np.float32)
    moved = rendition(notes, "transposed", rng)
    assert len(np.unique(moved[:, 2] - notes[:, 2])) == 1 and moved[0, 2] != notes[0, 2]
    slower = rendition(notes, "tempo", rng)
    ratio = slower[1:, 0] / notes[1:, 0]
    assert np.allclose(ratio, ratio[0]) and 0.75 <= ratio[0] <= 1.33
    ornamented = rendition(notes, "ornamented", rng)
    assert len(ornamented) > len(notes)


def test_room_bench_reports_every_method_with_sane_scores():
    rng, _collections, meta, rooms = tiny_world(1)
    n = len(meta.artist)
    table = SongTable(song_ids=np.arange(1, n + 1), titles=[str(i) for i in range(n)],
                      artists=[meta.artist_names[a] for a in meta.artist], artist=meta.artist,
                      genre=meta.genre, language=meta.language, year=meta.year)
    content = {"hum": (table.song_ids, rng.normal(size=(n, 8)).astype(np.float32)),
               "melody": (table.song_ids, rng.normal(size=(n, 8)).astype(np.float32))}
    rows, info = room_bench(table, content, simulate_sessions(rooms, 150, rng), 200, rng)
    methods = {r["method"] for r in rows if r["part"] == "rooms: next song"}
    assert {"popularity (baseline)", "cooc alone", "metadata alone", "voice alone",
            "content alone (hum)", "content alone (melody)", "top 3 per source (hum)",
            "score total, offset 60 (hum)", "score total, weighted, offset 60 (hum)",
            "top 3 per source, weighted (hum)"} <= methods
    cold = {r["method"] for r in rows if r["part"] == "rooms: cold queries"}
    assert {"score total, weighted, offset 60 (hum)", "top 3 per source, weighted (hum)"} <= cold
    # weights fitted on the training sessions' last 20 %, as the app does
    assert info["fit"]["pairs"] >= 30 and set(info["fit"]["weights"]) == set(SOURCES)
    assert info["fit"]["mrr"] >= info["fit"]["start_mrr"]
    assert all(0 <= r["hit10"] <= 1 and 0 <= r["mrr"] <= r["hit10"] + 0.1 for r in rows)
    by_method = {r["method"]: r for r in rows if r["part"] == "rooms: next song"}
    assert by_method["metadata alone"]["hit10"] > by_method["content alone (hum)"]["hit10"]
    report = format_report({"machine": "test", "date": "2026-01-01", "songs": n, "sessions": 150,
                            "seed": 1, "rows": rows, **info})
    lines = report.splitlines()
    assert lines[0].startswith("machine: test | date: 2026-01-01")
    assert lines[1].startswith("weights fitted as the app does, on the training sessions only")
    assert sum(1 for line in lines if line.startswith("|---")) == 1  # one table
    assert len([line for line in lines if line.startswith("| rooms")]) == len(rows)
