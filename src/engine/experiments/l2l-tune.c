/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-error.h"
#include "l2l-options.h"
#include "l2l-tune.h"

void
l2l_tune_config_init_defaults (L2lTuneConfig *config)
{
  config->lr_min = 1e-5;
  config->lr_max = 10.0;
  config->per_decade = 4;
  config->runs = 20;
  config->objective = L2L_TUNE_FINAL;
  config->hyper_budget = 0;
}

gboolean
l2l_tune_config_validate (const L2lTuneConfig  *config,
                          GError              **error)
{
  if (!(config->lr_min > 0.0) || !(config->lr_max >= config->lr_min) ||
      config->per_decade < 1 || config->per_decade > 100)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "tune-grid",
                           "need 0 < lowest ≤ highest rate and 1 to 100 points "
                           "a decade, got %g to %g with %u a decade",
                           config->lr_min, config->lr_max, config->per_decade);
      return FALSE;
    }
  return l2l_check_limit ("tune-runs", config->runs, error) &&
         (config->hyper_budget == 0 ||
          l2l_check_limit ("tune-budget", config->hyper_budget, error));
}

const char *
l2l_tune_objective_to_string (L2lTuneObjective objective)
{
  return objective == L2L_TUNE_SUM ? "sum" : "final";
}

gboolean
l2l_tune_objective_from_string (const char       *text,
                                L2lTuneObjective *objective)
{
  if (g_str_equal (text, "final"))
    *objective = L2L_TUNE_FINAL;
  else if (g_str_equal (text, "sum"))
    *objective = L2L_TUNE_SUM;
  else
    return FALSE;
  return TRUE;
}

double *
l2l_tune_grid (const L2lTuneConfig *config,
               guint               *n_grid)
{
  double decades = log10 (config->lr_max / config->lr_min);
  /* The small slack keeps 1e-5…10 at exactly 25 points despite rounding. */
  guint n = (guint) floor (decades * config->per_decade + 1e-9) + 1;
  double *grid = g_new (double, n);

  for (guint k = 0; k < n; k++)
    grid[k] = config->lr_min * pow (10.0, (double) k / config->per_decade);
  *n_grid = n;
  return grid;
}

guint64
l2l_tune_work (const L2lTuneConfig *config,
               guint                steps,
               const L2lCluster    *cluster)
{
  guint n_grid = config->hyper_budget, first, last;

  if (n_grid == 0)
    g_free (l2l_tune_grid (config, &n_grid));
  l2l_cluster_share (cluster, n_grid, 0, &first, &last);
  return (guint64) (last - first) * config->runs * steps;
}

typedef struct {
  L2lTuneProgressFunc progress;
  gpointer            user_data;
  GMutex              lock;       /* one progress call at a time */
  guint64             done;
  guint64             total;
} TuneProgress;

static void
tune_on_step (guint        step,
              guint        first_run,
              guint        n_runs,
              const float *theta,
              gpointer     user_data)
{
  TuneProgress *progress = user_data;

  if (step == 0)
    return;
  g_mutex_lock (&progress->lock);
  progress->done += n_runs;
  progress->progress (progress->done, progress->total, progress->user_data);
  g_mutex_unlock (&progress->lock);
}

static double
objective_of (const double     *losses,
              guint             runs,
              guint             steps,
              L2lTuneObjective  objective)
{
  double total = 0.0;

  for (guint r = 0; r < runs; r++)
    {
      const double *row = losses + (gsize) r * (steps + 1);

      if (objective == L2L_TUNE_FINAL)
        total += row[steps];
      else
        for (guint t = 0; t <= steps; t++)
          total += row[t];
    }
  return isfinite (total) ? total / runs : INFINITY;
}

/* One rate of the grid on all tuning functions. */
typedef struct {
  L2lTask                *task;
  const L2lOptimizerSpec *optimizer;
  guint                   steps;
  guint64                 seed;
  const L2lTuneConfig    *config;
  TuneProgress           *progress;
  GCancellable           *cancellable;
  L2lTuneResult          *result;
  guint                   first;       /* this rank's share of the grid starts here */
  gint                    cancelled;   /* atomic */
} Grid;

static void
run_rate (guint    item,
          gpointer user_data)
{
  Grid *grid = user_data;
  const guint k = grid->first + item;
  const L2lTuneConfig *config = grid->config;
  g_autofree double *losses = g_new (double, (gsize) config->runs * (grid->steps + 1));
  L2lOptimizerSpec spec = *grid->optimizer;   /* shares the label: not cleared */
  L2lTrajectoryJob job = {
    .task = grid->task,
    .optimizer = &spec,
    .lr = grid->result->grid[k],
    .seed = grid->seed,
    .stream = L2L_SEED_TUNE,
    .runs = config->runs,
    .steps = grid->steps,
    .on_step = grid->progress->progress ? tune_on_step : NULL,
    .user_data = grid->progress,
  };

  if (grid->result->hypers != NULL)
    spec.hyper = grid->result->hypers[k];
  if (g_atomic_int_get (&grid->cancelled) ||
      !l2l_trajectories_run (&job, losses, NULL, grid->cancellable, NULL))
    {
      g_atomic_int_set (&grid->cancelled, TRUE);
      return;
    }
  grid->result->objective[k] = objective_of (losses, config->runs, grid->steps,
                                             config->objective);
}

