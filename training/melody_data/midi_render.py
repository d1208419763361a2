"""Many short MIDI segments -> one MIDI file -> one fluidsynth run -> clip slices.

Each fluidsynth start loads a soundfont (FluidR3 is 140 MB), so a shard's
clips are laid end to end in one file: segment k starts at ``k * STRIDE_S``
with PREROLL_S of lead-in (the accompaniment is already playing when the clip
starts), CLIP_SECONDS of clip, and TAIL_S for release tails before every
channel is silenced. Event times are seconds relative to the clip start
(>= -PREROLL_S). One MIDI tick is one millisecond.

Also measures, once per soundfont and program, how far each key's sample is
from equal temperament (:func:`tuning_offsets`), so choir labels can be exact.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import tempfile
import warnings
from pathlib import Path

import mido
import numpy as np
import soundfile as sf

from inference.constants import SAMPLE_RATE
from inference.pitch_decode import midi_to_hz

from .clip_format import CLIP_SAMPLES, CLIP_SECONDS

SOUNDFONTS = {
    "FluidR3": Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    "TimGM6mb": Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
}
PREROLL_S = 1.0
TAIL_S = 0.8
STRIDE_S = PREROLL_S + CLIP_SECONDS + TAIL_S
BEND_RANGE_SEMITONES = 12
"""Pitch-bend sensitivity set on every channel (RPN 0) at each segment start."""
FLUIDSYNTH_GAIN = 0.3
POLYPHONY = 2048
"""Voices fluidsynth may hold; running out makes fluidsynth 2.3 render forever."""
DRUM_CHANNEL = 9

Event = tuple[float, mido.Message]


class MidiRenderError(RuntimeError):
    """fluidsynth is missing, failed, or a soundfont is absent."""


def soundfont_path(name: str) -> Path:
    path = SOUNDFONTS.get(name, Path(name))
    if not path.is_file():
        raise MidiRenderError(f"soundfont {path} is missing (apt-get install fluid-soundfont-gm "
                              f"timgm6mb-soundfont)")
    return path


def _segment_setup(time_s: float) -> list[Event]:
    """Controller reset and pitch-bend range on all channels."""
    out: list[Event] = []
    for ch in range(16):
        out += [(time_s, mido.Message("control_change", channel=ch, control=121, value=0)),
                (time_s, mido.Message("control_change", channel=ch, control=101, value=0)),
                (time_s, mido.Message("control_change", channel=ch, control=100, value=0)),
                (time_s, mido.Message("control_change", channel=ch, control=6,
                                      value=BEND_RANGE_SEMITONES)),
                (time_s, mido.Message("control_change", channel=ch, control=38, value=0)),
                (time_s, mido.Message("pitchwheel", channel=ch, pitch=0))]
    return out


def _segment_stop(time_s: float) -> list[Event]:
    out: list[Event] = []
    for ch in range(16):
        out += [(time_s, mido.Message("control_change", channel=ch, control=123, value=0)),
                (time_s, mido.Message("control_change", channel=ch, control=120, value=0))]
    return out


def build_midi(segments: list[list[Event]]) -> mido.MidiFile:
    """One MIDI file holding every segment at its slot (see module docstring)."""
    timed: list[tuple[int, int, mido.Message]] = []
    order = 0
    stride_ms = round(STRIDE_S * 1000)
    last = round((PREROLL_S + CLIP_SECONDS + TAIL_S - 0.05) * 1000)
    for k, events in enumerate(segments):
        stamped = (_segment_setup(-PREROLL_S) + list(events)
                   + _segment_stop(CLIP_SECONDS + TAIL_S - 0.05))
        for t, msg in stamped:
            tick = min(max(round((t + PREROLL_S) * 1000), 0), last)
            timed.append((k * stride_ms + tick, order, msg))
            order += 1
    timed.sort(key=lambda e: (e[0], e[1]))
    midi = mido.MidiFile(ticks_per_beat=1000)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=1_000_000, time=0))
    now = 0
    for tick, _, msg in timed:
        track.append(msg.copy(time=tick - now))
        now = tick
    return midi


def _run_fluidsynth(segments: list[list[Event]], sf2: Path) -> np.ndarray:
    """float32 [samples] mono render of the segments' MIDI file. fluidsynth can
    loop forever once its voices run out, so the output size and time are capped."""
    seconds = len(segments) * STRIDE_S + 2.0
    max_bytes = max(int(seconds * SAMPLE_RATE * 2 * 4 * 4), 256 << 20)
    with tempfile.TemporaryDirectory(prefix="norae-midi-") as tmp:
        mid_path, wav_path = Path(tmp) / "segments.mid", Path(tmp) / "segments.wav"
        build_midi(segments).save(mid_path)
        cmd = ["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", str(FLUIDSYNTH_GAIN),
               "-r", str(SAMPLE_RATE), "-o", "synth.cpu-cores=1", "-o", f"synth.polyphony={POLYPHONY}",
               "-O", "float", "-T", "wav", "-F", str(wav_path), str(sf2), str(mid_path)]

        def limit_file_size() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

        try:
            done = subprocess.run(cmd, capture_output=True, timeout=60 + seconds, check=False,
                                  preexec_fn=limit_file_size)
            failed = done.returncode != 0 or not wav_path.is_file()
            reason = done.stderr.decode(errors="replace")[-300:]
        except FileNotFoundError as exc:
            raise MidiRenderError("fluidsynth is not installed (apt-get install fluidsynth)") from exc
        except subprocess.TimeoutExpired:
            failed, reason = True, "timed out"
        if failed:
            raise MidiRenderError(f"fluidsynth failed on {len(segments)} segments: {reason}")
        audio, rate = sf.read(wav_path, dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE:
        raise MidiRenderError(f"fluidsynth wrote {rate} Hz, expected {SAMPLE_RATE}")
    return audio.mean(axis=1)


def render_segments(segments: list[list[Event]], soundfont: str) -> np.ndarray:
    """float32 [len(segments), CLIP_SAMPLES]: each segment's clip, mono, unnormalised.

    A failed run is retried in halves. The same segments in the same order always
    render the same samples (a segment's position can change a few notes slightly).
    """
    if not segments:
        return np.zeros((0, CLIP_SAMPLES), np.float32)
    sf2 = soundfont_path(soundfont)
    try:
        mono = _run_fluidsynth(segments, sf2)
    except MidiRenderError:
        if len(segments) == 1:
            raise
        half = len(segments) // 2
        return np.concatenate([render_segments(segments[:half], soundfont),
                               render_segments(segments[half:], soundfont)])
    out = np.zeros((len(segments), CLIP_SAMPLES), np.float32)
    for k in range(len(segments)):
        start = round((k * STRIDE_S + PREROLL_S) * SAMPLE_RATE)
        piece = mono[start:start + CLIP_SAMPLES]
        out[k, :len(piece)] = piece
    return out


TUNING_KEYS = np.arange(33, 97)
"""Keys measured by :func:`tuning_offsets` (others use the nearest measured key)."""


def measure_tuning(soundfont: str, program: int) -> np.ndarray:
    """float64 [128]: cents by which each key of ``program`` sounds above equal
    temperament (A4 = 440 Hz), measured with pyworld on 0.6 s notes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyworld
    keys = TUNING_KEYS
    per_seg = 8
    segments = []
    for s in range(0, len(keys), per_seg):
        events: list[Event] = [(-PREROLL_S, mido.Message("program_change", channel=0, program=program))]
        for j, key in enumerate(keys[s:s + per_seg]):
            events += [(j * 0.5, mido.Message("note_on", channel=0, note=int(key), velocity=100)),
                       (j * 0.5 + 0.45, mido.Message("note_off", channel=0, note=int(key)))]
        segments.append(events)
    audio = render_segments(segments, soundfont)
    offsets = np.full(128, np.nan)
    for s, clip in zip(range(0, len(keys), per_seg), audio):
        x = clip.astype(np.float64)
        f0, t = pyworld.dio(x, SAMPLE_RATE, f0_floor=40.0, f0_ceil=1600.0, frame_period=5.0)
        f0 = pyworld.stonemask(x, f0, t, SAMPLE_RATE)
        for j, key in enumerate(keys[s:s + per_seg]):
            sel = f0[int((j * 0.5 + 0.12) / 0.005):int((j * 0.5 + 0.4) / 0.005)]
            ref = midi_to_hz(key)
            cents = 1200 * np.log2(sel[sel > 0] / ref)
            cents = cents[np.abs(cents) < 100]  # octave errors of the estimator are not tuning
            if len(cents) >= 10:
                offsets[key] = float(np.median(cents))
    known = np.flatnonzero(np.isfinite(offsets))
    if len(known) == 0:
        return np.zeros(128)
    return np.interp(np.arange(128), known, offsets[known])


def tuning_offsets(cache_dir: Path, soundfont: str, program: int) -> np.ndarray:
    """:func:`measure_tuning`, cached as JSON under ``cache_dir/tuning``."""
    path = Path(cache_dir) / "tuning" / f"{soundfont}_{program}.json"
    if path.is_file():
        return np.array(json.loads(path.read_text()))
    offsets = measure_tuning(soundfont, program)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(np.round(offsets, 2).tolist()))
    os.replace(tmp, path)
    return offsets
