# SPDX-License-Identifier: GPL-3.0-or-later
"""The C library's float functions (logf, expf, tanhf) elementwise, as the
engine calls them. PyTorch's own log differs from glibc's logf in the last
bit for about one float in 150, and a learned optimizer's trajectory can
amplify one bit to whole percents within a hundred steps, so the engine's
numerics need the engine's libm. Where it cannot be loaded, each function
is computed in double and rounded, which agrees but for those last bits."""

import array
import ctypes
import ctypes.util

import torch


def _load(name):
    try:
        library = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        function = getattr(library, name)
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_float
    function.argtypes = [ctypes.c_float]
    return function


def _elementwise(c_function, torch_function):
    def apply(x):
        if c_function is None or x.numel() == 0:
            return torch_function(x.double()).float()
        values = array.array("f", map(c_function, x.detach().cpu().reshape(-1).tolist()))
        return torch.frombuffer(values, dtype=torch.float32).reshape(x.shape).to(x.device)
    return apply


logf = _elementwise(_load("logf"), torch.log)
expf = _elementwise(_load("expf"), torch.exp)
tanhf = _elementwise(_load("tanhf"), torch.tanh)
