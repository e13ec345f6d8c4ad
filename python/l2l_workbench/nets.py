# SPDX-License-Identifier: GPL-3.0-or-later
"""Each architecture's net, by the name a checkpoint's metadata gives it."""

from .lstm import LstmNet
from .mlp import MlpNet
from .schedule import ScheduleNet

NETS = {"lstm": LstmNet, "rnnprop": LstmNet, "mlp": MlpNet, "schedule": ScheduleNet}


def make_net(config, tensors):
    return NETS[config.arch](config, tensors)


def net_state_rows(config):
    """Floats of the net's own state per coordinate: the LSTMs' h and c of
    every layer; the others keep none."""
    return 2 * config.layers * config.hidden if config.arch in ("lstm", "rnnprop") else 0
