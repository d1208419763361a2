"""Offline training and benchmark data for Norae's timbre (singer) encoder.

A *singer* is one synthetic voice identity: a real speaker's TTS voice (festival
or espeak-ng, analysed with pyworld) given a voice type (bass ... soprano), a
formant warp, a spectral tilt, a breathiness and a singing style of its own.
Each singer sings several corpus melodies inside a personal range, two 4 s
excerpts per melody, so clips of one singer differ in melody, lyrics, key and
tempo but not in voice. Singers of the bench split come from TTS voices that
no training singer uses.

Entry points: ``python -m training.timbre_data.build`` writes the dataset;
:func:`training.timbre_data.store.load_split` reads it back.
"""

GENERATOR_VERSION = "timbre-data-1"
"""Changes whenever the same seed would give different clips."""
