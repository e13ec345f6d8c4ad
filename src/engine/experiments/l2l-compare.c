/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-compare.h"
#include "l2l-error.h"
#include "l2l-memory.h"
#include "l2l-options.h"


void
l2l_compare_config_init (L2lCompareConfig *config)
{
  *config = (L2lCompareConfig) {
    .steps = 100,
    .runs = 100,
    .seed = 0,
  };
  l2l_tune_config_init_defaults (&config->tune);
}

void
l2l_compare_config_clear (L2lCompareConfig *config)
{
  for (guint i = 0; i < config->n_optimizers; i++)
    l2l_optimizer_spec_clear (&config->optimizers[i]);
  g_clear_pointer (&config->optimizers, g_free);
  config->n_optimizers = 0;
  g_clear_pointer (&config->task, l2l_task_unref);
}

gboolean
l2l_compare_config_validate (const L2lCompareConfig  *config,
                             GError                 **error)
{
  if (config->task == NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "task: a comparison needs a task");
      return FALSE;
    }
  return l2l_compare_config_check_settings (config, error);
}

gboolean
l2l_compare_config_check_settings (const L2lCompareConfig  *config,
                                   GError                 **error)
{
  gboolean any_tuned = FALSE;

  if (config->n_optimizers == 0)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "optimizers: choose at least one optimizer");
      return FALSE;
    }
  if (!l2l_check_range ("steps", config->steps, 1, L2L_MAX_STEPS, error) ||
      !l2l_check_range ("runs", config->runs, 1, L2L_MAX_RUNS, error))
    return FALSE;
  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lOptimizerSpec *spec = &config->optimizers[i];

      if (spec->net != NULL && spec->tune)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "lr: %s: a learned optimizer has no learning rate to tune",
                       spec->label);
          return FALSE;
        }
      any_tuned |= spec->tune;
      if (spec->net == NULL && !spec->tune && !(spec->lr > 0.0))
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "lr: %s: the learning rate must be above 0, got %g",
                       spec->label, spec->lr);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (spec->label, config->optimizers[j].label))
          {
            g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                         "optimizers: '%s' is listed twice", spec->label);
            return FALSE;
          }
    }
  if (any_tuned && !l2l_tune_config_validate (&config->tune, error))
    return FALSE;
  /* Every optimizer's losses are kept: runs × (steps + 1) doubles each. */
  return l2l_memory_check ((guint64) config->n_optimizers * config->runs *
                           (config->steps + 1) * sizeof (double), "runs",
                           "the losses of every step of every run",
                           "use fewer runs or steps", error);
}

typedef struct {
  L2lCompareProgressFunc  func;
  gpointer                user_data;
  L2lCompareProgress      event;
} Reporter;

static void
report_tuning (guint64  done,
               guint64  total,
               gpointer user_data)
{
  Reporter *reporter = user_data;
  L2lCompareProgress event = reporter->event;

  event.done += done;
  reporter->func (&event, reporter->user_data);
}

static void
report_running (guint    step,
                guint    first_run,
                guint    n_runs,
                gpointer user_data)
{
  Reporter *reporter = user_data;

  if (step > 0)
    reporter->event.done += n_runs;
  reporter->event.step = step;
  reporter->event.first_run = first_run;
  reporter->event.n_runs = n_runs;
  reporter->func (&reporter->event, reporter->user_data);
}

L2lCompareResult *
l2l_compare_run (const L2lCompareConfig  *config,
                 L2lCompareProgressFunc   progress,
                 gpointer                 user_data,
                 GCancellable            *cancellable,
                 GError                 **error)
{
  g_autoptr(L2lCompareResult) result = NULL;
  Reporter reporter = { progress, user_data, { 0 } };
  guint64 tune_work;

  if (!l2l_compare_config_validate (config, error))
    return NULL;

  result = g_new0 (L2lCompareResult, 1);
  result->task_spec = g_strdup (l2l_task_get_spec (config->task));
  result->steps = config->steps;
  result->runs = config->runs;
  result->seed = config->seed;
  result->tune = config->tune;
  result->n_entries = config->n_optimizers;
  result->entries = g_new0 (L2lCompareEntry, config->n_optimizers);

  tune_work = l2l_tune_work (&config->tune, config->steps);
  reporter.event.total = (guint64) config->n_optimizers * config->runs * config->steps;
  for (guint i = 0; i < config->n_optimizers; i++)
    if (config->optimizers[i].tune)
      reporter.event.total += tune_work;

  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lOptimizerSpec *spec = &config->optimizers[i];
      L2lCompareEntry *entry = &result->entries[i];

      entry->label = g_strdup (spec->label);
      entry->learned = spec->net != NULL;
      entry->lr = entry->learned ? NAN : spec->lr;
      if (spec->tune)
        {
          reporter.event.phase = L2L_COMPARE_TUNING;
          reporter.event.optimizer = i;
          reporter.event.entry = entry;
          entry->tuning = l2l_tune_run (config->task, spec, config->steps, config->seed,
                                        &config->tune, progress ? report_tuning : NULL,
                                        &reporter, cancellable, error);
          if (entry->tuning == NULL)
            return NULL;
          entry->lr = l2l_tune_result_best_lr (entry->tuning);
          reporter.event.done += tune_work;
        }
    }

  for (guint i = 0; i < config->n_optimizers; i++)
    {
      L2lCompareEntry *entry = &result->entries[i];
      L2lTrajectoryJob job = {
        .task = config->task,
        .optimizer = &config->optimizers[i],
        .lr = entry->lr,
        .seed = config->seed,
        .stream = L2L_SEED_TEST,
        .runs = config->runs,
        .steps = config->steps,
        .on_step = progress ? report_running : NULL,
        .user_data = &reporter,
      };

      entry->losses = g_new (double, (gsize) config->runs * (config->steps + 1));
      reporter.event.phase = L2L_COMPARE_RUNNING;
      reporter.event.optimizer = i;
      reporter.event.entry = entry;
      if (!l2l_trajectories_run (&job, entry->losses, &entry->diverged_runs,
                                 cancellable, error))
        return NULL;
      l2l_step_stats_compute (&entry->stats, entry->losses, config->runs,
                              config->steps + 1);
    }
  return g_steal_pointer (&result);
}

void
l2l_compare_result_free (L2lCompareResult *result)
{
  if (result == NULL)
    return;
  for (guint i = 0; i < result->n_entries; i++)
    {
      L2lCompareEntry *entry = &result->entries[i];
      g_free (entry->label);
      l2l_tune_result_free (entry->tuning);
      g_free (entry->losses);
      l2l_step_stats_clear (&entry->stats);
    }
  g_free (result->entries);
  g_free (result->task_spec);
  g_free (result);
}
