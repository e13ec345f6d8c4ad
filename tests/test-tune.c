/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

/* f(θ) = (θ − 1)², θ0 = 0: one SGD step gives θ1 = 2·lr, so the final loss is
 * (2·lr − 1)², lowest at lr = 0.5. On the default grid 10^(k/4 − 5) the nearest
 * points are 0.316 (loss 0.135) and 0.562 (loss 0.0155): tuning must pick 0.562. */
typedef struct {
  char    *dir;
  L2lTask *task;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = test_util_make_tmpdir ();
  path = test_util_write_file (fixture->dir, "one.json",
                               "{\"W\": [[1]], \"y\": [1], \"theta0\": [0]}");
  fixture->task = l2l_task_quadratic_new_from_file (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  l2l_task_unref (fixture->task);
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
test_grid (void)
{
  L2lTuneConfig config;
  g_autofree double *grid = NULL;
  guint n;

  l2l_tune_config_init_defaults (&config);
  grid = l2l_tune_grid (&config, &n);
  g_assert_cmpuint (n, ==, 25);
  g_assert_cmpfloat_with_epsilon (grid[0], 1e-5, 1e-18);
  g_assert_cmpfloat_with_epsilon (grid[4], 1e-4, 1e-16);
  g_assert_cmpfloat_with_epsilon (grid[24], 10.0, 1e-12);
}

static void
test_picks_lowest (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTuneResult) result = NULL;
  L2lOptimizerSpec spec;
  L2lTuneConfig config;

  l2l_tune_config_init_defaults (&config);
  config.runs = 3;
  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  result = l2l_tune_run (fixture->task, &spec, 1, 0, &config, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint k = 0; k < result->n_grid; k++)
    {
      double lr = result->grid[k], expected = (2 * lr - 1) * (2 * lr - 1);
      g_assert_cmpfloat (fabs (result->objective[k] - expected), <=, 1e-5 * MAX (1, expected));
      g_assert_cmpfloat (result->objective[result->best], <=, result->objective[k]);
    }
  g_assert_cmpfloat_with_epsilon (l2l_tune_result_best_lr (result), pow (10, -0.25), 1e-9);
  l2l_optimizer_spec_clear (&spec);
}

/* --tune-hyper on a case solved by hand: two steps of SGD with momentum μ
 * from θ0 = 0 on (θ − 1)² give θ1 = 2lr and θ2 = 4lr + 2lrμ − 4lr², so every
 * configuration's objective is (θ2 − 1)²; the search keeps the lowest, its
 * draws stay in their ranges, and the same seed draws the same ones. */
static void
test_hyper_search (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTuneResult) result = NULL, again = NULL, other = NULL;
  L2lOptimizerSpec spec;
  L2lTuneConfig config;
  gboolean momenta_differ = FALSE;

  l2l_tune_config_init_defaults (&config);
  config.runs = 2;
  config.hyper_budget = 40;
  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  result = l2l_tune_run (fixture->task, &spec, 2, 5, &config, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_grid, ==, 40);
  g_assert_nonnull (result->hypers);
  for (guint k = 0; k < result->n_grid; k++)
    {
      const double lr = result->grid[k], mu = result->hypers[k].momentum;
      const double theta2 = 4 * lr + 2 * lr * mu - 4 * lr * lr;
      const double expected = (theta2 - 1) * (theta2 - 1);

      g_assert_cmpfloat (lr, >=, config.lr_min);
      g_assert_cmpfloat (lr, <=, config.lr_max);
      g_assert_cmpfloat (mu, >=, 0.0);
      g_assert_cmpfloat (mu, <=, 0.99 + 1e-12);
      g_assert_cmpfloat (fabs (result->objective[k] - expected), <=, 1e-4 * MAX (1, expected));
      g_assert_cmpfloat (result->objective[result->best], <=, result->objective[k]);
      momenta_differ |= mu != result->hypers[0].momentum;
    }
  g_assert_true (momenta_differ);

  again = l2l_tune_run (fixture->task, &spec, 2, 5, &config, NULL, NULL, NULL, NULL, NULL, &error);
  other = l2l_tune_run (fixture->task, &spec, 2, 6, &config, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_cmpmem (again->grid, 40 * sizeof (double), result->grid, 40 * sizeof (double));
  g_assert_cmpmem (again->hypers, 40 * sizeof (L2lHyper), result->hypers, 40 * sizeof (L2lHyper));
  g_assert_cmpmem (again->objective, 40 * sizeof (double), result->objective,
                   40 * sizeof (double));
  g_assert_cmpfloat (other->grid[0], !=, result->grid[0]);
  g_assert_cmpuint (l2l_tune_work (&config, 2, NULL), ==, 40 * 2 * 2);
  l2l_optimizer_spec_clear (&spec);
}

/* Over 3 steps SGD's loss is (1 − 2lr)^(2t); the summed objective is
 * Σ_{t=0..3} (1 − 2lr)^(2t), also lowest nearest lr = 0.5. With the grid
 * 0.1, 0.2, …, 1 (ten points a decade from 0.1) the winner is 0.501. */
static void
test_sum_objective (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTuneResult) result = NULL;
  L2lOptimizerSpec spec;
  L2lTuneConfig config = {
    .lr_min = 0.1, .lr_max = 1.0, .per_decade = 10, .runs = 1,
    .objective = L2L_TUNE_SUM,
  };

  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  result = l2l_tune_run (fixture->task, &spec, 3, 0, &config, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_grid, ==, 11);
  for (guint k = 0; k < result->n_grid; k++)
    {
      double q = (1 - 2 * result->grid[k]) * (1 - 2 * result->grid[k]);
      double expected = 1 + q + q * q + q * q * q;
      g_assert_cmpfloat (fabs (result->objective[k] - expected), <=, 1e-5 * expected);
    }
  g_assert_cmpfloat_with_epsilon (l2l_tune_result_best_lr (result), pow (10, -0.3), 1e-9);
  l2l_optimizer_spec_clear (&spec);
}

