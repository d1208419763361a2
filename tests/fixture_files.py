"""Tiny song files, good and broken, written in code for the importer tests.

:func:`write_import_fixtures` fills a folder with a mix the import pipeline
must sort out (a few KiB in all); the ``write_*`` functions write one file each
and the constants below are the answers the tests check against.

Layout written by :func:`write_import_fixtures`::

    folder/tempo_change.mid          good  MIDI, tempo 120 -> 60 BPM at beat 4
    folder/arirang.kar               good  KAR, cp949 Korean title and lyrics
    folder/korean_utf8.txt           good  UltraStar, UTF-8 Korean title
    folder/Duet Artist - Love.txt    good  UltraStar duet, cp949, comma BPM
    folder/tagged.wav                good  WAV with ID3 tags
    folder/nested/tagged.flac        good  FLAC with Vorbis comments
    folder/nested/deeper/Test Artist - Skyline Song.mid   good  type-0 MIDI with chords
    folder/nested/deeper/tagged.ogg  good  Ogg Vorbis with comments
    folder/bad/not_midi.mid          bad   text renamed .mid
    folder/bad/truncated.mid         bad   MIDI cut in half
    folder/bad/no_notes.mid          bad   MIDI without notes
    folder/bad/no_bpm.txt            bad   UltraStar without #BPM
    folder/bad/bad_notes.txt         bad   UltraStar with a malformed note line
    folder/bad/empty.mp3             bad   zero bytes
    folder/bad/truncated.wav         bad   WAV whose data chunk is cut short
    folder/bad/noise.flac            bad   random bytes
"""

from __future__ import annotations

import random
from pathlib import Path

import mido
import numpy as np
import soundfile as sf
from mutagen.flac import FLAC
from mutagen.id3 import TCON, TDRC, TIT2, TPE1
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

TPB = 480
"""Ticks per quarter note in every generated MIDI file."""

# --- tempo_change.mid ---------------------------------------------------------
TEMPO_TITLE = "Tempo Test Song"
TEMPO_MELODY = [67, 69, 71, 72, 74, 72, 71, 69]
"""One note per beat, 0.9 beat long; beats 0-3 at 120 BPM, beats 4-7 at 60 BPM."""
TEMPO_ONSETS_S = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0]
TEMPO_DURATIONS_S = [0.45] * 4 + [0.9] * 4
TEMPO_KEY = "G major"

# --- Test Artist - Skyline Song.mid ----------------------------------------------
SKYLINE_TOP = [72, 74, 76, 77, 79, 77, 76, 74]
"""Top notes of the chords on channel 0 (a third below each sounds too)."""
SKYLINE_TITLE, SKYLINE_ARTIST = "Skyline Song", "Test Artist"

# --- arirang.kar --------------------------------------------------------------
KAR_TITLE, KAR_ARTIST = "아리랑", "경기민요"
KAR_SYLLABLES = ["\\아", "리", "랑", "/아", "리", "랑", "/아", "라", "리", "요"]
KAR_LYRICS = "아리랑\n아리랑\n아라리요"
KAR_MELODY = [67, 69, 67, 64, 62, 64, 67, 69, 72, 69]
KAR_BUSY_LOW = 74
"""The accompaniment runs 8th notes in 74..83, above the tune: by shape alone it
would win (monophonic, in range, busier, higher); only the lyrics say otherwise."""

# --- UltraStar ----------------------------------------------------------------
ULTRASTAR_UTF8 = """#TITLE:아리랑 (UTF-8)
#ARTIST:민요
#LANGUAGE:Korean
#GENRE:Folk
#YEAR:1926
#MP3:arirang.mp3
#BPM:150
#GAP:1000
: 0 4 0 아
* 4 4 2 리
F 8 4 0 랑
- 14
: 16 4 4 아
: 20 2 -3 ~
R 24 2 7 리
E
this text after E is ignored
"""
"""BPM 150 -> 0.1 s per beat; GAP 1 s. Pitched notes: (onset, duration, MIDI)."""
ULTRASTAR_UTF8_NOTES = [(1.0, 0.4, 60), (1.4, 0.4, 62), (2.6, 0.4, 64), (3.0, 0.2, 57)]
ULTRASTAR_UTF8_LYRICS = "아리랑\n아리"

