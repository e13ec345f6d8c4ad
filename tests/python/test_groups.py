# SPDX-License-Identifier: GPL-3.0-or-later
"""A per-group checkpoint (lstm:cnn, schedule:cnn: one net for "conv", one
for "fc") on the param groups of a small conv net gives θ after each step
as the engine's learned optimizer does on the same gradients (the helper
rule-updates applies it), and a param group it has no net for is refused."""

import os
import tempfile
import unittest

import common  # first: exits 77 without torch
import torch

from l2l_workbench import LearnedOptimizer
from l2l_workbench import safetensors

STEPS = 30
TOLERANCE = 1e-5


def small_conv_net():
    torch.manual_seed(0)
    conv = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
    fc = torch.nn.Linear(4 * 3 * 3, 10)
    return conv, fc


class Groups(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="l2l-python-")
        self.addCleanup(self.tmp.cleanup)

    def run_torch(self, spec):
        """θ after each step and the gradients that made them, conv then fc."""
        conv, fc = small_conv_net()
        params = list(conv.parameters()) + list(fc.parameters())
        optimizer = LearnedOptimizer([{"params": conv.parameters(), "group": "conv"},
                                      {"params": fc.parameters(), "group": "fc"}], spec)
        images, labels = torch.rand(16, 1, 8, 8), torch.randint(0, 10, (16,))
        flat = lambda tensors: torch.cat([t.detach().reshape(-1) for t in tensors])
        theta0, grads, thetas = flat(params), [], []
        for _ in range(STEPS):
            optimizer.zero_grad()
            logits = fc(conv(images).flatten(1))
            torch.nn.functional.cross_entropy(logits, labels).backward()
            grads.append(flat(p.grad for p in params))
            optimizer.step()
            thetas.append(flat(params))
        n_conv = sum(p.numel() for p in conv.parameters())
        return theta0, torch.stack(grads), torch.stack(thetas), n_conv

    def check(self, spec):
        theta0, grads, thetas, n_conv = self.run_torch(spec)
        inputs = os.path.join(self.tmp.name, "grads.safetensors")
        out = os.path.join(self.tmp.name, "theta.safetensors")
        safetensors.write(inputs, {}, {"theta0": theta0, "grads": grads})
        layout = f"conv={n_conv},fc={theta0.numel() - n_conv}"
        common.run(common.RULE_UPDATES, spec, layout, inputs, out)
        engine = safetensors.read(out)[1]["theta"]
        error = ((thetas - engine).abs() / engine.abs().clamp(min=1e-3)).max().item()
        print(f"{spec}: worst relative difference of θ over {STEPS} steps {error:.2e}")
        self.assertLessEqual(error, TOLERANCE)

    def test_lstm_cnn(self):
        self.check("lstm:cnn")

    def test_schedule_cnn(self):
        self.check("schedule:cnn")

    def test_group_without_net(self):
        conv, fc = small_conv_net()
        with self.assertRaisesRegex(ValueError, r"cnn\.safetensors.*'dense'"):
            LearnedOptimizer([{"params": conv.parameters(), "group": "conv"},
                              {"params": fc.parameters(), "group": "dense"}], "lstm:cnn")
        with self.assertRaisesRegex(ValueError, "None"):
            LearnedOptimizer(fc.parameters(), "lstm:cnn")


if __name__ == "__main__":
    unittest.main(verbosity=2)
