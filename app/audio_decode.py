"""Probe and decode audio files; the one judge of "is this a complete audio file".

:func:`probe_audio` gives duration, rate and channels without a full decode;
:func:`decode_audio` probes, then decodes to mono float32. libsndfile (bundled
with soundfile) reads wav/flac/ogg/opus/mp3; the rest (m4a, aac, wma ...) goes
through ``ffprobe``/``ffmpeg``. Without ffmpeg, m4a/aac headers are still read
(mutagen), so such files can be probed but not decoded.

Truncation checks, since headers alone are not enough: the RIFF data chunk
must be whole (:mod:`app.wav_chunks`); every top-level MP4 box must fit in the
file; libsndfile formats must decode their last block (mp3: the block at 95 %,
its length is an estimate); a full decode must give the promised length.
Every failure is an ``AudioDecodeError`` whose ``reason`` a user can read.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import mutagen
import numpy as np
import soundfile as sf
import soxr

from app.wav_chunks import wav_truncation
from inference.constants import SAMPLE_RATE

AUDIO_EXTENSIONS = frozenset({".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".aac"})
"""Extensions the song library imports as audio (lower-case, with the dot)."""
FFMPEG_ONLY_EXTENSIONS = frozenset({".m4a", ".aac", ".mp4", ".m4b", ".wma", ".webm", ".mka", ".ac3"})
"""Extensions libsndfile cannot read; they are decoded through ffmpeg."""
MP4_EXTENSIONS = frozenset({".m4a", ".mp4", ".m4b"})
MUTAGEN_EXTENSIONS = MP4_EXTENSIONS | {".aac"}  # probed with mutagen when ffmpeg is missing

FFMPEG_HINT = "apt-get install ffmpeg"
_FFMPEG_TIMEOUT_S = 300
_TAIL_FRAMES = 1024
_LOSSY_PROBE_AT = 0.95
_MP4_FIRST_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide")
_LOSSLESS_FORMATS = frozenset({"wav", "flac", "aiff", "au", "w64", "caf", "raw", "rf64", "wavex"})


class AudioDecodeError(Exception):
    """A file could not be read; ``reason`` says why in plain words."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot read {self.path.name}: {reason}")


@dataclass(frozen=True)
class AudioInfo:
    """What a file holds, read from its header (no full decode).

    duration_s: seconds; sample_rate: Hz of the file itself; channels: count;
    format: lower-case container name ("wav", "flac", "ogg", "mp3", "m4a", ...).
    """

    duration_s: float
    sample_rate: int
    channels: int
    format: str


