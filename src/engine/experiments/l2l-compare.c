/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-compare.h"
#include "l2l-rule-optimizer.h"
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
    .threads = MIN (g_get_num_processors (), L2L_MAX_THREADS),
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
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "task",
                           "a comparison needs a task");
      return FALSE;
    }
  for (guint i = 0; i < config->n_optimizers; i++)
    if (config->optimizers[i].net != NULL &&
        !l2l_rule_check_task (config->optimizers[i].net, config->task,
                              config->optimizers[i].label, error))
      {
        l2l_error_set_field (error, "optimizers");
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
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "optimizers",
                           "choose at least one optimizer");
      return FALSE;
    }
  if (!l2l_check_limit ("steps", config->steps, error) ||
      !l2l_check_limit ("runs", config->runs, error) ||
      !l2l_check_limit ("threads", config->threads, error))
    return FALSE;
  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lOptimizerSpec *spec = &config->optimizers[i];

      if (spec->net != NULL && spec->tune)
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "lr",
                               "%s: a learned optimizer has no learning rate to tune",
                               spec->label);
          return FALSE;
        }
      any_tuned |= spec->tune;
      if (spec->net == NULL && !spec->tune && !(spec->lr > 0.0))
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "lr",
                               "%s: the learning rate must be above 0, got %g",
                               spec->label, spec->lr);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (spec->label, config->optimizers[j].label))
          {
            l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "optimizers",
                                 "'%s' is listed twice", spec->label);
            return FALSE;
          }
    }
  if (any_tuned && !l2l_tune_config_validate (&config->tune, error))
    return FALSE;
  /* each thread runs one problem at a time */
  if (config->task != NULL &&
      !l2l_memory_check ((guint64) config->threads * config->task->problem_bytes, NULL,
                         "threads", "the minibatches and activations of a problem a thread",
                         "use fewer threads or a smaller task", error))
    return FALSE;
  /* Every optimizer's losses are kept: runs × (steps + 1) doubles each, and
   * its final θ when asked for. */
  return l2l_memory_check ((guint64) config->n_optimizers * config->runs *
                           ((config->steps + 1) * sizeof (double) +
                            (config->keep_final_theta && config->task
                             ? l2l_task_get_n_params (config->task) * sizeof (float) : 0)),
                           NULL, "runs", "the losses of every step of every run",
                           "use fewer runs or steps", error);
}

/* Progress from any thread, reported one event at a time. */
typedef struct {
  L2lCompareProgressFunc  func;
  gpointer                user_data;
  GMutex                  lock;
  guint64                 done;     /* run-steps of all phases */
  guint64                 total;
} Reporter;

typedef struct {
  Reporter              *reporter;
  guint                  optimizer;
  const L2lCompareEntry *entry;
  guint64                tune_base;  /* run-steps done before this tuning */
} EntryReporter;

/* Sends @event as @entry's; @runs_done run-steps are added to the total done
 * first (0 while tuning, whose count is its own). */
static void
report (EntryReporter      *entry,
        L2lCompareProgress *event,
        guint64             runs_done)
{
  Reporter *reporter = entry->reporter;

  event->optimizer = entry->optimizer;
  event->entry = entry->entry;
  event->total = reporter->total;
  g_mutex_lock (&reporter->lock);
  reporter->done += runs_done;
  if (event->phase == L2L_COMPARE_RUNNING)
    event->done = reporter->done;
  reporter->func (event, reporter->user_data);
  g_mutex_unlock (&reporter->lock);
}

static void
report_tuning (guint64  done,
               guint64  total,
               gpointer user_data)
{
  EntryReporter *entry = user_data;
  L2lCompareProgress event = {
    .phase = L2L_COMPARE_TUNING,
    .done = entry->tune_base + done,
  };

  (void) total;  /* the comparison's total is the reporter's */
  report (entry, &event, 0);
}

static void
report_running (guint        step,
                guint        first_run,
                guint        n_runs,
                const float *theta,
                gpointer     user_data)
{
  L2lCompareProgress event = {
    .phase = L2L_COMPARE_RUNNING,
    .step = step,
    .first_run = first_run,
    .n_runs = n_runs,
    .theta = theta,
  };

  report (user_data, &event, step > 0 ? n_runs : 0);
}

/* The test runs of every optimizer, one optimizer an item. */
typedef struct {
  const L2lCompareConfig *config;
  L2lCompareResult       *result;
  EntryReporter          *reporters;
  gboolean                report;
  GCancellable           *cancellable;
  gint                    cancelled;    /* atomic */
  L2lTrajectoryJob       *jobs;         /* [n_optimizers], for the gathering after */
  L2lOptimizerSpec       *tuned;        /* [n_optimizers]: each rule as tuned */
  L2lParallel            *parallel;     /* lent to the runs of a single optimizer */
} Running;

