# SPDX-License-Identifier: GPL-3.0-or-later
"""LearnedOptimizer on a PyTorch quadratic gives, at every one of 100 steps,
the loss `l2l compare` writes for the same optimizer on the same problem
file: every shipped architecture and checkpoint of the quadratic and MNIST,
and the architectures nothing ships, trained here for two epochs."""

import csv
import json
import os
import tempfile
import unittest

import common  # first: exits 77 without torch
import torch

from l2l_workbench import LearnedOptimizer

STEPS = 100
TOLERANCE = 1e-4


class Trajectory(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="l2l-python-")
        self.addCleanup(self.tmp.cleanup)

    def engine_losses(self, spec):
        out = os.path.join(self.tmp.name, "compare.csv")
        common.run(common.L2L, "compare", "--problem", common.PROBLEM, "--optimizers", spec,
                   "--steps", STEPS, "--runs", 1, "--csv", out, cwd=self.tmp.name)
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([int(r["step"]) for r in rows], list(range(STEPS + 1)))
        return [float(r["loss"]) for r in rows]

    def torch_losses(self, spec):
        with open(common.PROBLEM) as f:
            problem = json.load(f)
        W = torch.tensor(problem["W"], dtype=torch.float32)
        y = torch.tensor(problem["y"], dtype=torch.float32)
        theta = torch.nn.Parameter(torch.tensor(problem["theta0"], dtype=torch.float32))
        optimizer = LearnedOptimizer([theta], spec)
        losses = []
        for _ in range(STEPS + 1):
            optimizer.zero_grad()
            # Wθ − y as the engine's sgemv forms it (β = −1 on y): the rule's
            # trajectory on this problem turns a last-bit difference in the
            # gradient into percents within a hundred steps
            residual = torch.addmv(y, W, theta, beta=-1.0)
            (residual ** 2).sum().backward()
            losses.append((residual.detach().double() ** 2).sum().item())
            optimizer.step()
        return losses

    def check(self, spec):
        engine, ours = self.engine_losses(spec), self.torch_losses(spec)
        worst = max(common.relative_error(a, b) for a, b in zip(ours, engine))
        print(f"{spec}: worst relative difference over {STEPS} steps {worst:.2e}")
        for step, (a, b) in enumerate(zip(ours, engine)):
            self.assertLessEqual(common.relative_error(a, b), TOLERANCE,
                                 f"{spec} step {step}: {a} here, {b} in the engine")

    def test_shipped(self):
        for spec in ("lstm:quadratic", "schedule:quadratic", "lstm:mnist", "schedule:mnist",
                     "lstm:landscape"):
            with self.subTest(spec=spec):
                self.check(spec)

    def test_trained_here(self):
        for arch in ("mlp", "rnnprop"):
            with self.subTest(arch=arch):
                path = os.path.join(self.tmp.name, f"{arch}.safetensors")
                common.run(common.L2L, "train", "--task", "quadratic", "--arch", arch,
                           "--epochs", 2, "--batch", 8, "--eval-every", 1, "--eval-runs", 4,
                           "--out", path, cwd=self.tmp.name)
                self.check(f"{arch}:{path}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
