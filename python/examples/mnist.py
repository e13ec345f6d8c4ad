#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Trains the workbench's mnist task in PyTorch — an MLP 784-20-10 with
sigmoid hidden units, θ0 ~ N(0, 0.01²), minibatches of 128 from the shipped
10,000-digit subset — once with the shipped learned optimizer lstm:mnist and
once with torch.optim.Adam (lr 0.01), printing both minibatch losses, the
held-out loss at the end and each optimizer's time per step.

    /usr/bin/python3 python/examples/mnist.py [--steps 100] [--every 10]
"""

import argparse
import gzip
import os
import struct
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from l2l_workbench import LearnedOptimizer  # noqa: E402

DATA = os.path.join(HERE, "..", "..", "data", "mnist-10k")
TRAIN = 8500   # the mnist task's split: the last 1,500 digits are held out


def read_idx(path):
    """An IDX file (gzip): unsigned bytes with their dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, n_dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(f">{n_dims}I", data[4:4 + 4 * n_dims])
    values = torch.frombuffer(bytearray(data[4 + 4 * n_dims:]), dtype=torch.uint8)
    return values.reshape(dims)


def mnist_mlp(seed):
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(784, 20), torch.nn.Sigmoid(),
                              torch.nn.Linear(20, 10))
    with torch.no_grad():
        for p in net.parameters():
            p.normal_(0.0, 0.01)
    return net


def train(name, make_optimizer, images, labels, args):
    net = mnist_mlp(args.seed)
    optimizer = make_optimizer(net.parameters())
    batches = torch.Generator().manual_seed(args.seed)
    losses, seconds = [], 0.0
    for _ in range(args.steps):
        index = torch.randint(0, TRAIN, (128,), generator=batches)
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(images[index]), labels[index])
        loss.backward()
        start = time.perf_counter()
        optimizer.step()
        seconds += time.perf_counter() - start
        losses.append(loss.item())
    with torch.no_grad():
        held_out = torch.nn.functional.cross_entropy(net(images[TRAIN:]), labels[TRAIN:]).item()
    return losses, held_out, seconds / args.steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)

    images = read_idx(os.path.join(DATA, "images-idx3-ubyte.gz")).reshape(-1, 784).float() / 255
    labels = read_idx(os.path.join(DATA, "labels-idx1-ubyte.gz")).long()
    learned = train("lstm:mnist", lambda p: LearnedOptimizer(p, "lstm:mnist"),
                    images, labels, args)
    adam = train("adam", lambda p: torch.optim.Adam(p, lr=0.01), images, labels, args)

    print(f"{'step':>5} {'lstm:mnist':>11} {'adam 0.01':>11}")
    for step in range(0, args.steps, args.every):
        print(f"{step + 1:>5} {learned[0][step]:>11.4f} {adam[0][step]:>11.4f}")
    print(f"{args.steps:>5} {learned[0][-1]:>11.4f} {adam[0][-1]:>11.4f}")
    print(f"held-out loss  {learned[1]:>8.4f} {adam[1]:>11.4f}")
    print(f"time per step  {learned[2] * 1e3:>6.2f} ms {adam[2] * 1e3:>8.3f} ms "
          "(optimizer.step() alone, one thread)")


if __name__ == "__main__":
    main()
