# SPDX-License-Identifier: GPL-3.0-or-later
"""state_dict() and load_state_dict() keep every coordinate's state: 10
steps, a save through torch.save, a new optimizer that loads it and 10 more
steps give the bits of 20 steps straight, for every architecture's state."""

import io
import os
import tempfile
import unittest

import common  # first: exits 77 without torch
import torch

from l2l_workbench import LearnedOptimizer


def model():
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))


def train(net, optimizer, steps, seed):
    generator = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x = torch.randn(32, 5, generator=generator)
        optimizer.zero_grad()
        ((net(x) - x.sum(dim=1, keepdim=True)) ** 2).mean().backward()
        optimizer.step()


class State(unittest.TestCase):
    def check(self, spec):
        straight = model()
        optimizer = LearnedOptimizer(straight.parameters(), spec)
        train(straight, optimizer, 10, seed=0)
        train(straight, optimizer, 10, seed=1)

        resumed = model()
        optimizer = LearnedOptimizer(resumed.parameters(), spec)
        train(resumed, optimizer, 10, seed=0)
        saved = io.BytesIO()
        torch.save({"model": resumed.state_dict(), "optimizer": optimizer.state_dict()}, saved)
        saved.seek(0)
        loaded = torch.load(saved)
        resumed = model()
        resumed.load_state_dict(loaded["model"])
        optimizer = LearnedOptimizer(resumed.parameters(), spec)
        optimizer.load_state_dict(loaded["optimizer"])
        train(resumed, optimizer, 10, seed=1)

        for a, b in zip(straight.parameters(), resumed.parameters()):
            self.assertTrue(torch.equal(a, b), f"{spec}: resumed parameters differ")

    def test_round_trip(self):
        tmp = tempfile.TemporaryDirectory(prefix="l2l-python-")
        self.addCleanup(tmp.cleanup)
        mlp = os.path.join(tmp.name, "mlp.safetensors")
        common.run(common.L2L, "train", "--task", "quadratic", "--arch", "mlp", "--epochs", 1,
                   "--batch", 4, "--eval-every", 1, "--eval-runs", 2, "--out", mlp, cwd=tmp.name)
        for spec in ("lstm:mnist", "schedule:quadratic", f"mlp:{mlp}"):
            with self.subTest(spec=spec):
                self.check(spec)


if __name__ == "__main__":
    unittest.main(verbosity=2)
