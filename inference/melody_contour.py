"""Melody contours: the one pitch line that catalog melodies and hummed
queries are both reduced to before the hum encoder sees them.

A contour is float32 [T], MIDI pitch per frame (frame ``i`` centred at
``i * CONTOUR_HOP_S`` seconds), NaN where nothing is sung. Catalog melodies
come from notes (:func:`contour_from_notes`), queries from the pitch model's
f0 track (:func:`contour_from_f0`). Windows of ``HUM_WINDOW_FRAMES`` frames are
cut from it (:func:`cut_windows`) and turned into the encoder's input by
:func:`encoder_input`, which removes the key (each window is centred on its
median pitch).
"""

from __future__ import annotations

import numpy as np

from inference.constants import (
    CONTOUR_HOP_S,
    HOP_S,
    HUM_CATALOG_HOP_FRAMES,
    HUM_MIN_SUNG,
    HUM_PITCH_CLIP,
    HUM_QUERY_SCALES,
    HUM_WINDOW_FRAMES,
)
from inference.pitch_decode import hz_to_midi


class ContourError(ValueError):
    """A melody handed to the contour functions has the wrong shape or values."""


def contour_from_notes(notes: np.ndarray, *, hop_s: float = CONTOUR_HOP_S,
                       total_s: float | None = None) -> np.ndarray:
    """Notes float [n, 3] (onset_s, duration_s, MIDI pitch) -> contour float32 [T].

    A frame takes the pitch of the note sounding at its centre (the later
    onset where notes overlap); rests are NaN. ``T`` covers the last note's
    end, or ``total_s`` when given.
    """
    notes = np.asarray(notes, dtype=np.float64).reshape(-1, 3)
    if notes.size and not np.isfinite(notes).all():
        raise ContourError("notes contain NaN or infinite values")
    end = float((notes[:, 0] + notes[:, 1]).max()) if len(notes) else 0.0
    n_frames = int(np.ceil((end if total_s is None else total_s) / hop_s))
    contour = np.full(n_frames, np.nan, dtype=np.float32)
    notes = notes[np.argsort(notes[:, 0], kind="stable")]
    notes = notes[notes[:, 1] > 0]
    first = np.maximum(0, np.ceil(notes[:, 0] / hop_s - 1e-9).astype(np.int64))
    stop = np.minimum(n_frames, np.ceil((notes[:, 0] + notes[:, 1]) / hop_s - 1e-9).astype(np.int64))
    if np.all(np.diff(stop) >= 0):
        # No note outlasts a later one (a melody): a frame belongs to the
        # last note starting at or before it, if that one still sounds.
        frames = np.arange(n_frames)
        last = np.searchsorted(first, frames, side="right") - 1
        sounding = last >= 0
        sounding[sounding] &= stop[last[sounding]] > frames[sounding]
        contour[sounding] = notes[last[sounding], 2]
        return contour
    for a, b, pitch in zip(first, stop, notes[:, 2]):
        contour[a:b] = pitch
    return contour


def contour_from_f0(f0_hz: np.ndarray, *, hop_s: float = HOP_S,
                    out_hop_s: float = CONTOUR_HOP_S, min_voiced: float = 0.5) -> np.ndarray:
    """f0 track float [N] in Hz (0 = unvoiced), frame ``i`` at ``i * hop_s``
    -> contour float32 [T] at ``out_hop_s``.

    Each output frame is the median MIDI pitch of the input frames within half
    an output hop of its centre, or NaN where fewer than ``min_voiced`` of them
    are voiced. ``out_hop_s`` must be an odd multiple of ``hop_s``.
    """
    f0 = np.asarray(f0_hz, dtype=np.float64).reshape(-1)
    if not np.isfinite(f0).all():
        raise ContourError("f0 contains NaN or infinite values")
    midi = hz_to_midi(f0)
    n_out = int(np.ceil(len(f0) * hop_s / out_hop_s - 1e-9))
    ratio = out_hop_s / hop_s
    step = int(round(ratio))
    if abs(ratio - step) > 1e-6 or step % 2 == 0:
        raise ContourError(f"output hop must be an odd multiple of the input hop, got {ratio:g}")
    # Output frame k takes input frames k*step - half ... k*step + half.
    half = step // 2
    padded = np.full(half + n_out * step, np.nan)
    exists = np.zeros(half + n_out * step, dtype=bool)
    padded[half:half + len(midi)], exists[half:half + len(midi)] = midi, True
    padded, exists = padded[:n_out * step].reshape(n_out, step), exists[:n_out * step].reshape(n_out, step)
    sung = np.isfinite(padded)
    enough = sung.sum(axis=1) >= min_voiced * np.maximum(1, exists.sum(axis=1))
    enough &= sung.any(axis=1)
    out = np.full(n_out, np.nan, dtype=np.float32)
    if enough.any():
        out[enough] = np.nanmedian(padded[enough], axis=1)
    return out


