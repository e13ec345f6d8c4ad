/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-engine.h"

G_BEGIN_DECLS

/* What the meta-training tests share. */

/* A config that trains in a blink: 8 functions of T = 20 in unrolls of 5,
 * 6 epochs, evaluated every 2 on 10 held-out functions, one thread. */
L2lTrainConfig test_training_small_config (L2lTask *task);

/* The same for an MNIST-family @task: its defaults, 3 functions of T = 4 in
 * unrolls of 2, 2 epochs, each evaluated on 9 held-out functions (in two
 * chunks of runs). */
L2lTrainConfig test_training_mnist_config (L2lTask *task);

/* The same curve (every meta-loss and held-out loss) and the same current,
 * best and scored φ, to the bit. */
void           test_training_assert_same  (L2lTrainer *a,
                                           L2lTrainer *b);

G_END_DECLS
