"""A small convolutional network: three conv blocks, global average pooling, a linear head."""

from __future__ import annotations

import torch
from torch import nn


class SmallCNN(nn.Module):
    """Works on any square grayscale image of 4x4 pixels or more (the digits are 8x8)."""

    def __init__(self, num_classes: int, channels: int = 16, dropout: float = 0.1) -> None:
        super().__init__()

        def block(c_in: int, c_out: int) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1), nn.ReLU()]

        self.features = nn.Sequential(
            *block(1, channels),
            nn.MaxPool2d(2),  # (B, c, H/2, W/2)
            *block(channels, 2 * channels),
            nn.MaxPool2d(2),  # (B, 2c, H/4, W/4)
            *block(2 * channels, 4 * channels),
            nn.AdaptiveAvgPool2d(1),  # (B, 4c, 1, 1): one number per channel, any image size
        )
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(4 * channels, num_classes)
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """``images`` (B, 1, H, W) in [0, 1] -> logits (B, num_classes)."""
        return self.head(self.features(images))
