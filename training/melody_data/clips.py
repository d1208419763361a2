"""One clip from a seed: what it is (kind, voice, melody, register) and its audio.

Every clip draws everything from its own generator,
``default_rng([seed, SPLIT_CODES[split], index])``, so a clip is the same
whichever shard, worker or batch renders it. :class:`ClipRenderer` renders a
batch: the WORLD voices one by one, then all MIDI (accompaniments and choir
lines) in one fluidsynth run per soundfont.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inference.constants import HOP_S, SAMPLE_RATE

from .accompaniment import accompaniment_events
from .choir import ChoirLine, choir_labels, choir_line
from .clip_format import (
    CLIP_SAMPLES,
    CLIP_SECONDS,
    LABEL_FRAMES,
    default_data_dir,
    peak_normalise,
)
from .hum_whistle import WHISTLE_MIDI, hum_envelope, hum_plan, whistle_clip
from .melodies import ClipMelody, ScoreMelody, clip_excerpt, random_walk
from .midi_render import render_segments, tuning_offsets
from .tts_voices import TtsVoice, held_out_voices, training_voices, voice_by_name
from .voice_analysis import VoiceAnalysis, cached_analysis
from .voice_synth import VoiceType, draw_timbre, draw_voice_type, sing_plan, speech_plan
from .world_render import render_plan

SPLIT_CODES = {"train": 0, "val": 1, "bench": 2, "demo": 3}
KIND_WEIGHTS = {
    "train": {"sung": 0.45, "syllables": 0.18, "hum": 0.17, "whistle": 0.05, "choir": 0.09, "speech": 0.06},
    "bench": {"sung": 0.5, "syllables": 0.2, "hum": 0.2, "whistle": 0.1},
}
KIND_WEIGHTS["val"] = KIND_WEIGHTS["train"]
WALK_P = 0.3
"""Share of clips that sing a random walk rather than a corpus tune."""
SOUNDFONT_P = {"FluidR3": 0.6, "TimGM6mb": 0.4}
EDGE_PUSH_P = 0.4
"""Share of clips transposed to the bottom (low voice types) or top (high ones)
of their range, so C2-E2 and A5-C6 are well covered."""


def default_cache_dir() -> Path:
    """Voice analyses, parsed melodies and soundfont tunings (beside the dataset)."""
    return default_data_dir().parent / "cache"


@dataclass
class ClipSpec:
    """What one clip is; ``rng`` is its own generator, consumed while rendering."""

    split: str
    index: int
    kind: str
    rng: np.random.Generator
    clip: ClipMelody
    voice: TtsVoice | None
    voice_type: VoiceType | None
    soundfont: str
    """Soundfont of the accompaniment (and of the choir line)."""
    voice_name: str = ""


@dataclass
class ClipRenderer:
    """Draws and renders clips; keeps voice analyses loaded between batches."""

    cache_dir: Path
    melodies: dict[str, list[ScoreMelody]] = field(default_factory=dict, repr=False)
    """Corpus melodies per split; without them every clip sings a random walk."""
    seed: int = 0
    max_sentences: int | None = None
    train_voices: list[TtsVoice] = field(default_factory=training_voices)
    """Voices of the train, val and demo clips."""
    bench_voices: list[TtsVoice] = field(default_factory=held_out_voices)
    soundfonts: dict[str, float] = field(default_factory=lambda: dict(SOUNDFONT_P))
    """Soundfont name -> share of clips whose accompaniment (and choir) it plays."""
    _analyses: dict[str, VoiceAnalysis] = field(default_factory=dict, init=False, repr=False)

    def analysis(self, voice: TtsVoice) -> VoiceAnalysis:
        if voice.name not in self._analyses:
            self._analyses[voice.name] = cached_analysis(voice, self.cache_dir, self.max_sentences)
        return self._analyses[voice.name]

    def draw(self, split: str, index: int, *, kind: str | None = None, voice: str | None = None) -> ClipSpec:
        """What clip ``index`` of ``split`` is (kind/voice may be forced, e.g. for demos)."""
        rng = np.random.default_rng([self.seed, SPLIT_CODES[split], index])
        weights = KIND_WEIGHTS["bench" if split == "bench" else "train"]
        kind = kind or str(rng.choice(list(weights), p=list(weights.values())))
        pool = self.melodies.get(split, [])
        if not pool or rng.random() < WALK_P:
            walk_rng = np.random.default_rng([self.seed, 1000 + SPLIT_CODES[split], index])
            melody = random_walk(walk_rng, f"walk:{split}:{index}")
        else:
            melody = pool[int(rng.integers(0, len(pool)))]
        voices = self.bench_voices if split == "bench" else self.train_voices
        tts = voice_by_name(voice) if voice else voices[int(rng.integers(0, len(voices)))]
        voice_type = None if kind == "whistle" else draw_voice_type(rng)
        if voice_type is None:
            clip = clip_excerpt(melody, rng, WHISTLE_MIDI)
        else:
            push = voice_type.push if rng.random() < EDGE_PUSH_P else None
            clip = clip_excerpt(melody, rng, (voice_type.low, voice_type.high), push=push)
        shares = np.array(list(self.soundfonts.values()), dtype=np.float64)
        font = str(rng.choice(list(self.soundfonts), p=shares / shares.sum()))
        uses_tts = kind in ("sung", "syllables", "speech")
        return ClipSpec(split, index, kind, rng, clip, tts if uses_tts else None, voice_type, font,
                        tts.name if uses_tts else kind)

    def render_voice(self, spec: ClipSpec) -> tuple[np.ndarray, np.ndarray]:
        """(dry audio float32 [CLIP_SAMPLES] unnormalised, f0 labels [LABEL_FRAMES]) of a
        non-choir clip."""
        rng, vt = spec.rng, spec.voice_type
        if spec.kind == "whistle":
            return whistle_clip(spec.clip, rng)
        if spec.kind == "hum":
            timbre = draw_timbre(rng, vt, 1.0)
            plan = hum_plan(spec.clip, rng)
            voiced = plan.f0_hz[plan.f0_hz > 0]
            log_sp, ap = hum_envelope(rng, timbre.warp, float(np.median(voiced)) if voiced.size else 200.0)
            return render_plan(plan, timbre, fixed_log_sp=log_sp, fixed_ap=ap)
        analysis = self.analysis(spec.voice)
        timbre = draw_timbre(rng, vt, analysis.formant_scale)
        if spec.kind == "speech":
            plan = speech_plan(analysis, rng, vt)
        else:
            plan = sing_plan(analysis, spec.clip, rng, syllables=spec.kind == "syllables")
        return render_plan(plan, timbre, analysis.log_sp, analysis.ap)

    def voice_part(self, spec: ClipSpec) -> ChoirLine | tuple[np.ndarray, np.ndarray]:
        """The clip's voice, drawn from ``spec.rng``: a choir line (rendered later
        with the MIDI), else (dry audio, f0 labels) as :meth:`render_voice` gives.
        The backing is drawn after it from the same stream, so whatever replays
        a clip's draws calls this first."""
        if spec.kind == "choir":
            return choir_line(spec.clip, spec.rng)
        return self.render_voice(spec)

    def render(self, specs: list[ClipSpec], *, with_accomp: bool = True) -> dict[str, np.ndarray]:
        """Render clips: ``voice``/``accomp`` float32 [N, CLIP_SAMPLES] at peak -3 dBFS,
        ``f0`` float32 [N, LABEL_FRAMES], ``kind``/``voice_name``/``melody_source`` str [N]."""
        n = len(specs)
        voice = np.zeros((n, CLIP_SAMPLES), np.float32)
        accomp = np.zeros((n, CLIP_SAMPLES), np.float32)
        f0 = np.zeros((n, LABEL_FRAMES), np.float32)
        segments: dict[str, list] = {font: [] for font in self.soundfonts}
        slots: list[tuple[str, int, str, int]] = []  # (font, segment number, what, clip)
        choir_lines = {}
        for i, spec in enumerate(specs):
            part = self.voice_part(spec)
            if spec.kind == "choir":
                choir_lines[i] = part
                spec.voice_name = f"gm{part.program}@{spec.soundfont}"
                slots.append((spec.soundfont, len(segments[spec.soundfont]), "voice", i))
                segments[spec.soundfont].append(part.events)
            else:
                voice[i], f0[i] = part
            if with_accomp:
                slots.append((spec.soundfont, len(segments[spec.soundfont]), "accomp", i))
                segments[spec.soundfont].append(accompaniment_events(spec.clip, spec.rng))
        rendered = {font: render_segments(segs, font) for font, segs in segments.items() if segs}
        for font, seg, what, i in slots:
            (voice if what == "voice" else accomp)[i] = rendered[font][seg]
        for i, line in choir_lines.items():
            tuning = tuning_offsets(self.cache_dir, specs[i].soundfont, line.program)
            f0[i] = choir_labels(line, voice[i], tuning)
        for i in range(n):
            voice[i] = peak_normalise(voice[i])
            accomp[i] = peak_normalise(accomp[i])
        return {"voice": voice, "accomp": accomp, "f0": f0,
                "kind": np.array([s.kind for s in specs]),
                "voice_name": np.array([s.voice_name for s in specs]),
                "melody_source": np.array([s.clip.source for s in specs])}


