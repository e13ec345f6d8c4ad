/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/resource.h>

#include "l2l-engine.h"

/* A task family's costs (the art issue 10, the cnn issue 13): one function's
 * loss and gradient for a task spec, with the given threads as a team the
 * problem shares its work out to (l2l_problem_set_parallel; BLAS on one
 * thread, as the CLI and the app run it), as the median of 50 evaluations, and for cnn and art the GFLOP/s that makes; or,
 * with "train", one meta-training epoch of the family's defaults and the
 * peak memory; or, with "peak", the machine's single-precision sgemm rate on
 * a large square product, the limit those GFLOP/s are measured against
 * (issue 28).
 * Usage: bench-task SPEC THREADS | bench-task train SPEC THREADS |
 *        bench-task peak THREADS */

/* The classes a cnn task keeps: "0-9", "0,1", "0-4,7". */
static guint
count_classes (const char *text)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  guint n = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *dash = strchr (items[i], '-');
      n += dash ? (guint) (atoi (dash + 1) - atoi (items[i]) + 1) : 1;
    }
  return n;
}

/* FLOPs of one loss and gradient of the cnn family's network, counted from
 * its shapes (2 per multiply-add; the products only: batch norm, ReLU,
 * pooling and the loss are a few percent): three 5 × 5 convolutions of
 * `channels` with padding 2, each followed by a 2 × 2 max-pool, a linear
 * layer to `fc` and one to the classes. The backward pass costs each product
 * twice (the weights' gradient and the input's) but the first convolution's
 * input gradient, which nothing needs. The defaults on 28 × 28 images:
 * 1.89 M multiply-adds forward an image, 3.46 M backward, 1.37 GFLOP a batch
 * of 128. */
static double
cnn_flops (const L2lOptions *options)
{
  const char *dataset = l2l_options_get_string (options, "dataset");
  const double channels = (double) l2l_options_get_int (options, "channels");
  const double fc = (double) l2l_options_get_int (options, "fc");
  const double batch = (double) l2l_options_get_int (options, "batch");
  const double classes = count_classes (l2l_options_get_string (options, "classes"));
  double side = g_str_equal (dataset, "cifar10") ? 32 : 28, c_in = side == 32 ? 3 : 1;
  double forward = 0.0, input_grads = 0.0;

  for (int l = 0; l < 3; l++)
    {
      double macs = c_in * 25 * channels * side * side;

      forward += macs;
      input_grads += l > 0 ? macs : 0.0;
      c_in = channels;
      side = floor (side / 2);
    }
  {
    double flat = channels * side * side, dense = flat * fc + fc * classes;

    forward += dense;
    input_grads += dense;
  }
  return 2.0 * batch * (2.0 * forward + input_grads);
}

/* FLOPs of one loss and gradient of the art objective, counted from the
 * feature net's shapes at the image's size: each layer's convolution forward
 * and its input gradient (the net's weights are fixed), and each layer's Gram
 * matrix C × C over its H·W positions, forward and backward. */
static double
art_flops (const L2lOptions *options)
{
  const char *path = l2l_options_get_string (options, "net");
  const guint size = (guint) l2l_options_get_int (options, "size");
  g_autoptr(GError) error = NULL;
  L2lFeatureNet *net = l2l_feature_net_load (*path ? path : "resource:///io/github/"
                                             "l2lworkbench/Workbench/data/art/feature-nets/"
                                             "inception-v3-stem.safetensors", &error);
  L2lFeatureRun *run;
  double flops = 0.0;

  g_assert_no_error (error);
  run = l2l_feature_run_new (net, size, size, &error);
  g_assert_no_error (error);
  for (guint l = 0; l < net->n_layers; l++)
    {
      const L2lFeatureLayer *layer = &net->layers[l];
      double positions = (double) run->feature_h[l] * run->feature_w[l];
      double conv = (double) layer->c_in * layer->k * layer->k * layer->c_out * positions;
      double gram = (double) layer->c_out * layer->c_out * positions;

      flops += 2.0 * (2.0 * conv + 2.0 * gram);
    }
  l2l_feature_run_free (run);
  l2l_feature_net_unref (net);
  return flops;
}

/* The objective's FLOPs where counted (cnn and art), else 0. */
static double
objective_flops (L2lTask *task)
{
  const L2lTaskFamily *family = l2l_task_get_family (task);
  const char *spec = l2l_task_get_spec (task);
  L2lOptions *options = l2l_options_new_defaults (family->options, family->n_options);
  double flops = 0.0;

  g_assert_true (l2l_options_parse (options, strchr (spec, ':') + 1, family->name, NULL));
  if (family == &l2l_task_cnn_family)
    flops = cnn_flops (options);
  else if (family == &l2l_task_art_family)
    flops = art_flops (options);
  l2l_options_free (options);
  return flops;
}

/* The sgemm rate on 2048 × 2048 × 2048 (17.2 GFLOP), median of 5 after a
 * warm-up: the most this machine's BLAS makes of a product of ideal shape. */
static int
time_peak (guint threads)
{
  const int n = 2048;
  g_autofree float *a = g_new (float, (gsize) n * n), *b = g_new (float, (gsize) n * n);
  g_autofree float *c = g_new0 (float, (gsize) n * n);
  double times[5];

  l2l_engine_init ((int) threads);
  for (gsize i = 0; i < (gsize) n * n; i++)
    a[i] = b[i] = (float) (i % 7) * 0.125f;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f,
                   c, n);
      times[i] = (g_get_monotonic_time () - start) / 1e6;
    }
  l2l_sort_doubles (times, G_N_ELEMENTS (times));
  printf ("sgemm peak: %.1f GFLOP/s (2048 x 2048 x 2048, median of %zu, %u thread%s)\n",
          2.0 * n * n * (double) n / times[G_N_ELEMENTS (times) / 2] / 1e9, G_N_ELEMENTS (times),
          threads, threads > 1 ? "s" : "");
  return 0;
}

static int
time_objective (const char *spec,
                guint       threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_new_from_spec (spec, &error);
  g_autoptr(L2lProblem) problem = NULL;
  g_autofree float *theta = NULL, *grad = NULL;
  g_autoptr(L2lParallel) team = NULL;
  double times[50], flops;

  g_assert_no_error (error);
  l2l_engine_init (1);
  problem = l2l_task_sample_held_out (task, 0);
  if (threads > 1)
    l2l_problem_set_parallel (problem, team = l2l_parallel_new (threads));
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
  flops = objective_flops (task);
  printf ("engine %s objective+gradient: %.6f s (median of %zu, %s, %u thread%s)",
          l2l_task_get_family (task)->name, times[G_N_ELEMENTS (times) / 2],
          G_N_ELEMENTS (times), l2l_task_get_spec (task), threads, threads > 1 ? "s" : "");
  if (flops > 0.0)
    printf (": %.2f GFLOP, %.1f GFLOP/s", flops / 1e9,
            flops / times[G_N_ELEMENTS (times) / 2] / 1e9);
  printf ("\n");
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
  if (argc == 3 && g_str_equal (argv[1], "peak"))
    return time_peak ((guint) MAX (atoi (argv[2]), 1));
  if (argc == 3)
    return time_objective (argv[1], (guint) MAX (atoi (argv[2]), 1));
  fprintf (stderr, "usage: bench-task SPEC THREADS | bench-task train SPEC THREADS | "
           "bench-task peak THREADS\n");
  return 2;
}
