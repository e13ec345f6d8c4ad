/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "l2l-engine.h"

/* Neural art's costs (issue 10): the objective and its gradient at one size
 * on the shipped feature net, with BLAS on the given threads, as the median
 * of 50 evaluations; or, with "train", one meta-training epoch of the art
 * family's defaults (two 64 px functions, T = 128, K = 32) and the peak
 * memory. Usage: bench-art SIZE THREADS | bench-art train THREADS */

static int
time_objective (guint size,
                guint threads)
{
  g_autofree char *spec = g_strdup_printf ("art:size=%u", size);
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
  printf ("engine art objective+gradient: %.6f s (median of %zu, %u px, %u thread%s)\n",
          times[G_N_ELEMENTS (times) / 2], G_N_ELEMENTS (times), size, threads,
          threads > 1 ? "s" : "");
  return 0;
}

static int
time_epoch (guint threads)
{
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  const L2lTrainRecord *history;
  L2lTrainConfig config;
  struct rusage usage;
  guint n;

  l2l_train_config_init_defaults (&config);
  config.task = l2l_task_new_from_spec ("art", &error);
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
  printf ("engine art epoch: %.3f s (mean of 2; %u functions of %u px, T = %u, K = %u, "
          "%u thread%s); peak memory %.0f MB\n", (history[2].seconds + history[3].seconds) / 2,
          config.batch, 64, config.steps,
          config.unroll, threads, threads > 1 ? "s" : "", usage.ru_maxrss / 1024.0);
  l2l_task_unref (config.task);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  l2l_engine_init (1);
  if (argc == 3 && g_str_equal (argv[1], "train"))
    return time_epoch ((guint) MAX (atoi (argv[2]), 1));
  if (argc == 3)
    return time_objective ((guint) MAX (atoi (argv[1]), 16), (guint) MAX (atoi (argv[2]), 1));
  fprintf (stderr, "usage: bench-art SIZE THREADS | bench-art train THREADS\n");
  return 2;
}