def stretch_contour(contour: np.ndarray, factor: float) -> np.ndarray:
    """Play a contour ``factor`` times as long (nearest-frame resampling):
    float32 [T] -> float32 [round(T * factor)]."""
    if not factor > 0:
        raise ContourError(f"stretch factor must be positive, got {factor}")
    contour = np.asarray(contour, dtype=np.float32)
    n_out = max(1, int(round(len(contour) * factor))) if len(contour) else 0
    source = np.minimum(len(contour) - 1, np.floor((np.arange(n_out) + 0.5) / factor).astype(int))
    return contour[source]


def window_starts(n_frames: int, hop: int, length: int = HUM_WINDOW_FRAMES) -> np.ndarray:
    """Start frames of the windows covering ``n_frames``: every ``hop`` frames,
    plus one ending at the last frame; a single window at 0 when the contour is
    shorter than a window. int64 [W]."""
    if n_frames <= length:
        return np.zeros(1, dtype=np.int64)
    starts = list(range(0, n_frames - length + 1, hop))
    if starts[-1] != n_frames - length:
        starts.append(n_frames - length)
    return np.asarray(starts, dtype=np.int64)


def cut_windows(contour: np.ndarray, hop: int,
                length: int = HUM_WINDOW_FRAMES) -> tuple[np.ndarray, np.ndarray]:
    """contour [T] -> (windows float32 [W, length], NaN-padded past the end;
    start frames int64 [W])."""
    contour = np.asarray(contour, dtype=np.float32)
    starts = window_starts(len(contour), hop, length)
    padded = np.concatenate([contour, np.full(length, np.nan, dtype=np.float32)])
    index = starts[:, None] + np.arange(length)[None, :]
    return padded[index], starts


def sung_windows(contour: np.ndarray,
                 hop: int = HUM_CATALOG_HOP_FRAMES) -> tuple[np.ndarray, np.ndarray]:
    """The windows worth embedding: those at least HUM_MIN_SUNG sung (or, when
    none is, the single most sung one; nothing when nothing is sung).
    Returns (windows float32 [W, L], start frames int64 [W])."""
    windows, starts = cut_windows(contour, hop)
    sung = np.isfinite(windows).mean(axis=1)
    keep = sung >= HUM_MIN_SUNG
    if not keep.any() and sung.max() > 0:
        keep = sung == sung.max()
        keep &= np.cumsum(keep) == 1
    return windows[keep], starts[keep]


def query_windows(contour: np.ndarray, scales: tuple[float, ...] = HUM_QUERY_SCALES,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A query contour stretched by every factor of ``scales`` and cut into
    sung windows every HUM_CATALOG_HOP_FRAMES. Returns (windows float32 [W, L],
    scale index into ``scales`` int64 [W], start frame in the stretched query
    int64 [W])."""
    windows, scale_of, starts = [], [], []
    for k, factor in enumerate(scales):
        w, s = sung_windows(stretch_contour(contour, factor))
        windows.append(w)
        scale_of.append(np.full(len(w), k, dtype=np.int64))
        starts.append(s)
    return (np.concatenate(windows).astype(np.float32), np.concatenate(scale_of),
            np.concatenate(starts))


def encoder_input(windows: np.ndarray) -> np.ndarray:
    """Windows float [W, L] of MIDI (NaN = silence) -> float32 [W, L, 2].

    Channel 0: pitch minus the window's median sung pitch, in octaves, clipped
    to +-HUM_PITCH_CLIP semitones, 0 where silent. Channel 1: 1 where sung.
    A window with nothing sung is all zeros.
    """
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim != 2:
        raise ContourError(f"windows must be [W, L], got shape {windows.shape}")
    sung = np.isfinite(windows)
    centre = np.zeros((len(windows), 1))
    has_sung = sung.any(axis=1)
    if has_sung.any():
        centre[has_sung, 0] = np.nanmedian(windows[has_sung], axis=1)
    rel = np.clip(np.where(sung, windows - centre, 0.0), -HUM_PITCH_CLIP, HUM_PITCH_CLIP) / 12.0
    return np.stack([rel, sung.astype(np.float64)], axis=-1).astype(np.float32)
