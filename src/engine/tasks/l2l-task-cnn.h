/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* The paper's convolutional optimizee (Figure 7): three convolutions of
 * `channels` 5 × 5 filters with zero "same" padding, each followed by batch
 * normalization, ReLU and 2 × 2 max-pooling, then a fully connected layer of
 * `fc` units with batch normalization and ReLU, then a linear layer to one
 * logit per class and softmax cross-entropy. Batch normalization always uses
 * the minibatch's own statistics, as the paper's code does.
 *
 * θ, group "conv" first: conv1.weight [ch × C × 5 × 5], bn1.weight, bn1.bias
 * [ch], conv2 …, bn3; then group "fc": fc.weight [fc × flat], bn4.weight,
 * bn4.bias [fc], out.weight [classes × fc], out.bias [classes]. The layers
 * that feed batch normalization have no bias (it would cancel out). Fresh
 * weights per function are torch.nn's defaults, U(±1/√fan_in) for
 * convolutions and linear layers, γ = 1 and β = 0, so that a function here is
 * a freshly made PyTorch network of the same shape.
 *
 * Options: dataset (fashion-mnist, mnist, cifar10), data (its folder; empty:
 * the default, none for CIFAR-10), classes ("0-9", "0-4", "0,1": the labels
 * kept, renumbered in order), channels (16), fc (32), batch (128). The loss is
 * that of a minibatch drawn by the function's RNG from the training images of
 * those classes. */
extern const L2lTaskFamily l2l_task_cnn_family;

G_END_DECLS
