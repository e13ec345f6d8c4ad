/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "l2l-engine.h"

/* How far identical runs of the README's first-minute comparison (`l2l
 * compare --task quadratic --optimizers sgd,rmsprop,adam,nag,lstm:quadratic
 * --tune`) disagree on each optimizer's time per step: the table's median
 * step, and beside it the mean over the whole run that the table once showed,
 * which one preempted step could multiply twentyfold. */

#define REPEATS 10
#define N_OPTIMIZERS 5

/* The old statistic: the mean over runs of the wall time to the last step, per step. */
static double
mean_seconds_per_step (const L2lCompareResult *result,
                       const L2lCompareEntry  *entry)
{
  double total = 0.0;

  for (guint r = 0; r < result->runs; r++)
    total += entry->seconds[(gsize) r * (result->steps + 1) + result->steps];
  return total / result->runs / result->steps;
}

static void
print_spread (const char   *label,
              const char   *statistic,
              const double *values)
{
  double low = values[0], high = values[0];

  for (guint k = 1; k < REPEATS; k++)
    {
      low = MIN (low, values[k]);
      high = MAX (high, values[k]);
    }
  printf ("%-15s %-6s %9.4f %9.4f %8.0f %%\n", label, statistic, 1e6 * low, 1e6 * high,
          100.0 * (high / low - 1.0));
}

int
main (void)
{
  g_autofree char *path = l2l_pretrained_resolve ("quadratic", NULL);
  g_autoptr(L2lRule) net = l2l_checkpoint_load (path, NULL);
  const char *hand[] = { "sgd", "rmsprop", "adam", "nag" };
  L2lOptimizerSpec specs[N_OPTIMIZERS];
  L2lCompareConfig config;
  double median[N_OPTIMIZERS][REPEATS], mean[N_OPTIMIZERS][REPEATS];

  l2l_engine_init (1);
  g_assert_nonnull (net);
  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", NULL);
  for (guint i = 0; i < 4; i++)
    {
      l2l_optimizer_spec_init (&specs[i], l2l_optimizer_info_lookup (hand[i]));
      specs[i].tune = TRUE;
    }
  l2l_optimizer_spec_init_learned (&specs[4], "lstm:quadratic", net);
  config.optimizers = specs;
  config.n_optimizers = N_OPTIMIZERS;

  for (guint k = 0; k < REPEATS; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lCompareResult) result = l2l_compare_run (&config, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < N_OPTIMIZERS; i++)
        {
          median[i][k] = l2l_compare_entry_seconds_per_step (result, &result->entries[i]);
          mean[i][k] = mean_seconds_per_step (result, &result->entries[i]);
        }
    }

  printf ("time/step of %d identical first-minute comparisons on %u threads (µs)\n",
          REPEATS, config.threads);
  printf ("%-15s %-6s %9s %9s %10s\n", "optimizer", "stat", "lowest", "highest", "spread");
  for (guint i = 0; i < N_OPTIMIZERS; i++)
    {
      print_spread (specs[i].label, "median", median[i]);
      print_spread (specs[i].label, "mean", mean[i]);
    }

  for (guint i = 0; i < N_OPTIMIZERS; i++)
    l2l_optimizer_spec_clear (&specs[i]);
  l2l_task_unref (config.task);
  return 0;
}