static void
test_all_diverge (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTuneResult) result = NULL;
  L2lOptimizerSpec spec;
  L2lTuneConfig config = {
    .lr_min = 1e3, .lr_max = 1e4, .per_decade = 2, .runs = 2, .objective = L2L_TUNE_FINAL,
  };

  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  result = l2l_tune_run (fixture->task, &spec, 100, 0, &config, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DIVERGED);
  g_assert_nonnull (strstr (error->message, "sgd"));
  l2l_optimizer_spec_clear (&spec);
}

/* Tuning functions come from their own seed stream: with a sampled task the
 * tuning objective is not the test loss of the same rate. */
static void
test_tunes_on_other_functions (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  g_autoptr(L2lTuneResult) result = NULL;
  L2lTuneConfig config = {
    .lr_min = 0.01, .lr_max = 0.01, .per_decade = 1, .runs = 5, .objective = L2L_TUNE_FINAL,
  };
  L2lOptimizerSpec spec;
  double losses[5 * 11], test_mean = 0.0;
  L2lTrajectoryJob job = {
    .task = task, .optimizer = &spec, .lr = 0.01, .seed = 0, .stream = L2L_SEED_TEST,
    .runs = 5, .steps = 10,
  };

  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  result = l2l_tune_run (task, &spec, 10, 0, &config, NULL, NULL, NULL, NULL, NULL, NULL);
  g_assert_true (l2l_trajectories_run (&job, losses, NULL, NULL, NULL));
  for (guint r = 0; r < 5; r++)
    test_mean += losses[r * 11 + 10] / 5;
  g_assert_cmpfloat (result->objective[0], !=, test_mean);
  l2l_optimizer_spec_clear (&spec);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/tune/grid", test_grid);
  g_test_add ("/engine/tune/picks-lowest", Fixture, NULL,
              fixture_set_up, test_picks_lowest, fixture_tear_down);
  g_test_add ("/engine/tune/sum-objective", Fixture, NULL,
              fixture_set_up, test_sum_objective, fixture_tear_down);
  g_test_add ("/engine/tune/all-diverge", Fixture, NULL,
              fixture_set_up, test_all_diverge, fixture_tear_down);
  g_test_add_func ("/engine/tune/tunes-on-other-functions", test_tunes_on_other_functions);
  g_test_add ("/engine/tune/hyper-search", Fixture, NULL,
              fixture_set_up, test_hyper_search, fixture_tear_down);
  return g_test_run ();
}
