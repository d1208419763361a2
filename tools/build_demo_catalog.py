"""Build the bundled demo catalog: ``resources/demo_catalog/demo_catalog.jsonl.gz``.

Usage::

    python -m tools.build_demo_catalog [--out PATH] [--limit-per-collection N] [--jobs N]

Sources (all public domain, see ``resources/demo_catalog/SOURCES.md``):

* three abc collections of the music21 corpus: O'Neill's Music of Ireland
  (``oneills1850``), Ryan's Mammoth Collection (``ryansMammoth``) and Aird's
  Airs (``airdsAirs``). Each abc file holds many tunes; every tune is parsed on
  its own, and tunes music21 cannot read are skipped and counted;
* ``resources/demo_catalog/known_songs.txt``, hand-entered well-known songs.

Each tune becomes one JSON line (shape in :mod:`app.demo_catalog`) with a
monophonic melody ``[[onset_s, duration_s, midi], ...]`` played as written
(repeats are not expanded: music21's ``expandRepeats`` costs ~0.4 s a tune and
triples the size for no gain in recognisability), at a tempo taken from the
tune's ``Q:`` field or, without one, from its type (reel, jig, air, ...).

The output is deterministic: songs are sorted, JSON keys are in a fixed order
and the gzip header carries no time or file name, so an unchanged input gives
the same bytes. Needs music21 (``pip install -e '.[catalog]'``); the app only
reads the built file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.known_songs_format import MIN_NOTES, demo_song_id, parse_known_songs
from app.paths import DEMO_CATALOG_FILE, KNOWN_SONGS_FILE
from tools.abc_tunes import split_tunes, tune_fields, tune_melody

MAX_BYTES = 4_000_000
"""The built file must stay under this size (it ships in the repository)."""

@dataclass(frozen=True)
class CorpusCollection:
    """One abc collection of the music21 corpus and the metadata its songs get."""

    corpus_dir: str
    name: str
    genre: str
    year: int
    volume_years: dict[str, int] = field(default_factory=dict)
    """Publication year per file stem, for collections printed in volumes."""
    book_number: str = ""
    """Regex on the ``B:`` field giving the tune's number in the printed book;
    a number seen twice (two transcriptions of one tune) is kept once."""


COLLECTIONS = (
    CorpusCollection("oneills1850", "O'Neill's Music of Ireland", "Irish traditional", 1903,
                     book_number=r"O'Neill's\s*(\d+)"),
    CorpusCollection("ryansMammoth", "Ryan's Mammoth Collection", "American fiddle tunes", 1883),
    CorpusCollection("airdsAirs", "Aird's Airs", "Scottish airs", 1782,
                     volume_years={"book1": 1778, "book2": 1782, "book3": 1788,
                                   "book4": 1794, "book5": 1797, "book6": 1803}),
)


@dataclass
class CollectionReport:
    tunes: int = 0
    failed: int = 0
    too_short: int = 0
    duplicates: int = 0
    kept: int = 0
    failures: Counter = field(default_factory=Counter)


def corpus_dir(name: str) -> Path:
    """The folder of one music21 corpus collection."""
    import music21

    path = Path(music21.__file__).resolve().parent / "corpus" / name
    if not path.is_dir():
        raise SystemExit(f"music21 corpus folder {path} is missing (is the corpus installed?)")
    return path


def tune_jobs(collection: CorpusCollection, limit: int | None) -> list[tuple[str, str]]:
    """``(file stem, tune text)`` for every tune of a collection, in file order."""
    jobs = []
    for path in sorted(corpus_dir(collection.corpus_dir).glob("*.abc")):
        text = path.read_text(encoding="utf-8", errors="replace")
        jobs.extend((path.stem, tune) for tune in split_tunes(text))
        if limit is not None and len(jobs) >= limit:
            return jobs[:limit]
    return jobs


def _song_or_failure(job: tuple[int, str, str]) -> dict | str:
    """Worker: one tune -> a song dict, or the reason it was skipped."""
    index, stem, text = job
    collection = COLLECTIONS[index]
    try:
        melody = tune_melody(text)
    except Exception as exc:  # noqa: BLE001 - music21 raises many kinds on odd abc
        return f"music21: {type(exc).__name__}"
    if len(melody.notes) < MIN_NOTES:  # too short to hum
        return "too short"
    return {
        "id": demo_song_id(collection.name, melody.title, melody.notes),
        "title": melody.title,
        "artist": "Traditional",
        "genre": collection.genre,
        "year": collection.volume_years.get(stem, collection.year),
        "language": "",
        "singer_gender": "unknown",
        "collection": collection.name,
        "original_key": melody.key,
        "lyrics": "",
        "notes": melody.notes,
    }


def build_corpus_songs(limit: int | None, jobs: int) -> tuple[list[dict], dict[str, CollectionReport]]:
    """Parse the corpus collections (in parallel) into deduplicated song dicts."""
    songs: list[dict] = []
    reports: dict[str, CollectionReport] = {}
    work = []
    for index, collection in enumerate(COLLECTIONS):
        work.extend((index, stem, text) for stem, text in tune_jobs(collection, limit))
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_song_or_failure, work, chunksize=16))
    else:
        results = [_song_or_failure(job) for job in work]
    seen_melodies: set[tuple] = set()
    seen_numbers: set[tuple[str, str]] = set()
    last_title: dict[str, str] = {}
    for (index, _stem, text), result in zip(work, results, strict=True):
        collection = COLLECTIONS[index]
        report = reports.setdefault(collection.name, CollectionReport())
        report.tunes += 1
        if not isinstance(result, str):
            _resolve_ditto(result, last_title)
        if isinstance(result, str):
            if result == "too short":
                report.too_short += 1
            else:
                report.failed += 1
                report.failures[result] += 1
            continue
        number = _book_number(collection, text)
        melody_key = (result["title"].casefold(), json.dumps(result["notes"]))
        if melody_key in seen_melodies or (number and (collection.name, number) in seen_numbers):
            report.duplicates += 1
            continue
        seen_melodies.add(melody_key)
        if number:
            seen_numbers.add((collection.name, number))
        report.kept += 1
        songs.append(result)
    return songs, reports


_DITTO = re.compile(r"(?i)(a|another) do\.?")


def _resolve_ditto(song: dict, last_title: dict[str, str]) -> None:
    """Aird's titles a second setting "A Do." (another ditto): name it after the
    tune before it, e.g. "A Highland Dance (another)"."""
    collection = song["collection"]
    if _DITTO.fullmatch(song["title"]) and collection in last_title:
        song["title"] = f"{last_title[collection]} (another)"
        song["id"] = demo_song_id(collection, song["title"], song["notes"])
    elif not _DITTO.fullmatch(song["title"]):
        last_title[collection] = song["title"]


def _book_number(collection: CorpusCollection, text: str) -> str:
    if not collection.book_number:
        return ""
    for value in tune_fields(text).get("B", []):
        m = re.search(collection.book_number, value)
        if m:
            return m.group(1)
    return ""


def encode_catalog(songs: list[dict]) -> bytes:
    """Songs -> gzip'd JSON Lines, byte-identical for identical input."""
    order = {name: i for i, name in enumerate(["Known songs", *(c.name for c in COLLECTIONS)])}
    ordered = sorted(songs, key=lambda s: (order.get(s["collection"], len(order)),
                                           s["title"].casefold(), s["id"]))
    text = "".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n" for s in ordered)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def cap_per_collection(songs: list[dict], cap: int) -> list[dict]:
    """Keep at most ``cap`` songs of each corpus collection: the ones with the
    smallest ids, a deterministic and evenly spread sample. Known songs stay."""
    by_collection: dict[str, list[dict]] = {}
    for song in songs:
        by_collection.setdefault(song["collection"], []).append(song)
    kept = []
    for name, group in by_collection.items():
        group = sorted(group, key=lambda s: s["id"])
        kept.extend(group if name == "Known songs" else group[:cap])
    return kept


