"""Decode text of unknown encoding, favouring Korean legacy encodings.

MIDI/KAR meta events and UltraStar ``.txt`` files carry no reliable charset.
Files made in Korea are usually UTF-8 or CP949 (a superset of EUC-KR);
Western files are usually CP1252/Latin-1. :func:`decode_bytes` tries, in order:

1. a byte-order mark (UTF-8, UTF-16);
2. strict UTF-8;
3. strict CP949, accepted only when the non-ASCII characters look like real
   Korean (mostly common KS X 1001 Hangul, see :func:`_looks_korean`) -- Latin-1
   text such as ``b"\\xc4rger"`` also decodes as CP949, into rare syllables;
4. charset-normalizer's best guess, given at least 16 non-ASCII bytes to go
   on (GBK Chinese, Shift_JIS Japanese, CP1251 Cyrillic...);
5. CP1252, then Latin-1 (which never fails).
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MIN_BYTES_FOR_DETECTOR = 16
"""Below this many non-ASCII bytes charset-normalizer guesses poorly."""
_MIN_KOREAN_SHARE = 0.7
"""Share of non-ASCII characters that must be common Hangul/Hanja for CP949."""


class DecodedText(NamedTuple):
    """A decoded string and the codec name that produced it (``"cp949"``...)."""

    text: str
    encoding: str


def _is_common_korean(ch: str) -> bool:
    """True for characters in KS X 1001 (two bytes in EUC-KR), the set real
    Korean text uses; CPython's codec spells other syllables as 8-byte
    jamo sequences, which do not count."""
    try:
        return len(ch.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


def _looks_korean(text: str) -> bool:
    """Whether CP949-decoded ``text`` is plausibly Korean rather than mojibake."""
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return True
    hangul = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3" and _is_common_korean(c))
    common = sum(1 for c in non_ascii if _is_common_korean(c))
    return hangul > 0 and common / len(non_ascii) >= _MIN_KOREAN_SHARE


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(raw: bytes, hint: str | None = None) -> DecodedText:
    """Decode ``raw`` bytes of unknown encoding; never raises.

    ``hint`` is an encoding named by the file itself (e.g. UltraStar's
    ``#ENCODING``); it is tried right after the byte-order marks.
    """
    if not raw:
        return DecodedText("", "utf-8")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, name)
            if text is not None:
                return DecodedText(text, name)
    if hint:
        text = _strict(raw, hint)
        if text is not None:
            return DecodedText(text, codecs.lookup(hint).name)
    text = _strict(raw, "utf-8")
    if text is not None:
        return DecodedText(text, "utf-8")
    text = _strict(raw, "cp949")
    if text is not None and _looks_korean(text):
        return DecodedText(text, "cp949")
    if sum(1 for b in raw if b > 0x7F) >= _MIN_BYTES_FOR_DETECTOR:
        best = from_bytes(raw).best()
        if best is not None and best.encoding not in ("utf_8", "ascii"):
            return DecodedText(str(best), best.encoding)
    text = _strict(raw, "cp1252")
    if text is not None:
        return DecodedText(text, "cp1252")
    return DecodedText(raw.decode("latin-1"), "latin-1")


def decode_parts(parts: list[bytes]) -> tuple[list[str], str]:
    """Decode many short byte strings that share one (unknown) encoding.

    KAR syllables are one or two characters each, too short to detect one by
    one, so the encoding is detected on all of them joined and then applied to
    each part (undecodable bytes become U+FFFD). Returns (texts, encoding).
    """
    encoding = decode_bytes(b"".join(parts)).encoding
    return [p.decode(encoding, errors="replace") for p in parts], encoding
