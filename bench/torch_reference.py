#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One meta-training epoch of the L2L LSTM optimizer in plain PyTorch, written
the way a PyTorch user would (torch.nn.LSTMCell, autograd for the optimizee's
gradient), as the yardstick for the engine's speed. Same algorithm as the
engine: T = 100, K = 20, w_t = 1, second derivatives dropped, Adam 1e-3 with
the meta-gradient clipped to norm 1, on either 128 10-d quadratics (logsign
p = 10, output scale 0.1) or 2 MLPs 784-20-10 on minibatches of 128 MNIST
images (logsign p = 5, output scale 0.01). Prints the median seconds per epoch.

With --arch mlp the optimizer is instead the engine's per-coordinate MLP rule
(Metz et al. 2019): the features grad / (sqrt(v_hat) + 1e-8) and the momenta at
0.5, 0.9, 0.99 and 0.999, each m_hat / (sqrt(v_hat) + 1e-8), and
tanh(t / tau - 1) for tau = 1 ... 1000; two ReLU layers of 20 (torch.nn.Linear),
a Linear(20, 2) to a direction d and a magnitude m, and the update
0.1 * d * exp(1e-3 * m). With --arch schedule it is the engine's learned
schedule: on the same features, per function the mean |x| of each non-step row
and the step embedding through two tanh layers of 20 to a log step size o_0 and
a weight o_k per non-step row, the update 0.01 * exp(o_0) * sum_k o_k x_k
(MNIST only). With --step it times instead one optimizer step, no
autograd, on the 15,910 coordinates of one MNIST MLP, and prints the median
seconds (CPU time) per step.

With --task art it times instead the neural-art objective and its gradient
(autograd) through the shipped feature net at --size pixels: the same loss as
the engine's l2l-art-objective.c (alpha 1, beta 30, gamma 10, content layer 2),
and prints the median seconds per evaluation.

With --task cnn it times the loss and gradient of the cnn family's network
(the paper's Figure 7: three 5 x 5 convolutions of 16 channels without bias,
each with batch normalization in training mode, ReLU and 2 x 2 max-pooling,
a fully connected layer of 32 with batch normalization and ReLU, a linear
layer to 10 logits, cross-entropy) on a minibatch of 128 28 x 28 images, and
prints the median seconds per evaluation."""
import argparse
import gzip
import json
import math
import pathlib
import statistics
import time

import torch


class LstmOptimizer(torch.nn.Module):
    def __init__(self, layers=2, hidden=20, p=10.0, scale=0.1):
        super().__init__()
        self.cells = torch.nn.ModuleList(
            torch.nn.LSTMCell(2 if i == 0 else hidden, hidden) for i in range(layers))
        self.out = torch.nn.Linear(hidden, 1)
        self.p, self.scale, self.hidden = p, scale, hidden

    def preprocess(self, grad):
        magnitude = grad.abs()
        big = magnitude >= math.exp(-self.p)
        first = torch.where(big, torch.log(magnitude.clamp_min(1e-38)) / self.p,
                            -torch.ones_like(grad))
        second = torch.where(big, torch.sign(grad), math.exp(self.p) * grad)
        return torch.stack((first, second), dim=1)

    def initial_state(self, n):
        return [(torch.zeros(n, self.hidden), torch.zeros(n, self.hidden)) for _ in self.cells]

    def detach(self, state):
        return [(h.detach(), c.detach()) for h, c in state]

    def forward(self, grad, state):
        x = self.preprocess(grad)
        new_state = []
        for cell, (h, c) in zip(self.cells, state):
            h, c = cell(x, (h, c))
            new_state.append((h, c))
            x = h
        return self.out(x).squeeze(1) * self.scale, new_state


class MlpOptimizer(torch.nn.Module):
    MOMENTA = (0.5, 0.9, 0.99, 0.999)
    TIMESCALES = (1, 3, 10, 30, 100, 300, 1000)

    def __init__(self, layers=2, hidden=20, scale=0.1):
        super().__init__()
        inputs = 1 + len(self.MOMENTA) + len(self.TIMESCALES)
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(inputs if i == 0 else hidden, hidden) for i in range(layers))
        self.out = torch.nn.Linear(hidden, 2)
        self.scale = scale
        self.betas = torch.tensor(self.MOMENTA).unsqueeze(1)
        self.timescales = torch.tensor(self.TIMESCALES, dtype=torch.float32)

    def initial_state(self, n):
        """The step count, v and the momenta: the features' running averages."""
        return 0, torch.zeros(n), torch.zeros(len(self.MOMENTA), n)

    def detach(self, state):
        t, v, m = state
        return t, v.detach(), m.detach()

    def features(self, grad, state):
        t, v, m = state
        t += 1
        v = 0.999 * v + 0.001 * grad * grad
        rms = torch.sqrt(v / (1 - 0.999 ** t)) + 1e-8
        m = self.betas * m + (1 - self.betas) * grad
        m_hat = m / (1 - self.betas ** t)
        step = torch.tanh(t / self.timescales - 1).expand(grad.shape[0], -1)
        x = torch.cat((torch.stack((grad / rms, *(m_hat / rms)), dim=1), step), dim=1)
        return x, (t, v, m)

    def forward(self, grad, state):
        x, state = self.features(grad, state)
        for layer in self.layers:
            x = torch.relu(layer(x))
        direction, magnitude = self.out(x).unbind(1)
        return self.scale * direction * torch.exp(1e-3 * magnitude), state


