"""The melody encoder's network: a small causal harmonic CNN over log spectra.

Input: feature frames from :mod:`inference.pitch_features`, float32
[B, T, FEATURE_DIM] (normalised log spectrum in 1/3-semitone bins, then the
frame level). For every candidate pitch bin the spectrum is sampled at the
bin's harmonics (0.5, 1, 2, ... 8 times its frequency) and stacked as
channels, so a 2-D convolution over (time, pitch) sees each candidate's whole
harmonic series at once and can tell the octaves apart.

Output per frame: a pitch posterior over PITCH_N_BINS bins (softmax) and a
voicing probability.

Every convolution is causal in time. Its past is a cache tensor passed in and
returned, so one graph serves both forms: offline (zero caches, all frames at
once) and streaming (a few frames at a time, caches carried between calls).
Both give the same numbers because they run the same arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from inference.constants import (
    PITCH_BINS_PER_SEMITONE,
    PITCH_MIDI_MIN,
    PITCH_N_BINS,
    PITCH_SPEC_BINS,
    PITCH_SPEC_MIDI_MIN,
)

HARMONICS = (0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)


def harmonic_offsets() -> list[int]:
    """Bin offsets of each harmonic relative to the fundamental's bin."""
    return [round(PITCH_BINS_PER_SEMITONE * 12 * math.log2(h)) for h in HARMONICS]


@dataclass(frozen=True)
class MelodyNetConfig:
    channels: int = 16
    voicing_channels: int = 32
    freq_kernel: int = 5
    """Pitch-axis taps of the dilated blocks (the first block always has 5)."""

    def to_dict(self) -> dict:
        return asdict(self)


class CausalConv(nn.Module):
    """Conv2d over [B, C, T, F], causal in T, 'same' in F, with a time cache.

    The cache holds the last ``context`` input frames: [B, C_in, context, F].
    """

    def __init__(self, c_in: int, c_out: int, kt: int, kf: int, dt: int = 1, df: int = 1, bias: bool = True):
        super().__init__()
        self.context = (kt - 1) * dt
        self.c_in = c_in
        self.conv = nn.Conv2d(c_in, c_out, (kt, kf), dilation=(dt, df), padding=(0, df * (kf // 2)), bias=bias)

    def forward(self, x: torch.Tensor, cache: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.context == 0:
            return self.conv(x), cache
        x = torch.cat([cache, x], dim=2)
        return self.conv(x), x[:, :, -self.context:]


class ConvBlock(nn.Module):
    """CausalConv -> BatchNorm -> ReLU, with a residual when shapes allow."""

    def __init__(self, c_in: int, c_out: int, kt: int, kf: int, dt: int = 1, df: int = 1):
        super().__init__()
        self.conv = CausalConv(c_in, c_out, kt, kf, dt, df, bias=False)
        self.norm = nn.BatchNorm2d(c_out)
        self.residual = c_in == c_out

    def forward(self, x, cache):
        y, cache = self.conv(x, cache)
        y = torch.relu(self.norm(y))
        return (x + y if self.residual else y), cache


class MelodyNet(nn.Module):
    """features [B, T, FEATURE_DIM] + caches -> (posterior [B, T, PITCH_N_BINS],
    voiced_prob [B, T], new caches)."""

    def __init__(self, config: MelodyNetConfig = MelodyNetConfig()):
        super().__init__()
        self.config = config
        c, v, kf = config.channels, config.voicing_channels, config.freq_kernel
        n_h = len(HARMONICS)
        self.blocks = nn.ModuleList([
            ConvBlock(n_h, c, 3, 5, 1, 1),
            ConvBlock(c, c, 3, kf, 2, 1),
            ConvBlock(c, c, 1, 13, 1, PITCH_BINS_PER_SEMITONE),  # one octave, semitone taps
            ConvBlock(c, c, 3, kf, 4, 1),
            ConvBlock(c, c, 3, kf, 8, 1),
        ])
        self.pitch_out = nn.Conv2d(c, 1, 1)
        self.voicing = nn.ModuleList([
            CausalConv(2 * c + 1, v, 3, 1, 1),
            CausalConv(v, v, 3, 1, 4),
        ])
        self.voicing_out = nn.Conv2d(v, 1, 1)
        offsets = harmonic_offsets()
        first = round((PITCH_MIDI_MIN - PITCH_SPEC_MIDI_MIN) * PITCH_BINS_PER_SEMITONE)
        self._pad_left = max(0, -(first + min(offsets)))
        self._pad_right = max(0, first + PITCH_N_BINS - 1 + max(offsets) + 1 - PITCH_SPEC_BINS)
        self._starts = [self._pad_left + first + o for o in offsets]

    def cache_shapes(self, batch: int = 1) -> list[tuple[int, ...]]:
        """Shapes of the zero caches a fresh stream starts from."""
        shapes = [(batch, b.conv.c_in, b.conv.context, PITCH_N_BINS) for b in self.blocks]
        shapes += [(batch, conv.c_in, conv.context, 1) for conv in self.voicing]
        return shapes

    def zero_caches(self, batch: int = 1) -> list[torch.Tensor]:
        return [torch.zeros(s) for s in self.cache_shapes(batch)]

    def harmonic_stack(self, spec: torch.Tensor) -> torch.Tensor:
        """spec [B, T, PITCH_SPEC_BINS] -> [B, len(HARMONICS), T, PITCH_N_BINS]."""
        padded = nn.functional.pad(spec, (self._pad_left, self._pad_right))
        return torch.stack([padded[..., s:s + PITCH_N_BINS] for s in self._starts], dim=1)

    def forward(self, features: torch.Tensor, caches: list[torch.Tensor] | None = None):
        """Returns (pitch_logits [B,T,P], voicing_logit [B,T], new caches)."""
        if caches is None:
            caches = self.zero_caches(features.shape[0])
        spec, level = features[..., :PITCH_SPEC_BINS], features[..., PITCH_SPEC_BINS:]
        x = self.harmonic_stack(spec)
        new_caches = []
        for block, cache in zip(self.blocks, caches):
            x, cache = block(x, cache)
            new_caches.append(cache)
        pitch_logits = self.pitch_out(x)[:, 0]
        pooled = torch.cat([x.amax(dim=3), x.mean(dim=3), level.transpose(1, 2)], dim=1).unsqueeze(3)
        v = pooled
        for conv, cache in zip(self.voicing, caches[len(self.blocks):]):
            v, cache = conv(v, cache)
            v = torch.relu(v)
            new_caches.append(cache)
        voicing_logit = self.voicing_out(v)[:, 0, :, 0]
        return pitch_logits, voicing_logit, new_caches


class ExportedMelodyNet(nn.Module):
    """The ONNX-facing form: flat cache arguments, probabilities out."""

    def __init__(self, net: MelodyNet):
        super().__init__()
        self.net = net

    def forward(self, features, *caches):
        logits, voicing_logit, new_caches = self.net(features, list(caches))
        return (torch.softmax(logits, dim=-1), torch.sigmoid(voicing_logit), *new_caches)


def count_macs_per_frame(net: MelodyNet) -> int:
    """Multiply-accumulates per output frame (convolutions only)."""
    total = 0
    for block in net.blocks:
        w = block.conv.conv.weight
        total += w.numel() * PITCH_N_BINS
    total += net.pitch_out.weight.numel() * PITCH_N_BINS
    total += sum(conv.conv.weight.numel() for conv in net.voicing) + net.voicing_out.weight.numel()
    return total
