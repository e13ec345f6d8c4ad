# SPDX-License-Identifier: GPL-3.0-or-later
"""A coordinate's input features, as src/engine/learned/l2l-features.c
computes them: parsed from the canonical list a checkpoint records
("grad-rms,momentum:0.9,step"), rows in the list's order, float32 in the
engine's order of operations. State per coordinate, feature-major
[state_rows × N]: row 0 the shared RMS v where grad-rms or a momentum needs
it, then one row m per momentum."""

import math
from dataclasses import dataclass

import torch

from . import libm

RMS_DECAY = 0.999
RMS_EPS = 1e-8
LOGSIGN_MAX_P = 80.0
STEP_TIMESCALES = (1, 3, 10, 30, 100, 300, 1000)
ROWS = {"grad": 1, "logsign": 2, "grad-rms": 1, "momentum": 1, "theta": 1,
        "step": len(STEP_TIMESCALES)}

_F = torch.float32


@dataclass(frozen=True)
class Feature:
    kind: str
    param: float = 0.0


def _number(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_item(item):
    if item == "logsign":
        return Feature("logsign", 10.0)
    if item.startswith("logsign:p="):
        p = _number(item[len("logsign:p="):])
        if 0.0 < p <= LOGSIGN_MAX_P:
            return Feature("logsign", p)
    elif item.startswith("momentum:"):
        beta = _number(item[len("momentum:"):])
        if 0.0 < beta < 1.0:
            return Feature("momentum", beta)
    elif item in ("grad", "grad-rms", "theta", "step"):
        return Feature(item)
    raise ValueError(item)


def parse(text):
    """The features of @text; ValueError naming the item it cannot read."""
    items = [item.strip() for item in text.split(",")]
    features = []
    for item in items:
        try:
            feature = _parse_item(item)
        except ValueError:
            raise ValueError(f"'{item}' is not grad, logsign, logsign:p=P with 0 < P ≤ 80, "
                             "grad-rms, momentum:B with 0 < B < 1, theta or step") from None
        if feature in features:
            raise ValueError(f"'{item}' is in the list twice")
        features.append(feature)
    if len(features) > 16:
        raise ValueError(f"'{text}' has more than 16 features")
    return tuple(features)


def rows(features):
    return sum(ROWS[f.kind] for f in features)


def state_rows(features):
    momenta = sum(f.kind == "momentum" for f in features)
    needs_rms = momenta > 0 or any(f.kind == "grad-rms" for f in features)
    return int(needs_rms) + momenta


def step_rows(features):
    """(first row, count) of the step embedding; count 0 where there is none."""
    row = 0
    for f in features:
        if f.kind == "step":
            return row, ROWS["step"]
        row += ROWS[f.kind]
    return 0, 0


def _average(beta, t):
    """decay, gain and bias correction as the engine rounds them: from β in
    double, each then to float."""
    return (torch.tensor(beta, dtype=_F), torch.tensor(1.0 - beta, dtype=_F),
            torch.tensor(1.0 / (1.0 - beta ** t), dtype=_F))


def _logsign(grad, p_value):
    p = torch.tensor([p_value], dtype=_F)
    threshold, exp_p, inv_p = libm.expf(-p), libm.expf(p), 1.0 / p
    magnitude = grad.abs()
    big = magnitude >= threshold.to(grad.device)
    log_row = torch.full_like(grad, -1.0)
    log_row[big] = libm.logf(magnitude[big]) * inv_p.to(grad.device)
    sign_row = torch.where(big, torch.where(grad > 0, 1.0, -1.0).to(_F),
                           exp_p.to(grad.device) * grad)
    return [log_row, sign_row]


def forward(features, t, grad, theta, state):
    """Step @t (≥ 1) of the features of N coordinates: @grad, @theta [N] and
    the state before it [state_rows × N] in; the features [rows × N] and the
    state after it out."""
    decay, gain, correction = _average(RMS_DECAY, t)
    eps = torch.tensor(RMS_EPS, dtype=_F)
    new_state = []
    if state.shape[0] > 0:
        v = decay * state[0] + gain * grad * grad
        denominator = torch.sqrt(v * correction) + eps
        new_state.append(v)
    out, momentum_row = [], 1
    for f in features:
        if f.kind == "logsign":
            out += _logsign(grad, f.param)
        elif f.kind == "grad-rms":
            out.append(grad / denominator)
        elif f.kind == "momentum":
            m_decay, m_gain, m_correction = _average(f.param, t)
            m = m_decay * state[momentum_row] + m_gain * grad
            new_state.append(m)
            out.append(m * m_correction / denominator)
            momentum_row += 1
        elif f.kind == "grad":
            out.append(grad)
        elif f.kind == "theta":
            out.append(theta)
        else:
            out += [torch.full_like(grad, float(math.tanh(t / tau - 1.0)))
                    for tau in STEP_TIMESCALES]
    next_state = torch.stack(new_state) if new_state else state
    return torch.stack(out), next_state