class ScheduleOptimizer(MlpOptimizer):
    """The engine's learned schedule on the MLP's features: per function, the
    mean |x| of each non-step row and the step embedding through two tanh
    layers of 20 to a log step size o_0 and one weight per non-step row."""

    def __init__(self, layers=2, hidden=20, scale=0.01, functions=1):
        super().__init__(layers, hidden, scale)
        n_dir = 1 + len(self.MOMENTA)
        self.out = torch.nn.Linear(hidden, 1 + n_dir)
        self.functions = functions

    def forward(self, grad, state):
        x, state = self.features(grad, state)
        x = x.view(self.functions, -1, x.shape[1])
        n_dir = self.out.out_features - 1
        c = torch.cat((x[:, :, :n_dir].abs().mean(1), x[:, 0, n_dir:]), dim=1)
        for layer in self.layers:
            c = torch.tanh(layer(c))
        o = self.out(c)
        update = (x[:, :, :n_dir] * o[:, None, 1:]).sum(2) * torch.exp(o[:, :1])
        return self.scale * update.reshape(-1), state


def quadratic(W, y, theta):
    return ((W @ theta.unsqueeze(-1)).squeeze(-1) - y).pow(2).sum(-1)


def epoch(net, meta_opt, batch, dims, steps, unroll):
    W = torch.randn(batch, dims, dims)
    y = torch.randn(batch, dims)
    theta = 0.01 * torch.randn(batch, dims)
    state = net.initial_state(batch * dims)
    for _ in range(steps // unroll):
        theta = theta.detach().requires_grad_()
        state = net.detach(state)
        meta_loss = 0.0
        for _ in range(unroll):
            loss = quadratic(W, y, theta).sum()
            grad, = torch.autograd.grad(loss, theta, retain_graph=True)
            update, state = net(grad.detach().reshape(-1), state)
            theta = theta + update.reshape(batch, dims)
            meta_loss = meta_loss + quadratic(W, y, theta).mean()
        meta_opt.zero_grad()
        (meta_loss / steps).backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        meta_opt.step()


MNIST_MLP_PARAMS = 784 * 20 + 20 + 20 * 10 + 10


def load_mnist():
    data = pathlib.Path(__file__).resolve().parent.parent / "data" / "mnist-10k"
    with gzip.open(data / "images-idx3-ubyte.gz") as f:
        images = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8)
    with gzip.open(data / "labels-idx1-ubyte.gz") as f:
        labels = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8)
    return images.view(-1, 784).float() / 255.0, labels.long()


def mnist_epoch(net, meta_opt, images, labels, functions=2, steps=100, unroll=20,
                batch=128, hidden=20):
    sizes = (784 * hidden, hidden, hidden * 10, 10)
    n_params = sum(sizes)
    n_train = 8500

    def loss_of(theta):
        w1, b1, w2, b2 = torch.split(theta, sizes, dim=1)
        index = torch.randint(0, n_train, (functions, batch))
        h = torch.sigmoid(torch.baddbmm(b1.unsqueeze(1), images[index],
                                        w1.view(functions, hidden, 784).transpose(1, 2)))
        logits = torch.baddbmm(b2.unsqueeze(1), h, w2.view(functions, 10, hidden).transpose(1, 2))
        return torch.nn.functional.cross_entropy(
            logits.reshape(-1, 10), labels[index].reshape(-1), reduction="none"
        ).view(functions, batch).mean(1)

    theta = 0.01 * torch.randn(functions, n_params)
    state = net.initial_state(functions * n_params)
    loss = None
    for _ in range(steps // unroll):
        theta = theta.detach().requires_grad_()
        state = net.detach(state)
        loss = loss_of(theta)
        meta_loss = 0.0
        for _ in range(unroll):
            grad, = torch.autograd.grad(loss.sum(), theta, retain_graph=True)
            update, state = net(grad.detach().reshape(-1), state)
            theta = theta + update.view(functions, n_params)
            loss = loss_of(theta)
            meta_loss = meta_loss + loss.mean()
        meta_opt.zero_grad()
        (meta_loss / steps).backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        meta_opt.step()


def step_seconds(net, n, steps=200, warm_up=20):
    """One step of the optimizer on n coordinates, as it runs when it is used: CPU
    time, as the engine's bench-rule-step measures it, so that other work on a
    shared machine does not count."""
    # magnitudes spread as an MLP's gradients are (the LSTM's logsign takes
    # both branches), as bench-rule-step draws them
    grads = torch.sign(torch.randn(8, n)) * 10 ** (-6 + 5 * torch.rand(8, n))
    theta = torch.zeros(n)
    state = net.initial_state(n)
    times = []
    with torch.no_grad():
        for s in range(warm_up + steps):
            start = time.thread_time()
            update, state = net(grads[s % 8], state)
            theta += update
            if s >= warm_up:
                times.append(time.thread_time() - start)
    return statistics.median(times)


def load_feature_net():
    """The shipped safetensors feature net, read by hand (no extra package)."""
    path = (pathlib.Path(__file__).resolve().parent.parent / "data" / "art" / "feature-nets"
            / "inception-v3-stem.safetensors")
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + size])
    data = raw[8 + size:]
    layers = header["__metadata__"]["layers"].split(";")
    convs = []
    for i, text in enumerate(layers):
        tensors = []
        for kind in ("weight", "bias"):
            entry = header[f"convs.{i}.{kind}"]
            start, end = entry["data_offsets"]
            tensors.append(torch.frombuffer(bytearray(data[start:end]),
                                            dtype=torch.float32).view(entry["shape"]))
        stride = int(text.split("/s")[1].split("/")[0])
        pad = int(text.split("/p")[1].split("/")[0])
        pool = "maxpool" in text
        convs.append((tensors[0], tensors[1], stride, pad, pool))
    return convs


