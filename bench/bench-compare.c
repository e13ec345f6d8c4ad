/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "l2l-engine.h"

/* Throughput of the comparison path (task loss_grad + optimizer step over all
 * runs as one vector): the README's default comparison and its tuning. */
static double
time_compare (L2lCompareConfig *config,
              guint             repeats)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < repeats; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lCompareResult) result = l2l_compare_run (config, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  return (g_get_monotonic_time () - start) / 1e6 / repeats;
}

int
main (void)
{
  L2lCompareConfig config;
  L2lOptimizerSpec specs[4];
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();
  double seconds;
  guint64 run_steps;

  l2l_engine_init (1);
  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", NULL);
  for (guint i = 0; i < 4; i++)
    l2l_optimizer_spec_init (&specs[i], infos[i]);
  config.optimizers = specs;
  config.n_optimizers = 4;

  seconds = time_compare (&config, 20);
  run_steps = 4ull * config.runs * config.steps;
  printf ("compare  quadratic 10-d, 4 optimizers × 100 runs × 100 steps: %7.2f ms "
          "(%.1f M run-steps/s)\n", seconds * 1e3, run_steps / seconds / 1e6);

  for (guint i = 0; i < 4; i++)
    specs[i].tune = TRUE;
  seconds = time_compare (&config, 3);
  run_steps += 4ull * l2l_tune_work (&config.tune, config.steps, NULL);
  printf ("compare --tune (25 rates × 20 tuning functions each):         %7.2f ms "
          "(%.1f M run-steps/s)\n", seconds * 1e3, run_steps / seconds / 1e6);

  for (guint i = 0; i < 4; i++)
    l2l_optimizer_spec_clear (&specs[i]);
  l2l_task_unref (config.task);
  return 0;
}
