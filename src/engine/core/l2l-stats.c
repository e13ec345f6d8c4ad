/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "l2l-rng.h"
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

void
l2l_bootstrap_mean_ci (const double *values,
                       guint         n,
                       guint64       seed,
                       guint         resamples,
                       double        level,
                       double       *lo,
                       double       *hi)
{
  g_autofree double *means = g_new (double, resamples);
  L2lRng rng;

  g_return_if_fail (n >= 1 && resamples >= 1);
  l2l_rng_init (&rng, seed);
  for (guint b = 0; b < resamples; b++)
    {
      double sum = 0.0;
      for (guint i = 0; i < n; i++)
        sum += values[l2l_rng_below (&rng, n)];
      means[b] = sum / n;
    }
  l2l_sort_doubles (means, resamples);
  *lo = l2l_quantile_sorted (means, resamples, (1.0 - level) / 2.0);
  *hi = l2l_quantile_sorted (means, resamples, (1.0 + level) / 2.0);
}

typedef struct {
  double magnitude;
  gboolean positive;
} SignedDifference;

static int
compare_magnitudes (const void *a,
                    const void *b)
{
  const double x = ((const SignedDifference *) a)->magnitude;
  const double y = ((const SignedDifference *) b)->magnitude;

  return (x > y) - (x < y);
}

/* P(W⁺ ≤ w) for m pairs without ties: the number of subsets of the ranks
 * 1 … m summing to at most w, over 2^m. */
static double
exact_lower (guint  m,
             double w)
{
  const guint top = m * (m + 1) / 2;
  g_autofree double *count = g_new0 (double, top + 1);
  double below = 0.0;

  count[0] = 1.0;
  for (guint r = 1; r <= m; r++)
    for (guint s = top; s >= r; s--)
      count[s] += count[s - r];
  for (guint s = 0; s <= top && s <= w + 1e-9; s++)
    below += count[s];
  return below / ldexp (1.0, (int) m);
}

double
l2l_wilcoxon_lower (const double *a,
                    const double *b,
                    guint         n)
{
  g_autofree SignedDifference *d = g_new (SignedDifference, MAX (n, 1));
  double w_plus = 0.0, ties = 0.0;
  guint m = 0;

  for (guint i = 0; i < n; i++)
    {
      const double diff = a[i] - b[i];
      if (diff == 0.0 || isnan (diff))
        continue;
      d[m].magnitude = fabs (diff);
      d[m++].positive = diff > 0.0;
    }
  if (m == 0)
    return NAN;
  qsort (d, m, sizeof *d, compare_magnitudes);
  for (guint i = 0; i < m;)
    {
      guint j = i + 1;
      double rank;

      while (j < m && d[j].magnitude == d[i].magnitude)
        j++;
      rank = (i + 1 + j) / 2.0;   /* the mean of ranks i + 1 … j */
      for (guint k = i; k < j; k++)
        if (d[k].positive)
          w_plus += rank;
      ties += (double) (j - i) * (j - i) * (j - i) - (j - i);
      i = j;
    }
  if (m <= 50 && ties == 0.0)
    return exact_lower (m, w_plus);
  {
    const double mean = m * (m + 1.0) / 4.0;
    const double var = m * (m + 1.0) * (2.0 * m + 1.0) / 24.0 - ties / 48.0;
    return 0.5 * erfc (-((w_plus - mean) / sqrt (var)) / G_SQRT2);
  }
}