def art_features(convs, image):
    x = (image * 2 - 1).unsqueeze(0)
    features = []
    for weight, bias, stride, pad, pool in convs:
        x = torch.relu(torch.nn.functional.conv2d(x, weight, bias, stride=stride, padding=pad))
        features.append(x[0])
        if pool:
            x = torch.nn.functional.max_pool2d(x, 3, 2)
    return features


def gram(f):
    c = f.shape[0]
    m = f.reshape(c, -1)
    return m @ m.t() / m.numel()


def art_seconds(size, reps):
    convs = load_feature_net()
    content, style = torch.rand(3, size, size), torch.rand(3, size, size)
    target = art_features(convs, content)[2].detach()
    grams = [gram(f).detach() for f in art_features(convs, style)]

    def evaluate(theta):
        features = art_features(convs, theta)
        content_loss = (features[2] - target).pow(2).mean()
        style_loss = sum((gram(f) - g).pow(2).sum() for f, g in zip(features, grams))
        smooth = ((theta[:, 1:, :] - theta[:, :-1, :]).pow(2).mean()
                  + (theta[:, :, 1:] - theta[:, :, :-1]).pow(2).mean())
        loss = content_loss + 30 * style_loss + 10 * smooth
        grad, = torch.autograd.grad(loss, theta)
        return grad

    theta = content.clone().requires_grad_()
    evaluate(theta)   # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        evaluate(theta)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cnn_seconds(reps):
    layers, channels = [], 1
    for _ in range(3):
        layers += [torch.nn.Conv2d(channels, 16, 5, padding=2, bias=False),
                   torch.nn.BatchNorm2d(16), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
        channels = 16
    net = torch.nn.Sequential(*layers, torch.nn.Flatten(),
                              torch.nn.Linear(16 * 3 * 3, 32, bias=False),
                              torch.nn.BatchNorm1d(32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    images, labels = torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))
    params = list(net.parameters())

    def evaluate():
        loss = torch.nn.functional.cross_entropy(net(images), labels)
        return torch.autograd.grad(loss, params)

    evaluate()   # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        evaluate()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--task", choices=("quadratic", "mnist", "art", "cnn"), default="quadratic")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--arch", choices=("lstm", "mlp", "schedule"), default="lstm")
    parser.add_argument("--step", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.task == "art":
        print(f"{art_seconds(args.size, 50):.6f}")
        return
    if args.task == "cnn":
        print(f"{cnn_seconds(50):.6f}")
        return
    if args.arch == "mlp":
        net = MlpOptimizer()
    elif args.arch == "schedule":
        net = ScheduleOptimizer(functions=1 if args.step else 2)
    else:
        net = LstmOptimizer(p=5.0, scale=0.01) if args.task == "mnist" else LstmOptimizer()
    if args.step:
        print(f"{step_seconds(net, MNIST_MLP_PARAMS):.9f}")
        return
    if args.task == "mnist":
        images, labels = load_mnist()
        run = lambda: mnist_epoch(net, meta_opt, images, labels)
    else:
        run = lambda: epoch(net, meta_opt, 128, 10, 100, 20)
    meta_opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    run()   # warm-up
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(f"{statistics.median(times):.6f}")


if __name__ == "__main__":
    main()
