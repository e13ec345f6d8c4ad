# SPDX-License-Identifier: GPL-3.0-or-later
"""Learned-optimizer checkpoints: finding one by its shipped name, reading it
with every check the engine makes, and writing one the engine reads."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from . import config as cfg
from . import features as feats
from . import safetensors

try:
    from ._installed import DATADIR   # written by meson install
except ImportError:
    DATADIR = None


@dataclass(frozen=True)
class Checkpoint:
    path: str
    config: cfg.RuleConfig
    nets: dict       # group name ("" for one net) → {tensor name: tensor}
    metadata: dict


def _optimizer_dirs():
    """Where shipped optimizers may be: the source tree this package sits
    in, then where meson installed them, then the XDG data dirs."""
    dirs = [Path(__file__).resolve().parents[2] / "data" / "optimizers"]
    if DATADIR:
        dirs.append(Path(DATADIR) / "l2l-workbench" / "optimizers")
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    dirs += [Path(d) / "l2l-workbench" / "optimizers" for d in data_dirs.split(":") if d]
    dirs.append(Path(sys.prefix) / "share" / "l2l-workbench" / "optimizers")
    return list(dict.fromkeys(dirs))   # each once, in order


def resolve(spec):
    """(path, arch or None) of @spec: a path, "ARCH:FILE", or "ARCH:NAME" of
    a shipped optimizer (NAME.safetensors for lstm, NAME.ARCH.safetensors for
    the others, as the engine names them)."""
    spec = os.fspath(spec)
    arch, _, rest = spec.partition(":")
    if arch not in cfg.ARCHS or not rest:
        return spec, None
    if os.path.isfile(rest):
        return rest, arch
    name = rest if arch == "lstm" else f"{rest}.{arch}"
    for directory in _optimizer_dirs():
        candidate = directory / f"{name}.safetensors"
        if candidate.is_file():
            return str(candidate), arch
    raise ValueError(f"{spec}: no such file, and no shipped {arch} optimizer of that name "
                     f"(looked in {', '.join(str(d) for d in _optimizer_dirs())})")


def _read_net(path, tensors, config, prefix):
    net = {}
    for name, shape in cfg.tensor_shapes(config).items():
        full = prefix + name
        tensor = tensors.get(full)
        if tensor is None:
            raise ValueError(f"{path}: tensor {full} is missing")
        if list(tensor.shape) != shape:
            raise ValueError(f"{path}: tensor {full} has shape {list(tensor.shape)}, "
                             f"expected {shape}")
        # as it is stored: float32 (1e39 in float64 would be written as infinity)
        if not torch.isfinite(tensor.detach().float()).all():
            raise ValueError(f"{path}: tensor {full} holds NaN or infinity as float32")
        net[name] = tensor
    return net


def load_checkpoint(spec):
    """The Checkpoint @spec names (see resolve); ValueError naming the file
    and the field or tensor for anything damaged, foreign or unknown."""
    path, arch = resolve(spec)
    metadata, tensors = safetensors.read(path)
    config = cfg.from_metadata(path, metadata)
    if arch is not None and config.arch != arch:
        raise ValueError(f"{spec}: metadata arch: the file holds a learned optimizer of "
                         f"architecture {config.arch}, not {arch}")
    groups = config.groups or ("",)
    nets = {g: _read_net(path, tensors, config, f"{g}." if g else "") for g in groups}
    return Checkpoint(path, config, nets, metadata)


def save_checkpoint(path, tensors, *, layers, hidden, output_scale, arch="lstm",
                    preprocess=None, features=None, groups=None, metadata=None):
    """Writes a checkpoint the engine reads: @tensors (a state_dict, or a
    module whose state_dict it is) under PyTorch's names — per group behind
    "GROUP." where @groups ("conv,fc") is given — with the architecture's
    metadata (@preprocess for the paper's LSTM, or @features; the
    architecture's default features if neither) and any extra string
    @metadata (task, notes). Shapes are checked before anything is written."""
    if isinstance(tensors, torch.nn.Module):
        tensors = tensors.state_dict()
    if arch not in cfg.ARCHS:
        raise ValueError(f"{path}: arch '{arch}' is not one of {', '.join(cfg.ARCHS)}")
    if preprocess is not None and features is not None:
        raise ValueError(f"{path}: give preprocess or features, not both")
    if preprocess is not None:
        chosen = cfg.parse_preprocess(preprocess)
    else:
        chosen = feats.parse(features or cfg.DEFAULT_FEATURES[arch])
    rule = cfg.RuleConfig(arch, layers, hidden, chosen, float(output_scale),
                          cfg.parse_groups(groups or ""))
    written = {**(metadata or {}), **cfg.to_metadata(rule)}
    cfg.from_metadata(path, written)
    ordered = {}
    for group in rule.groups or ("",):
        prefix = f"{group}." if group else ""
        ordered.update({prefix + name: tensor
                        for name, tensor in _read_net(path, tensors, rule, prefix).items()})
    safetensors.write(path, written, ordered)
