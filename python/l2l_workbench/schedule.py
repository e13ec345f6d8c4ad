# SPDX-License-Identifier: GPL-3.0-or-later
"""The learned schedule ("schedule") as src/engine/learned/l2l-rule-schedule.c
runs it, once a step for each group of coordinates: from the step embedding
and each other feature's mean magnitude over the group, tanh layers in double
give a log step size o_0 and weights o_1…o_D, and each coordinate's update
is output_scale · exp(o_0) · Σ_k o_k · x_k, summed in float in the features'
order. No state of its own."""

import torch

from . import features as feats
from . import libm

_F = torch.float32


class ScheduleNet:

    def __init__(self, config, tensors):
        L = config.layers
        names = [(f"layers.{l}.weight", f"layers.{l}.bias") for l in range(L)]
        names.append(("out.weight", "out.bias"))
        self.layers = [(tensors[w].double(), tensors[b].double()) for w, b in names]
        self.scale = torch.tensor(config.output_scale, dtype=_F)
        first, count = feats.step_rows(config.features)
        self.step = range(first, first + count)
        self.directions = [r for r in range(config.input_size) if r not in self.step]

    def to(self, device):
        self.layers = [(w.to(device), b.to(device)) for w, b in self.layers]
        self.scale = self.scale.to(device)
        return self

    def forward(self, x, state):
        # c: the mean |x_r| over the group in double, the step rows as they are
        context = x.abs().double().sum(dim=1) / max(x.shape[1], 1)
        context = context.float()
        # the function's step, one t for all as in the engine: the largest of
        # the coordinates' (a parameter that went without a gradient lags)
        context[list(self.step)] = x[list(self.step)].max(dim=1).values
        v = context.double()
        for w, b in self.layers[:-1]:
            v = libm.tanhf((b + w @ v).float()).double()
        w, b = self.layers[-1]
        out = (b + w @ v).float()
        step = self.scale * libm.expf(out[:1])[0]
        update = torch.zeros(x.shape[1], dtype=_F, device=x.device)
        for k, row in enumerate(self.directions):
            update = update + (step * out[1 + k]) * x[row]
        return update, state
