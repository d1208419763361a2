"""Text inside MIDI/KAR files: KAR ``@`` headers, lyric syllables, lyric text.

KAR (Soft Karaoke) files keep their words as *text* meta events, usually in a
track named "Words": ``@``-prefixed events are headers (``@K`` file type,
``@V`` version, ``@L`` language, ``@T`` title lines -- first the title, then
the artist -- and ``@I`` information); every other event is one syllable
sounding at its tick. A syllable starting with ``/`` begins a new line, one
starting with ``\\`` a new paragraph. General MIDI files use *lyrics* meta
events instead, where a trailing carriage return ends a line and a line feed
a paragraph (RP-017); both conventions are read the same way here. A
syllable that is only ``-`` or ``~`` holds the previous one over another note;
a trailing ``-`` joins a word split over notes (``"Twin-" "kle"``).

Texts arrive already decoded (see :mod:`app.importers.text_encoding`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MIN_LYRIC_EVENTS = 4
"""Fewer syllable events than this in a track are not taken as lyrics."""
_HOLD_MARKS = frozenset({"-", "~", "_", "+"})
"""Syllable events that only extend the previous syllable (melisma)."""


@dataclass(frozen=True)
class MidiText:
    """One decoded text-like meta event: ``kind`` is the mido type
    (``"text"``, ``"lyrics"``, ``"track_name"``, ``"copyright"``, ...)."""

    track: int
    tick: int
    kind: str
    text: str


@dataclass(frozen=True)
class Syllable:
    """A sung syllable at ``tick``; ``text`` has the line markers removed.

    ``before``/``after``: 0 none, 1 new line, 2 new paragraph.
    """

    tick: int
    text: str
    before: int = 0
    after: int = 0


@dataclass
class KarHeaders:
    """What the ``@`` headers say; ``titles`` in file order (title, artist, ...)."""

    is_kar: bool = False
    titles: list[str] = field(default_factory=list)
    language: str = ""
    info: list[str] = field(default_factory=list)


def _is_header(text: str) -> bool:
    return text.startswith("@")


def kar_headers(texts: list[MidiText]) -> KarHeaders:
    """Collect the ``@`` headers of all text events, in (track, tick) order."""
    headers = KarHeaders()
    for t in sorted(texts, key=lambda t: (t.track, t.tick)):
        if t.kind != "text" or not _is_header(t.text):
            continue
        tag, value = t.text[1:2].upper(), t.text[2:].strip()
        if tag == "K" or "KARAOKE" in t.text.upper():
            headers.is_kar = True
        elif tag == "T" and value:
            headers.titles.append(value)
        elif tag == "L" and value:
            headers.language = value
        elif tag == "I" and value:
            headers.info.append(value)
    return headers


def to_syllable(tick: int, text: str) -> Syllable:
    """Split line markers off one raw syllable event."""
    before = after = 0
    body = text.replace("\r\n", "\r")
    while body[:1] in ("/", "\\", "\r", "\n") and body:
        before = max(before, 2 if body[0] in ("\\", "\n") else 1)
        body = body[1:]
    while body[-1:] in ("\r", "\n") and body:
        after = max(after, 2 if body[-1] == "\n" else 1)
        body = body[:-1]
    if body.strip() in _HOLD_MARKS:
        body = ""  # the previous syllable goes on over this note
    elif len(body) > 1 and body.endswith("-"):
        body = body[:-1]  # "Twin-" "kle": the word continues on the next note
    return Syllable(tick, body, before, after)


def lyric_syllables(texts: list[MidiText], prefer_text: bool) -> tuple[list[Syllable], str]:
    """The syllables of the track with the most lyric events, and their kind.

    ``prefer_text``: KAR files use text events, so those win when a track has
    at least :data:`MIN_LYRIC_EVENTS`; otherwise lyrics meta events win.
    Returns ([], "") when no track has enough events.
    """
    groups: dict[str, dict[int, list[MidiText]]] = {"text": {}, "lyrics": {}}
    for t in texts:
        if t.kind in groups and not _is_header(t.text) and t.text:
            groups[t.kind].setdefault(t.track, []).append(t)
    order = ("text", "lyrics") if prefer_text else ("lyrics", "text")
    for kind in order:
        by_track = groups[kind]
        if not by_track:
            continue
        counts = Counter({track: len(events) for track, events in by_track.items()})
        track, count = counts.most_common(1)[0]
        if count >= MIN_LYRIC_EVENTS:
            events = sorted(by_track[track], key=lambda t: t.tick)
            return [to_syllable(t.tick, t.text) for t in events], kind
    return [], ""


def lyrics_text(syllables: list[Syllable]) -> str:
    """Join syllables into lyrics: one line per sung line, blank line between
    paragraphs, spaces kept as the file spells them, lines stripped."""
    lines: list[str] = [""]
    pending = 0
    for s in syllables:
        brk = max(s.before, pending)
        if brk and lines[-1].strip():
            lines.append("")
            if brk == 2:
                lines.append("")
        lines[-1] += s.text
        pending = s.after
    cleaned = [line.strip() for line in lines]
    text = "\n".join(cleaned).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
