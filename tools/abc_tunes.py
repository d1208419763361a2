"""One abc tune -> title, key and a timed monophonic melody (uses music21).

Used by :mod:`tools.build_demo_catalog`. An abc file holds many tunes, each
starting with an ``X:`` line; :func:`split_tunes` cuts them apart so that one
unreadable tune costs only itself.

Tempo: the tune's ``Q:`` field when it has one. Otherwise a pace typical of
its type (from the ``R:`` rhythm field, the title, the ``N:`` notes such as
"Slow", or the meter): dance tunes get a typical *mean note length in seconds*
(a reel's running eighths ~0.16 s, a hornpipe's dotted pairs ~0.23 s), which
gives the same speed whatever note value the transcriber wrote them in (2/4
with sixteenths or cut time with eighths); airs and other songs get a fixed
number of quarter notes per minute.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from fractions import Fraction

MEAN_NOTE_SECONDS = {
    "reel": 0.16, "slide": 0.17, "jig": 0.18, "slip jig": 0.18, "polka": 0.2, "fling": 0.21,
    "strathspey": 0.22, "hornpipe": 0.23, "clog": 0.23, "march": 0.24, "waltz": 0.24,
}
"""Typical mean note length (s) of each dance type."""

SONG_QPM = {"air": 76.0, "moderate": 100.0}
"""Quarter notes per minute for airs and unclassified tunes (cut time: x 1.5)."""

QPM_RANGE = (40.0, 240.0)
"""Quarter notes per minute are clamped into this range."""

_TYPE_WORDS = (
    ("slip jig", "slip jig"), ("slipjig", "slip jig"), ("jig", "jig"), ("reel", "reel"),
    ("hornpipe", "hornpipe"), ("set dance", "hornpipe"), ("strathspey", "strathspey"),
    ("fling", "fling"), ("clog", "clog"), ("walkaround", "clog"), ("polka", "polka"),
    ("slide", "slide"), ("waltz", "waltz"), ("minuet", "waltz"), ("march", "march"),
    ("quick ?step", "march"), ("gavotte", "march"), ("air", "air"), ("lament", "air"),
    ("song", "air"), ("planxty", "air"),
)
_PACE_WORDS = (("slow", "air"), ("moderate", "moderate"), ("lively", "march"),
               ("quick", "march"), ("spirit", "march"))
_METER_TYPES = {"6/8": "jig", "9/8": "slip jig", "12/8": "slide", "C|": "reel", "2/2": "reel",
                "3/4": "air", "3/8": "waltz"}
_ABC_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
                "c": "\u0327", "o": "\u030a"}


@dataclass(frozen=True)
class TuneMelody:
    title: str
    key: str
    """e.g. ``"G major"``, ``"A dorian"``; ``""`` when the tune names no mode."""
    notes: list[list[float]]
    """``[[onset_s, duration_s, midi], ...]``, ms-rounded, first onset 0."""


def split_tunes(text: str) -> list[str]:
    """The tunes of an abc file, each from its ``X:`` line to the next."""
    return [t for t in re.split(r"(?m)^(?=X:)", text) if t.startswith("X:")]


def tune_fields(text: str) -> dict[str, list[str]]:
    """Header fields of one tune (``T``, ``M``, ``L``, ``Q``, ``R``, ``N``, ``B`` ...),
    up to and including ``K:``; each letter maps to its values in order."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]):(.*)$", line)
        if not m:
            continue
        fields.setdefault(m.group(1), []).append(m.group(2).split("%")[0].strip())
        if m.group(1) == "K":
            break
    return fields


