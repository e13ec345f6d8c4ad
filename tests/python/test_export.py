# SPDX-License-Identifier: GPL-3.0-or-later
"""The reverse direction: the paper's LSTM built from torch.nn.LSTMCell and
torch.nn.Linear and saved with save_checkpoint is a file `l2l info`
describes and `l2l compare` races, and one LearnedOptimizer reads back."""

import os
import tempfile
import unittest

import common  # first: exits 77 without torch
import torch

from l2l_workbench import load_checkpoint, save_checkpoint


class PaperLstm(torch.nn.Module):
    """Two LSTMCells of 20 on the logsign inputs and a Linear(20, 1): the
    tensor names are the workbench's."""

    def __init__(self):
        super().__init__()
        self.cells = torch.nn.ModuleList([torch.nn.LSTMCell(2, 20), torch.nn.LSTMCell(20, 20)])
        self.out = torch.nn.Linear(20, 1)


class Export(unittest.TestCase):
    def test_engine_reads_it(self):
        tmp = tempfile.TemporaryDirectory(prefix="l2l-python-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "mine.safetensors")
        torch.manual_seed(0)
        net = PaperLstm()
        save_checkpoint(path, net, layers=2, hidden=20, preprocess="logsign:p=10",
                        output_scale=0.1, metadata={"task": "quadratic", "kind": "best"})

        info = common.run(common.L2L, "info", path)
        self.assertIn("2 × 20 LSTM", info)
        self.assertIn("logsign:p=10", info)
        self.assertIn("cells.1.weight_hh", info)

        out = os.path.join(tmp.name, "race.csv")
        common.run(common.L2L, "compare", "--task", "quadratic", "--optimizers",
                   f"lstm:{path},adam", "--runs", 2, "--steps", 5, "--csv", out, cwd=tmp.name)
        with open(out) as f:
            rows = f.read().splitlines()
        self.assertEqual(len(rows), 1 + 2 * 2 * 6)

        checkpoint = load_checkpoint(path)
        self.assertTrue(torch.equal(checkpoint.nets[""]["cells.0.weight_ih"],
                                    net.cells[0].weight_ih.detach()))

    def test_wrong_shape_refused(self):
        with self.assertRaisesRegex(ValueError, "x.safetensors: tensor cells.0.weight_ih"):
            save_checkpoint("x.safetensors", PaperLstm(), layers=2, hidden=20,
                            features="grad", output_scale=0.1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