def fit_size(songs: list[dict], max_bytes: int) -> tuple[bytes, int | None]:
    """Encode, lowering a per-collection cap until the file fits ``max_bytes``.

    Returns the bytes and the cap used (None when every song fits).
    """
    data = encode_catalog(songs)
    cap = None
    largest = max(Counter(s["collection"] for s in songs).values(), default=0)
    while len(data) > max_bytes:
        cap = int((cap or largest) * 0.95)
        if cap < 1:
            raise SystemExit("cannot fit the catalog under the size limit")
        data = encode_catalog(cap_per_collection(songs, cap))
    return data, cap


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build_demo_catalog",
                                     description="Build the bundled demo catalog.")
    parser.add_argument("--out", type=Path, default=DEMO_CATALOG_FILE,
                        help=f"output file (default {DEMO_CATALOG_FILE})")
    parser.add_argument("--limit-per-collection", type=int, default=None, metavar="N",
                        help="read only the first N tunes of each corpus collection (quick builds)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes for parsing (default: all cores)")
    parser.add_argument("--known-songs", type=Path, default=KNOWN_SONGS_FILE,
                        help="hand-entered songs file")
    args = parser.parse_args(argv)
    started = time.monotonic()
    known = parse_known_songs(args.known_songs.read_text(encoding="utf-8"))
    corpus_songs, reports = build_corpus_songs(args.limit_per_collection, max(1, args.jobs))
    data, cap = fit_size(known + corpus_songs, MAX_BYTES)
    write_atomically(args.out, data)
    counts = Counter(json.loads(line)["collection"]
                     for line in gzip.decompress(data).decode("utf-8").splitlines())
    print(f"Known songs: {counts['Known songs']} songs")
    for name, report in reports.items():
        print(f"{name}: {report.tunes} tunes, {report.failed} unreadable, "
              f"{report.too_short} too short, {report.duplicates} duplicates, "
              f"{report.kept} kept, {counts[name]} written")
        for reason, n in report.failures.most_common():
            print(f"    skipped {n}: {reason}")
    if cap is not None:
        print(f"capped at {cap} songs per collection to stay under {MAX_BYTES} bytes")
    print(f"wrote {sum(counts.values())} songs, {len(data)} bytes to {args.out} "
          f"in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
