/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-lstm.h"
#include "l2l-optimizer.h"

G_BEGIN_DECLS

/* The learned optimizer as one optimizer among others: θ ← θ + m(∇, h; φ) with
 * its own h and c per coordinate. Holds a reference on @net and reads φ once,
 * at creation. */
L2lOptimizer *l2l_lstm_optimizer_new (L2lLstm *net,
                                      gsize    n);

G_END_DECLS
