/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"

/* The reference: torch.optim in float64 on tests/data/quadratic-problem.json;
 * rates as tests/data/README.md states; the cases with other hyper-parameters
 * (those that are not NaN here) from quadratic-torch-hyper-trajectories.csv. */
typedef struct {
  const char *name;        /* in the CSV */
  const char *optimizer;
  double      lr;
  double      momentum, beta1, beta2, alpha;
} Reference;

static const Reference references[] = {
  { "sgd", "sgd", 0.01, NAN, NAN, NAN, NAN },
  { "rmsprop", "rmsprop", 0.01, NAN, NAN, NAN, NAN },
  { "adam", "adam", 0.1, NAN, NAN, NAN, NAN },
  { "nag", "nag", 0.01, NAN, NAN, NAN, NAN },
  { "sgd-momentum", "sgd", 0.01, 0.5, NAN, NAN, NAN },
  { "nag-momentum", "nag", 0.01, 0.7, NAN, NAN, NAN },
  { "rmsprop-alpha", "rmsprop", 0.01, NAN, NAN, NAN, 0.95 },
  { "adam-betas", "adam", 0.1, NAN, 0.8, 0.99, NAN },
};

#define REF_STEPS 100

static void
load_reference (const char *optimizer,
                gboolean    hyper,
                double     *losses)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data",
                                                 hyper ? "quadratic-torch-hyper-trajectories.csv"
                                                       : "quadratic-torch-trajectories.csv",
                                                 NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint found = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "optimizer,run,step,loss");
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);
      guint64 step;

      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      if (!g_str_equal (fields[0], optimizer))
        continue;
      g_assert_true (g_ascii_string_to_unsigned (fields[2], 10, 0, REF_STEPS, &step, NULL));
      losses[step] = g_ascii_strtod (fields[3], NULL);
      found++;
    }
  g_assert_cmpuint (found, ==, REF_STEPS + 1);
}

static void
test_matches_torch (gconstpointer data)
{
  const Reference *reference = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data",
                                                 "quadratic-problem.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file (path, &error);
  L2lOptimizerSpec spec;
  double expected[REF_STEPS + 1], losses[REF_STEPS + 1];
  double worst = 0.0;
  guint worst_step = 0;
  L2lTrajectoryJob job = {
    .task = task,
    .optimizer = &spec,
    .lr = reference->lr,
    .stream = L2L_SEED_TEST,
    .runs = 1,
    .steps = REF_STEPS,
  };

  const gboolean hyper = !isnan (reference->momentum) || !isnan (reference->beta1) ||
                         !isnan (reference->alpha);

  g_assert_no_error (error);
  l2l_optimizer_spec_init (&spec, l2l_optimizer_info_lookup (reference->optimizer));
  if (!isnan (reference->momentum))
    spec.hyper.momentum = reference->momentum;
  if (!isnan (reference->beta1))
    {
      spec.hyper.beta1 = reference->beta1;
      spec.hyper.beta2 = reference->beta2;
    }
  if (!isnan (reference->alpha))
    spec.hyper.alpha = reference->alpha;
  load_reference (reference->name, hyper, expected);
  g_assert_true (l2l_trajectories_run (&job, losses, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint t = 0; t <= REF_STEPS; t++)
    {
      double relative = fabs (losses[t] - expected[t]) / fabs (expected[t]);
      if (relative > worst)
        {
          worst = relative;
          worst_step = t;
        }
    }
  g_test_message ("%s: worst relative error %.3g at step %u (ours %.9g, torch %.9g)",
                  reference->name, worst, worst_step, losses[worst_step],
                  expected[worst_step]);
  g_assert_cmpfloat (worst, <=, 1e-3);
  l2l_optimizer_spec_clear (&spec);
}

/* Every rule is coordinatewise: stepping two vectors as one must equal
 * stepping each on its own, to the bit. The engine batches runs on this. */
static void
test_batching_is_exact (void)
{
  const gsize n = 13;

  for (const L2lOptimizerInfo *const *info = l2l_optimizer_infos (); *info; info++)
    {
      g_autoptr(L2lOptimizer) joint = (*info)->create (2 * n, 0.05, NULL);
      g_autoptr(L2lOptimizer) first = (*info)->create (n, 0.05, NULL);
      g_autoptr(L2lOptimizer) second = (*info)->create (n, 0.05, NULL);
      float theta[2 * n], alone[2 * n], grad[2 * n];

      for (gsize i = 0; i < 2 * n; i++)
        theta[i] = alone[i] = (float) sin ((double) i);
      for (guint step = 0; step < 20; step++)
        {
          for (gsize i = 0; i < 2 * n; i++)
            grad[i] = (float) cos (3.0 * i + step) * (1.0f + theta[i]);
          l2l_optimizer_step (joint, theta, grad);
          l2l_optimizer_step (first, alone, grad);
          l2l_optimizer_step (second, alone + n, grad + n);
        }
      g_assert_cmpmem (theta, sizeof theta, alone, sizeof alone);
    }
}

/* After reset an optimizer behaves as new. */
static void
test_reset (void)
{
  for (const L2lOptimizerInfo *const *info = l2l_optimizer_infos (); *info; info++)
    {
      g_autoptr(L2lOptimizer) used = (*info)->create (4, 0.1, NULL);
      g_autoptr(L2lOptimizer) fresh = (*info)->create (4, 0.1, NULL);
      float a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2, 3, 4 };
      const float grad[4] = { 0.5f, -1, 2, -0.25f };

      for (guint i = 0; i < 5; i++)
        l2l_optimizer_step (used, a, grad);
      l2l_optimizer_reset (used);
      memcpy (a, b, sizeof a);
      l2l_optimizer_step (used, a, grad);
      l2l_optimizer_step (used, a, grad);
      l2l_optimizer_step (fresh, b, grad);
      l2l_optimizer_step (fresh, b, grad);
      g_assert_cmpmem (a, sizeof a, b, sizeof b);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autofree char *name = g_strdup_printf ("/engine/optimizers/torch/%s",
                                               references[i].name);
      g_test_add_data_func (name, &references[i], test_matches_torch);
    }
  g_test_add_func ("/engine/optimizers/batching-is-exact", test_batching_is_exact);
  g_test_add_func ("/engine/optimizers/reset", test_reset);
  return g_test_run ();
}
