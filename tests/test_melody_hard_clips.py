"""Hard-clip mining for the melody model: scoring octave errors, drawing hard clips more often."""

import numpy as np
import pytest

from training.melody_batches import BatchMaker
from training.melody_hard_clips import octave_error_share

N_CLIPS, FRAMES = 8, 60
SAMPLES = (FRAMES - 1) * 160


def test_octave_error_share_counts_octaves_only_on_sung_frames():
    ref = np.full(100, 220.0)
    ref[:20] = 0.0  # not sung: whatever the guess, no error
    est = np.full(100, 220.0)
    est[:20] = 440.0
    est[20:30] = 440.0  # an octave up
    est[30:35] = 55.0  # two octaves down
    est[35:40] = 330.0  # a fifth off: wrong, but not an octave error
    est[40:42] = 220.0 * 2 ** (12.4 / 12)  # within half a semitone of an octave
    assert octave_error_share(ref, est) == pytest.approx(17 / 80)
    assert octave_error_share(np.zeros(10), np.full(10, 100.0)) == 0.0


def _clips() -> dict[str, np.ndarray]:
    """Clip i sings a steady 100 + 10*i Hz, so an example's labels name its clip."""
    t = np.arange(SAMPLES) / 16000
    voice = np.stack([0.3 * np.sin(2 * np.pi * (100 + 10 * i) * t) for i in range(N_CLIPS)])
    accomp = 0.2 * np.sin(2 * np.pi * 330 * t)[None].repeat(N_CLIPS, axis=0)
    return {"voice": (voice * 32767).astype(np.int16), "accomp": (accomp * 32767).astype(np.int16),
            "f0": np.array([[100.0 + 10 * i] * FRAMES for i in range(N_CLIPS)], np.float32)}


def _drawn_clips(maker: BatchMaker, batches: int) -> np.ndarray:
    f0 = np.concatenate([maker.batch(8)["f0"][:, 0].numpy() for _ in range(batches)])
    return np.round((f0 - 100) / 10).astype(int)


def test_hard_clips_fill_their_share_of_the_batches_in_proportion_to_their_errors():
    hard = np.zeros(N_CLIPS, np.float32)
    hard[2], hard[5], hard[6] = 0.6, 0.2, 0.01  # clip 6 is below the hard threshold
    maker = BatchMaker(_clips(), crop_frames=40, seed=0, hard=hard, hard_share=0.5)
    counts = np.bincount(_drawn_clips(maker, 40), minlength=N_CLIPS)
    share = counts / counts.sum()
    # half the draws spread evenly (1/16 each), half go to clips 2 and 5 in a 3:1 ratio
    assert share[2] == pytest.approx(1 / 16 + 0.5 * 0.75, abs=0.06)
    assert share[5] == pytest.approx(1 / 16 + 0.5 * 0.25, abs=0.05)
    assert share[6] == pytest.approx(1 / 16, abs=0.04)


def test_without_hard_scores_batches_are_drawn_as_before():
    plain = _drawn_clips(BatchMaker(_clips(), crop_frames=40, seed=3), 5)
    zero_share = _drawn_clips(BatchMaker(_clips(), crop_frames=40, seed=3,
                                         hard=np.ones(N_CLIPS), hard_share=0.0), 5)
    np.testing.assert_array_equal(plain, zero_share)


def test_hard_scores_for_other_data_are_refused():
    with pytest.raises(ValueError, match="cover 3 clips"):
        BatchMaker(_clips(), crop_frames=40, seed=0, hard=np.ones(3), hard_share=0.3)
