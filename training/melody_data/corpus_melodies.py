"""Melodies from the music21 corpus: listing, train/val/bench split, parsing, cache.

Folk-tune abc collections (Essen, O'Neill, Ryan, Aird, Nottingham, ...) are
read tune by tune; vocal scores (Bach chorales, Monteverdi madrigals,
Palestrina masses, lead sheets) give their top part. Only pitch and duration
are kept, reduced to one line (the highest note at each onset). A tune that
music21 cannot read, or reads for longer than :data:`PARSE_TIMEOUT_S`, is
skipped.

Split by file: ``zlib.crc32(relative_path) % 10 == 0`` is held out for the
benchmark only, ``== 5`` for validation, the rest trains.
"""

from __future__ import annotations

import gzip
import json
import re
import signal
import warnings
import zlib
from pathlib import Path

import numpy as np

from app.melody_stats import NOTE_NAMES, estimate_key
from app.song_record import Note

from .melodies import ScoreMelody

ABC_DIRS = ("essenFolksong", "oneills1850", "ryansMammoth", "airdsAirs", "nottingham-dataset",
            "miscFolk", "josquin")
SCORE_DIRS = {"bach": 500, "monteverdi": 100, "leadSheet": 10, "palestrina": 250}
"""Score folders and how many of their files to read (the first by CRC order)."""

MAX_SCORE_BYTES = 300_000
PARSE_TIMEOUT_S = 3
MIN_NOTES = 8
CACHE_NAME = "corpus_melodies_v1.jsonl.gz"

_MINOR_MODES = {"minor", "dorian", "aeolian", "phrygian", "locrian"}


class _Timeout(Exception):
    pass


def corpus_root() -> Path:
    import music21

    return Path(music21.__file__).resolve().parent / "corpus"


def corpus_split(relative_path: str) -> str:
    """"bench", "val" or "train" for a corpus file path relative to the corpus root."""
    rest = zlib.crc32(relative_path.encode("utf-8")) % 10
    return "bench" if rest == 0 else "val" if rest == 5 else "train"


def list_jobs(root: Path | None = None) -> list[tuple[str, int, str]]:
    """Parse jobs ``(relative_path, tune_number, abc_text)``; scores have
    tune_number 0 and empty text (the file is read whole)."""
    root = root or corpus_root()
    jobs: list[tuple[str, int, str]] = []
    for folder in ABC_DIRS:
        for path in sorted((root / folder).glob("*.abc")):
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            tunes = [t for t in re.split(r"(?m)^(?=X:)", text) if t.startswith("X:")] or [text]
            jobs += [(rel, i, tune) for i, tune in enumerate(tunes)]
    for folder, limit in SCORE_DIRS.items():
        paths = [p for p in (root / folder).rglob("*") if p.suffix in (".mxl", ".xml", ".krn")
                 and p.stat().st_size <= MAX_SCORE_BYTES]
        rels = sorted((p.relative_to(root).as_posix() for p in paths),
                      key=lambda r: (zlib.crc32(r.encode()), r))
        jobs += [(rel, 0, "") for rel in rels[:limit]]
    return jobs


def _on_alarm(signum, frame):
    raise _Timeout()


def _key_of(score, notes: list[Note]) -> tuple[int, str]:
    from music21 import key

    for ks in score.recurse().getElementsByClass(key.KeySignature):
        if isinstance(ks, key.Key):
            return ks.tonic.pitchClass, "minor" if ks.mode in _MINOR_MODES else "major"
        break
    name, mode = (estimate_key(notes) or "C major").split()
    return NOTE_NAMES.index(name), mode


def score_melody(score, source: str) -> ScoreMelody | None:
    """The top part of a parsed music21 score as one line, or None if too short."""
    from music21 import meter

    part = score.parts[0] if getattr(score, "parts", None) else score
    by_onset: dict[float, list[float]] = {}
    last: list[float] | None = None
    tied = False  # the previous note is tied into the next one
    for el in part.flatten().notes:
        if el.duration.isGrace or el.quarterLength <= 0:
            continue
        onset, length = float(el.offset), float(el.quarterLength)
        midi = float(max(p.midi for p in el.pitches))
        if tied and last is not None and last[1] == midi and abs(sum(last[::2]) - onset) < 1e-6:
            last[2] += length  # a tie: one longer sung note
        elif onset not in by_onset or midi > by_onset[onset][1]:
            last = by_onset[onset] = [onset, midi, length]
        tie = getattr(el, "tie", None)
        tied = tie is not None and tie.type in ("start", "continue")
    by_onset = {o: (v[2], v[1]) for o, v in by_onset.items()}
    if len(by_onset) < MIN_NOTES:
        return None
    onsets = np.array(sorted(by_onset))
    durs = np.array([by_onset[o][0] for o in onsets])
    pitches = np.array([by_onset[o][1] for o in onsets])
    durs = np.minimum(durs, np.append(np.diff(onsets), durs[-1]))
    keep = durs > 1e-6
    onsets, durs, pitches = onsets[keep] - onsets[0], durs[keep], pitches[keep]
    if len(onsets) < MIN_NOTES or np.ptp(pitches) > 30:
        return None
    sigs = list(part.recurse().getElementsByClass(meter.TimeSignature))
    bar = float(sigs[0].barDuration.quarterLength) if sigs else 4.0
    notes = [Note(float(o), float(d), float(p)) for o, d, p in zip(onsets, durs, pitches)]
    key_pc, mode = _key_of(score, notes)
    return ScoreMelody(source, onsets, durs, pitches, bar_beats=bar if bar > 0 else 4.0,
                       key_pc=key_pc, key_mode=mode)


def parse_job(job: tuple[str, int, str]) -> dict | None:
    """Worker: one tune or score -> a JSON-able melody dict, or None if skipped."""
    from music21 import converter

    rel, number, text = job
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(PARSE_TIMEOUT_S)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = (converter.parseData(text, format="abc") if text
                     else converter.parse(corpus_root() / rel))
            melody = score_melody(score, f"corpus:{rel}#{number}")
    except Exception:  # noqa: BLE001 - music21 raises many kinds on odd files
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if melody is None:
        return None
    return {"source": melody.source, "split": corpus_split(rel),
            "onsets": np.round(melody.onsets, 4).tolist(),
            "durations": np.round(melody.durations, 4).tolist(),
            "pitches": melody.pitches.tolist(), "bar_beats": melody.bar_beats,
            "key_pc": melody.key_pc, "key_mode": melody.key_mode}


def write_cache(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        for rec in sorted(records, key=lambda r: r["source"]):
            handle.write(json.dumps(rec, separators=(",", ":")) + "\n")
    tmp.replace(path)


def load_cache(path: Path) -> dict[str, list[ScoreMelody]]:
    """Cached melodies grouped by split ("train", "val", "bench")."""
    out: dict[str, list[ScoreMelody]] = {"train": [], "val": [], "bench": []}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            out[rec["split"]].append(ScoreMelody(
                rec["source"], np.array(rec["onsets"]), np.array(rec["durations"]),
                np.array(rec["pitches"], dtype=np.float64), bar_beats=rec["bar_beats"],
                key_pc=rec["key_pc"], key_mode=rec["key_mode"]))
    return out
