/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-trajectories.h"

G_BEGIN_DECLS

typedef enum {
  L2L_TUNE_FINAL,   /* mean loss at the last step */
  L2L_TUNE_SUM,     /* mean of the loss summed over all steps */
} L2lTuneObjective;

/* A log-spaced grid lr_min · 10^(k / per_decade) up to lr_max, evaluated on
 * functions from the L2L_SEED_TUNE stream, never the test functions. */
typedef struct {
  double           lr_min;
  double           lr_max;
  guint            per_decade;
  guint            runs;
  L2lTuneObjective objective;
  /* 0: the learning rate alone, on the grid. Else a random search of this
   * many configurations drawn from the seed: the rate log-uniform over
   * [lr_min, lr_max] and the rule's other hyper-parameters — momentum
   * 1 − 10^U(−2, 0) for SGD and NAG, Adam's β1 1 − 10^U(−2, 0) and β2
   * 1 − 10^U(−4, −1), RMSprop's α 1 − 10^U(−3, −0.5). */
  guint            hyper_budget;
} L2lTuneConfig;

/* The configurations a search tries per optimizer unless told otherwise. */
#define L2L_TUNE_HYPER_BUDGET 32

typedef struct {
  guint     n_grid;
  double   *grid;        /* [n_grid] learning rates */
  L2lHyper *hypers;      /* [n_grid] with a hyper-parameter search, else NULL */
  double   *objective;   /* [n_grid]; +inf where some tuning run diverged */
  guint     best;        /* index of the lowest objective; ties go to the first */
} L2lTuneResult;

void           l2l_tune_config_init_defaults (L2lTuneConfig *config);
gboolean       l2l_tune_config_validate      (const L2lTuneConfig *config,
                                              GError             **error);
const char    *l2l_tune_objective_to_string  (L2lTuneObjective objective);
gboolean       l2l_tune_objective_from_string (const char       *text,
                                               L2lTuneObjective *objective);
double        *l2l_tune_grid                 (const L2lTuneConfig *config,
                                              guint               *n_grid);

/* Called after each tuning step with how many run-steps are done of the total. */
typedef void (*L2lTuneProgressFunc) (guint64 done, guint64 total, gpointer user_data);

/* The grid's rates run on @parallel's threads (may be NULL), and with a
 * @cluster (may be NULL) this rank runs its share of them, every rank the
 * same calls; @progress is called from the threads, one call at a time, for
 * this rank's share. */
L2lTuneResult *l2l_tune_run   (L2lTask                *task,
                               const L2lOptimizerSpec *optimizer,
                               guint                   steps,
                               guint64                 seed,
                               const L2lTuneConfig    *config,
                               L2lParallel            *parallel,
                               L2lCluster             *cluster,
                               L2lTuneProgressFunc     progress,
                               gpointer                user_data,
                               GCancellable           *cancellable,
                               GError                **error);
double         l2l_tune_result_best_lr (const L2lTuneResult *result);
void           l2l_tune_result_free    (L2lTuneResult *result);

/* Run-steps one l2l_tune_run performs on this rank of @cluster (may be
 * NULL), for progress totals. */
guint64        l2l_tune_work           (const L2lTuneConfig *config,
                                        guint                steps,
                                        const L2lCluster    *cluster);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lTuneResult, l2l_tune_result_free)

G_END_DECLS
