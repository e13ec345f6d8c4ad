/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-task.h"

G_BEGIN_DECLS

/* A multilayer perceptron 784 → hidden → 10 with softmax cross-entropy on
 * MNIST or Fashion-MNIST (the paper's MNIST task). Each function is one
 * network with fresh weights N(0, 0.01²); its loss is that of a minibatch of
 * `batch` training images drawn by the function's own RNG, so that the same
 * seed gives the same minibatches. θ holds, layer by layer, W [out × in]
 * then b [out], as torch.nn.Linear has them. Options: hidden (20, 40, 20x20
 * …), act (sigmoid or relu), batch (128), data (a folder with the standard
 * files; empty: the default data set). */
extern const L2lTaskFamily l2l_task_mnist_family;
extern const L2lTaskFamily l2l_task_fashion_mnist_family;

G_END_DECLS
