/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-lstm.h"
#include "l2l-optimizer.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* One optimizer of a comparison, under a label: a hand-written rule (@info)
 * with a learning rate or "tune", or a learned one (@net), which has no rate. */
typedef struct {
  char                   *label;
  const L2lOptimizerInfo *info;
  L2lRule                *net;
  double                  lr;
  L2lHyper                hyper;    /* a hand-written rule's; its defaults from spec_init */
  gboolean                tune;
} L2lOptimizerSpec;

void          l2l_optimizer_spec_init   (L2lOptimizerSpec       *spec,
                                         const L2lOptimizerInfo *info);
/* Takes a reference on @net. */
void          l2l_optimizer_spec_init_learned (L2lOptimizerSpec *spec,
                                               const char       *label,
                                               L2lRule          *net);
void          l2l_optimizer_spec_clear  (L2lOptimizerSpec       *spec);
/* For @n coordinates: consecutive copies of @task's θ (@task may be NULL
 * where no learned optimizer has one LSTM per group). */
L2lOptimizer *l2l_optimizer_spec_create (const L2lOptimizerSpec *spec,
                                         double                  lr,
                                         const L2lTask          *task,
                                         gsize                   n);

G_END_DECLS