ULTRASTAR_CP949 = """#VERSION:1.0.0
#TITLE:사랑
#ARTIST:Duet Artist
#AUDIO:love.ogg
#MP3:old-name.mp3
#BPM:187,5
#GAP:500
P1
: 0 10 5 사
: 10 10 7 랑
- 25
: 30 5 12 해
E
"""
"""A duet written in cp949: BPM 187.5 -> 0.08 s per beat, GAP 0.5 s; P2 is dropped."""
ULTRASTAR_CP949_P2 = """P2
: 0 10 -5 너
: 10 10 -7 를
"""
ULTRASTAR_CP949_NOTES = [(0.5, 0.8, 65), (1.3, 0.8, 67), (2.9, 0.4, 72)]
ULTRASTAR_CP949_LYRICS = "사랑\n해"

# --- audio --------------------------------------------------------------------
WAV_TAGS = {"title": "Wave Song", "artist": "Wave Artist", "genre": "Ballad", "date": "2003-05-01"}
FLAC_TAGS = {"title": "플락 노래", "artist": "플락 가수", "genre": "K-Pop", "date": "1999"}
OGG_TAGS = {"title": "Ogg Song", "artist": "Ogg Artist", "genre": "Rock", "date": "2011-11-11"}
AUDIO_RATE = 8000
AUDIO_SECONDS = 0.25


def _note(
    track: mido.MidiTrack, channel: int, pitch: int, start: int, length: int, now: int
) -> int:
    """Append one note (absolute ticks) to a track whose last event is at ``now``."""
    track.append(
        mido.Message("note_on", channel=channel, note=pitch, velocity=90, time=start - now)
    )
    track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=length))
    return start + length


def _mono_track(
    name: str, channel: int, pitches: list[int], step: int, length: int
) -> mido.MidiTrack:
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name)])
    now = 0
    for i, pitch in enumerate(pitches):
        now = _note(track, channel, pitch, i * step, length, now)
    return track


