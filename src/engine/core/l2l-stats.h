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

/* A percentile bootstrap interval of the mean of @values (@n ≥ 1) at @level
 * (0.95): @resamples resamples with replacement drawn from @seed. A value of
 * +inf (a diverged run) makes the means that draw it +inf. */
void   l2l_bootstrap_mean_ci  (const double *values,
                               guint         n,
                               guint64       seed,
                               guint         resamples,
                               double        level,
                               double       *lo,
                               double       *hi);

/* The paired one-sided Wilcoxon signed-rank test that @a tends to be lower
 * than @b: the p-value, the probability of a statistic W⁺ (the rank sum of
 * the positive differences a − b) this small or smaller if the differences
 * were symmetric about 0. Zero differences (and inf − inf) are dropped, tied
 * |differences| get their mean rank. Exact for up to 50 pairs without ties,
 * else the normal approximation with the tie correction and no continuity
 * correction: SciPy's wilcoxon(a, b, alternative="less") with method "exact"
 * or "approx". NaN when no pair differs. */
double l2l_wilcoxon_lower     (const double *a,
                               const double *b,
                               guint         n);

G_END_DECLS
