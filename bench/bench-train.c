/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "l2l-engine.h"

/* One meta-training epoch as the learned-optimizer issue defines it: 128
 * 10-d quadratics, T = 100, K = 20, a 2 × 20 LSTM; or, with "mnist", 2 MLPs
 * 784-20-10 on minibatches of 128 images, with the settings l2l train takes
 * for the family (logsign p = 5, output scale 0.01).
 *
 *   bench-train THREADS [TASK [ARCH [first-order|second-order]]]
 *
 * ARCH names another architecture of learned rule (l2l train --arch), with
 * its own output scale where it has one; second-order keeps the
 * meta-gradient's second derivatives. Prints the median wall time of an
 * epoch and the peak memory; for the LSTM on the quadratic on one thread
 * also how fast sgemm runs on the epoch's shapes. */

/* The LSTM's products in one epoch of the quadratic, counted from its
 * shapes (2 FLOPs per multiply-add) for @coords coordinates and @steps
 * steps: each step and layer, the gates [4H × w] · [w × n] forward, their
 * weights' gradient and the layer input's gradient backward (w = the
 * layer's input width + H + 1 for the bias; the first layer's input is
 * the 2 preprocessed features). Elementwise gate work and the quadratics
 * themselves are a few percent and not counted. */
#define LSTM_HIDDEN 20

static double
lstm_epoch_flops (double coords,
                  double steps)
{
  const double H = LSTM_HIDDEN, widths[2] = { 2 + H + 1, H + H + 1 };
  double flops = 0.0;

  for (int l = 0; l < 2; l++)
    {
      const double back_rows = l ? widths[l] - 1 : H;

      flops += (2.0 * 4 * H * widths[l] * 2 + 2.0 * back_rows * 4 * H) * coords;
    }
  return flops * steps;
}

/* The sgemm calls of one epoch (per shard of 640 coordinates), replayed on
 * their own: the rate sgemm reaches, and how much of the epoch it takes. */
static void
measure_sgemm (double epoch_seconds)
{
  const int H = LSTM_HIDDEN, n = 640, steps = 100, shards = 2;
  const int widths[2] = { 2 + H + 1, H + H + 1 };
  float *a = calloc (80 * 64, sizeof (float)), *b = calloc (64 * n, sizeof (float));
  float *c = calloc (80 * n, sizeof (float)), *d = calloc (80 * 64, sizeof (float));
  const double flops = lstm_epoch_flops ((double) n * shards, steps);
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (int rep = 0; rep < shards * steps; rep++)
    for (int l = 0; l < 2; l++)
      {
        int w = widths[l], back_rows = l ? w - 1 : H;
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 4 * H, n, w, 1, a, w, b, n, 0, c, n);
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 4 * H, w, n, 1, c, n, b, n, 1, d, w);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, back_rows, n, 4 * H, 1, a, w, c, n,
                     0, b, n);
      }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  printf ("sgemm on the epoch's shapes: %.1f GFLOP/s, %.2f GFLOP an epoch, %.1f ms of the "
          "%.1f ms epoch\n", flops / seconds / 1e9, flops / 1e9, seconds * 1e3,
          epoch_seconds * 1e3);
  free (a);
  free (b);
  free (c);
  free (d);
}

/* ", mlp second order" where the command line named a rule, else "", so
 * that the two-argument output stays as it always was. */
static char *
describe_rule (const char *arch_name,
               gboolean    second_order)
{
  if (arch_name == NULL)
    return g_strdup ("");
  return g_strdup_printf (", %s %s", arch_name, second_order ? "second order" : "first order");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(L2lTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rule_text = NULL;
  L2lTrainConfig config;
  const guint timed = argc > 2 && g_str_equal (argv[2], "mnist") ? 4 : 10;
  double times[10];
  guint n;
  const L2lTrainRecord *history;
  guint threads = argc > 1 ? (guint) atoi (argv[1]) : 1;
  gboolean mnist = argc > 2 && g_str_equal (argv[2], "mnist");
  const char *arch_name = argc > 3 ? argv[3] : NULL;
  const L2lRuleArch *arch = l2l_rule_arch_lookup (arch_name != NULL ? arch_name : "lstm");
  gboolean second_order = argc > 4 && g_str_equal (argv[4], "second-order");
  struct rusage usage;

  if (arch == NULL || (argc > 4 && !second_order && !g_str_equal (argv[4], "first-order")) ||
      argc > 5)
    {
      g_autofree char *archs = l2l_rule_archs_to_string ();

      fprintf (stderr, "usage: %s THREADS [quadratic|mnist [ARCH [first-order|second-order]]]"
               "\nARCH is one of %s\n", argv[0], archs);
      return 2;
    }
  l2l_engine_init (1);
  l2l_train_config_init_defaults (&config);
  config.task = l2l_task_new_from_spec (mnist ? "mnist" : "quadratic", NULL);
  l2l_train_config_use_task_defaults (&config);
  /* after the family's scaling, as l2l train --arch applies it */
  l2l_rule_config_set_arch (&config.rule, arch);
  if (second_order)
    config.meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  if (mnist)
    config.eval_runs = 1;
  config.threads = MAX (threads, 1);
  config.epochs = timed + 1;
  config.eval_every = 1000000;   /* time the epochs, not the evaluations */
  trainer = l2l_trainer_new (&config, &error);
  g_assert_no_error (error);
  l2l_trainer_run (trainer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* history[0] is the untrained net's evaluation, [1] the warm-up epoch, and
   * the last epoch also evaluates: time epochs 2 … timed. */
  history = l2l_trainer_get_history (trainer, &n);
  for (guint i = 0; i < timed - 1; i++)
    times[i] = history[i + 2].seconds;
  l2l_sort_doubles (times, timed - 1);
  getrusage (RUSAGE_SELF, &usage);
  rule_text = describe_rule (arch_name, second_order);
  printf ("engine epoch: %.6f s (median of %u, %u thread%s, %s%s, %u functions an epoch); "
          "peak memory %.0f MB", times[(timed - 1) / 2], timed - 1, config.threads,
          config.threads > 1 ? "s" : "", mnist ? "mnist" : "quadratic", rule_text, config.batch,
          usage.ru_maxrss / 1024.0);
  if (!mnist && arch == l2l_rule_arch_lookup ("lstm") && !second_order)
    {
      const double flops = lstm_epoch_flops ((double) config.batch *
                                             l2l_task_get_n_params (config.task),
                                             config.steps);

      printf ("; the LSTM's products %.2f GFLOP, %.1f GFLOP/s", flops / 1e9,
              flops / times[(timed - 1) / 2] / 1e9);
    }
  printf ("\n");
  if (config.threads == 1 && !mnist && arch == l2l_rule_arch_lookup ("lstm"))
    measure_sgemm (times[(timed - 1) / 2]);
  l2l_task_unref (config.task);
  return 0;
}
