"""Voice types (bass ... soprano) from a singer's gender and range.

The textbook ranges below (MIDI, inclusive) describe trained voices; an
amateur's take covers less, so a take is classified by the *centre* of its
sustained range: the nearest centre among the types of the singer's gender.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceType:
    name: str
    gender: str
    low: int
    high: int

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2


VOICE_TYPES = (
    VoiceType("bass", "male", 40, 64),            # E2-E4
    VoiceType("baritone", "male", 45, 69),        # A2-A4
    VoiceType("tenor", "male", 48, 72),           # C3-C5
    VoiceType("alto", "female", 53, 77),          # F3-F5
    VoiceType("mezzo-soprano", "female", 57, 81),  # A3-A5
    VoiceType("soprano", "female", 60, 84),       # C4-C6
)


def gender_span(gender: str) -> tuple[int, int]:
    """Lowest and highest MIDI note of the voice types of ``gender``
    ("female"/"male"): E2-C5 for men, F3-C6 for women."""
    types = [t for t in VOICE_TYPES if t.gender == gender]
    if not types:
        raise ValueError(f"gender must be 'female' or 'male', got {gender!r}")
    return min(t.low for t in types), max(t.high for t in types)


def voice_type(gender: str, low: float, high: float) -> str:
    """The voice type of a singer of ``gender`` ("female"/"male") whose range
    is ``low``..``high`` (MIDI): the type of that gender with the nearest centre."""
    if gender not in ("female", "male"):
        raise ValueError(f"gender must be 'female' or 'male', got {gender!r}")
    if low > high:
        raise ValueError(f"not a vocal range: {low}..{high}")
    centre = (low + high) / 2
    candidates = [t for t in VOICE_TYPES if t.gender == gender]
    return min(candidates, key=lambda t: abs(t.centre - centre)).name
