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

/* The Wilcoxon signed-rank p-values against SciPy 1.10's
 * wilcoxon(a, b, alternative="less"), pasted as constants: exact (SciPy's
 * documentation example, both ways round), a zero difference and ties (the
 * normal approximation with the tie correction), and 60 pairs. */
static void
test_wilcoxon (void)
{
  const double a[] = { 1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30 };
  const double b[] = { 0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29 };
  const double c[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const double d[] = { 2, 1, 3, 2, 7, 4, 9, 5 };
  const double x[] = {
    2.0409, -2.5557, 0.4181, -0.5678, -0.4526, -0.2156, -2.02, -0.2319, -0.8652, 3.323, 0.2258,
    -0.3526, -0.2813, -0.668, -1.0552, -0.3908, 0.4819, -0.2386, 0.9578, -0.1998, 0.0243,
    1.5458, 0.5451, -0.5052, -0.1828, 0.5405, 1.9351, -0.2696, -0.2436, 1.0023, -0.8865,
    -0.2917, 0.8825, 0.5804, 0.0915, 0.6701, -2.8282, 1.0213, -0.9596, -1.6686, 0.2764, 0.7005,
    -0.4448, -1.0764, 0.0261, -0.0527, 1.4056, 0.7474, 0.1938, 1.1116, -0.2055, -0.9259,
    0.5841, 0.5825, -0.2148, -0.7828, 0.2292, -2.4939, 0.6901, 0.4914,
  };
  const double y[] = {
    0.702, -2.1943, -0.246, 0.4894, -2.1868, -0.8301, -1.0104, 1.2245, -2.7232, 3.125, 0.8538,
    -0.6618, 1.6093, -1.5592, -0.4007, -1.1392, 2.1879, 0.0397, 0.8855, -1.618, 2.0061, 2.5986,
    1.5987, 0.9327, 0.4664, 0.2013, 1.4349, -0.7698, 1.4265, -0.1581, -1.1829, -0.3129, 1.4071,
    1.4557, -0.8576, -0.7599, -2.5326, 2.5349, 0.0975, -1.1529, 0.2592, 1.2937, -0.3881,
    0.0408, -0.4683, 0.3815, 1.5948, 1.5908, 0.7184, 3.9616, 1.5932, 0.8708, -1.1554, 0.5422,
    -0.5234, 0.0499, -1.7498, -1.0194, 2.0571, -0.5107,
  };
  const double same[] = { 1, 2, 3 };

  g_assert_cmpfloat_with_epsilon (l2l_wilcoxon_lower (a, b, 9), 0.986328125, 1e-12);
  g_assert_cmpfloat_with_epsilon (l2l_wilcoxon_lower (b, a, 9), 0.01953125, 1e-12);
  g_assert_cmpfloat_with_epsilon (l2l_wilcoxon_lower (c, d, 8), 0.7269394941114674, 1e-12);
  g_assert_cmpfloat_with_epsilon (l2l_wilcoxon_lower (x, y, 60), 0.043827127985004335, 1e-12);
  g_assert_true (isnan (l2l_wilcoxon_lower (same, same, 3)));
}

/* The bootstrap interval holds the mean, narrows with more data, and is the
 * same for the same seed. */
static void
test_bootstrap (void)
{
  double values[40], lo, hi, lo2, hi2, mean = 0.0;
  L2lRng rng;

  l2l_rng_init (&rng, 11);
  for (guint i = 0; i < 40; i++)
    mean += (values[i] = l2l_rng_normal (&rng) + 3.0);
  mean /= 40;
  l2l_bootstrap_mean_ci (values, 40, 5, 2000, 0.95, &lo, &hi);
  g_assert_cmpfloat (lo, <, mean);
  g_assert_cmpfloat (mean, <, hi);
  /* about ±1.96 σ/√n around the mean, σ ≈ 1 */
  g_assert_cmpfloat (hi - lo, >, 0.4);
  g_assert_cmpfloat (hi - lo, <, 0.9);
  l2l_bootstrap_mean_ci (values, 40, 5, 2000, 0.95, &lo2, &hi2);
  g_assert_cmpfloat (lo2, ==, lo);
  g_assert_cmpfloat (hi2, ==, hi);
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
  g_test_add_func ("/engine/stats/wilcoxon", test_wilcoxon);
  g_test_add_func ("/engine/stats/bootstrap", test_bootstrap);
  return g_test_run ();
}