static void
run_entry (guint    i,
           gpointer user_data)
{
  Running *running = user_data;
  const L2lCompareConfig *config = running->config;
  L2lCompareEntry *entry = &running->result->entries[i];
  L2lTrajectoryJob *job = &running->jobs[i];

  /* the rule as tuned: the rate and the other hyper-parameters a search chose */
  running->tuned[i] = config->optimizers[i];
  running->tuned[i].hyper = entry->hyper;
  *job = (L2lTrajectoryJob) {
    .task = config->task,
    .optimizer = &running->tuned[i],
    .lr = entry->lr,
    .seed = config->seed,
    .stream = L2L_SEED_TEST,
    .runs = config->runs,
    .steps = config->steps,
    .on_step = running->report ? report_running : NULL,
    .user_data = &running->reporters[i],
    .final_theta = entry->final_theta,
    .seconds = entry->seconds,
    /* a comparison of few runs has one chunk an optimizer: each on another rank */
    .cluster = config->cluster,
    .cluster_offset = i,
    /* one optimizer runs in this thread (an item of its own would be the
     * only one), so its runs, or their losses, may have the threads */
    .parallel = config->n_optimizers == 1 ? running->parallel : NULL,
  };

  if (g_atomic_int_get (&running->cancelled) ||
      !l2l_trajectories_run (job, entry->losses, &entry->diverged_runs,
                             running->cancellable, NULL))
    g_atomic_int_set (&running->cancelled, TRUE);
}

/* Every rank's runs everywhere, optimizer by optimizer, then the statistics. */
static gboolean
gather_entries (Running *running)
{
  const L2lCompareConfig *config = running->config;

  for (guint i = 0; i < config->n_optimizers; i++)
    {
      L2lCompareEntry *entry = &running->result->entries[i];

      if (!l2l_trajectories_gather (&running->jobs[i], entry->losses, running->cancelled,
                                    &entry->diverged_runs, NULL))
        return FALSE;
      l2l_step_stats_compute (&entry->stats, entry->losses, config->runs, config->steps + 1);
    }
  return TRUE;
}

#define BOOTSTRAP_RESAMPLES 2000

typedef struct {
  L2lCompareResult *result;
  const double     *finals;    /* [n_entries × runs]: each optimizer's final losses */
} Confidence;

/* Every optimizer saw the same functions: its final losses pair with every
 * other's, run by run. One optimizer an item, its resamples from its own seed. */
static void
add_confidence_of (guint    i,
                   gpointer user_data)
{
  const Confidence *confidence = user_data;
  const L2lCompareResult *result = confidence->result;
  const guint runs = result->runs;
  L2lCompareEntry *entry = &result->entries[i];

  l2l_bootstrap_mean_ci (confidence->finals + (gsize) i * runs, runs,
                         l2l_seed_derive (result->seed, L2L_SEED_BOOTSTRAP, i),
                         BOOTSTRAP_RESAMPLES, 0.95, &entry->final_ci95[0],
                         &entry->final_ci95[1]);
  entry->p_lower_than = g_new (double, result->n_entries);
  for (guint j = 0; j < result->n_entries; j++)
    entry->p_lower_than[j] = i == j ? NAN
      : l2l_wilcoxon_lower (confidence->finals + (gsize) i * runs,
                            confidence->finals + (gsize) j * runs, runs);
}

static void
add_confidence (L2lCompareResult *result,
                L2lParallel      *parallel)
{
  const guint runs = result->runs, last = result->steps;
  g_autofree double *finals = g_new (double, (gsize) result->n_entries * runs);
  Confidence confidence = { result, finals };

  for (guint i = 0; i < result->n_entries; i++)
    for (guint r = 0; r < runs; r++)
      finals[(gsize) i * runs + r] = result->entries[i].losses[(gsize) r * (last + 1) + last];
  l2l_parallel_run (parallel, result->n_entries, add_confidence_of, &confidence);
}

