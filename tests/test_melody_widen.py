"""Growing a trained melody network to more channels keeps what it computes."""

import pytest
import torch

from inference.constants import PITCH_N_BINS, PITCH_SPEC_BINS
from training.melody_model import MelodyNet, MelodyNetConfig
from training.melody_widen import widen


def _trained_like(channels: int) -> MelodyNet:
    """A network with non-trivial batch-norm statistics, as after training."""
    torch.manual_seed(0)
    net = MelodyNet(MelodyNetConfig(channels=channels, freq_kernel=3))
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.normal_()
                m.running_var.uniform_(0.5, 2.0)
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
    return net.eval()


def test_a_widened_network_computes_what_the_narrow_one_did_offline_and_streaming():
    small = _trained_like(16)
    wide = widen(small, 24).eval()
    assert wide.config.channels == 24 and wide.pitch_out.weight.shape[1] == 24
    features = torch.rand(1, 40, PITCH_SPEC_BINS + 1)
    with torch.no_grad():
        logits_s, voicing_s, _ = small(features)
        logits_w, voicing_w, _ = wide(features)
        torch.testing.assert_close(logits_w, logits_s, atol=1e-5, rtol=0)
        torch.testing.assert_close(voicing_w, voicing_s, atol=1e-5, rtol=0)
        caches = wide.zero_caches()
        parts = []
        for start in range(0, 40, 7):  # the live form of the wide net agrees as well
            out, _, caches = wide(features[:, start:start + 7], caches)
            parts.append(out)
        torch.testing.assert_close(torch.cat(parts, dim=1), logits_s, atol=1e-5, rtol=0)
    assert logits_w.shape == (1, 40, PITCH_N_BINS)


def test_the_new_channels_can_learn_and_a_network_is_never_narrowed():
    small = _trained_like(8)
    wide = widen(small, 12).train()
    logits, voicing, _ = wide(torch.rand(2, 30, PITCH_SPEC_BINS + 1))
    (logits.logsumexp(-1).mean() + voicing.mean()).backward()
    grad = wide.pitch_out.weight.grad[0, 8:]
    assert grad.abs().sum() > 0  # weights out of the new channels start at zero but move
    with pytest.raises(ValueError, match="cannot narrow"):
        widen(wide, 8)
