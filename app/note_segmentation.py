"""From a sung f0 track to notes.

:func:`segment_notes` turns a frame-wise f0 track (Hz, 0 where unvoiced, frame
``i`` centred at ``i * hop_s``) into :class:`app.song_record.Note` objects:

1. voiced runs split by at most ``merge_gap_s`` (a dropout) are joined when
   the pitch carries on; a clear dip of the voicing probability, if given
   (``dip_depth``, 30 ms or more), cuts a run: the same pitch sung twice;
2. each run is cut where its pitch changes, by the optimal least-squares
   piecewise-constant fit with a ``change_semitones ** 2 * change_s / hop_s``
   penalty per piece: vibrato and drift cost less than a new note, a move of
   ``change_semitones`` held for ``change_s`` more;
3. pieces shorter than ``min_note_s`` and glides go to the notes either side,
   split where the pitch is nearer the next note; chains of short pieces
   swinging up and down (a wide, slow vibrato) are joined, and so are
   neighbours closer than ``change_semitones / 2`` (0.75 for short pieces);
4. a note's pitch is the median over its steady part (onset scoop left out,
   vibrato averaged over about one cycle first), in float MIDI.

Cost: O(frames); a 3-minute take segments in about 0.15 s on one core.
"""

from __future__ import annotations

import itertools

import numpy as np

from app.song_record import Note
from inference.constants import HOP_S
from inference.pitch_decode import hz_to_midi

# Tuning, in seconds and semitones (see the module docstring for the rules).
_SCOOP_S = 0.05          # onset time left out of a note's pitch (scoops)
_VIBRATO_S = 0.18        # about one 5.5 Hz vibrato cycle: pitch is averaged over it
_CONTINUE_S = 0.05       # time either side of a short gap compared for continuity
_DIP_WINDOW_S = 0.15     # voicing must rise again within this either side of a dip
_DIP_WIDE_S = 0.03       # ... after staying below half the dip's depth this long
_VIBRATO_HALF_S = 0.16   # longest piece taken for half a vibrato cycle (>= 3.1 Hz)
_VIBRATO_SWING = 1.6     # largest step between half-cycle pieces of a vibrato
_GLIDE_SEMITONES = 0.7   # a piece whose line travels this far may be a glide ...
_GLIDE_MAX_S = 0.3       # ... if no longer than this
_RAMP_EXPLAINED = 0.8    # variance share a line must explain for a clean ramp
_MAX_PIECE_S = 2.0       # longest piece of the fit (keeps it O(frames)); rejoined later
_SHORT_JOIN = 0.75       # a half-cycle-short piece this close joins its neighbour


class NoteSegmentationError(ValueError):
    """The f0 track or voicing handed to :func:`segment_notes` is malformed."""


