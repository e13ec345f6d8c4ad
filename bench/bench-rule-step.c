/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "l2l-engine.h"

/* One step of each learned optimizer at inference time, as a comparison
 * runs it: every architecture with its defaults and the mnist family's
 * scaling (what l2l train --task mnist --arch ARCH starts from), as an
 * L2lOptimizer over one MNIST MLP's θ (15,910 coordinates).
 *
 *   bench-rule-step [STEPS]
 *
 * The architectures step in turn, one step each, so that whatever else the
 * shared machine does falls on all of them alike. The gradients are fixed
 * random vectors — a step's cost does not depend on the data set — with
 * magnitudes spread log-uniformly over 10⁻⁶ … 10⁻¹ as an MLP's are, so that
 * the LSTM's logsign takes both of its branches. Prints the median
 * microseconds (of CPU time) of a step per architecture and each one's ratio
 * to the LSTM's. Run it on one thread (OPENBLAS_NUM_THREADS=1). */

#define WARM_UP 20
#define GRADIENTS 8

/* The thread's CPU time rather than the wall clock: on a machine shared
 * with other work a preempted step would count the other work's time. */
static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
fill_gradients (float *grads,
                gsize  size)
{
  L2lRng rng;

  l2l_rng_init (&rng, 23);
  for (gsize i = 0; i < size; i++)
    {
      double magnitude = pow (10.0, -6.0 + 5.0 * l2l_rng_uniform (&rng));

      grads[i] = (float) (l2l_rng_uniform (&rng) < 0.5 ? -magnitude : magnitude);
    }
}

static L2lOptimizer *
optimizer_for (const L2lRuleArch *arch,
               L2lTask           *task)
{
  g_autoptr(L2lRule) rule = NULL;
  L2lTrainConfig config;

  l2l_train_config_init_defaults (&config);
  config.task = task;
  l2l_train_config_use_task_defaults (&config);
  l2l_rule_config_set_arch (&config.rule, arch);
  rule = l2l_rule_new (&config.rule, 1);
  return l2l_rule_optimizer_new (rule, task, l2l_task_get_n_params (task));
}

int
main (int   argc,
      char *argv[])
{
  const L2lRuleArch *const *archs = l2l_rule_archs ();
  const guint steps = argc > 1 ? (guint) atoi (argv[1]) : 200;
  L2lTask *task;
  gsize n;
  guint n_archs = 0, lstm = 0;
  L2lOptimizer **optimizers;
  float **thetas, *grads;
  double *times, median_lstm;

  if (steps == 0)
    {
      fprintf (stderr, "usage: %s [STEPS ≥ 1]\n", argv[0]);
      return 2;
    }
  l2l_engine_init (1);
  task = l2l_task_new_from_spec ("mnist", NULL);
  n = l2l_task_get_n_params (task);
  while (archs[n_archs] != NULL)
    n_archs++;
  optimizers = g_new (L2lOptimizer *, n_archs);
  thetas = g_new (float *, n_archs);
  times = g_new (double, (gsize) n_archs * steps);
  grads = g_new (float, GRADIENTS * n);
  fill_gradients (grads, GRADIENTS * n);
  for (guint a = 0; a < n_archs; a++)
    {
      optimizers[a] = optimizer_for (archs[a], task);
      thetas[a] = g_new0 (float, n);
      if (archs[a] == l2l_rule_arch_lookup ("lstm"))
        lstm = a;
    }

  for (guint s = 0; s < WARM_UP + steps; s++)
    for (guint a = 0; a < n_archs; a++)
      {
        double start = now_us ();

        l2l_optimizer_step (optimizers[a], thetas[a], grads + (gsize) (s % GRADIENTS) * n);
        if (s >= WARM_UP)
          times[(gsize) a * steps + s - WARM_UP] = now_us () - start;
      }

  for (guint a = 0; a < n_archs; a++)
    l2l_sort_doubles (times + (gsize) a * steps, steps);
  median_lstm = l2l_quantile_sorted (times + (gsize) lstm * steps, steps, 0.5);
  for (guint a = 0; a < n_archs; a++)
    {
      double median = l2l_quantile_sorted (times + (gsize) a * steps, steps, 0.5);

      printf ("engine step %s: %.1f us (median of %u, %" G_GSIZE_FORMAT " coordinates, "
              "1 thread); %.3f of the LSTM's\n", l2l_rule_arch_get_name (archs[a]), median,
              steps, n, median / median_lstm);
    }

  for (guint a = 0; a < n_archs; a++)
    {
      l2l_optimizer_free (optimizers[a]);
      g_free (thetas[a]);
    }
  g_free (optimizers);
  g_free (thetas);
  g_free (times);
  g_free (grads);
  l2l_task_unref (task);
  return 0;
}
