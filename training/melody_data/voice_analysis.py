"""One TTS voice's speech analysed with WORLD (pyworld) into syllable units, cached.

Analysis at SAMPLE_RATE with a 5 ms frame period: DIO + StoneMask f0
(30x faster than harvest and more conservative about voicing), CheapTrick
spectral envelope (FFT_SIZE bins), D4C aperiodicity. Each voiced stretch is
cut into syllables at energy dips; a syllable *unit* is four frame indices
``(head, nucleus_start, nucleus_end, end)``: the onset consonant (unvoiced or
voiced, up to 150 ms), the vowel nucleus (within 6 dB of the syllable's
peak), and the voiced coda. Singing stretches the nucleus and keeps the rest
at natural length.

The cache is one ``.npz`` per voice under ``<cache>/voices/`` holding float16
log envelopes and aperiodicities (about 5 MB per voice).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import numpy as np

from inference.constants import SAMPLE_RATE

from .f0_contour import CONTOUR_PERIOD_MS
from .tts_voices import TtsVoice, speak, voice_texts

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pyworld

FFT_SIZE = 1024
"""CheapTrick FFT size at 16 kHz (valid for f0 down to 47 Hz)."""
N_BINS = FFT_SIZE // 2 + 1
F0_FLOOR, F0_CEIL = 50.0, 700.0
ANALYSIS_VERSION = 1
MAX_HEAD_FRAMES = 30
"""Onset consonants are kept up to 150 ms."""
SILENCE_DB = 45.0
"""Frames this far below an utterance's loudest are silence."""
DIP_DB = 4.0
"""An energy dip this deep inside a voiced stretch separates two syllables."""
NUCLEUS_DB = 6.0


class VoiceAnalysisError(RuntimeError):
    """A voice gave no usable syllables."""


