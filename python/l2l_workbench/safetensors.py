# SPDX-License-Identifier: GPL-3.0-or-later
"""The safetensors container as the workbench writes it: an 8-byte
little-endian header length, a JSON header ("__metadata__", a map of strings,
and per tensor its dtype "F32", shape and data_offsets), then raw
little-endian float32 data. Debian 12 ships no `safetensors` package, and the
workbench needs only this much of it."""

import array
import json
import math
import os
import stat
import struct
import sys
import tempfile

import torch

# As the engine: a larger header is not one the workbench wrote or could use.
MAX_HEADER_BYTES = 16 << 20


def _fail(path, problem):
    return ValueError(f"{path}: {problem}")


def _is_size(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parse_tensor(path, name, entry, data_size):
    if not isinstance(entry, dict):
        raise _fail(path, f"tensor {name} is not described by an object")
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype is None or shape is None or offsets is None:
        raise _fail(path, f"tensor {name} lacks dtype, shape or data_offsets")
    if dtype != "F32":
        raise _fail(path, f"tensor {name} has dtype {dtype}; only F32 is supported")
    if not isinstance(shape, list) or not all(_is_size(d) for d in shape):
        raise _fail(path, f"tensor {name} has a shape that is not a list of sizes")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(_is_size(o) for o in offsets) or offsets[0] > offsets[1]):
        raise _fail(path, f"tensor {name}: data_offsets are not [begin, end] with 0 ≤ begin ≤ end")
    begin, end = offsets
    if end > data_size:
        raise _fail(path, f"tensor {name} ends at byte {end} of the data, but the data has "
                          f"only {data_size} bytes (truncated file?)")
    if end - begin != 4 * math.prod(shape):
        raise _fail(path, f"tensor {name}: {end - begin} bytes of data for shape {shape}")
    return shape, begin, end


def _floats(raw):
    """Little-endian float32 bytes as a tensor of its own."""
    values = array.array("f")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return torch.tensor(values, dtype=torch.float32)


def _raw(tensor):
    values = array.array("f", tensor.detach().to("cpu", torch.float32).flatten().tolist())
    if sys.byteorder == "big":
        values.byteswap()
    return values.tobytes()


def read(path):
    """Returns (metadata, tensors) of the file at @path: a dict of strings and
    a dict of float32 tensors, each a copy. Raises ValueError naming the file
    and the problem for anything damaged or not of this form."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise _fail(path, "not a regular file")
    with open(path, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, "not a regular file")
        if info.st_size < 8:
            raise _fail(path, f"{info.st_size} bytes is too short for a safetensors file")
        (header_len,) = struct.unpack("<Q", f.read(8))
        if header_len > info.st_size - 8:
            raise _fail(path, f"header length {header_len} is larger than the file "
                              f"({info.st_size} bytes); truncated or not a safetensors file")
        if header_len > MAX_HEADER_BYTES:
            raise _fail(path, f"header length {header_len} is beyond {MAX_HEADER_BYTES} bytes")
        text = f.read(header_len)
        data = f.read(info.st_size - 8 - header_len)
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        # ValueError: JSONDecodeError, and an integer of too many digits
        raise _fail(path, f"the header is not JSON the workbench writes ({e})") from None
    if not isinstance(header, dict):
        raise _fail(path, "the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict):
        raise _fail(path, "__metadata__ is not an object")
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise _fail(path, f"metadata {key} is not a string")
    spans, tensors = [], {}
    for name, entry in header.items():
        shape, begin, end = _parse_tensor(path, name, entry, len(data))
        spans.append((begin, end, name))
        tensors[name] = _floats(data[begin:end]).reshape(shape)
    spans.sort()
    for (_, end_a, a), (begin_b, _, b) in zip(spans, spans[1:]):
        if begin_b < end_a:
            raise _fail(path, f"tensors {a} and {b} overlap")
    return metadata, tensors


def write(path, metadata, tensors):
    """Writes @tensors (name → tensor, in order) as F32 with @metadata (a dict
    of strings) to @path, through a temporary file renamed into place, the
    data 8-byte aligned as the engine writes it."""
    path = os.fspath(path)
    header = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        blob = _raw(tensor)
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        # mkstemp's 0600 would hide the checkpoint from others: the umask's mode
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for blob in blobs:
                f.write(blob)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
