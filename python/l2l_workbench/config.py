# SPDX-License-Identifier: GPL-3.0-or-later
"""A learned rule's shape as a checkpoint's metadata states it, checked as
src/engine/learned/l2l-checkpoint.c checks it, and the tensors each
architecture expects (PyTorch's names and shapes)."""

import math
import re
from dataclasses import dataclass

from . import features as feats

FORMAT = "l2l-workbench.lstm-optimizer"
FORMAT_VERSION = 2
ARCHS = ("lstm", "rnnprop", "mlp", "schedule")
DEFAULT_FEATURES = {
    "lstm": "logsign:p=10",
    "rnnprop": "grad-rms,momentum:0.9",
    "mlp": "grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,step",
    "schedule": "grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,step",
}
MAX_LAYERS, MAX_HIDDEN, MAX_GROUPS = 8, 1024, 8
_GROUP_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class RuleConfig:
    arch: str
    layers: int
    hidden: int
    features: tuple
    output_scale: float
    groups: tuple   # () for one net serving every coordinate

    @property
    def input_size(self):
        return feats.rows(self.features)


def format_double(value):
    """The shortest of 15 to 17 significant digits that reads back, as the
    engine's l2l_format_double."""
    for digits in (15, 16, 17):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return text


def features_to_string(features):
    parts = []
    for f in features:
        if f.kind in ("logsign", "momentum"):
            key = "logsign:p=" if f.kind == "logsign" else "momentum:"
            parts.append(key + format_double(f.param))
        else:
            parts.append(f.kind)
    return ",".join(parts)


def preprocess_of(config):
    """The paper's shorthand for the LSTM's features, or None where they
    have none (the engine then writes format version 2)."""
    if config.arch != "lstm" or len(config.features) != 1:
        return None
    f = config.features[0]
    if f.kind == "grad":
        return "none"
    return f"logsign:p={f.param:g}" if f.kind == "logsign" else None


def parse_preprocess(text):
    if text == "none":
        return feats.parse("grad")
    if text == "logsign" or text.startswith("logsign:p="):
        return feats.parse(text)
    raise ValueError(f"'{text}' is not none, logsign or logsign:p=P with 0 < P ≤ 80")


def parse_groups(text):
    if not text:
        return ()
    names = tuple(text.split(","))
    if (len(names) > MAX_GROUPS or len(text) >= 128 or len(set(names)) != len(names)
            or not all(_GROUP_NAME.fullmatch(n) for n in names)):
        raise ValueError(f"'{text}' is not up to {MAX_GROUPS} distinct names of letters, "
                         "digits, '_' or '-', separated by commas")
    return names


def _count(metadata, key, low, high):
    text = metadata.get(key)
    if text is None:
        raise ValueError("is missing")
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"is '{text}', not a count") from None
    if not low <= value <= high:
        raise ValueError(f"is {value}, outside {low} to {high}")
    return value


def from_metadata(path, metadata):
    """The RuleConfig of a checkpoint's @metadata; ValueError naming @path
    and the field for anything this package does not know."""
    def field(key, check):
        try:
            return check()
        except ValueError as e:
            raise ValueError(f"{path}: metadata {key} {e}") from None

    fmt = metadata.get("format")
    if fmt != FORMAT:
        raise ValueError(f"{path}: metadata format is {fmt or 'missing'}, not {FORMAT}: "
                         "not a learned-optimizer checkpoint")
    version = field("format_version", lambda: _count(metadata, "format_version", 0, 1 << 32))
    if version > FORMAT_VERSION:
        raise ValueError(f"{path}: metadata format_version {version} is newer than this "
                         f"package reads ({FORMAT_VERSION})")
    arch = metadata.get("arch")
    if arch is not None and arch not in ARCHS:
        raise ValueError(f"{path}: metadata arch '{arch}' is not one this package knows "
                         f"({', '.join(ARCHS)})")
    if "features" in metadata:
        features = field("features", lambda: _checked(feats.parse, metadata["features"]))
    elif arch is not None:
        raise ValueError(f"{path}: metadata features is missing (arch {arch} needs it)")
    elif "preprocess" in metadata:
        features = field("preprocess", lambda: _checked(parse_preprocess, metadata["preprocess"]))
    else:
        raise ValueError(f"{path}: metadata preprocess is missing (and no features)")
    layers = field("layers", lambda: _count(metadata, "layers", 1, MAX_LAYERS))
    hidden = field("hidden", lambda: _count(metadata, "hidden", 1, MAX_HIDDEN))
    scale = field("output_scale", lambda: _scale(metadata.get("output_scale")))
    groups = field("groups", lambda: parse_groups(metadata.get("groups", "")))
    config = RuleConfig(arch or "lstm", layers, hidden, features, scale, groups)
    if config.arch == "schedule" and feats.step_rows(features)[1] == config.input_size:
        raise ValueError(f"{path}: metadata features: the schedule optimizer needs a feature "
                         "besides step to make its update of")
    return config


def _checked(parse, text):
    try:
        return parse(text)
    except ValueError as e:
        raise ValueError(f"'{text}': {e}") from None


def _scale(text):
    if text is None:
        raise ValueError("is missing")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"is '{text}', not a number") from None
    if not (math.isfinite(value) and 1e-9 <= value <= 1e9):
        raise ValueError(f"is {text}, outside 1e-09 to 1e+09")
    return value


def to_metadata(config):
    """The architecture's metadata as the engine writes it: version 1 with
    `preprocess` for the paper's LSTM, else version 2 with arch and features."""
    preprocess = preprocess_of(config)
    metadata = {"format": FORMAT, "format_version": "1" if preprocess else "2",
                "layers": str(config.layers), "hidden": str(config.hidden)}
    if preprocess:
        metadata["preprocess"] = preprocess
    else:
        metadata["arch"] = config.arch
        metadata["features"] = features_to_string(config.features)
    metadata["output_scale"] = format_double(config.output_scale)
    if config.groups:
        metadata["groups"] = ",".join(config.groups)
    return metadata


def tensor_shapes(config):
    """One group's tensors, name → shape, in the engine's order."""
    H, L, n_in = config.hidden, config.layers, config.input_size
    shapes = {}
    if config.arch in ("lstm", "rnnprop"):
        for l in range(L):
            cell_in = n_in if l == 0 and config.arch == "lstm" else H
            shapes[f"cells.{l}.weight_ih"] = [4 * H, cell_in]
            shapes[f"cells.{l}.weight_hh"] = [4 * H, H]
            shapes[f"cells.{l}.bias_ih"] = [4 * H]
            shapes[f"cells.{l}.bias_hh"] = [4 * H]
        shapes["out.weight"] = [1, H]
        shapes["out.bias"] = [1]
        if config.arch == "rnnprop":
            shapes["input.weight"] = [H, n_in]
            shapes["input.bias"] = [H]
        return shapes
    for l in range(L):
        shapes[f"layers.{l}.weight"] = [H, n_in if l == 0 else H]
        shapes[f"layers.{l}.bias"] = [H]
    outputs = 2 if config.arch == "mlp" else 1 + n_in - feats.step_rows(config.features)[1]
    shapes["out.weight"] = [outputs, H]
    shapes["out.bias"] = [outputs]
    return shapes