/* 1 − 10^u, u ~ U(lo, hi): values near 1 as finely as far from it. */
static double
near_one (L2lRng *rng,
          double  lo,
          double  hi)
{
  return 1.0 - pow (10.0, lo + (hi - lo) * l2l_rng_uniform (rng));
}

/* The search's configurations, the same for the same seed and rule. */
static void
draw_configurations (L2lTuneResult          *result,
                     const L2lOptimizerSpec *optimizer,
                     const L2lTuneConfig    *config,
                     guint64                 seed)
{
  const double lo = log10 (config->lr_min), hi = log10 (config->lr_max);
  L2lRng rng;

  l2l_rng_init (&rng, l2l_seed_derive (seed, L2L_SEED_TUNE, G_MAXUINT64));
  result->n_grid = config->hyper_budget;
  result->grid = g_new (double, result->n_grid);
  result->hypers = g_new (L2lHyper, result->n_grid);
  for (guint k = 0; k < result->n_grid; k++)
    {
      L2lHyper *hyper = &result->hypers[k];

      result->grid[k] = pow (10.0, lo + (hi - lo) * l2l_rng_uniform (&rng));
      *hyper = optimizer->hyper;
      if (optimizer->info == &l2l_optimizer_sgd || optimizer->info == &l2l_optimizer_nag)
        hyper->momentum = near_one (&rng, -2.0, 0.0);
      else if (optimizer->info == &l2l_optimizer_adam)
        {
          hyper->beta1 = near_one (&rng, -2.0, 0.0);
          hyper->beta2 = near_one (&rng, -4.0, -1.0);
        }
      else if (optimizer->info == &l2l_optimizer_rmsprop)
        hyper->alpha = near_one (&rng, -3.0, -0.5);
    }
}

L2lTuneResult *
l2l_tune_run (L2lTask                *task,
              const L2lOptimizerSpec *optimizer,
              guint                   steps,
              guint64                 seed,
              const L2lTuneConfig    *config,
              L2lParallel            *parallel,
              L2lCluster             *cluster,
              L2lTuneProgressFunc     progress,
              gpointer                user_data,
              GCancellable           *cancellable,
              GError                **error)
{
  g_autoptr(L2lTuneResult) result = NULL;
  TuneProgress tracker = { progress, user_data, { 0 }, 0, 0 };
  Grid grid = { task, optimizer, steps, seed, config, &tracker, cancellable, NULL, 0, FALSE };
  guint last;

  if (!l2l_tune_config_validate (config, error))
    return NULL;
  result = g_new0 (L2lTuneResult, 1);
  if (config->hyper_budget > 0)
    draw_configurations (result, optimizer, config, seed);
  else
    result->grid = l2l_tune_grid (config, &result->n_grid);
  result->objective = g_new (double, result->n_grid);
  tracker.total = l2l_tune_work (config, steps, cluster);
  g_mutex_init (&tracker.lock);
  grid.result = result;
  /* with a cluster, this rank's configurations; then every objective everywhere */
  l2l_cluster_share (cluster, result->n_grid, 0, &grid.first, &last);
  l2l_parallel_run (parallel, last - grid.first, run_rate, &grid);
  g_mutex_clear (&tracker.lock);
  if (l2l_cluster_any (cluster, grid.cancelled))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return NULL;
    }
  l2l_cluster_gather_equal (cluster, result->objective, result->n_grid, 0, sizeof (double));

  /* In grid order, whichever thread ran which rate: ties go to the smaller. */
  for (guint k = 1; k < result->n_grid; k++)
    if (result->objective[k] < result->objective[result->best])
      result->best = k;
  if (!isfinite (result->objective[result->best]))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DIVERGED,
                   "%s: every %s from %g to %g diverged while tuning",
                   optimizer->label, result->hypers ? "configuration with a rate" : "learning rate",
                   config->lr_min, config->lr_max);
      return NULL;
    }
  return g_steal_pointer (&result);
}

double
l2l_tune_result_best_lr (const L2lTuneResult *result)
{
  return result->grid[result->best];
}

void
l2l_tune_result_free (L2lTuneResult *result)
{
  if (result == NULL)
    return;
  g_free (result->grid);
  g_free (result->hypers);
  g_free (result->objective);
  g_free (result);
}
