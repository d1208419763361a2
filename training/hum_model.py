"""The hum encoder's network: a dilated 1-D CNN over a melody-contour window.

Input: float32 [B, L, 2] from :func:`inference.melody_contour.encoder_input`
(pitch relative to the window's median in octaves, 0 where silent; sung flag),
L = HUM_WINDOW_FRAMES (6 s at 20 frames/s). Output: float32 [B, HUM_EMBED_DIM],
L2-normalised, so the inner product of a query window and a catalog window is
their cosine similarity.

Key invariance comes from the input (median-centred pitch); robustness to
tempo, drift, wrong and missing notes comes from training on simulated queries
(:mod:`training.hum_queries`) against clean catalog windows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from inference.constants import HUM_EMBED_DIM


@dataclass(frozen=True)
class HumNetConfig:
    channels: int = 64
    dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2)
    kernel: int = 5
    dim: int = HUM_EMBED_DIM

    def to_dict(self) -> dict:
        d = asdict(self)
        d["dilations"] = list(self.dilations)
        return d


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, kernel: int, dilation: int):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel, dilation=dilation,
                              padding=dilation * (kernel // 2), bias=False)
        self.norm = nn.BatchNorm1d(channels)

    def forward(self, x):
        return x + torch.relu(self.norm(self.conv(x)))


class HumNet(nn.Module):
    """windows [B, L, 2] -> embeddings [B, dim] (unit length)."""

    def __init__(self, config: HumNetConfig = HumNetConfig()):
        super().__init__()
        self.config = config
        c = config.channels
        self.stem = nn.Sequential(  # 20 -> 10 frames/s
            nn.Conv1d(2, c, config.kernel, padding=config.kernel // 2), nn.ReLU(),
            nn.Conv1d(c, c, 4, stride=2, padding=1, bias=False), nn.BatchNorm1d(c), nn.ReLU())
        self.blocks = nn.Sequential(*[ResidualBlock(c, config.kernel, d) for d in config.dilations])
        self.attention = nn.Conv1d(c, 1, 1)
        self.project = nn.Linear(2 * c, config.dim)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        x = self.blocks(self.stem(windows.transpose(1, 2)))  # [B, C, L / 2]
        weights = torch.softmax(self.attention(x), dim=2)  # where in the window to listen
        pooled = torch.cat([(x * weights).sum(dim=2), x.amax(dim=2)], dim=1)
        return nn.functional.normalize(self.project(pooled), dim=1)
