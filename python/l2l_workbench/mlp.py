# SPDX-License-Identifier: GPL-3.0-or-later
"""The per-coordinate MLP ("mlp", Metz et al. 2019) as
src/engine/learned/l2l-rule-mlp.c runs it: ReLU layers, then a direction d
and a log-magnitude m, g = output_scale · d · exp(10⁻³ · m). No state of its
own: the features' averages are all its memory."""

import torch

from . import libm

_F = torch.float32
MAGNITUDE_SCALE = torch.tensor(1e-3, dtype=_F)


class MlpNet:

    def __init__(self, config, tensors):
        L = config.layers
        self.layers = [(tensors[f"layers.{l}.weight"], tensors[f"layers.{l}.bias"])
                       for l in range(L)]
        self.layers.append((tensors["out.weight"], tensors["out.bias"]))
        self.scale = torch.tensor(config.output_scale, dtype=_F)

    def to(self, device):
        self.layers = [(w.to(device), b.to(device)) for w, b in self.layers]
        self.scale = self.scale.to(device)
        return self

    def forward(self, x, state):
        for w, b in self.layers[:-1]:
            x = torch.relu(b[:, None] + w @ x)
        w, b = self.layers[-1]
        d, m = b[:, None] + w @ x
        return self.scale * d * libm.expf(MAGNITUDE_SCALE * m), state
