"""Parser for ``known_songs.txt``: well-known melodies entered by hand as note names.

The notation is documented at the top of ``resources/demo_catalog/known_songs.txt``.
In short, each song is a block::

    == Twinkle, Twinkle, Little Star
    artist: Traditional
    genre: Children's song
    language: en
    year: 1806
    key: C major
    meter: 4/4
    tempo: 100
    source: French melody "Ah! vous dirai-je, maman" (1761); traditional
    lyrics: Twinkle, twinkle, little star,
    lyrics: How I wonder what you are!
    notes:
    C4/4 C4 G4 G4 | A4 A4 G4/2 | F4/4 F4 E4 E4 | D4 D4 C4/2 |

:func:`parse_known_songs` turns the text into song dicts of the demo catalog's
line shape (see :mod:`app.demo_catalog`): ``notes`` is a list of
``[onset_s, duration_s, midi]`` with times rounded to milliseconds and the
first note at 0 s.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction

KNOWN_SONGS_COLLECTION = "Known songs"
MIN_NOTES = 8
"""A song shorter than this is rejected: too little to recognise by humming."""

_FIELDS = ("artist", "genre", "language", "year", "tempo", "key", "meter", "source", "lyrics")
_REQUIRED = ("tempo", "source")
_PITCH_CLASS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTAL = {"": 0, "#": 1, "##": 2, "b": -1, "bb": -2}
_NOTE_RE = re.compile(
    r"^(?:(?P<step>[A-G])(?P<acc>##|#|bb|b)?(?P<octave>\d)|(?P<rest>r))"
    r"(?:/(?P<den>1|2|4|8|16|32)(?P<dots>\.{0,2})(?P<tuplet>t?))?(?P<tie>~?)$"
)
_TEMPO_RE = re.compile(r"^(?:(?P<den>1|2|4|8|16)(?P<dots>\.?)\s*=\s*)?(?P<bpm>\d+(?:\.\d+)?)$")
_METER_RE = re.compile(r"^(?P<num>\d{1,2})/(?P<den>1|2|4|8|16)$")
_KEY_RE = re.compile(
    r"^[A-G](?:#|b)? (?:major|minor|dorian|mixolydian|phrygian|lydian|aeolian|locrian|pentatonic)$"
)


class KnownSongsError(ValueError):
    """The known-songs text is malformed; the message names the line."""


def demo_song_id(collection: str, title: str, notes: list[list[float]]) -> str:
    """The stable id of a demo catalog song: ``"demo:"`` + 16 hex digits.

    It hashes what identifies the song (collection, title, melody), so a rebuild
    of an unchanged song gives the same id and re-seeding stays idempotent.
    """
    payload = json.dumps([collection, title, notes], ensure_ascii=False, separators=(",", ":"))
    return "demo:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Block:
    title: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    lyrics: list[str] = field(default_factory=list)
    note_lines: list[tuple[int, str]] = field(default_factory=list)


def _fail(line: int, reason: str) -> KnownSongsError:
    return KnownSongsError(f"line {line}: {reason}")


def _split_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    in_notes = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            title = line[2:].strip()
            if not title:
                raise _fail(number, "a song header '==' needs a title")
            blocks.append(_Block(title=title, line=number))
            in_notes = False
            continue
        if not blocks:
            raise _fail(number, "text before the first '== title' line")
        block = blocks[-1]
        if in_notes:
            block.note_lines.append((number, line))
            continue
        name, sep, value = line.partition(":")
        name = name.strip().lower()
        if not sep:
            raise _fail(number, f"expected 'field: value' or 'notes:', got {line!r}")
        if name == "notes":
            in_notes = True
            if value.strip():
                block.note_lines.append((number, value.strip()))
        elif name == "lyrics":
            block.lyrics.append(value.strip())
        elif name in _FIELDS:
            if name in block.fields:
                raise _fail(number, f"field {name!r} given twice for {block.title!r}")
            block.fields[name] = value.strip()
        else:
            raise _fail(number, f"unknown field {name!r} (known: {', '.join(_FIELDS)}, notes)")
    return blocks


def _whole_note_seconds(tempo: str, line: int) -> float:
    """Seconds per whole note from ``"100"`` (quarter = 100) or ``"4.=60"``."""
    m = _TEMPO_RE.match(tempo.replace(" ", ""))
    if not m:
        raise _fail(line, f"tempo {tempo!r} is not 'BPM' or 'UNIT=BPM' (e.g. 100, 4.=60)")
    beat = Fraction(1, int(m["den"] or 4)) * (Fraction(3, 2) if m["dots"] else 1)
    bpm = float(m["bpm"])
    if not 20 <= bpm <= 300:
        raise _fail(line, f"tempo {bpm:g} beats per minute is outside 20..300")
    return 60.0 / bpm / float(beat)


def _token_length(m: re.Match, previous: Fraction) -> Fraction:
    if m["den"] is None:
        return previous
    length = Fraction(1, int(m["den"]))
    extra = length
    for _ in m["dots"]:
        extra /= 2
        length += extra
    if m["tuplet"]:
        length *= Fraction(2, 3)
    return length


def _parse_notes(block: _Block, whole_s: float, meter: Fraction | None) -> list[list[float]]:
    """Note tokens -> ``[[onset_s, duration_s, midi], ...]`` (ties merged)."""
    events: list[tuple[Fraction, Fraction, int]] = []  # start, length (whole notes), midi
    position = Fraction(0)
    length = Fraction(1, 4)
    tie_open: tuple[int, int] | None = None  # (line, midi) of a note waiting for its tie
    bars: list[tuple[int, Fraction, bool]] = []  # (line, bar length, ends at a section break)
    bar_start, bar_line = Fraction(0), block.line
    for number, text in block.note_lines:
        for token in text.split():
            if token in ("|", "||"):
                bars.append((number, position - bar_start, token == "||"))
                bar_start, bar_line = position, number
                continue
            m = _NOTE_RE.match(token)
            if not m:
                raise _fail(number, f"cannot read note {token!r} in {block.title!r} "
                                    "(expected e.g. C4/4, F#5/8., Bb3/2~, r/4 or |)")
            length = _token_length(m, length)
            if m["rest"]:
                if tie_open:
                    raise _fail(number, f"a tie '~' must lead to a note, not the rest {token!r}")
                if m["tie"]:
                    raise _fail(number, f"a rest cannot be tied: {token!r}")
                position += length
                continue
            midi = 12 * (int(m["octave"]) + 1) + _PITCH_CLASS[m["step"]] + _ACCIDENTAL[m["acc"] or ""]
            if not 0 <= midi <= 127:
                raise _fail(number, f"note {token!r} is outside the MIDI range 0..127")
            if tie_open:
                if tie_open[1] != midi:
                    raise _fail(number, f"tie from line {tie_open[0]} joins different pitches "
                                        f"(into {token!r})")
                start, old, _ = events[-1]
                events[-1] = (start, old + length, midi)
            else:
                events.append((position, length, midi))
            tie_open = (number, midi) if m["tie"] else None
            position += length
    if tie_open:
        raise _fail(tie_open[0], f"the last note of {block.title!r} is tied to nothing")
    bars.append((bar_line, position - bar_start, True))
    if meter is not None:
        _check_bars(block, bars, meter)
    if len(events) < MIN_NOTES:
        raise _fail(block.line, f"{block.title!r} has {len(events)} notes; at least {MIN_NOTES} needed")
    first = events[0][0]
    return [[round(float(start - first) * whole_s, 3), round(float(dur) * whole_s, 3), midi]
            for start, dur, midi in events]


def _check_bars(block: _Block, bars: list[tuple[int, Fraction, bool]], meter: Fraction) -> None:
    """Every bar must fill the meter, except a pickup (the first bar, or the bar
    after a ``||``) and a closing bar (the last, or the bar before a ``||``),
    which may be shorter. Empty bars (``| |``, a line ending and the next
    starting with ``|``) are ignored."""
    filled: list[tuple[int, Fraction, bool]] = []
    for line, length, brk in bars:
        if length:
            filled.append((line, length, brk))
        elif brk and filled:  # "| ||": the break belongs to the bar before
            filled[-1] = (filled[-1][0], filled[-1][1], True)
    after_break = True
    for n, (line, length, before_break) in enumerate(filled):
        before_break = before_break or n == len(filled) - 1
        if length > meter or (length < meter and not (after_break or before_break)):
            raise _fail(line, f"a bar in {block.title!r} lasts {length} of a whole note; "
                              f"the meter asks for {meter}")
        after_break = before_break


def _song_from_block(block: _Block) -> dict:
    for name in _REQUIRED:
        if not block.fields.get(name):
            raise _fail(block.line, f"{block.title!r} needs a '{name}:' field")
    if not block.note_lines:
        raise _fail(block.line, f"{block.title!r} has no 'notes:' section")
    fields = block.fields
    whole_s = _whole_note_seconds(fields["tempo"], block.line)
    meter = None
    if fields.get("meter"):
        mm = _METER_RE.match(fields["meter"])
        if not mm:
            raise _fail(block.line, f"meter {fields['meter']!r} is not like 3/4 or 6/8")
        meter = Fraction(int(mm["num"]), int(mm["den"]))
    year = None
    if fields.get("year"):
        if not re.fullmatch(r"\d{3,4}", fields["year"]):
            raise _fail(block.line, f"year {fields['year']!r} is not a number like 1857")
        year = int(fields["year"])
    language = fields.get("language", "")
    if language and not re.fullmatch(r"[a-z]{2,3}", language):
        raise _fail(block.line, f"language {language!r} is not an ISO 639 code such as en or ko")
    key = fields.get("key", "")
    if key and not _KEY_RE.match(key):
        raise _fail(block.line, f"key {key!r} is not like 'G major' or 'A minor'")
    notes = _parse_notes(block, whole_s, meter)
    title = block.title
    return {
        "id": demo_song_id(KNOWN_SONGS_COLLECTION, title, notes),
        "title": title,
        "artist": fields.get("artist") or "Traditional",
        "genre": fields.get("genre", ""),
        "year": year,
        "language": language,
        "singer_gender": "unknown",
        "collection": KNOWN_SONGS_COLLECTION,
        "original_key": key,
        "lyrics": "\n".join(block.lyrics),
        "notes": notes,
    }


def parse_known_songs(text: str) -> list[dict]:
    """Parse the whole known-songs text into song dicts, in file order.

    Raises :class:`KnownSongsError` (with the line number) on the first
    malformed line, unknown field, unreadable note, broken tie, bar that does
    not fit the meter, or a song with fewer than :data:`MIN_NOTES` notes.
    Two songs with the same title are an error too.
    """
    songs, seen = [], {}
    for block in _split_blocks(text):
        if block.title in seen:
            raise _fail(block.line, f"title {block.title!r} already used on line {seen[block.title]}")
        seen[block.title] = block.line
        songs.append(_song_from_block(block))
    return songs
