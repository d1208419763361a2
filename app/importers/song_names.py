"""Small text rules shared by the importers: names from file names, years,
languages.

``title_artist_from_path(Path("IU - 좋은 날.mid"))`` -> ``("좋은 날", "IU")``;
``parse_year("2003-05-01")`` -> ``2003``; ``guess_language("아리랑")`` ->
``"Korean"``. Languages are English names, as UltraStar's ``#LANGUAGE`` uses.
"""

from __future__ import annotations

import re
from pathlib import Path

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_SEPARATORS = (" - ", " – ", " — ", " _ ")
_LANGUAGE_CODES = {
    "en": "English",
    "eng": "English",
    "engl": "English",
    "english": "English",
    "ko": "Korean",
    "kor": "Korean",
    "kore": "Korean",
    "korean": "Korean",
    "ja": "Japanese",
    "jpn": "Japanese",
    "japa": "Japanese",
    "japanese": "Japanese",
    "zh": "Chinese",
    "chi": "Chinese",
    "zho": "Chinese",
    "chin": "Chinese",
    "de": "German",
    "deu": "German",
    "ger": "German",
    "germ": "German",
    "fr": "French",
    "fra": "French",
    "fre": "French",
    "fren": "French",
    "es": "Spanish",
    "spa": "Spanish",
    "span": "Spanish",
    "it": "Italian",
    "ita": "Italian",
    "ital": "Italian",
}


def _split_stem(stem: str) -> tuple[str, str]:
    for sep in _SEPARATORS:
        if sep in stem:
            artist, title = (part.strip() for part in stem.split(sep, 1))
            if artist.isdigit() and title:  # "01 - Title": a track number, not an artist
                return _split_stem(title)
            if artist and title:
                return title, artist
    return stem, ""


def title_artist_from_path(path: Path) -> tuple[str, str]:
    """(title, artist) from a file name ``"Artist - Title.ext"``; artist may be "".

    Underscores count as spaces when the name has no spaces at all; a leading
    track number (``"01 - Title"``) is dropped, not taken for an artist.
    """
    stem = Path(path).stem.strip()
    if " " not in stem and "_" in stem:
        stem = stem.replace("_", " ")
    return _split_stem(stem)


def parse_year(value: object) -> int | None:
    """The first plausible year (1800-2099) in a tag value, or None.

    Handles ``2003``, ``"2003-05-01"``, ``"05/01/2003"``, ``"(p) 1999 Label"``.
    """
    if value is None:
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def language_name(code: str) -> str:
    """A readable language name for a tag or KAR ``@L`` code ("KORE" -> "Korean").

    Unknown codes are returned with their first letter capitalised.
    """
    code = code.strip()
    if not code:
        return ""
    return _LANGUAGE_CODES.get(code.casefold(), code[:1].upper() + code[1:])


def guess_language(text: str) -> str:
    """The language a lyric's script gives away: Korean (Hangul), Japanese
    (kana), Chinese (Han only); "" when the script says nothing (Latin etc.)."""
    hangul = kana = han = 0
    for ch in text:
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            hangul += 1
        elif 0x3040 <= o <= 0x30FF:
            kana += 1
        elif 0x4E00 <= o <= 0x9FFF:
            han += 1
    if hangul and hangul >= kana:
        return "Korean"
    if kana:
        return "Japanese"
    if han:
        return "Chinese"
    return ""
