"""Grow a trained melody network to more channels without changing what it computes.

A wider :class:`training.melody_model.MelodyNet` is started from a narrower
trained one (``python -m training.train_melody --init RUN --channels N``):
the old channels keep their weights, the new channels of every block get a
fresh random convolution from the old ones, and every weight *from* a new
channel (into a later block, the pitch head or the voicing head) starts at
zero. The wide network therefore computes exactly what the narrow one did
(tested), and training then finds a use for the new channels, instead of
starting from nothing; on the CPU this is far cheaper than training the
wider network from scratch.

The residual stream has the blocks' width, so its new channels also start
from the first block's fresh channels and pass through the later blocks'
residual additions; nothing reads them until training moves the zeros.
"""

from __future__ import annotations

import torch

from training.melody_model import MelodyNet, MelodyNetConfig


def _copy_block(small, wide, grown_in: bool) -> None:
    """Old weights into the first channels of one ConvBlock; zero from new inputs."""
    w_small, w_wide = small.conv.conv.weight, wide.conv.conv.weight
    c_out, c_in = w_small.shape[:2]
    if grown_in:
        w_wide[:, c_in:] = 0.0
    w_wide[:c_out, :c_in] = w_small
    for name in ("weight", "bias", "running_mean", "running_var"):
        getattr(wide.norm, name)[:c_out] = getattr(small.norm, name)
    wide.norm.num_batches_tracked.copy_(small.norm.num_batches_tracked)


@torch.no_grad()
def widen(small: MelodyNet, channels: int) -> MelodyNet:
    """A MelodyNet with ``channels`` channels that computes what ``small`` does."""
    cfg = small.config
    if channels < cfg.channels:
        raise ValueError(f"cannot narrow a {cfg.channels}-channel network to {channels}")
    wide = MelodyNet(MelodyNetConfig(channels=channels, voicing_channels=cfg.voicing_channels,
                                     freq_kernel=cfg.freq_kernel))
    for i, (s_block, w_block) in enumerate(zip(small.blocks, wide.blocks)):
        _copy_block(s_block, w_block, grown_in=i > 0)
    c = cfg.channels
    wide.pitch_out.weight.zero_()
    wide.pitch_out.weight[:, :c] = small.pitch_out.weight
    wide.pitch_out.bias.copy_(small.pitch_out.bias)
    # The voicing head reads [max over pitch (C), mean over pitch (C), level (1)].
    first_s, first_w = small.voicing[0].conv, wide.voicing[0].conv
    first_w.weight.zero_()
    first_w.weight[:, :c] = first_s.weight[:, :c]
    first_w.weight[:, channels:channels + c] = first_s.weight[:, c:2 * c]
    first_w.weight[:, 2 * channels] = first_s.weight[:, 2 * c]
    first_w.bias.copy_(first_s.bias)
    wide.voicing[1].load_state_dict(small.voicing[1].state_dict())
    wide.voicing_out.load_state_dict(small.voicing_out.state_dict())
    return wide