def write_tempo_change_midi(path: Path) -> Path:
    """Type 1: conductor (title, key G, 120 -> 60 BPM at beat 4), a chord
    track, a bass line, drums and the melody on a track named "Flute"."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TPB)
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name=TEMPO_TITLE),
            mido.MetaMessage("key_signature", key="G"),
            mido.MetaMessage("set_tempo", tempo=500_000),
            mido.MetaMessage("set_tempo", tempo=1_000_000, time=4 * TPB),
        ]
    )
    chords = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano")])
    for _ in range(8):  # one C major chord per beat
        for pitch in (48, 52, 55):
            chords.append(mido.Message("note_on", channel=1, note=pitch, velocity=60))
        for k, pitch in enumerate((48, 52, 55)):
            chords.append(
                mido.Message("note_off", channel=1, note=pitch, time=TPB if k == 0 else 0)
            )
    bass = _mono_track("Bass", 2, [36, 38, 40, 41, 43, 41, 40, 38], TPB, TPB - 10)
    drums = _mono_track("Drums", 9, [36, 38] * 8, TPB // 2, TPB // 4)
    melody = _mono_track("Flute", 0, TEMPO_MELODY, TPB, int(TPB * 0.9))
    mid.tracks.extend([conductor, chords, bass, drums, melody])
    mid.save(str(path))
    return path


def write_skyline_midi(path: Path) -> Path:
    """Type 0, no track name, 100 BPM: chords (top + a third below) on channel 0
    plus drums on channel 9, all in one track."""
    events: list[tuple[int, mido.Message]] = []
    for i, top in enumerate(SKYLINE_TOP):
        for pitch in (top, top - 4):
            events.append((i * TPB, mido.Message("note_on", channel=0, note=pitch, velocity=80)))
            events.append((i * TPB + TPB - 20, mido.Message("note_off", channel=0, note=pitch)))
        events.append((i * TPB, mido.Message("note_on", channel=9, note=42, velocity=80)))
        events.append((i * TPB + 60, mido.Message("note_off", channel=9, note=42)))
    events.sort(key=lambda e: (e[0], e[1].type == "note_on"))
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=600_000)])
    now = 0
    for tick, msg in events:
        track.append(msg.copy(time=tick - now))
        now = tick
    mid = mido.MidiFile(type=0, ticks_per_beat=TPB)
    mid.tracks.append(track)
    mid.save(str(path))
    return path


def _raw_text(kind: str, text: str, encoding: str, time: int = 0) -> mido.MetaMessage:
    """A text meta event holding ``text`` encoded as ``encoding`` (mido writes Latin-1)."""
    return mido.MetaMessage(kind, text=text.encode(encoding).decode("latin-1"), time=time)


def write_kar(path: Path, encoding: str = "cp949") -> Path:
    """A Soft Karaoke file: headers, a Words track in ``encoding``, the melody
    (one note per syllable, every beat) and a busier accompaniment line above
    it (8th notes, see :data:`KAR_BUSY_LOW`) that the lyrics must out-vote."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TPB)
    mid.tracks.append(
        mido.MidiTrack(
            [
                mido.MetaMessage("text", text="@KMIDI KARAOKE FILE"),
                mido.MetaMessage("text", text="@V0100"),
                mido.MetaMessage("text", text="@Inorae test fixture"),
                mido.MetaMessage("set_tempo", tempo=500_000),
            ]
        )
    )
    words = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="Words"),
            mido.MetaMessage("text", text="@LKORE"),
            _raw_text("text", "@T" + KAR_TITLE, encoding),
            _raw_text("text", "@T" + KAR_ARTIST, encoding),
        ]
    )
    for i, syllable in enumerate(KAR_SYLLABLES):
        words.append(_raw_text("text", syllable, encoding, time=TPB if i else 0))
    mid.tracks.append(words)
    mid.tracks.append(_mono_track("Track 3", 0, KAR_MELODY, TPB, TPB - 40))
    busy = [KAR_BUSY_LOW + (i * 5) % 10 for i in range(2 * len(KAR_MELODY))]
    mid.tracks.append(_mono_track("Track 4", 1, busy, TPB // 2, TPB // 2 - 20))
    mid.save(str(path))
    return path


def write_ultrastar_utf8(path: Path) -> Path:
    path.write_text(ULTRASTAR_UTF8, encoding="utf-8")
    return path


def write_ultrastar_cp949(path: Path) -> Path:
    text = ULTRASTAR_CP949.replace("E\n", ULTRASTAR_CP949_P2 + "E\n")
    path.write_bytes(text.encode("cp949"))
    return path


def _tone(seconds: float = AUDIO_SECONDS, rate: int = AUDIO_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


def write_wav(path: Path, tags: dict[str, str] | None = WAV_TAGS) -> Path:
    """16-bit mono WAV; ``tags`` go in an ID3 chunk (mutagen)."""
    sf.write(str(path), _tone(), AUDIO_RATE, format="WAV", subtype="PCM_16")
    if tags:
        wave = WAVE(str(path))
        wave.add_tags()
        wave.tags.add(TIT2(encoding=3, text=tags["title"]))
        wave.tags.add(TPE1(encoding=3, text=tags["artist"]))
        wave.tags.add(TCON(encoding=3, text=tags["genre"]))
        wave.tags.add(TDRC(encoding=3, text=tags["date"]))
        wave.save()
    return path


def _write_vorbis_tagged(path: Path, fmt: str, subtype: str, tag_file, tags: dict[str, str]) -> Path:
    """A tone in ``fmt``/``subtype`` with Vorbis-comment ``tags`` (FLAC or Ogg)."""
    sf.write(str(path), _tone(), AUDIO_RATE, format=fmt, subtype=subtype)
    tagged = tag_file(str(path))
    for key, value in tags.items():
        tagged[key] = value
    tagged.save()
    return path


def write_flac(path: Path, tags: dict[str, str] = FLAC_TAGS) -> Path:
    return _write_vorbis_tagged(path, "FLAC", "PCM_16", FLAC, tags)


def write_ogg(path: Path, tags: dict[str, str] = OGG_TAGS) -> Path:
    return _write_vorbis_tagged(path, "OGG", "VORBIS", OggVorbis, tags)


def write_no_notes_midi(path: Path) -> Path:
    mid = mido.MidiFile(type=1, ticks_per_beat=TPB)
    mid.tracks.append(
        mido.MidiTrack(
            [
                mido.MetaMessage("track_name", name="Silence"),
                mido.MetaMessage("set_tempo", tempo=500_000),
                mido.Message("program_change", program=0, channel=0, time=TPB),
            ]
        )
    )
    mid.save(str(path))
    return path


def write_truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    """Copy the first ``keep`` share of ``source``'s bytes to ``path``."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def write_broken_files(folder: Path) -> list[Path]:
    """The broken kinds, one file each, in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = []
    text_mid = folder / "not_midi.mid"
    text_mid.write_text("These are not the notes you are looking for.\n", encoding="utf-8")
    bad.append(text_mid)
    good_mid = write_tempo_change_midi(folder / "whole.tmp")
    bad.append(write_truncated(good_mid, folder / "truncated.mid"))
    good_mid.unlink()
    bad.append(write_no_notes_midi(folder / "no_notes.mid"))
    no_bpm = folder / "no_bpm.txt"
    no_bpm.write_text(
        "#TITLE:No Tempo\n#ARTIST:Nobody\n#GAP:100\n: 0 4 0 la\nE\n", encoding="utf-8"
    )
    bad.append(no_bpm)
    bad_notes = folder / "bad_notes.txt"
    bad_notes.write_text(
        "#TITLE:Bad Notes\n#ARTIST:Nobody\n#BPM:120\n: 0 4 0 la\n: four 4 0 la\nE\n",
        encoding="utf-8",
    )
    bad.append(bad_notes)
    empty = folder / "empty.mp3"
    empty.write_bytes(b"")
    bad.append(empty)
    whole_wav = write_wav(folder / "whole.wav.tmp", tags=None)
    bad.append(write_truncated(whole_wav, folder / "truncated.wav"))
    whole_wav.unlink()
    noise = folder / "noise.flac"
    noise.write_bytes(random.Random(7).randbytes(2048))
    bad.append(noise)
    return bad


def write_import_fixtures(folder: Path) -> dict[str, list[Path]]:
    """Write the good and broken files listed in the module docstring.

    Returns ``{"good": [paths], "bad": [paths]}``; every path is inside
    ``folder`` and every good file parses, every bad one raises ImportFileError.
    """
    folder = Path(folder)
    deeper = folder / "nested" / "deeper"
    deeper.mkdir(parents=True, exist_ok=True)
    good = [
        write_tempo_change_midi(folder / "tempo_change.mid"),
        write_kar(folder / "arirang.kar"),
        write_ultrastar_utf8(folder / "korean_utf8.txt"),
        write_ultrastar_cp949(folder / "Duet Artist - Love.txt"),
        write_wav(folder / "tagged.wav"),
        write_flac(folder / "nested" / "tagged.flac"),
        write_skyline_midi(deeper / f"{SKYLINE_ARTIST} - {SKYLINE_TITLE}.mid"),
        write_ogg(deeper / "tagged.ogg"),
    ]
    return {"good": good, "bad": write_broken_files(folder / "bad")}