def _voiced_runs(mask: np.ndarray, midi: np.ndarray, max_gap: int, look: int,
                 tolerance: float) -> list[tuple[int, int]]:
    """[start, end) frame ranges where ``mask`` is True; ranges split by at
    most ``max_gap`` frames are joined when the median pitch of ``look``
    frames either side of the gap differs by less than ``tolerance``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    joined: list[list[int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist()):
        if joined and start - joined[-1][1] <= max_gap:
            before = np.nanmedian(midi[max(joined[-1][0], joined[-1][1] - look):joined[-1][1]])
            if abs(before - np.nanmedian(midi[start:min(end, start + look)])) < tolerance:
                joined[-1][1] = end
                continue
        joined.append([start, end])
    return [(s, e) for s, e in joined]


def _dip_cuts(p: np.ndarray, depth: float, frames: dict) -> list[int]:
    """Frames of ``p`` (a run's voicing probability) at the middle of each
    clear dip: a fall by ``depth`` that rises again within the dip window
    either side and stays below half that depth for the dip width or more
    (a dropout of a frame or two is no dip). Cuts keep a note apart."""
    window, min_wide, min_len = frames["dip_window"], frames["dip_wide"], frames["min_note"]
    k = np.arange(min_len, len(p) - min_len)
    dips = []
    for i in k[(p[k] <= p[k - 1]) & (p[k] < p[k + 1])].tolist():
        rise = min(p[max(0, i - window):i].max(), p[i + 1:i + 1 + window].max()) - p[i]
        left, right = i, i
        while left > max(0, i - window) and p[left - 1] < p[i] + rise / 2:
            left -= 1
        while right + 1 < min(len(p), i + window) and p[right + 1] < p[i] + rise / 2:
            right += 1
        if rise >= depth and right - left + 1 >= min_wide:
            dips.append((rise, (left + right + 1) // 2))
    cuts: list[int] = []
    for _rise, i in sorted(dips, reverse=True):
        if all(abs(i - c) >= min_len for c in cuts):
            cuts.append(i)
    return sorted(cuts)


def _piecewise_constant(x: np.ndarray, penalty: float, max_len: int) -> list[int]:
    """Boundaries [0, ..., len(x)] of the least-squares piecewise-constant
    fit of ``x`` with ``penalty`` per extra piece and pieces of at most
    ``max_len`` frames (optimal partitioning with PELT pruning)."""
    n = len(x)
    x = x - x.mean()
    s1, s2 = (np.concatenate(([0.0], np.cumsum(v))) for v in (x, x * x))
    best, last = np.full(n + 1, -penalty), np.zeros(n + 1, dtype=np.int64)
    cands = np.zeros(1, dtype=np.int64)
    for end in range(1, n + 1):
        if cands[0] < end - max_len:
            cands = cands[cands >= end - max_len]
        fit = best[cands] + (s2[end] - s2[cands]) - (s1[end] - s1[cands]) ** 2 / (end - cands)
        k = int(fit.argmin())
        best[end] = fit[k] + penalty
        last[end] = cands[k]
        cands = np.append(cands[fit < best[end]], end)
    bounds = [n]
    while bounds[-1] > 0:
        bounds.append(int(last[bounds[-1]]))
    return bounds[::-1]


def _cleaned(raw: np.ndarray) -> np.ndarray:
    """``raw`` (MIDI, NaN in bridged gaps) with gaps interpolated and a
    3-frame median against single-frame spikes."""
    ok = np.isfinite(raw)
    idx = np.arange(len(raw))
    x = raw if ok.all() else np.interp(idx, idx[ok], raw[ok])
    return np.median(np.lib.stride_tricks.sliding_window_view(np.pad(x, 1, mode="edge"), 3), axis=1)


def steady_pitch(midi: np.ndarray, hop_s: float = HOP_S) -> float:
    """Pitch (float MIDI) of one note's frames ``midi`` (NaN = unvoiced): the
    first ``_SCOOP_S`` (at most a quarter) left out, a moving average over
    about one vibrato cycle, then the median. NaN for no voiced frame."""
    values = midi[np.isfinite(midi)]
    if len(values) == 0:
        return float("nan")
    values = values[min(round(_SCOOP_S / hop_s), len(values) // 4):]
    width = max(1, min(len(values), round(_VIBRATO_S / hop_s)))
    return float(np.median(np.convolve(values, np.full(width, 1.0 / width), mode="valid")))


def _travel(x: np.ndarray) -> tuple[float, float]:
    """How far (semitones, signed) a piece's least-squares line rises across
    it, and the share of the piece's variance that line explains (0..1)."""
    i = np.arange(len(x)) - (len(x) - 1) / 2
    dev, norm = x - x.mean(), float((i * i).sum())
    total = float((dev * dev).sum())
    if len(x) < 3 or total <= 0:
        return 0.0, 0.0
    slope = float((i * dev).sum()) / norm
    return slope * (len(x) - 1), slope * slope * norm / total


def _movable(x: np.ndarray, bounds: list[int], min_len: int, max_glide: int) -> list[bool]:
    """Which pieces are not notes of their own: those shorter than ``min_len``
    and glides - no longer than ``max_glide``, their line travelling at least
    ``_GLIDE_SEMITONES``, and either a clean ramp or covering half the move
    between the steady pieces either side of them, in the same direction."""
    spans = list(itertools.pairwise(bounds))
    level = [float(np.median(x[s:e])) for s, e in spans]
    shape = [_travel(x[s:e]) for s, e in spans]
    glide = [e - s <= max_glide and abs(t) >= _GLIDE_SEMITONES
             for (s, e), (t, _) in zip(spans, shape)]
    out = [e - s < min_len or (g and r >= _RAMP_EXPLAINED)
           for (s, e), g, (_, r) in zip(spans, glide, shape)]
    steady = [k for k, o in enumerate(out) if not o]
    for k, (travel, _) in enumerate(shape):
        before, after = [i for i in steady if i < k], [i for i in steady if i > k]
        if glide[k] and not out[k] and before and after:
            lo, hi = level[before[-1]], level[after[0]]
            out[k] = (min(lo, hi) < level[k] < max(lo, hi) and travel * (hi - lo) > 0
                      and abs(travel) >= 0.5 * abs(hi - lo))
    return out


def _absorb_movable(x: np.ndarray, bounds: list[int], movable: list[bool]) -> list[list[int]]:
    """Spans [start, end) of the steady pieces once the movable ones (short
    pieces, glides) are handed to their steady neighbours. Between two
    steady pieces the hand-over frame is the one that best splits the
    movable frames between the two pitches (the middle of a glide).
    Returns [] when no piece is steady."""
    steady = [k for k, m in enumerate(movable) if not m]
    if not steady:
        return []
    spans = [[bounds[k], bounds[k + 1]] for k in steady]
    spans[0][0], spans[-1][1] = bounds[0], bounds[-1]
    for left, right in itertools.pairwise(spans):
        g0, g1 = left[1], right[0]
        if g0 == g1:
            continue
        seg = x[g0:g1]
        to_left = np.cumsum(np.abs(seg - np.median(x[left[0]:left[1]])))
        to_right = np.cumsum(np.abs(seg - np.median(x[right[0]:right[1]]))[::-1])[::-1]
        cut = g0 + int(np.argmin(np.append(0.0, to_left) + np.append(to_right, 0.0)))
        left[1], right[0] = cut, cut
    return spans


def _join_vibrato(pieces: list[list], max_len: int, tolerance: float) -> list[list]:
    """Join chains of four or more short pieces [start, end, pitch] that
    swing up and down by at most ``_VIBRATO_SWING`` (a wide, slow vibrato
    cut into half cycles), and the neighbours at the chain's centre."""
    out: list[list] = []
    i = 0
    while i < len(pieces):
        j = i + 1
        while j < len(pieces):
            (s0, e0, p0), (s1, e1, p1) = pieces[j - 1][:3], pieces[j][:3]
            swing = j - i < 2 or (p1 - p0) * (p0 - pieces[j - 2][2]) < 0
            if max(e0 - s0, e1 - s1) > max_len or abs(p1 - p0) > _VIBRATO_SWING or not swing:
                break
            j += 1
        if j - i < 4:
            out.append(list(pieces[i]))
            i += 1
            continue
        centre = float(np.mean([p[2] for p in pieces[i:j]]))
        first = out.pop()[0] if out and abs(out[-1][2] - centre) < tolerance else pieces[i][0]
        chain = [first, pieces[j - 1][1], centre]
        if j < len(pieces) and abs(pieces[j][2] - centre) < tolerance:
            chain[1] = pieces[j][1]
            j += 1
        out.append(chain)
        i = j
    return out


def _notes_of_stretch(raw: np.ndarray, penalty: float, frames: dict, change: float,
                      hop_s: float) -> list[list]:
    """[start, end, pitch] notes (frames relative to the stretch) of one voiced
    stretch ``raw`` (float MIDI, NaN in bridged gaps)."""
    x = _cleaned(raw)
    bounds = _piecewise_constant(x, penalty, frames["max_piece"])
    movable = _movable(x, bounds, frames["min_note"], frames["max_glide"])
    spans = _absorb_movable(x, bounds, movable) or [[0, len(raw)]]
    pieces = _join_vibrato([[s, e, float(np.median(x[s:e]))] for s, e in spans],
                           frames["half_cycle"], change)
    merged: list[list] = []
    for start, end, _level in pieces:
        pitch = steady_pitch(raw[start:end], hop_s)
        if merged:
            short = min(end - start, merged[-1][1] - merged[-1][0]) <= frames["half_cycle"]
            if abs(pitch - merged[-1][2]) < (max(_SHORT_JOIN, change / 2) if short else change / 2):
                merged[-1][1:] = [end, steady_pitch(raw[merged[-1][0]:end], hop_s)]
                continue
        merged.append([start, end, pitch])
    return merged


def segment_notes(
    f0_hz: np.ndarray,
    voiced: np.ndarray,
    hop_s: float = HOP_S,
    *,
    min_note_s: float = 0.08,
    change_semitones: float = 0.6,
    change_s: float = 0.1,
    merge_gap_s: float = 0.03,
    voiced_prob: np.ndarray | None = None,
    dip_depth: float = 0.4,
    voicing_threshold: float = 0.5,
) -> list[Note]:
    """Notes of a sung f0 track, in time order (rules: module docstring).

    f0_hz: float [T], Hz (0 or NaN where unvoiced). voiced: bool [T], or a
    float voicing probability [T] (voiced where >= ``voicing_threshold``; it
    then also serves as ``voiced_prob``). voiced_prob: optional float [T] in
    0..1; a dip of ``dip_depth`` that rises again splits a note. hop_s:
    seconds per frame. Notes carry onset/duration in seconds, pitch in
    float MIDI; voiced stretches shorter than ``min_note_s`` are dropped.
    """
    f0, vmask = np.asarray(f0_hz, dtype=np.float64), np.asarray(voiced)
    if f0.ndim != 1 or vmask.shape != f0.shape or (
            voiced_prob is not None and np.shape(voiced_prob) != f0.shape):
        raise NoteSegmentationError(f"f0 and voicing must be 1-D and the same length, got "
                                    f"{f0.shape}, {vmask.shape}, {np.shape(voiced_prob)}")
    if not hop_s > 0 or not min_note_s >= 0:
        raise NoteSegmentationError(f"need hop_s > 0, min_note_s >= 0; got {hop_s}, {min_note_s}")
    if vmask.dtype != bool:
        voiced_prob = vmask if voiced_prob is None else voiced_prob
        vmask = vmask.astype(np.float64) >= voicing_threshold
    if voiced_prob is not None:
        voiced_prob = np.asarray(voiced_prob, dtype=np.float64)
    midi = hz_to_midi(f0)
    vmask = vmask & np.isfinite(midi)
    midi[~vmask] = np.nan

    frames = {name: max(1, round(seconds / hop_s)) for name, seconds in (
        ("min_note", min_note_s), ("half_cycle", _VIBRATO_HALF_S), ("max_glide", _GLIDE_MAX_S),
        ("max_piece", _MAX_PIECE_S), ("continue", _CONTINUE_S), ("dip_window", _DIP_WINDOW_S),
        ("dip_wide", _DIP_WIDE_S))}
    penalty = change_semitones ** 2 * change_s / hop_s
    runs = _voiced_runs(vmask, midi, round(merge_gap_s / hop_s + 1e-6), frames["continue"],
                        change_semitones)
    notes: list[Note] = []
    for start, end in runs:
        cuts = [] if voiced_prob is None else _dip_cuts(voiced_prob[start:end], dip_depth, frames)
        for a, b in zip([start, *[start + c for c in cuts]], [*[start + c for c in cuts], end]):
            sung = np.flatnonzero(np.isfinite(midi[a:b]))  # a cut may fall in a gap
            a, b = (a + int(sung[0]), a + int(sung[-1]) + 1) if len(sung) else (a, a)
            if b - a >= frames["min_note"]:
                notes += [Note((a + s) * hop_s, (e - s) * hop_s, p)
                          for s, e, p in _notes_of_stretch(midi[a:b], penalty, frames,
                                                           change_semitones, hop_s)]
    return notes
