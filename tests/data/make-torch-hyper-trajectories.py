#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes quadratic-torch-hyper-trajectories.csv: 100 steps of torch.optim in
float64 on quadratic-problem.json (f = ||W theta - y||^2 from theta0) with
hyper-parameters other than the defaults, as the engine's optimizers must
follow them. Columns optimizer,run,step,loss; step 0 is the initial loss.
Usage: python3 make-torch-hyper-trajectories.py > quadratic-torch-hyper-trajectories.csv"""
import json
import pathlib

import torch

CASES = [
    ("sgd-momentum", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5)),
    ("nag-momentum", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.7, nesterov=True)),
    ("rmsprop-alpha", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.95)),
    ("adam-betas", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99))),
]

problem = json.loads((pathlib.Path(__file__).parent / "quadratic-problem.json").read_text())
W = torch.tensor(problem["W"], dtype=torch.float64)
y = torch.tensor(problem["y"], dtype=torch.float64)
print("optimizer,run,step,loss")
for name, make in CASES:
    theta = torch.tensor(problem["theta0"], dtype=torch.float64, requires_grad=True)
    optimizer = make([theta])
    for step in range(101):
        optimizer.zero_grad()
        loss = (W @ theta - y).pow(2).sum()
        print(f"{name},0,{step},{loss.item():.17g}")
        loss.backward()
        optimizer.step()
