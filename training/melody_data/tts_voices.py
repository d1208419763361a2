"""The TTS voices that sing: festival and espeak-ng, who is held out, running them.

Each :class:`TtsVoice` speaks sentences of its language and "la/da/na"
syllable lines; :mod:`training.melody_data.voice_analysis` analyses that speech
once and caches it. Held-out voices (festival ``czech_machac`` and
``suo_fi_lj_diphone``, espeak-ng in Polish and Turkish, languages no training
voice speaks) appear only in the benchmark.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from inference.constants import SAMPLE_RATE

from .tts_texts import SENTENCES, syllable_lines

MALE, FEMALE, CHILD = 1.0, 1.17, 1.3
"""Formant scale of a source voice relative to an average adult male."""


class TtsError(RuntimeError):
    """A TTS engine is missing or failed to speak."""


@dataclass(frozen=True)
class TtsVoice:
    name: str
    """``kal_diphone`` (festival) or ``espeak:<lang>+<variant>``."""
    engine: str
    """"festival" or "espeak"."""
    language: str
    """Key of :data:`training.melody_data.tts_texts.SENTENCES`."""
    formant_scale: float
    held_out: bool = False
    encoding: str = "utf-8"
    """Text encoding the engine expects on stdin."""

    @property
    def file_stem(self) -> str:
        return self.name.replace(":", "_").replace("+", "_")


_FESTIVAL = (
    ("kal_diphone", "en", MALE, "ascii"), ("ked_diphone", "en", MALE, "ascii"),
    ("cmu_us_slt_arctic_hts", "en", FEMALE, "ascii"), ("lp_diphone", "it", FEMALE, "latin-1"),
    ("pc_diphone", "it", MALE, "latin-1"), ("upc_ca_ona_hts", "ca", FEMALE, "latin-1"),
    ("czech_dita", "cs", FEMALE, "iso-8859-2"), ("czech_krb", "cs", CHILD, "iso-8859-2"),
    ("czech_machac", "cs", MALE, "iso-8859-2"), ("czech_ph", "cs", MALE, "iso-8859-2"),
    ("suo_fi_lj_diphone", "fi", FEMALE, "latin-1"), ("hy_fi_mv_diphone", "fi", MALE, "latin-1"),
    ("msu_ru_nsh_clunits", "ru", MALE, "utf-8"), ("hindi_NSK_diphone", "hi", MALE, "utf-8"),
    ("marathi_NSK_diphone", "mr", MALE, "utf-8"), ("telugu_NSK_diphone", "te", MALE, "utf-8"),
)
FESTIVAL_HELD_OUT = ("czech_machac", "suo_fi_lj_diphone")

ESPEAK_TRAIN_LANGUAGES = {"en-us": "en", "de": "de", "fr": "fr", "es": "es", "pt-br": "pt",
                          "ko": "ko", "cmn": "zh", "hi": "hi", "sw": "sw", "vi": "vi"}
"""espeak-ng language -> text language, for training voices."""
ESPEAK_BENCH_VOICES = (("pl", "m3", MALE), ("pl", "f2", FEMALE), ("tr", "m6", MALE),
                       ("tr", "f4", FEMALE))
ESPEAK_VARIANTS = (
    ("m1", MALE), ("f1", FEMALE), ("m2", MALE), ("f2", FEMALE), ("m3", MALE), ("f3", FEMALE),
    ("m4", MALE), ("f4", FEMALE), ("m5", MALE), ("f5", FEMALE), ("m6", MALE), ("croak", MALE),
    ("m7", MALE), ("klatt", MALE), ("anika", FEMALE), ("klatt3", MALE), ("steph", FEMALE),
    ("edward", MALE), ("linda", FEMALE), ("grandpa", MALE),
)
"""Variants handed out in turn, four per training language (no whisper variants)."""
ESPEAK_VARIANTS_PER_LANGUAGE = 4
ESPEAK_WORDS_PER_MINUTE = 135


def all_voices() -> list[TtsVoice]:
    """Every voice, training and held out, in a fixed order."""
    voices = [TtsVoice(name, "festival", lang, scale, name in FESTIVAL_HELD_OUT, enc)
              for name, lang, scale, enc in _FESTIVAL]
    turn = 0
    for esp_lang, text_lang in ESPEAK_TRAIN_LANGUAGES.items():
        for _ in range(ESPEAK_VARIANTS_PER_LANGUAGE):
            variant, scale = ESPEAK_VARIANTS[turn % len(ESPEAK_VARIANTS)]
            turn += 1
            voices.append(TtsVoice(f"espeak:{esp_lang}+{variant}", "espeak", text_lang, scale))
    for esp_lang, variant, scale in ESPEAK_BENCH_VOICES:
        voices.append(TtsVoice(f"espeak:{esp_lang}+{variant}", "espeak", esp_lang, scale, True))
    return voices


def training_voices() -> list[TtsVoice]:
    return [v for v in all_voices() if not v.held_out]


def held_out_voices() -> list[TtsVoice]:
    return [v for v in all_voices() if v.held_out]


def voice_by_name(name: str) -> TtsVoice:
    for voice in all_voices():
        if voice.name == name:
            return voice
    raise TtsError(f"unknown voice {name!r}; known: {[v.name for v in all_voices()]}")


def voice_texts(voice: TtsVoice, max_sentences: int | None = None) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs the voice speaks: kind "sentence" or "syllables"."""
    sentences = SENTENCES[voice.language][:max_sentences]
    lines = syllable_lines(voice.language)[: max_sentences and max(1, max_sentences // 2)]
    return [("sentence", s) for s in sentences] + [("syllables", s) for s in lines]


def _run(cmd: list[str], data: bytes, what: str) -> None:
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=120, check=False)
    except FileNotFoundError as exc:
        raise TtsError(f"{cmd[0]} is not installed (apt-get install festival espeak-ng)") from exc
    except subprocess.TimeoutExpired as exc:
        raise TtsError(f"{what}: {cmd[0]} took longer than 120 s") from exc
    if done.returncode != 0:
        raise TtsError(f"{what}: {cmd[0]} failed ({done.returncode}): "
                       f"{done.stderr.decode(errors='replace')[-300:]}")


def speak(voice: TtsVoice, text: str) -> np.ndarray:
    """float32 [L] speech at SAMPLE_RATE, mono. Raises TtsError."""
    with tempfile.TemporaryDirectory(prefix="norae-tts-") as tmp:
        out = Path(tmp) / "speech.wav"
        data = text.encode(voice.encoding, errors="replace")
        if voice.engine == "festival":
            _run(["text2wave", "-o", str(out), "-eval", f"(voice_{voice.name})"], data, voice.name)
        else:
            spec = voice.name.removeprefix("espeak:")
            _run(["espeak-ng", "-v", spec, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(out),
                  "--stdin"], data, voice.name)
        try:
            audio, rate = sf.read(out, dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as exc:
            raise TtsError(f"{voice.name} wrote no readable audio for {text[:40]!r}") from exc
    audio = audio.mean(axis=1)
    if rate != SAMPLE_RATE:
        audio = soxr.resample(audio, rate, SAMPLE_RATE).astype(np.float32)
    if audio.size < SAMPLE_RATE // 10 or np.max(np.abs(audio)) < 1e-4:
        raise TtsError(f"{voice.name} produced (almost) no sound for {text[:40]!r}")
    return audio
