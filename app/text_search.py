"""Search keys for song titles and artists: case-, accent- and width-insensitive,
safe for Hangul, with Korean initial-consonant (초성) keys.

``search_key("Café Noël")`` -> ``"cafe noel"``; ``search_key("아리랑")`` ->
``"아리랑"`` (accents are stripped after NFKD and the text is recomposed with
NFC, so Hangul syllables survive). ``initials_key("아리랑")`` -> ``"ㅇㄹㄹ"``,
so typing ``ㅇㄹㄹ`` finds 아리랑, as on karaoke machines.
"""

from __future__ import annotations

import re
import unicodedata

_HANGUL_BASE = 0xAC00
_HANGUL_LAST = 0xD7A3
_JUNG_TIMES_JONG = 21 * 28
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def search_key(text: str) -> str:
    """Fold case, width and accents; drop punctuation; collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = unicodedata.normalize("NFC", stripped).casefold()
    folded = _PUNCT.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


def initials_key(text: str) -> str:
    """The Hangul initial consonants of ``text`` (other characters dropped)."""
    out = []
    for ch in unicodedata.normalize("NFC", text or ""):
        code = ord(ch)
        if _HANGUL_BASE <= code <= _HANGUL_LAST:
            out.append(_CHOSEONG[(code - _HANGUL_BASE) // _JUNG_TIMES_JONG])
        elif ch in _CHOSEONG:
            out.append(ch)
    return "".join(out)


def is_initials_query(query: str) -> bool:
    """True when the query is made only of Hangul initial consonants (and spaces)."""
    stripped = query.replace(" ", "")
    return bool(stripped) and all(ch in _CHOSEONG for ch in stripped)


def like_pattern(key: str) -> str:
    """A LIKE pattern matching ``key`` anywhere, with LIKE wildcards escaped by ``\\``."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
