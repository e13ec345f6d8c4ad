# SPDX-License-Identifier: GPL-3.0-or-later
"""The paper's coordinatewise LSTM ("lstm") and RNNprop ("rnnprop") over N
coordinates, as src/engine/learned/l2l-lstm-unroll.c runs them: per layer
one product [W_ih | W_hh | b_ih + b_hh] · [x ; h_prev ; 1], gates i, f, g, o
with the engine's fast sigmoid and tanh, then Linear(H, 1) times the output
scale (RNNprop: an ELU input layer first, and scale · tanh of the output).
State per coordinate: h of every layer, then c of every layer [2·L·H × N]."""

import torch

from . import kernels, libm

_F = torch.float32


class LstmNet:
    def __init__(self, config, tensors):
        H, L = config.hidden, config.layers
        self.hidden, self.layers = H, L
        self.rnnprop = config.arch == "rnnprop"
        self.scale = torch.tensor(config.output_scale, dtype=_F)
        # φ packed as the engine packs it: the biases summed in float
        self.wcat = []
        for l in range(L):
            cell = {key: tensors[f"cells.{l}.{key}"]
                    for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            bias = (cell["bias_ih"] + cell["bias_hh"])[:, None]
            self.wcat.append(torch.cat([cell["weight_ih"], cell["weight_hh"], bias], dim=1))
        self.out = torch.cat([tensors["out.weight"][0], tensors["out.bias"]])
        if self.rnnprop:
            self.in_weight, self.in_bias = tensors["input.weight"], tensors["input.bias"]

    def to(self, device):
        for name in ("wcat", "out", "scale", "in_weight", "in_bias"):
            if hasattr(self, name):
                value = getattr(self, name)
                setattr(self, name, [w.to(device) for w in value] if isinstance(value, list)
                        else value.to(device))
        return self

    def forward(self, x, state):
        """Features x [in × N] and state [2LH × N] → update [N], new state."""
        H, L = self.hidden, self.layers
        n = x.shape[1]
        ones = torch.ones(1, n, dtype=_F, device=x.device)
        h_prev, c_prev = state[:L * H].view(L, H, n), state[L * H:].view(L, H, n)
        if self.rnnprop:
            z = (self.in_weight @ x) + self.in_bias[:, None]
            x = torch.where(z > 0, z, libm.expf(z) - 1.0)
        hs, cs = [], []
        for l in range(L):
            gates = self.wcat[l] @ torch.cat([x, h_prev[l], ones])
            i, f = kernels.sigmoid(gates[:H]), kernels.sigmoid(gates[H:2 * H])
            g, o = kernels.tanh(gates[2 * H:3 * H]), kernels.sigmoid(gates[3 * H:])
            c = f * c_prev[l] + i * g
            h = o * kernels.tanh(c)
            hs.append(h)
            cs.append(c)
            x = h
        # the engine's sgemv over [h_top ; 1], the scale as its alpha (OpenBLAS
        # multiplies per block of columns, so scaling afterwards differs)
        top = torch.cat([x, ones]).t()
        if self.rnnprop:
            return self.scale * libm.tanhf(torch.mv(top, self.out)), torch.cat(hs + cs)
        update = torch.addmv(torch.zeros(n, dtype=_F, device=x.device), top, self.out,
                             beta=0.0, alpha=self.scale.item())
        return update, torch.cat(hs + cs)