@dataclass
class VoiceAnalysis:
    """WORLD parameters of one voice's speech. Frames are 5 ms apart.

    log_sp: float16 [F, N_BINS] natural log of the power envelope.
    ap: float16 [F, N_BINS] aperiodicity 0..1.
    f0: float32 [F] analysed f0 (Hz, 0 = unvoiced).
    energy_db: float32 [F] frame level (dB).
    units: int32 [U, 4] (head, nucleus_start, nucleus_end, end) frame indices.
    unit_kind: int8 [U] 0 = from a sentence, 1 = from a syllable line.
    unit_utt: int32 [U] utterance number (consecutive units read like lyrics).
    ltas: float32 [N_BINS] mean log envelope of the nuclei.
    speech: int16 [S] the raw speech at SAMPLE_RATE (for babble noise).
    """

    name: str
    log_sp: np.ndarray
    ap: np.ndarray
    f0: np.ndarray
    energy_db: np.ndarray
    units: np.ndarray
    unit_kind: np.ndarray
    unit_utt: np.ndarray
    ltas: np.ndarray
    speech: np.ndarray
    formant_scale: float = 1.0

    @cached_property
    def periodic(self) -> np.ndarray:
        """bool [F]: analysed as voiced and mostly periodic below 2 kHz."""
        low = self.ap[:, : N_BINS * 2000 // (SAMPLE_RATE // 2)].astype(np.float32).mean(axis=1)
        return (self.f0 > 0) & (low < 0.5)


def analyse_audio(audio: np.ndarray) -> tuple[np.ndarray, ...]:
    """float32 [L] -> (f0 [F], log_sp float32 [F, N_BINS], ap [F, N_BINS], energy_db [F])."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    f0, t = pyworld.dio(x, SAMPLE_RATE, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL,
                        frame_period=CONTOUR_PERIOD_MS)
    f0 = pyworld.stonemask(x, f0, t, SAMPLE_RATE)
    sp = pyworld.cheaptrick(x, f0, t, SAMPLE_RATE, f0_floor=F0_FLOOR, fft_size=FFT_SIZE)
    ap = pyworld.d4c(x, f0, t, SAMPLE_RATE, fft_size=FFT_SIZE)
    log_sp = np.log(np.maximum(sp, 1e-16))
    energy_db = 10.0 * np.log10(np.maximum(sp.sum(axis=1), 1e-16))
    return f0.astype(np.float32), log_sp.astype(np.float32), ap.astype(np.float32), energy_db.astype(np.float32)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def find_units(voiced: np.ndarray, energy_db: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Syllable units of one utterance (indices local to it; see the module docstring)."""
    silent = energy_db < energy_db.max() - SILENCE_DB
    smooth = np.convolve(energy_db, np.ones(3) / 3, mode="same")
    units = []
    for s, e in _runs(voiced):
        if e - s < 4:
            continue
        cuts = [s]
        for m in range(s + 4, e - 4):
            if smooth[m] <= smooth[m - 1] and smooth[m] <= smooth[m + 1]:
                left, right = smooth[max(cuts[-1], m - 15):m].max(), smooth[m:min(e, m + 15)].max()
                if min(left, right) - smooth[m] >= DIP_DB and m - cuts[-1] >= 6:
                    cuts.append(m)
        cuts.append(e)
        for i, (a, b) in enumerate(pairwise(cuts)):
            peak = a + int(np.argmax(smooth[a:b]))
            floor = smooth[peak] - NUCLEUS_DB
            n0, n1 = peak, peak + 1
            while n0 > a and smooth[n0 - 1] >= floor:
                n0 -= 1
            while n1 < b and smooth[n1] >= floor:
                n1 += 1
            if n1 - n0 < 3:
                n0, n1 = max(a, peak - 1), min(b, peak + 2)
            head = a
            if i == 0:  # unvoiced onset consonant before the voiced stretch
                while head > 0 and a - head < MAX_HEAD_FRAMES and not voiced[head - 1] and not silent[head - 1]:
                    head -= 1
            units.append((head, n0, n1, b))
    return units


def analyse_voice(voice: TtsVoice, max_sentences: int | None = None) -> VoiceAnalysis:
    """Speak every text of ``voice`` and analyse it (seconds per voice; not cached)."""
    parts = {k: [] for k in ("log_sp", "ap", "f0", "energy_db")}
    units, kinds, utts, speech, offset = [], [], [], [], 0
    for n, (kind, text) in enumerate(voice_texts(voice, max_sentences)):
        audio = speak(voice, text)
        audio = np.concatenate([np.zeros(800, np.float32), audio, np.zeros(800, np.float32)])
        audio *= 0.5 / max(float(np.max(np.abs(audio))), 1e-6)
        f0, log_sp, ap, energy = analyse_audio(audio)
        for name, value in zip(parts, (log_sp, ap, f0, energy)):
            parts[name].append(value)
        found = find_units(f0 > 0, energy)
        units += [(h + offset, a + offset, b + offset, e + offset) for h, a, b, e in found]
        kinds += [int(kind == "syllables")] * len(found)
        utts += [n] * len(found)
        speech.append(audio)
        offset += len(f0)
    if not units:
        raise VoiceAnalysisError(f"{voice.name}: no voiced syllables found in its speech")
    log_sp = np.concatenate(parts["log_sp"])
    unit_arr = np.array(units, dtype=np.int32)
    nuclei = np.concatenate([np.arange(a, b) for _, a, b, _ in units])
    return VoiceAnalysis(
        name=voice.name, log_sp=log_sp.astype(np.float16),
        ap=np.concatenate(parts["ap"]).astype(np.float16), f0=np.concatenate(parts["f0"]),
        energy_db=np.concatenate(parts["energy_db"]), units=unit_arr,
        unit_kind=np.array(kinds, np.int8), unit_utt=np.array(utts, np.int32),
        ltas=log_sp[nuclei].mean(axis=0).astype(np.float32),
        speech=np.clip(np.round(np.concatenate(speech) * 32767), -32768, 32767).astype(np.int16),
        formant_scale=voice.formant_scale)


def cache_path(cache_dir: Path, voice: TtsVoice) -> Path:
    return Path(cache_dir) / "voices" / f"{voice.file_stem}.v{ANALYSIS_VERSION}.npz"


def cached_analysis(voice: TtsVoice, cache_dir: Path, max_sentences: int | None = None) -> VoiceAnalysis:
    """The voice's analysis from the cache, analysing (and caching) it first if needed."""
    path = cache_path(cache_dir, voice)
    if max_sentences is not None:
        path = path.with_name(path.stem + f".s{max_sentences}.npz")
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            fields = {k: data[k] for k in data.files}
        return VoiceAnalysis(name=voice.name, formant_scale=voice.formant_scale, **fields)
    analysis = analyse_voice(voice, max_sentences)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + f".tmp{os.getpid()}.npz")
    arrays = {k: getattr(analysis, k) for k in ("log_sp", "ap", "f0", "energy_db", "units",
                                                 "unit_kind", "unit_utt", "ltas", "speech")}
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return analysis
