"""``norae pitch``, ``norae notes``, ``norae voice`` and ``norae range`` AUDIO: what Norae hears in a file.

None needs the catalog. ``--json`` prints the raw numbers; otherwise a
readable summary (range as note names, e.g. "G2–E4"). ``range`` reads a
range-test take (a slide on "ah" from the lowest to the highest note,
:mod:`app.range_test`) and exits 1 with what to do when it shows no range.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from app.audio_decode import AudioDecodeError
from app.cli_format import fail, table
from app.melody_extraction import MelodyAnalysis, PitchModelError, analyse_file
from app.melody_stats import note_name
from app.range_test import measure_range
from app.voice_take import (
    TimbreModelError,
    TooLittleSinging,
    VoiceSummary,
    analyse_voice_file,
)
from inference.pitch_decode import hz_to_midi

CONTOUR_STEP_S = 0.25
"""Seconds between the lines of the readable pitch contour."""


def add_audio_commands(commands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("pitch", parents=[common], help="frame-by-frame pitch of an audio file")
    p.add_argument("audio", metavar="AUDIO", help="wav/flac/ogg/mp3/m4a file")
    p = commands.add_parser("notes", parents=[common],
                            help="notes, vocal range and key of an audio file")
    p.add_argument("audio", metavar="AUDIO", help="wav/flac/ogg/mp3/m4a file")
    p = commands.add_parser("voice", parents=[common],
                            help="the singer in an audio file: gender, range, voice type, timbre")
    p.add_argument("audio", metavar="AUDIO", help="wav/flac/ogg/mp3/m4a file of singing (8-20 s)")
    p = commands.add_parser("range", parents=[common],
                            help="your range from a range test: a slide on \"ah\" from your "
                                 "lowest to your highest note")
    p.add_argument("audio", metavar="AUDIO", help="wav/flac/ogg/mp3/m4a file of the slide (3-10 s)")


def _cents_text(midi: float) -> str:
    cents = round((float(midi) - round(float(midi))) * 100)
    return f"{note_name(midi)} {cents:+d}c" if cents else note_name(midi)


def pitch_text(path: str, analysis: MelodyAnalysis) -> str:
    track = analysis.track
    voiced = track.f0_hz > 0
    lines = [(f"{path}: {analysis.duration_s:.2f} s, {len(track)} frames every "
              f"{track.hop_s * 1000:.0f} ms, voiced {100.0 * voiced.mean() if len(track) else 0:.0f} %")]
    if voiced.any():
        median = float(np.median(track.f0_hz[voiced]))
        lines.append(f"Median pitch: {_cents_text(hz_to_midi(median))} ({median:.1f} Hz)")
        step = max(1, round(CONTOUR_STEP_S / track.hop_s))
        rows = []
        for i in range(0, len(track), step):
            f0 = float(track.f0_hz[i])
            rows.append((f"{i * track.hop_s:7.2f}", _cents_text(hz_to_midi(f0)) if f0 > 0 else "·",
                         f"{f0:7.1f}" if f0 > 0 else "", f"{track.voiced_prob[i]:.2f}"))
        lines.append(table(("time s", "note", "Hz", "voiced"), rows, (7, 10, 7, 6)))
    else:
        lines.append("No sung or hummed pitch found.")
    return "\n".join(lines)


def notes_text(path: str, analysis: MelodyAnalysis) -> str:
    s = analysis.summary
    lines = [(f"{path}: {analysis.duration_s:.2f} s, {len(analysis.notes)} notes, "
              f"{s.sung_seconds:.1f} s sung")]
    if analysis.notes:
        rows = [(f"{n.onset_s:7.2f}", f"{n.duration_s:5.2f}", _cents_text(n.pitch))
                for n in analysis.notes]
        lines.append(table(("onset s", "len s", "note"), rows, (8, 6, 10)))
    lines.append(f"Range: {s.range_text or 'not enough sustained singing to tell'}")
    if s.tessitura:
        lines.append(f"Tessitura: {note_name(s.tessitura[0])}–{note_name(s.tessitura[1])}")
    if s.key:
        lines.append(f"Key: {s.key}")
    return "\n".join(lines)


def voice_text(path: str, voice: VoiceSummary) -> str:
    lines = [f"{path}: {voice.sung_seconds:.1f} s sung",
             f"Voice: {voice.gender} ({100 * max(voice.p_female, 1 - voice.p_female):.0f} % sure)"
             + (f", {voice.voice_type}" if voice.voice_type else ""),
             f"Range: {voice.range_text or 'not enough sustained singing to tell'}"]
    return "\n".join(lines)


def cmd_audio(args: argparse.Namespace) -> int:
    """Run ``pitch``, ``notes``, ``voice`` or ``range`` on ``args.audio``; 2 on
    unreadable audio, a missing model or a take with too little singing; 1 when
    a range test shows no range (too short, too narrow, no singing)."""
    try:
        if args.command == "range":
            return _print_range(args, analyse_file(args.audio))
        if args.command == "voice":
            voice = analyse_voice_file(args.audio)
            print(json.dumps(voice.to_json()) if args.json else voice_text(args.audio, voice))
            return 0
        analysis = analyse_file(args.audio)
    except (AudioDecodeError, TooLittleSinging) as exc:
        return fail(exc, 2)
    except (PitchModelError, TimbreModelError) as exc:
        return fail(exc, 2, check_install=True)
    if args.command == "pitch":
        payload, text = analysis.pitch_json(), pitch_text(args.audio, analysis)
    else:
        payload, text = analysis.notes_json(), notes_text(args.audio, analysis)
    print(json.dumps(payload, ensure_ascii=False) if args.json else text)
    return 0


def _print_range(args: argparse.Namespace, analysis: MelodyAnalysis) -> int:
    measured = measure_range(analysis.track)
    if not measured.ok:
        heard = f"; heard {measured.text}." if measured.text else "."
        return fail(measured.message.rstrip(".") + heard, 1)
    print(json.dumps(measured.to_json()) if args.json else measured.message)
    return 0
