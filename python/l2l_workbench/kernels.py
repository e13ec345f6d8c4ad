# SPDX-License-Identifier: GPL-3.0-or-later
"""The LSTM's activations exactly as the engine computes them
(src/engine/learned/l2l-lstm-kernels.c): e^x as 2^k·e^r with a degree-6
polynomial, in float32, one rounding per operation as C without FP
contraction, so that the gates match the engine's to the bit."""

import torch

_F = torch.float32


def _c(value):
    """A float literal as C rounds it (1.0f / 6 is computed in float)."""
    return torch.tensor(value, dtype=_F)


_LOG2E = _c(1.44269504)
_SHIFTER = _c(12582912.0)
_LN2_HI = _c(0.693145752)
_LN2_LO = _c(1.42860677e-6)
_ONE = _c(1.0)
_HALF = _c(0.5)
_SIXTH = _ONE / _c(6.0)
_C24 = _ONE / _c(24.0)
_C120 = _ONE / _c(120.0)
_C720 = _ONE / _c(720.0)
_TWO = _c(2.0)


def fast_exp(x):
    x = x.clamp(-87.0, 88.0)
    k = (x * _LOG2E + _SHIFTER) - _SHIFTER
    r = x - k * _LN2_HI
    r = r - k * _LN2_LO
    p = _ONE + r * (_ONE + r * (_HALF + r * (_SIXTH + r * (_C24 + r * (_C120 + r * _C720)))))
    scale = ((k.to(torch.int32) + 127) << 23).view(_F)
    return p * scale


def sigmoid(x):
    return _ONE / (_ONE + fast_exp(-x))


def tanh(x):
    return _ONE - _TWO / (_ONE + fast_exp(_TWO * x))
