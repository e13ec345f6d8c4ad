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

    def test_float16(self):
        """torch casts loaded state to the params' dtype; ours stays float32,
        so float16 parameters resume to the bit."""
        def run(optimizer, params, steps, seed):
            generator = torch.Generator().manual_seed(seed)
            for _ in range(steps):
                target = torch.randn(16, generator=generator)
                optimizer.zero_grad()
                ((params[0].float() - target) ** 2).sum().backward()
                optimizer.step()

        def fresh():
            return [torch.nn.Parameter(torch.linspace(-1, 1, 16).half())]

        straight = fresh()
        optimizer = LearnedOptimizer(straight, "lstm:mnist")
        run(optimizer, straight, 10, 0)
        run(optimizer, straight, 10, 1)
        resumed = fresh()
        optimizer = LearnedOptimizer(resumed, "lstm:mnist")
        run(optimizer, resumed, 10, 0)
        saved = optimizer.state_dict()
        optimizer = LearnedOptimizer(resumed, "lstm:mnist")
        optimizer.load_state_dict(saved)
        for state in optimizer.state.values():
            self.assertEqual(state["net"].dtype, torch.float32)
        run(optimizer, resumed, 10, 1)
        self.assertTrue(torch.equal(straight[0], resumed[0]))

    def test_foreign_state(self):
        """State saved for other parameters, or by another architecture, is
        refused rather than handed to the wrong coordinates."""
        a = torch.nn.Parameter(torch.zeros(3, 5))
        b = torch.nn.Parameter(torch.zeros(5, 2))
        optimizer = LearnedOptimizer([a, b], "lstm:mnist")
        for p in (a, b):
            p.grad = torch.ones_like(p)
        optimizer.step()
        saved = optimizer.state_dict()
        swapped = LearnedOptimizer([b, a], "lstm:mnist")
        with self.assertRaisesRegex(ValueError, "saved for other parameters"):
            swapped.load_state_dict(saved)
        schedule = LearnedOptimizer([a, b], "schedule:quadratic")
        with self.assertRaisesRegex(ValueError, "another learned optimizer"):
            schedule.load_state_dict(saved)

    def test_refusals(self):
        """A param group of no group the checkpoint has is refused and not
        kept; sparse gradients are refused by name."""
        conv = torch.nn.Parameter(torch.zeros(4))
        optimizer = LearnedOptimizer([{"params": [conv], "group": "conv"}], "lstm:cnn")
        with self.assertRaisesRegex(ValueError, "group 'dense'"):
            optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2))],
                                       "group": "dense"})
        self.assertEqual([g["group"] for g in optimizer.param_groups], ["conv"])
        weights = torch.nn.Parameter(torch.zeros(3, 2))
        optimizer = LearnedOptimizer([weights], "lstm:mnist")
        weights.grad = torch.zeros(3, 2).to_sparse()
        with self.assertRaisesRegex(ValueError, "sparse gradients"):
            optimizer.step()

    def test_schedule_order(self):
        """The schedule's step is the function's, whatever the order of the
        params and however long one went without a gradient."""
        finals = []
        for order in ((0, 1), (1, 0)):
            torch.manual_seed(3)
            params = [torch.nn.Parameter(torch.randn(4)), torch.nn.Parameter(torch.randn(3))]
            optimizer = LearnedOptimizer([params[i] for i in order], "schedule:quadratic")
            for step in range(25):
                optimizer.zero_grad()
                loss = (params[1] ** 2).sum()
                if not 1 <= step < 24:
                    loss = loss + (params[0] ** 2).sum()
                loss.backward()
                optimizer.step()
            finals.append(params[1].detach().clone())
        self.assertTrue(torch.equal(finals[0], finals[1]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
