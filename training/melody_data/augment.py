"""On-the-fly mixing and degradation of one training example (numpy, one FFT pass).

:func:`mix_example` puts a dry voice in a room with its accompaniment, through
a cheap microphone, with noise: room reverb (synthetic RIRs, voice and
accompaniment separately), mic EQ (low cut, shelves, peaks), band limiting,
accompaniment at -10..+10 dB, noise at 0..30 dB SNR (white, pink, brown,
mains hum, babble), clipping and an overall level. All filtering happens in
one frequency-domain pass, so a 4 s clip costs a few milliseconds.

Levels: ``accomp_db`` is the RMS of the dry accompaniment relative to the RMS
of the dry voice over the clip; ``snr_db`` is the dry voice RMS over the noise
RMS. The output peak is set to a level in GAIN_DBFS_RANGE (clipping first
drives the mix into +-1).

Babble is made of TTS speech: :func:`set_babble_bank` (or the dataset's
``babble.npy``, found automatically) supplies it; without a bank, babble is
syllable-rate modulated speech-shaped noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import fft as sfft

from inference.constants import SAMPLE_RATE

from .clip_format import default_data_dir

AUGMENT_VERSION = "melody-augment-1"

REVERB_P = 0.6
RT60_RANGE_S = (0.1, 1.2)
DRR_DB_RANGE = (-6.0, 12.0)
"""Direct-to-reverberant energy ratio of the voice path (accompaniment: 6 dB less)."""
MIC_EQ_P = 0.75
LOW_CUT_P = 0.5
BANDLIMIT_P = 0.15
TELEPHONE_SHARE = 0.4
"""Of band-limited examples, the share in the 300-3400 Hz telephone band (else 4 kHz lowpass)."""
ACCOMP_DROP_P = 0.1
"""Chance of leaving a given accompaniment out (a cappella)."""
ACCOMP_DB_RANGE = (-10.0, 10.0)
NOISE_P = 0.8
SNR_DB_RANGE = (0.0, 30.0)
NOISE_KINDS = {"white": 0.15, "pink": 0.3, "brown": 0.15, "hum": 0.1, "babble": 0.3}
CLIP_P = 0.08
CLIP_DRIVE_DB = (3.0, 15.0)
GAIN_DBFS_RANGE = (-40.0, -1.0)
NOMINAL_VOICE_RMS = 0.1
"""Reference level used when the voice crop is silent."""

_babble_bank: np.ndarray | None = None
_babble_loaded = False


class AugmentError(ValueError):
    """Inputs of mismatched length or a bad setting."""


@dataclass(frozen=True)
class MixSettings:
    """One draw of every random choice of :func:`mix_example` (None = off)."""

    rt60_s: float | None
    drr_db: float
    eq: tuple[float, ...] | None
    """(low_cut_hz or 0, low_shelf_db, high_shelf_db, peak_hz, peak_db, peak_q)."""
    band: str | None
    """None, "lowpass4k" or "telephone"."""
    accomp_db: float | None
    noise_kind: str | None
    snr_db: float
    clip_drive_db: float | None
    peak_dbfs: float


def set_babble_bank(speech: np.ndarray | None) -> None:
    """Speech (float or int16 [S] at SAMPLE_RATE) that babble noise is cut from."""
    global _babble_bank, _babble_loaded
    if speech is None:
        _babble_bank, _babble_loaded = None, True
        return
    audio = np.asarray(speech)
    audio = audio.astype(np.float32) / (32768.0 if audio.dtype == np.int16 else 1.0)
    if audio.ndim != 1 or len(audio) < SAMPLE_RATE:
        raise AugmentError("the babble bank must be mono speech of at least 1 s")
    _babble_bank, _babble_loaded = audio, True


def babble_bank_path() -> Path:
    """The babble bank the melody data build writes (``babble.npy``), found automatically."""
    return default_data_dir() / "babble.npy"


def require_babble_bank() -> None:
    """Raise AugmentError unless a babble bank is set or ``babble.npy`` exists.

    Without one, babble falls back to modulated noise and every later random
    draw shifts, so degraded takes (timbre training, its validation, the voice
    benchmark's noisy condition) differ from the ones the published numbers
    were measured on."""
    if _babble_source() is None:
        raise AugmentError(f"no babble bank at {babble_bank_path()}: run "
                           "`python -m training.melody_data.build` first (it writes babble.npy)")


def _babble_source() -> np.ndarray | None:
    global _babble_loaded
    if not _babble_loaded:
        _babble_loaded = True
        path = babble_bank_path()
        if path.is_file():
            set_babble_bank(np.load(path))
    return _babble_bank


def draw_settings(rng: np.random.Generator, *, has_accomp: bool, accomp_db: float | None = None,
                  snr_db: float | None = None) -> MixSettings:
    """Draw every random choice (see the probabilities above); fixed kwargs win."""
    rt60 = rng.uniform(*RT60_RANGE_S) if rng.random() < REVERB_P else None
    drr = rng.uniform(*DRR_DB_RANGE)
    eq = None
    if rng.random() < MIC_EQ_P:
        eq = (rng.uniform(60.0, 250.0) if rng.random() < LOW_CUT_P else 0.0, rng.uniform(-8.0, 6.0),
              rng.uniform(-12.0, 6.0), float(np.exp(rng.uniform(np.log(300.0), np.log(5000.0)))),
              rng.uniform(-9.0, 9.0), rng.uniform(0.5, 3.0))
    band = None
    if rng.random() < BANDLIMIT_P:
        band = "telephone" if rng.random() < TELEPHONE_SHARE else "lowpass4k"
    if has_accomp and accomp_db is None and rng.random() >= ACCOMP_DROP_P:
        accomp_db = rng.uniform(*ACCOMP_DB_RANGE)
    noise_kind = None
    if snr_db is not None or rng.random() < NOISE_P:
        noise_kind = str(rng.choice(list(NOISE_KINDS), p=list(NOISE_KINDS.values())))
    snr = rng.uniform(*SNR_DB_RANGE) if snr_db is None else snr_db
    drive = rng.uniform(*CLIP_DRIVE_DB) if rng.random() < CLIP_P else None
    return MixSettings(rt60, drr, eq, band, accomp_db if has_accomp else None, noise_kind, snr,
                       drive, rng.uniform(*GAIN_DBFS_RANGE))


@lru_cache(maxsize=8)
def _grid(n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies Hz, log2 of frequency / 1 kHz) of an rfft of size n_fft."""
    f = np.fft.rfftfreq(n_fft, 1.0 / SAMPLE_RATE)
    return f, np.log2(np.maximum(f, 10.0) / 1000.0)


def room_response(rng: np.random.Generator, rt60_s: float, drr_db: float, n_fft: int) -> np.ndarray:
    """complex [n_fft // 2 + 1]: spectrum of a synthetic RIR (direct path plus
    exponentially decaying noise, darker with time-independent air absorption),
    normalised to unit energy."""
    length = int(min(rt60_s, 1.0) * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    tail = rng.standard_normal(length) * np.exp(-6.91 * t / rt60_s)
    tail[: int(rng.uniform(0.002, 0.02) * SAMPLE_RATE)] = 0.0  # pre-delay before reflections
    tail *= np.sqrt(10 ** (-drr_db / 10) / (np.sum(tail ** 2) + 1e-12))
    tail[0] += 1.0
    spec = sfft.rfft(tail, n_fft)
    f, _ = _grid(n_fft)
    spec *= 1.0 / np.sqrt(1.0 + (f / rng.uniform(3000.0, 8000.0)) ** 2)
    energy = np.sum(np.abs(spec) ** 2) / n_fft
    return spec / np.sqrt(energy + 1e-12)


def mic_response(settings: MixSettings, n_fft: int) -> np.ndarray | None:
    """float [n_fft // 2 + 1]: magnitude of the mic EQ and band limit (None if flat)."""
    if settings.eq is None and settings.band is None:
        return None
    f, octaves = _grid(n_fft)
    db = np.zeros_like(f)
    if settings.eq is not None:
        _, low_shelf, high_shelf, peak_hz, peak_db, q = settings.eq
        db += low_shelf / (1.0 + np.exp(4.0 * (octaves + 1.7)))   # shelf below ~300 Hz
        db += high_shelf / (1.0 + np.exp(-4.0 * (octaves - 1.5)))  # shelf above ~2.8 kHz
        db += peak_db * np.exp(-0.5 * ((octaves - np.log2(peak_hz / 1000.0)) * q * 2.0) ** 2)
    mag = 10 ** (db / 20)
    if settings.eq is not None and settings.eq[0] > 0:
        r = (f / settings.eq[0]) ** 2
        mag *= r / np.sqrt(1.0 + r * r)
    if settings.band == "lowpass4k":
        mag /= np.sqrt(1.0 + (f / 4000.0) ** 16)
    elif settings.band == "telephone":
        mag /= np.sqrt(1.0 + (300.0 / np.maximum(f, 1.0)) ** 8) * np.sqrt(1.0 + (f / 3400.0) ** 16)
    return mag


def noise_signal(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    """float32 [n] noise of one kind, unit RMS."""
    if kind in ("white", "pink", "brown"):
        spec = sfft.rfft(rng.standard_normal(n).astype(np.float32))
        f = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
        if kind != "white":
            spec *= np.maximum(f, 20.0) ** (-0.5 if kind == "pink" else -1.0)
        out = sfft.irfft(spec, n)
    elif kind == "hum":
        mains = 50.0 if rng.random() < 0.5 else 60.0
        period = 1600  # 0.1 s: a whole number of 50 Hz and 60 Hz cycles
        t = np.arange(period) / SAMPLE_RATE
        k = np.arange(1, 16)[:, None]
        amps = rng.uniform(0.0, 1.0, (15, 1)) * k ** -rng.uniform(0.5, 1.5) * (1 + (k % 2) * rng.uniform(0, 2))
        cycle = np.sum(amps * np.sin(2 * np.pi * mains * k * t + rng.uniform(0, 2 * np.pi, (15, 1))), axis=0)
        out = np.resize(np.roll(cycle, int(rng.integers(0, period))), n)
    elif kind == "babble":
        out = _babble(rng, n)
    else:
        raise AugmentError(f"unknown noise kind {kind!r}; use one of {list(NOISE_KINDS)}")
    return (out / (np.sqrt(np.mean(out ** 2)) + 1e-12)).astype(np.float32)


def _babble(rng: np.random.Generator, n: int) -> np.ndarray:
    bank = _babble_source()
    talkers = int(rng.integers(3, 8))
    if bank is not None and len(bank) > n:
        starts = rng.integers(0, len(bank) - n, talkers)
        gains = rng.uniform(0.4, 1.0, talkers)
        return np.sum([g * bank[s:s + n] for g, s in zip(gains, starts)], axis=0)
    noise = noise_signal(rng, "pink", n)
    t = np.arange(n) / SAMPLE_RATE
    envelope = np.ones(n)
    for _ in range(talkers):
        envelope += 0.8 * np.maximum(0, np.sin(2 * np.pi * rng.uniform(3.0, 6.0) * t + rng.uniform(0, 6.3)))
    return noise * envelope


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def apply_settings(voice: np.ndarray, accomp: np.ndarray | None, settings: MixSettings,
                   rng: np.random.Generator) -> np.ndarray:
    """Mix and degrade with fixed settings (noise and RIRs still come from ``rng``)."""
    n = len(voice)
    v_rms = _rms(voice)
    ref = v_rms if v_rms > 1e-5 else NOMINAL_VOICE_RMS
    reverb = settings.rt60_s is not None
    n_fft = sfft.next_fast_len(n + (int(SAMPLE_RATE * min(settings.rt60_s, 1.0)) if reverb else 256), real=True)
    mix = sfft.rfft(voice, n_fft)
    if reverb:
        mix *= room_response(rng, settings.rt60_s, settings.drr_db, n_fft)
    if settings.noise_kind is not None:
        noise = noise_signal(rng, settings.noise_kind, n) * (ref * 10 ** (-settings.snr_db / 20))
        mix += sfft.rfft(noise, n_fft)
    if accomp is not None and settings.accomp_db is not None:
        a_rms = _rms(accomp)
        if a_rms > 1e-6:
            spec = sfft.rfft(accomp * (ref * 10 ** (settings.accomp_db / 20) / a_rms), n_fft)
            if reverb:
                spec *= room_response(rng, settings.rt60_s, settings.drr_db - 6.0, n_fft)
            mix += spec
    mic = mic_response(settings, n_fft)
    if mic is not None:
        mix *= mic
    out = sfft.irfft(mix, n_fft)[:n]
    peak = float(np.max(np.abs(out))) if n else 0.0
    if peak < 1e-9:
        return np.zeros(n, np.float32)
    out = out / peak
    if settings.clip_drive_db is not None:
        out = np.clip(out * 10 ** (settings.clip_drive_db / 20), -1.0, 1.0)
    return (out * 10 ** (settings.peak_dbfs / 20)).astype(np.float32)


def mix_example(voice: np.ndarray, accomp: np.ndarray | None, rng: np.random.Generator, *,
                accomp_db: float | None = None, snr_db: float | None = None) -> np.ndarray:
    """float32 [L]: the voice (float [L], 16 kHz) mixed with ``accomp`` (same length,
    or None) and degraded at random; ``accomp_db``/``snr_db`` fix those levels."""
    voice = np.asarray(voice, dtype=np.float32)
    if voice.ndim != 1:
        raise AugmentError(f"voice must be 1-D audio, got shape {voice.shape}")
    if accomp is not None:
        accomp = np.asarray(accomp, dtype=np.float32)
        if accomp.shape != voice.shape:
            raise AugmentError(f"accompaniment {accomp.shape} and voice {voice.shape} differ in length")
    settings = draw_settings(rng, has_accomp=accomp is not None, accomp_db=accomp_db, snr_db=snr_db)
    return apply_settings(voice, accomp, settings, rng)
