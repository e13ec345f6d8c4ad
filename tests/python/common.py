# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Python tests share: the skip without torch, the programs under
test (from the environment tests/python/meson.build sets) and running them."""

import os
import subprocess
import sys

try:
    import torch  # noqa: F401
except ImportError as e:
    print(f"SKIP: PyTorch is not installed for {sys.executable} ({e}); "
          "install Debian's python3-torch", flush=True)
    sys.exit(77)

SOURCE_ROOT = os.environ.get("L2L_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "python"))
L2L = os.environ.get("L2L_CLI", os.path.join(SOURCE_ROOT, "build", "src", "cli", "l2l"))
RULE_UPDATES = os.environ.get("L2L_RULE_UPDATES",
                              os.path.join(SOURCE_ROOT, "build", "tests", "python", "rule-updates"))
PROBLEM = os.path.join(SOURCE_ROOT, "tests", "data", "quadratic-problem.json")


def run(*args, cwd=None):
    """Runs a program, failing with its output where it fails."""
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {result.returncode}:\n"
                             f"{result.stdout}{result.stderr}")
    return result.stdout


def relative_error(a, b):
    return abs(a - b) / max(abs(b), 1e-30)
