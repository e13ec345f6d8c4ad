/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "l2l-stats.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

void
l2l_sort_doubles (double *values,
                  gsize   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
}

double
l2l_quantile_sorted (const double *sorted,
                     guint         n,
                     double        p)
{
  double h = (n - 1) * p;
  guint lo = (guint) floor (h);
  double frac = h - lo;

  if (lo + 1 >= n || frac == 0.0)
    return sorted[lo];
  if (isinf (sorted[lo + 1]))   /* avoid inf − x times 0-ish turning into nan */
    return INFINITY;
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

void
l2l_step_stats_compute (L2lStepStats *stats,
                        const double *losses,
                        guint         runs,
                        guint         n_steps)
{
  g_autofree double *column = g_new (double, runs);

  g_return_if_fail (runs > 0);
  stats->n_steps = n_steps;
  stats->mean = g_new (double, 4 * (gsize) n_steps);
  stats->median = stats->mean + n_steps;
  stats->q25 = stats->median + n_steps;
  stats->q75 = stats->q25 + n_steps;

  for (guint t = 0; t < n_steps; t++)
    {
      double sum = 0.0;

      for (guint r = 0; r < runs; r++)
        {
          double loss = losses[(gsize) r * n_steps + t];
          column[r] = isnan (loss) ? INFINITY : loss;
          sum += column[r];
        }
      l2l_sort_doubles (column, runs);
      stats->mean[t] = sum / runs;
      stats->median[t] = l2l_quantile_sorted (column, runs, 0.5);
      stats->q25[t] = l2l_quantile_sorted (column, runs, 0.25);
      stats->q75[t] = l2l_quantile_sorted (column, runs, 0.75);
    }
}

void
l2l_step_stats_clear (L2lStepStats *stats)
{
  g_clear_pointer (&stats->mean, g_free);
  stats->median = stats->q25 = stats->q75 = NULL;
  stats->n_steps = 0;
}
