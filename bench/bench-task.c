/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "l2l-engine.h"

/* A task family's costs (the art issue 10, the cnn issue 13): one function's
 * loss and gradient for a task spec, with BLAS on the given threads, as the
 * median of 50 evaluations; or, with "train", one meta-training epoch of the
 * family's defaults and the peak memory.
 * Usage: bench-task SPEC THREADS | bench-task train SPEC THREADS */

static int
time_objective (const char *spec,
                guint       threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_new_from_spec (spec, &error);
  g_autoptr(L2lProblem) problem = NULL;
  g_autofree float *theta = NULL, *grad = NULL;
  double times[50];

  g_assert_no_error (error);
  l2l_engine_init ((int) threads);
  problem = l2l_task_sample_held_out (task, 0);
  theta = g_new (float, problem->n_params);
  grad = g_new (float, problem->n_params);
  l2l_problem_init (problem, theta);
  l2l_problem_loss_grad (problem, theta, grad);   /* warm-up */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();
      l2l_problem_loss_grad (problem, theta, grad);
      times[i] = (g_get_monotonic_time () - start) / 1e6;
    }
  l2l_sort_doubles (times, G_N_ELEMENTS (times));
  printf ("engine %s objective+gradient: %.6f s (median of %zu, %s, %u thread%s)\n",
          l2l_task_get_family (task)->name, times[G_N_ELEMENTS (times) / 2],
          G_N_ELEMENTS (times), l2l_task_get_spec (task), threads, threads > 1 ? "s" : "");
  return 0;
}

static int
time_epoch (const char *spec,
            guint       threads)
{
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  const L2lTrainRecord *history;
  L2lTrainConfig config;
  struct rusage usage;
  guint n;

  l2l_train_config_init_defaults (&config);
  config.task = l2l_task_new_from_spec (spec, &error);
  g_assert_no_error (error);
  l2l_train_config_use_family_defaults (&config, l2l_task_get_family (config.task));
  config.threads = threads;
  config.epochs = 4;
  config.eval_every = 1000000;   /* the epochs, not the evaluations */
  config.eval_runs = 1;
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  l2l_trainer_run (trainer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* [0] the untrained evaluation, [1] a warm-up, [4] evaluates again:
   * epochs 2 and 3 are the clean ones */
  history = l2l_trainer_get_history (trainer, &n);
  getrusage (RUSAGE_SELF, &usage);
  printf ("engine %s epoch: %.3f s (mean of 2; %u functions of %s, T = %u, K = %u, "
          "%u thread%s); peak memory %.0f MB\n", l2l_task_get_family (config.task)->name,
          (history[2].seconds + history[3].seconds) / 2, config.batch,
          l2l_task_get_spec (config.task), config.steps, config.unroll, threads,
          threads > 1 ? "s" : "", usage.ru_maxrss / 1024.0);
  l2l_task_unref (config.task);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  l2l_engine_init (1);
  if (argc == 4 && g_str_equal (argv[1], "train"))
    return time_epoch (argv[2], (guint) MAX (atoi (argv[3]), 1));
  if (argc == 3)
    return time_objective (argv[1], (guint) MAX (atoi (argv[2]), 1));
  fprintf (stderr, "usage: bench-task SPEC THREADS | bench-task train SPEC THREADS\n");
  return 2;
}
