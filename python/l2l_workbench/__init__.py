# SPDX-License-Identifier: GPL-3.0-or-later
"""L2L Workbench's learned optimizers for PyTorch: LearnedOptimizer runs a
workbench checkpoint as a torch.optim.Optimizer with the engine's numerics;
load_checkpoint reads one and save_checkpoint writes one the workbench reads."""

from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .optimizer import LearnedOptimizer

__all__ = ["Checkpoint", "LearnedOptimizer", "load_checkpoint", "save_checkpoint"]
