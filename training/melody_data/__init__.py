"""Offline training data for Norae's singing pitch model.

Synthetic singing, humming, whistling and choir lines with exact frame f0
labels, each paired with a karaoke-style accompaniment in the same key and
tempo, plus a held-out benchmark set. Everything is made from what ships with
Debian and the music21 corpus: festival and espeak-ng voices analysed and
resung with pyworld, fluidsynth with General MIDI soundfonts.

Entry points: ``python -m training.melody_data.build`` writes the dataset,
:func:`training.melody_data.clip_format.load_split` reads it back,
:func:`training.melody_data.augment.mix_example` mixes and degrades one clip on
the fly, :func:`training.melody_data.clips.render_demo_clip` renders one clip.
"""

GENERATOR_VERSION = "melody-data-1"
"""Changes whenever the same seed would give different clips."""