def clean_title(raw: str) -> str:
    """A readable title from an abc ``T:`` value.

    ``"Bashful Lover., The"`` -> ``"The Bashful Lover"``; ``"ACROBAT'S -- HORNPIPE"``
    -> ``"Acrobat's Hornpipe"``; ``"RORY O'MORE"`` -> ``"Rory O'More"``; abc accents
    (``\\'e``) become letters.
    """
    title = re.sub(r"\\([`'^\"~co])([A-Za-z])",
                   lambda m: unicodedata.normalize("NFC", m.group(2) + _ABC_ACCENTS[m.group(1)]),
                   raw)
    title = title.replace('"', "").strip()
    title = re.sub(r"\s*--\s*|\s+-\s+", " ", title)
    m = re.fullmatch(r"(.+?)[.,\s]*,\s*(The|A|An)\.?", title)
    if m:
        title = f"{m.group(2)} {m.group(1)}"
    title = re.sub(r"\s+", " ", title).strip(" .,;")
    letters = [c for c in title if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        title = re.sub(r"[A-Za-z]+", lambda w: w.group(0).capitalize(), title.lower())
        title = re.sub(r"'(S|T|D|M|Er|Ll|Re|Ve)\b", lambda w: "'" + w.group(1).lower(), title)
    return title or "Untitled"


def _fraction(text: str) -> Fraction | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    return Fraction(int(m.group(1)), int(m.group(2))) if m and int(m.group(2)) else None


def tune_type(fields: dict[str, list[str]]) -> str:
    """The tune's type: a key of :data:`MEAN_NOTE_SECONDS` or :data:`SONG_QPM`."""
    texts = [" ".join(fields.get("R", [])), " ".join(fields.get("T", [])[:1])]
    for text in texts:
        text = text.lower()
        for word, kind in _TYPE_WORDS:
            if re.search(rf"\b{word}s?\b", text):
                return kind
    notes = " ".join(fields.get("N", [])).lower()
    for word, kind in _PACE_WORDS:
        if word in notes:
            return kind
    meter = (fields.get("M") or [""])[0].replace(" ", "")
    return _METER_TYPES.get(meter, "moderate")


def quarter_notes_per_minute(fields: dict[str, list[str]], mean_quarters: float) -> float:
    """The tune's tempo in quarter notes per minute (see the module docstring).

    mean_quarters: the tune's mean note length in quarter notes.
    """
    meter = (fields.get("M") or [""])[0].replace(" ", "")
    unit = _fraction((fields.get("L") or [""])[0])
    if unit is None:
        meter_value = {"C": Fraction(1), "C|": Fraction(1)}.get(meter) or _fraction(meter)
        unit = Fraction(1, 16) if meter_value is not None and meter_value < Fraction(3, 4) else Fraction(1, 8)
    qpm = None
    for q in fields.get("Q", []):
        m = re.search(r"(\d+)\s*/\s*(\d+)\s*=\s*(\d+)", q)
        if m and int(m.group(2)):
            qpm = int(m.group(3)) * 4 * int(m.group(1)) / int(m.group(2))
        elif re.fullmatch(r"\d+", q):
            qpm = int(q) * float(unit * 4)  # abc 1.6: unit notes per minute
        if qpm:
            break
    if not qpm:
        kind = tune_type(fields)
        if kind in MEAN_NOTE_SECONDS:
            qpm = 60.0 * mean_quarters / MEAN_NOTE_SECONDS[kind]
        else:
            qpm = SONG_QPM[kind] * (1.5 if meter in ("C|", "2/2") else 1.0)
    return min(max(qpm, QPM_RANGE[0]), QPM_RANGE[1])


def _key_name(score) -> str:
    from music21 import key

    for ks in score.recurse().getElementsByClass(key.KeySignature):
        if isinstance(ks, key.Key):
            return f"{ks.tonic.name.replace('-', 'b')} {ks.mode}"
        return ""
    return ""


def _monophonic(events: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """Sorted, one note per onset (the highest), each cut short at the next onset."""
    by_onset: dict[float, tuple[float, float, int]] = {}
    for onset, dur, midi in events:
        if onset not in by_onset or midi > by_onset[onset][2]:
            by_onset[onset] = (onset, dur, midi)
    ordered = [by_onset[o] for o in sorted(by_onset)]
    return [(o, min(d, ordered[i + 1][0] - o) if i + 1 < len(ordered) else d, m)
            for i, (o, d, m) in enumerate(ordered)]


def tune_melody(text: str) -> TuneMelody:
    """Parse one abc tune with music21 into a :class:`TuneMelody`.

    The first part is read (chords give their top note, grace notes are
    dropped, notes tied to the same pitch merged), played as written without
    expanding repeats.
    Raises whatever music21 raises on abc it cannot read.
    """
    from music21 import converter

    fields = tune_fields(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = converter.parseData(text, format="abc")
    part = score.parts[0] if getattr(score, "parts", None) else score
    events: list[tuple[float, float, int]] = []
    tied = False  # the last event's tie continues into the next note
    for element in part.flatten().notes:
        if element.duration.isGrace or element.quarterLength <= 0:
            continue
        onset, length = float(element.offset), float(element.quarterLength)
        midi = int(max(p.midi for p in element.pitches))
        # Merge real ties only: some transcribers write "A4-B2" (a tie between
        # different pitches) as a slur, which music21's stripTies would fuse.
        if tied and events and events[-1][2] == midi and abs(sum(events[-1][:2]) - onset) < 1e-6:
            events[-1] = (events[-1][0], events[-1][1] + length, midi)
        else:
            events.append((onset, length, midi))
        tie = getattr(element, "tie", None)
        tied = tie is not None and tie.type in ("start", "continue")
    melody = _monophonic(events)
    mean_quarters = sum(d for _, d, _ in melody) / len(melody) if melody else 0.5
    seconds_per_quarter = 60.0 / quarter_notes_per_minute(fields, mean_quarters)
    notes = []
    start = melody[0][0] if melody else 0.0
    for onset, dur, midi in melody:
        duration = round(dur * seconds_per_quarter, 3)
        if duration > 0:
            notes.append([round((onset - start) * seconds_per_quarter, 3), duration, midi])
    return TuneMelody(title=clean_title((fields.get("T") or [""])[0]), key=_key_name(score),
                      notes=notes)
