"""Signal and model constants shared by the runtime, the app core and training.

Every module that needs a sample rate, hop or embedding size reads it here, so
training and inference cannot drift apart.
"""

SAMPLE_RATE = 16_000
"""Hz. Every decoded or captured signal is mono float32 at this rate."""

HOP_S = 0.01
"""Seconds between analysis frames (10 ms)."""

HOP_SAMPLES = int(SAMPLE_RATE * HOP_S)
"""Samples between analysis frames (160)."""

CAPTURE_BLOCK_S = 0.02
"""Seconds per live-capture block (20 ms, 320 samples at SAMPLE_RATE)."""

CAPTURE_BLOCK_SAMPLES = int(SAMPLE_RATE * CAPTURE_BLOCK_S)

MIDI_LOW = 36
"""Lowest MIDI note the melody tools care about (C2, 65.4 Hz)."""

MIDI_HIGH = 84
"""Highest MIDI note the melody tools care about (C6, 1046.5 Hz)."""

# --- Pitch model (melody encoder) -------------------------------------------

PITCH_WINDOW_LEFT = 640
"""Samples of analysis window before a frame's centre (40 ms)."""

PITCH_WINDOW_RIGHT = 384
"""Samples of analysis window after a frame's centre (24 ms). This lookahead,
plus one capture block, bounds the live latency from sound to frame (44 ms)."""

PITCH_N_FFT = 2048
"""FFT size of the pitch front end (the 1024-sample window zero-padded)."""

PITCH_BINS_PER_SEMITONE = 3
"""Resolution of the log-frequency spectrum and of the pitch posterior
(33.3 cents per bin); the decoder interpolates between bins."""

PITCH_MIDI_MIN = 33.0
"""MIDI pitch at the centre of posterior bin 0 (A1, 55 Hz)."""

PITCH_N_BINS = 172
"""Posterior bins: MIDI 33.0 ... 90.0 (55 Hz ... 1480 Hz) in 1/3 semitones,
covering C2-C6 with margin."""

PITCH_SPEC_MIDI_MIN = 24.0
"""MIDI pitch of the lowest log-spectrum bin (C1, 32.7 Hz)."""

PITCH_SPEC_BINS = 286
"""Log-spectrum bins from PITCH_SPEC_MIDI_MIN in 1/3 semitones, up to MIDI 119
(7.9 kHz, just under Nyquist); the model treats harmonics above as silent."""


def pitch_bin_midi(index: float) -> float:
    """MIDI pitch (float) at the centre of posterior bin ``index``."""
    return PITCH_MIDI_MIN + index / PITCH_BINS_PER_SEMITONE

# --- Hum search (hum encoder) -----------------------------------------------

CONTOUR_HOP_S = 0.05
"""Seconds between frames of a melody contour (20 frames/s): the pitch line,
in MIDI, that both catalog melodies and hummed queries are reduced to."""

HUM_WINDOW_FRAMES = 120
"""Contour frames per hum-encoder window (6 s)."""

HUM_CATALOG_HOP_FRAMES = 20
"""Catalog windows start every this many contour frames (1 s)."""

HUM_QUERY_SCALES = (0.74, 0.86, 1.0, 1.16, 1.35)
"""Time stretches applied to a query before cutting its windows, so a hum
sung 35 % slower or faster than the catalog melody still meets windows of
about its own tempo (neighbouring scales are 16 % apart)."""

HUM_VOTE_SCALES = (0.74, 0.8, 0.86, 0.93, 1.0, 1.08, 1.16, 1.25, 1.35)
"""The finer stretches at which candidate songs are scored by windows that
agree in time (neighbours 8 % apart): HUM_QUERY_SCALES and the ones between.
Only HUM_QUERY_SCALES windows are looked up in the index."""

HUM_PITCH_CLIP = 24.0
"""Semitones from a window's median pitch beyond which the encoder input is clipped."""

HUM_EMBED_DIM = 64
"""Size of the hum encoder's L2-normalised window embedding."""

HUM_MIN_SUNG = 0.25
"""Windows with less of their length sung than this are not indexed or searched."""

# --- Timbre (singer) encoder ---------------------------------------------------

TIMBRE_N_FFT = 512
"""FFT size of the timbre front end (32 ms); frames are HOP_SAMPLES apart."""

TIMBRE_WINDOW = 400
"""Hann window of the timbre front end, samples (25 ms), centred on the frame."""

TIMBRE_N_MELS = 64
"""Mel bands of a timbre feature frame, TIMBRE_FMIN_HZ..TIMBRE_FMAX_HZ."""

TIMBRE_FMIN_HZ = 50.0
TIMBRE_FMAX_HZ = 7600.0

TIMBRE_EMBED_DIM = 128
"""Size of the timbre encoder's L2-normalised singer embedding."""

TIMBRE_MIN_VOICED_S = 1.5
"""Sung (voiced) seconds a take needs before its timbre is measured."""