L2lCompareResult *
l2l_compare_run (const L2lCompareConfig  *config,
                 L2lCompareProgressFunc   progress,
                 gpointer                 user_data,
                 GCancellable            *cancellable,
                 GError                 **error)
{
  g_autoptr(L2lCompareResult) result = NULL;
  g_autoptr(L2lParallel) parallel = NULL;
  g_autofree EntryReporter *reporters = NULL;
  Reporter reporter = { progress, user_data, { 0 }, 0, 0 };
  Running running = { config, NULL, NULL, progress != NULL, cancellable, FALSE, NULL, NULL,
                      NULL };
  g_autofree L2lTrajectoryJob *jobs = NULL;
  g_autofree L2lOptimizerSpec *tuned = NULL;
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
  parallel = l2l_parallel_new (config->threads);
  reporters = g_new0 (EntryReporter, config->n_optimizers);

  /* progress counts this rank's share of the work */
  tune_work = l2l_tune_work (&config->tune, config->steps, config->cluster);
  for (guint i = 0; i < config->n_optimizers; i++)
    {
      L2lTrajectoryJob share = {
        .task = config->task, .runs = config->runs, .steps = config->steps,
        .cluster = config->cluster, .cluster_offset = i,
      };

      reporters[i] = (EntryReporter) { &reporter, i, &result->entries[i], 0 };
      reporter.total += (guint64) l2l_trajectories_runs_here (&share) * config->steps;
      if (config->optimizers[i].tune)
        reporter.total += tune_work;
    }
  g_mutex_init (&reporter.lock);

  /* Tuning: one optimizer after another, the rates of its grid in parallel. */
  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lOptimizerSpec *spec = &config->optimizers[i];
      L2lCompareEntry *entry = &result->entries[i];

      entry->label = g_strdup (spec->label);
      entry->learned = spec->net != NULL;
      entry->lr = entry->learned ? NAN : spec->lr;
      entry->info = spec->info;
      entry->hyper = spec->hyper;
      entry->train_seconds = entry->learned ? spec->net->train_seconds : NAN;
      entry->train_functions = entry->learned ? spec->net->train_functions : 0;
      entry->losses = g_new (double, (gsize) config->runs * (config->steps + 1));
      entry->seconds = g_new (double, (gsize) config->runs * (config->steps + 1));
      if (config->keep_final_theta)
        entry->final_theta = g_new (float, config->runs * l2l_task_get_n_params (config->task));
      if (!spec->tune)
        continue;
      reporters[i].tune_base = reporter.done;
      entry->tuning = l2l_tune_run (config->task, spec, config->steps, config->seed,
                                    &config->tune, parallel, config->cluster,
                                    progress ? report_tuning : NULL,
                                    &reporters[i], cancellable, error);
      if (entry->tuning == NULL)
        {
          g_mutex_clear (&reporter.lock);
          return NULL;
        }
      entry->lr = l2l_tune_result_best_lr (entry->tuning);
      if (entry->tuning->hypers != NULL)
        entry->hyper = entry->tuning->hypers[entry->tuning->best];
      reporter.done += tune_work;
    }

  /* The test runs: the optimizers in parallel, each one's runs in order. */
  running.result = result;
  running.reporters = reporters;
  running.parallel = parallel;
  running.jobs = jobs = g_new0 (L2lTrajectoryJob, config->n_optimizers);
  running.tuned = tuned = g_new0 (L2lOptimizerSpec, config->n_optimizers);
  l2l_parallel_run (parallel, config->n_optimizers, run_entry, &running);
  g_mutex_clear (&reporter.lock);
  if (!gather_entries (&running))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return NULL;
    }
  add_confidence (result, parallel);
  return g_steal_pointer (&result);
}

/* A step's time is its mean over runs (their share of their chunk's), and the
 * median over steps 1…T is robust to the few steps that a preempted thread or
 * cold caches made many times longer: a mean spread one such stall of
 * milliseconds over the whole run, so identical runs differed twentyfold. */
double
l2l_compare_entry_seconds_per_step (const L2lCompareResult *result,
                                    const L2lCompareEntry  *entry)
{
  const gsize stride = (gsize) result->steps + 1;
  g_autofree double *step_seconds = NULL;

  if (result->steps == 0)
    return 0.0;
  step_seconds = g_new0 (double, result->steps);
  for (guint r = 0; r < result->runs; r++)
    for (guint t = 1; t <= result->steps; t++)
      step_seconds[t - 1] += (entry->seconds[r * stride + t] -
                              entry->seconds[r * stride + t - 1]) / result->runs;
  l2l_sort_doubles (step_seconds, result->steps);
  return l2l_quantile_sorted (step_seconds, result->steps, 0.5);
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
      g_free (entry->seconds);
      g_free (entry->final_theta);
      g_free (entry->p_lower_than);
      l2l_step_stats_clear (&entry->stats);
    }
  g_free (result->entries);
  g_free (result->task_spec);
  g_free (result);
}
