/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Per-step summary over runs. A diverged run's loss is +inf: it raises the
 * mean to inf and sorts last for the quantiles. */
typedef struct {
  guint   n_steps;
  double *mean;     /* [n_steps] each */
  double *median;
  double *q25;
  double *q75;
} L2lStepStats;

/* @losses is [runs × n_steps], run-major. */
void   l2l_step_stats_compute (L2lStepStats *stats,
                               const double *losses,
                               guint         runs,
                               guint         n_steps);
void   l2l_step_stats_clear   (L2lStepStats *stats);

/* Ascending, +inf last. */
void   l2l_sort_doubles       (double       *values,
                               gsize         n);

/* Linear interpolation between order statistics (numpy's default, type 7). */
double l2l_quantile_sorted    (const double *sorted,
                               guint         n,
                               double        p);

G_END_DECLS
