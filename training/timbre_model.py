"""The timbre encoder network (torch), and the form that is exported to ONNX.

Input: log-mel frames of the sung part of a take, float32 [B, T, TIMBRE_N_MELS]
(see :mod:`inference.timbre_features`). A small dilated 1-D convolution
stack (ECAPA-like, without squeeze-excitation) looks at ~0.3 s of context,
attentive statistics pooling turns any number of frames into a mean and a
standard deviation per channel, and two heads read that:

* ``embedding``: float32 [B, TIMBRE_EMBED_DIM], L2-normalised (the singer);
* ``female_logit``: float32 [B] (p(female) = sigmoid).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from inference.constants import TIMBRE_EMBED_DIM, TIMBRE_N_MELS


@dataclass(frozen=True)
class TimbreNetConfig:
    channels: int = 128
    dilations: tuple[int, ...] = (1, 2, 3)
    pooled: int = 256
    attention: int = 64
    embed_dim: int = TIMBRE_EMBED_DIM

    def to_dict(self) -> dict:
        return {**asdict(self), "dilations": list(self.dilations)}

    @classmethod
    def from_dict(cls, data: dict) -> TimbreNetConfig:
        return cls(**{**data, "dilations": tuple(data["dilations"])})


class _Block(nn.Module):
    """Dilated conv -> BN -> ReLU with a residual path."""

    def __init__(self, channels: int, dilation: int):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.norm = nn.BatchNorm1d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + F.relu(self.norm(self.conv(x)))


class TimbreNet(nn.Module):
    def __init__(self, config: TimbreNetConfig = TimbreNetConfig()):
        super().__init__()
        c = config.channels
        self.config = config
        self.stem = nn.Sequential(nn.Conv1d(TIMBRE_N_MELS, c, 5, padding=2), nn.BatchNorm1d(c), nn.ReLU())
        self.blocks = nn.ModuleList(_Block(c, d) for d in config.dilations)
        self.merge = nn.Sequential(nn.Conv1d(c * len(config.dilations), config.pooled, 1),
                                   nn.BatchNorm1d(config.pooled), nn.ReLU())
        self.attend = nn.Sequential(nn.Conv1d(config.pooled, config.attention, 1), nn.Tanh(),
                                    nn.Conv1d(config.attention, config.pooled, 1))
        self.pool_norm = nn.BatchNorm1d(2 * config.pooled)
        self.embed = nn.Linear(2 * config.pooled, config.embed_dim)
        self.gender = nn.Linear(2 * config.pooled, 1)

    def pooled(self, features: torch.Tensor) -> torch.Tensor:
        """features [B, T, N_MELS] -> attentive mean and std [B, 2 * pooled]."""
        x = self.stem(features.transpose(1, 2))
        outs = []
        for block in self.blocks:
            x = block(x)
            outs.append(x)
        h = self.merge(torch.cat(outs, dim=1))
        weights = torch.softmax(self.attend(h), dim=2)
        mean = (h * weights).sum(dim=2)
        var = ((h * h) * weights).sum(dim=2) - mean * mean
        std = torch.sqrt(var.clamp(min=1e-5))
        return self.pool_norm(torch.cat([mean, std], dim=1))

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """features [B, T, N_MELS] -> (embedding [B, D] unit length, female logit [B])."""
        pooled = self.pooled(features)
        return F.normalize(self.embed(pooled), dim=1), self.gender(pooled).squeeze(1)


class ExportedTimbreNet(nn.Module):
    """What ``timbre.onnx`` computes: one take in, embedding and p(female) out."""

    def __init__(self, net: TimbreNet):
        super().__init__()
        self.net = net

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        embedding, logit = self.net(features)
        return embedding, torch.sigmoid(logit)


def parameter_count(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())
