/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "l2l-engine.h"

static void
test_quantiles (void)
{
  /* numpy.quantile([1, 2, 3, 4], [.25, .5, .75]) = [1.75, 2.5, 3.25] */
  const double sorted[] = { 1, 2, 3, 4 };

  g_assert_cmpfloat (l2l_quantile_sorted (sorted, 4, 0.25), ==, 1.75);
  g_assert_cmpfloat (l2l_quantile_sorted (sorted, 4, 0.5), ==, 2.5);
  g_assert_cmpfloat (l2l_quantile_sorted (sorted, 4, 0.75), ==, 3.25);
  g_assert_cmpfloat (l2l_quantile_sorted (sorted, 1, 0.5), ==, 1.0);
}

static void
test_step_stats (void)
{
  /* Three runs × two steps; run 2 diverged at step 1. */
  const double losses[] = {
    4, 1,
    8, 3,
    6, INFINITY,
  };
  L2lStepStats stats;

  l2l_step_stats_compute (&stats, losses, 3, 2);
  g_assert_cmpfloat (stats.mean[0], ==, 6.0);
  g_assert_cmpfloat (stats.median[0], ==, 6.0);
  g_assert_cmpfloat (stats.q25[0], ==, 5.0);
  g_assert_cmpfloat (stats.q75[0], ==, 7.0);
  g_assert_true (isinf (stats.mean[1]));
  g_assert_cmpfloat (stats.median[1], ==, 3.0);
  g_assert_cmpfloat (stats.q25[1], ==, 2.0);
  g_assert_true (isinf (stats.q75[1]));
  l2l_step_stats_clear (&stats);
}

static void
test_nan_counts_as_diverged (void)
{
  const double losses[] = { NAN, 1, 2 };
  L2lStepStats stats;

  l2l_step_stats_compute (&stats, losses, 3, 1);
  g_assert_true (isinf (stats.mean[0]));
  g_assert_cmpfloat (stats.median[0], ==, 2.0);
  l2l_step_stats_clear (&stats);
}

static void
test_rng_is_reproducible (void)
{
  L2lRng a, b;
  double sum = 0.0, sum_sq = 0.0;
  const guint n = 100000;

  l2l_rng_init (&a, 42);
  l2l_rng_init (&b, 42);
  for (guint i = 0; i < 100; i++)
    g_assert_cmpuint (l2l_rng_next (&a), ==, l2l_rng_next (&b));
  for (guint i = 0; i < n; i++)
    {
      double x = l2l_rng_normal (&a);
      sum += x;
      sum_sq += x * x;
    }
  g_assert_cmpfloat (fabs (sum / n), <, 0.02);
  g_assert_cmpfloat (fabs (sum_sq / n - 1.0), <, 0.02);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (l2l_rng_below (&a, 7), <, 7);
  g_assert_cmpuint (l2l_seed_derive (1, L2L_SEED_TEST, 0), !=,
                    l2l_seed_derive (1, L2L_SEED_TUNE, 0));
  g_assert_cmpuint (l2l_seed_derive (1, L2L_SEED_TEST, 0), !=,
                    l2l_seed_derive (2, L2L_SEED_TEST, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/stats/quantiles", test_quantiles);
  g_test_add_func ("/engine/stats/step-stats", test_step_stats);
  g_test_add_func ("/engine/stats/nan-counts-as-diverged", test_nan_counts_as_diverged);
  g_test_add_func ("/engine/stats/rng", test_rng_is_reproducible);
  return g_test_run ();
}
