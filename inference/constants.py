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
