"""Plain-text tables and lines for the CLI, aware of double-width (Hangul) text."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

from app.melody_stats import note_name


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (East Asian wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns (with an ellipsis) and pad it to exactly that."""
    text = text or ""
    if display_width(text) > width:
        out, used = [], 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - display_width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """A fixed-width table with a header line."""
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(fit(str(c), w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def range_text(low: int | None, high: int | None) -> str:
    """MIDI range as note names, e.g. ``"G2–E4"``; empty when unknown."""
    if low is None or high is None:
        return ""
    return f"{note_name(low)}–{note_name(high)}"


def duration_text(seconds: float | None) -> str:
    if not seconds:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def fail(error: Exception | str, status: int, *, check_install: bool = False) -> int:
    """Print ``norae: <error>`` on stderr and return ``status`` (the exit code).

    check_install adds the hint to run ``norae doctor`` (a model that cannot be loaded)."""
    hint = ". Run `norae doctor` to check the installation." if check_install else ""
    print(f"norae: {error}{hint}", file=sys.stderr)
    return status
