/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-stats.h"
#include "l2l-tune.h"

G_BEGIN_DECLS

/* Every optimizer runs on the same @runs functions from the same θ0 (the
 * L2L_SEED_TEST stream of @seed); tuned ones are first tuned on other functions. */
typedef struct {
  L2lTask          *task;
  L2lOptimizerSpec *optimizers;
  guint             n_optimizers;
  guint             steps;
  guint             runs;
  guint64           seed;
  L2lTuneConfig     tune;
  guint             threads;     /* the cores by default; results do not depend on it */
  gboolean          keep_final_theta;  /* fill each entry's final_theta (neural art's images) */
  /* Ranks sharing the comparison (NULL: this process alone): each runs its
   * share of every optimizer's runs and of every tuning search; the results,
   * on every rank, are those of one process, times aside. */
  L2lCluster       *cluster;
} L2lCompareConfig;

typedef struct {
  char          *label;
  gboolean       learned;
  double         lr;             /* NaN for a learned optimizer */
  const L2lOptimizerInfo *info;  /* the hand-written rule, NULL for a learned one */
  L2lHyper       hyper;          /* its other hyper-parameters */
  L2lTuneResult *tuning;         /* NULL unless the rate was tuned */
  double        *losses;         /* [runs × (steps + 1)] */
  double        *seconds;        /* [runs × (steps + 1)]: wall time from each run's start */
  float         *final_theta;    /* [runs × n_params] with keep_final_theta, else NULL */
  guint          diverged_runs;
  double         train_seconds;   /* a learned optimizer's meta-training: wall time (NaN: */
  guint64        train_functions; /* unknown or hand-written) and functions seen */
  L2lStepStats   stats;
  double         final_ci95[2];  /* bootstrap 95 % interval of the mean final loss */
  double        *p_lower_than;   /* [n_entries]: the paired one-sided Wilcoxon p-value
                                    that this optimizer's final losses are lower than
                                    entry j's (NaN for itself, or no differing pair) */
} L2lCompareEntry;

typedef struct {
  char            *task_spec;
  guint            steps;
  guint            runs;
  guint64          seed;
  L2lTuneConfig    tune;
  guint            n_entries;
  L2lCompareEntry *entries;
} L2lCompareResult;

typedef enum {
  L2L_COMPARE_TUNING,
  L2L_COMPARE_RUNNING,
} L2lComparePhase;

/* RUNNING events carry the losses of runs [first_run, first_run + n_runs) at
 * @step, found in entry->losses, and their parameters at that step in @theta
 * [n_runs × n_params] (valid during the call only: neural art's previews);
 * TUNING events carry only progress. */
typedef struct {
  L2lComparePhase         phase;
  guint                   optimizer;
  const L2lCompareEntry  *entry;
  guint                   step;
  guint                   first_run;
  guint                   n_runs;
  const float            *theta;
  guint64                 done;     /* run-steps of all phases */
  guint64                 total;
} L2lCompareProgress;

typedef void (*L2lCompareProgressFunc) (const L2lCompareProgress *progress,
                                        gpointer                  user_data);

void              l2l_compare_config_init     (L2lCompareConfig *config);
/* Clears the optimizers and drops the task: for configs built by front ends. */
void              l2l_compare_config_clear    (L2lCompareConfig *config);
/* Every rule but the task's presence (for checks as the user types). */
gboolean          l2l_compare_config_check_settings (const L2lCompareConfig *config,
                                                     GError                **error);
gboolean          l2l_compare_config_validate (const L2lCompareConfig *config,
                                               GError                **error);

/* Tuning runs the rates of a grid in parallel, the test runs the optimizers;
 * @progress is called from the worker threads, one call at a time, and each
 * optimizer's RUNNING events come in step order. */
L2lCompareResult *l2l_compare_run             (const L2lCompareConfig  *config,
                                               L2lCompareProgressFunc   progress,
                                               gpointer                 user_data,
                                               GCancellable            *cancellable,
                                               GError                 **error);
/* The median over steps 1…T of a step's wall time (its mean over runs). */
double            l2l_compare_entry_seconds_per_step (const L2lCompareResult *result,
                                                      const L2lCompareEntry  *entry);
void              l2l_compare_result_free     (L2lCompareResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lCompareResult, l2l_compare_result_free)

G_END_DECLS
