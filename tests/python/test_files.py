# SPDX-License-Identifier: GPL-3.0-or-later
"""Damaged and foreign files are refused with a ValueError that names the
file and the problem: truncated, a header that is not JSON, a dtype other
than F32, a safetensors file that is not a learned optimizer, metadata this
package does not know."""

import os
import shutil
import struct
import tempfile
import unittest

import common  # first: exits 77 without torch
import torch

from l2l_workbench import load_checkpoint, safetensors, save_checkpoint

SHIPPED = os.path.join(common.SOURCE_ROOT, "data", "optimizers", "quadratic.safetensors")


class Files(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="l2l-python-")
        self.addCleanup(self.tmp.cleanup)
        with open(SHIPPED, "rb") as f:
            self.contents = f.read()

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def refused(self, path, pattern):
        with self.assertRaises(ValueError) as caught:
            load_checkpoint(path)
        message = str(caught.exception)
        self.assertIn(path, message)
        self.assertRegex(message, pattern)

    def header(self):
        (length,) = struct.unpack("<Q", self.contents[:8])
        return self.contents[8:8 + length], self.contents[8 + length:]

    def test_truncated(self):
        self.refused(self.write("short.safetensors", self.contents[:5]), "too short")
        self.refused(self.write("half.safetensors", self.contents[:200]), "header length")
        self.refused(self.write("cut.safetensors", self.contents[:-100]), "truncated")

    def test_bad_json(self):
        header, data = self.header()
        broken = header.replace(b'"', b"'", 3)
        self.refused(self.write("json.safetensors",
                                struct.pack("<Q", len(broken)) + broken + data), "not JSON")

    def test_nested_json(self):
        """JSON nested deeper than Python recurses is refused like other bad
        JSON, naming the file."""
        deep = b"[" * 100000 + b"]" * 100000
        self.refused(self.write("deep.safetensors", struct.pack("<Q", len(deep)) + deep),
                     "not JSON")

    def test_not_a_file(self):
        self.refused(self.tmp.name, "not a regular file")

    def test_directory_does_not_hide_a_name(self):
        """A folder named like a shipped optimizer (a data set's "mnist")
        leaves lstm:mnist the shipped one."""
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)
        os.chdir(self.tmp.name)
        os.mkdir("mnist")
        self.assertTrue(load_checkpoint("lstm:mnist").path.endswith("mnist.safetensors"))

    def test_overflow_refused(self):
        """A float64 value beyond float32 would be saved as infinity."""
        _, tensors = safetensors.read(SHIPPED)
        tensors = {k: v.double() for k, v in tensors.items()}
        tensors["out.bias"][0] = 1e39
        path = os.path.join(self.tmp.name, "big.safetensors")
        with self.assertRaisesRegex(ValueError, "infinity as float32"):
            save_checkpoint(path, tensors, layers=2, hidden=20, output_scale=0.1,
                            preprocess="logsign:p=10")

    def test_saved_file_mode(self):
        path = os.path.join(self.tmp.name, "mode.safetensors")
        umask = os.umask(0o022)
        self.addCleanup(os.umask, umask)
        safetensors.write(path, {"format": "pt"}, {"w": torch.ones(1)})
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)

    def test_wrong_dtype(self):
        header, data = self.header()
        changed = header.replace(b'"F32"', b'"F16"', 1)
        self.refused(self.write("dtype.safetensors",
                                struct.pack("<Q", len(changed)) + changed + data),
                     "dtype F16")

    def test_foreign(self):
        path = os.path.join(self.tmp.name, "model.safetensors")
        safetensors.write(path, {"format": "pt"}, {"linear.weight": torch.ones(2, 3)})
        self.refused(path, "metadata format is pt")
        safetensors.write(path, {}, {"linear.weight": torch.ones(2, 3)})
        self.refused(path, "metadata format is missing")

    def test_unknown_metadata(self):
        metadata, tensors = safetensors.read(SHIPPED)
        for key, value, pattern in (("format_version", "3", "format_version 3"),
                                    ("arch", "transformer", "arch 'transformer'"),
                                    ("preprocess", "sqrt", "preprocess 'sqrt'"),
                                    ("output_scale", "-1", "output_scale"),
                                    ("hidden", "21", "cells.0.weight_ih has shape"),
                                    ("groups", "a,a", "groups")):
            with self.subTest(key=key):
                path = os.path.join(self.tmp.name, f"{key}.safetensors")
                changed = {**metadata, key: value}
                if key == "arch":
                    changed["features"] = "logsign"
                safetensors.write(path, changed, tensors)
                self.refused(path, pattern)

    def test_shipped_loads(self):
        checkpoint = load_checkpoint(shutil.copy(SHIPPED, self.tmp.name))
        self.assertEqual((checkpoint.config.arch, checkpoint.config.layers,
                          checkpoint.config.hidden), ("lstm", 2, 20))


if __name__ == "__main__":
    unittest.main(verbosity=2)