def resample(x: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample ``x`` (float, shape (n,) or (n, channels)) with soxr; float32 out."""
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError(f"sample rates must be positive, got {from_rate} -> {to_rate}")
    x = np.asarray(x, dtype=np.float32)
    if from_rate == to_rate or len(x) == 0:
        return x.copy()
    return np.asarray(soxr.resample(x, from_rate, to_rate, quality="HQ"), dtype=np.float32)


def probe_audio(path: str | Path) -> AudioInfo:
    """Header facts about ``path`` after the cheap truncation checks (no full decode).

    Raises AudioDecodeError for missing, empty, non-audio and truncated files,
    and for m4a & co. that neither ffprobe (not installed) nor mutagen can read.
    """
    path = _check_file(path)
    f, soundfile_reason = _open_soundfile(path)
    if f is None:
        if not ffmpeg_available() and path.suffix.lower() in MUTAGEN_EXTENSIONS:
            return _probe_with_mutagen(path)
        return _probe_with_ffmpeg(path, soundfile_reason)
    with f:
        return _soundfile_info(path, f)


def decode_audio(path: str | Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Whole file as float32 mono, shape (n,), at ``sample_rate`` Hz.

    Channels are averaged. Raises AudioDecodeError for missing, empty, non-audio
    and truncated files, and for m4a & co. when ffmpeg is not installed.
    """
    path = _check_file(path)
    f, soundfile_reason = _open_soundfile(path)
    if f is None:
        return _decode_with_ffmpeg(path, sample_rate, soundfile_reason)
    with f:
        info = _soundfile_info(path, f)
        expected, rate = f.frames, f.samplerate
        try:
            f.seek(0)
            data = f.read(dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as err:
            reason = f"truncated or damaged {info.format} file ({_soundfile_reason(err)})"
            raise AudioDecodeError(path, reason) from err
    _check_length(path, info.format, expected=expected, got=len(data), rate=rate)
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    return resample(mono, int(rate), sample_rate)


def ffmpeg_available() -> bool:
    """True when the ``ffmpeg`` command is on PATH."""
    return shutil.which("ffmpeg") is not None


# --- checks ---------------------------------------------------------------------------


def _check_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise AudioDecodeError(path, "file not found")
    if not path.is_file():
        raise AudioDecodeError(path, "not a file")
    if path.stat().st_size == 0:
        raise AudioDecodeError(path, "empty file")
    return path


def _open_soundfile(path: Path) -> tuple[sf.SoundFile | None, str]:
    """(open SoundFile, "") or (None, why libsndfile refused), after the container checks."""
    verdict = wav_truncation(path) or _mp4_truncation(path)
    if verdict:
        raise AudioDecodeError(path, verdict)
    try:
        return sf.SoundFile(str(path)), ""
    except (sf.LibsndfileError, RuntimeError) as err:
        return None, _soundfile_reason(err)


def _soundfile_reason(err: Exception) -> str:
    """libsndfile's message without the "Error opening 'path'" prefix."""
    text = getattr(err, "error_string", "") or str(err)
    reason = text.split(": ", 1)[1].strip() if ": " in text else text.strip()
    if reason.startswith("File does not exist"):  # what libsndfile says for a broken mp3 header
        return "the decoder could not make sense of it"
    return reason


def _soundfile_info(path: Path, f: sf.SoundFile) -> AudioInfo:
    """AudioInfo of an open file once its last block (mp3: the block at 95 %) decodes."""
    fmt = str(f.format).lower()
    frames = f.frames
    if frames <= 0 or f.samplerate <= 0:
        raise AudioDecodeError(path, "the file holds no audio (0 samples)")
    at = int(frames * _LOSSY_PROBE_AT) if fmt == "mp3" else max(0, frames - _TAIL_FRAMES)
    try:
        f.seek(at)
        tail = f.read(min(_TAIL_FRAMES, frames - at), dtype="float32")
    except (sf.LibsndfileError, RuntimeError, ValueError) as err:
        reason = _soundfile_reason(err)
        if "seek" not in reason.lower():
            raise AudioDecodeError(path, f"truncated or damaged {fmt} file ({reason})") from err
        tail = ()
    if len(tail) == 0:
        raise AudioDecodeError(path, f"truncated {fmt} file (its end cannot be read)")
    return AudioInfo(frames / f.samplerate, int(f.samplerate), int(f.channels), fmt)


def _mp4_truncation(path: Path) -> str | None:
    """Why an MP4 container (m4a ...) is truncated -- a top-level box ends past
    the file -- or None. Files not starting with an ``ftyp`` box give None."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if fh.read(8)[4:8] != b"ftyp":
            return None
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(16)
            length, box = struct.unpack(">L4s", head[:8])
            if length == 1:  # 64-bit size follows the type
                length = struct.unpack(">Q", head[8:16])[0] if len(head) == 16 else 0
            elif length == 0:
                return None  # the last box runs to the end of the file by definition
            if length < 8 or pos + length > size:
                return f"truncated audio file (the {box.decode('latin-1')!r} box ends past the file)"
            pos += length
    return None


def _check_length(path: Path, fmt: str, expected: int, got: int, rate: int) -> None:
    """Raise when far fewer frames decoded than the header promised.

    Lossy formats (mp3, aac ...) only estimate their length, so they get slack.
    """
    if expected <= 0:
        return
    lossless = fmt in _LOSSLESS_FORMATS
    slack = max(int(0.002 * expected), 64) if lossless else max(int(0.05 * expected), int(0.2 * rate))
    if got < expected - slack:
        pct = 100.0 * got / expected
        raise AudioDecodeError(path, f"truncated {fmt} file (only {pct:.0f}% of the audio could be decoded)")


# --- without ffmpeg: mutagen reads m4a/aac headers ------------------------------------


def _probe_with_mutagen(path: Path) -> AudioInfo:
    """Length, rate and channels of an m4a/aac file from its header (ffmpeg missing)."""
    try:
        meta = getattr(mutagen.File(str(path)), "info", None)
    except Exception:  # mutagen raises MutagenError and, on odd bytes, others
        meta = None
    if meta is None:
        _need_ffmpeg(path, "")  # without ffmpeg this raises "needs ffmpeg" or "not an audio file"
        raise AudioDecodeError(path, "not an audio file")
    length, rate = float(getattr(meta, "length", 0) or 0), int(getattr(meta, "sample_rate", 0) or 0)
    if length <= 0 or rate <= 0:
        raise AudioDecodeError(path, "the file holds no audio (length 0)")
    return AudioInfo(length, rate, int(getattr(meta, "channels", 0) or 1), path.suffix.lower()[1:])


def _container_plausible(path: Path) -> bool:
    """False when the first bytes rule out the container the extension names
    (m4a & co., aac, ogg/opus); True where they cannot tell."""
    ext = path.suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if ext in MP4_EXTENSIONS:
        return head[4:8] in _MP4_FIRST_BOXES
    if ext == ".aac":  # ADTS sync word, ADIF header, or an ID3 tag in front
        adts = len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0
        return adts or head[:4] == b"ADIF" or head[:3] == b"ID3"
    if ext in {".ogg", ".opus"}:
        return head[:4] == b"OggS"
    return True


# --- ffmpeg path ----------------------------------------------------------------------


def _need_ffmpeg(path: Path, soundfile_reason: str) -> None:
    """Raise the right message when ffmpeg (and ffprobe) is not installed."""
    if ffmpeg_available():
        return
    ext = path.suffix.lower()
    if ext in FFMPEG_ONLY_EXTENSIONS and _container_plausible(path):
        raise AudioDecodeError(path, f"{ext[1:]} needs ffmpeg, which is not installed ({FFMPEG_HINT})")
    if ext in FFMPEG_ONLY_EXTENSIONS or soundfile_reason.lower().startswith("format not recognised"):
        raise AudioDecodeError(path, "not an audio file")
    raise AudioDecodeError(path, f"truncated or damaged file ({soundfile_reason})")


def _ffmpeg_failure(path: Path, stderr: str) -> AudioDecodeError:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    text = " ".join(lines).lower()
    if not _container_plausible(path):  # ffmpeg says "end of file" of a text file named .ogg
        return AudioDecodeError(path, "not an audio file")
    if "moov atom not found" in text or "partial file" in text or "end of file" in text:
        return AudioDecodeError(path, f"truncated or damaged {path.suffix.lower()[1:] or 'audio'} file")
    if "invalid data found" in text or "could not find codec" in text or not lines:
        return AudioDecodeError(path, "not an audio file")
    return AudioDecodeError(path, f"not an audio file, or a damaged one (ffmpeg: {lines[-1][:200]})")


def _probe_with_ffmpeg(path: Path, soundfile_reason: str) -> AudioInfo:
    _need_ffmpeg(path, soundfile_reason)
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        raise AudioDecodeError(path, f"ffprobe is missing although ffmpeg is installed ({FFMPEG_HINT})")
    entries = "stream=sample_rate,channels,duration:format=duration,format_name"
    cmd = [ffprobe, "-v", "error", "-select_streams", "a:0", "-show_entries", entries,
           "-of", "json", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise _ffmpeg_failure(path, proc.stderr)
    meta = json.loads(proc.stdout or "{}")
    streams = meta.get("streams") or []
    if not streams or int(streams[0].get("sample_rate") or 0) <= 0:
        raise AudioDecodeError(path, "not an audio file (no audio stream)")
    stream = streams[0]
    duration = float(stream.get("duration") or meta.get("format", {}).get("duration") or 0.0)
    fmt = path.suffix.lower()[1:] or meta.get("format", {}).get("format_name", "unknown").split(",")[0]
    return AudioInfo(duration, int(stream["sample_rate"]), int(stream.get("channels") or 1), fmt)


def _decode_with_ffmpeg(path: Path, sample_rate: int, soundfile_reason: str) -> np.ndarray:
    info = _probe_with_ffmpeg(path, soundfile_reason)
    cmd = [shutil.which("ffmpeg") or "ffmpeg", "-nostdin", "-v", "error", "-i", str(path),
           "-vn", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "-"]
    proc = subprocess.run(cmd, capture_output=True, timeout=_FFMPEG_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise _ffmpeg_failure(path, proc.stderr.decode("utf-8", "replace"))
    usable = len(proc.stdout) - len(proc.stdout) % 4
    samples = np.frombuffer(proc.stdout[:usable], dtype="<f4").astype(np.float32)
    if len(samples) == 0:
        raise AudioDecodeError(path, "the file holds no audio (0 samples)")
    _check_length(path, info.format, int(info.duration_s * sample_rate), len(samples), sample_rate)
    return samples
