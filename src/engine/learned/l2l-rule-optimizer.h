/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rule.h"
#include "l2l-optimizer.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* The learned optimizer as one optimizer among others: θ ← θ + m(x, state; φ)
 * with its own state per coordinate, over @n coordinates: consecutive copies
 * of @task's θ, each group's coordinates served by that group's net where
 * @net has one per group (@task NULL: any n, for a rule of one net). Holds a
 * reference on @net and reads φ once, at creation. */
L2lOptimizer *l2l_rule_optimizer_new (L2lRule       *net,
                                      const L2lTask *task,
                                      gsize          n);

/* Whether @net can serve @task: a rule of one net serves every group of any
 * task; a per-group one only a task with the same groups, in the same order.
 * The error says which groups each has; @what names the net in it. */
gboolean      l2l_rule_check_task    (const L2lRule *net,
                                      const L2lTask *task,
                                      const char    *what,
                                      GError       **error);

G_END_DECLS