def render_demo_clip(seed: int, seconds: float, voice: str = "kal_diphone", *,
                     cache_dir: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A dry sung clip of a random walk: (audio float32 [round(seconds * SAMPLE_RATE)],
    f0 labels float32 [int(seconds / HOP_S) + 1], Hz at i * HOP_S, 0 = unvoiced).

    Deterministic for a seed; longer than 4 s is several clips end to end.
    Analyses ``voice`` on first use (a few seconds; cached under ``cache_dir``).
    """
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    renderer = ClipRenderer(cache_dir or default_cache_dir(), seed=seed)
    n_samples = round(seconds * SAMPLE_RATE)
    n_labels = round(seconds / HOP_S) + 1
    audio_parts, label_parts = [], []
    for part in range(int(np.ceil(seconds / CLIP_SECONDS - 1e-9))):
        spec = renderer.draw("demo", part, kind="sung", voice=voice)
        out = renderer.render([spec], with_accomp=False)
        audio_parts.append(out["voice"][0])
        label_parts.append(out["f0"][0][:-1])  # the next clip starts at this frame
    label_parts[-1] = out["f0"][0]
    audio = np.concatenate(audio_parts)[:n_samples]
    labels = np.concatenate(label_parts)[:n_labels]
    return audio.astype(np.float32), labels.astype(np.float32)
