/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-compare.h"

G_BEGIN_DECLS

/* CSV "optimizer,run,step,loss,seconds": one row per optimizer × run × step,
 * step 0 being the initial loss, runs from 0, losses to float precision
 * ("inf" once diverged), and the run's wall time to that step. */
char    *l2l_results_to_csv   (const L2lCompareResult *result,
                               gsize                  *length);

/* The comparison as a text table, as `l2l compare` prints it and the desktop
 * app shows it: per optimizer its rate, whether it was tuned, the mean and
 * median loss at each of @steps (@n_steps 0: the last step), how many runs
 * diverged, the time per step and a learned optimizer's meta-training cost;
 * then the hyper-parameters a search chose, and the best optimizer with its
 * interval and whether the paired tests put it below every other. */
char    *l2l_results_to_table (const L2lCompareResult *result,
                               const guint            *steps,
                               guint                   n_steps);
/* The lines above the table: the task and the tuning, each ending in a
 * newline. */
char    *l2l_results_header   (const L2lCompareResult *result);
/* The entry with the lowest finite mean loss at the last step, with the
 * largest p of the paired tests that it is below each other (@worst_p) and
 * the one it is against; NULL with fewer than two entries or runs. */
const L2lCompareEntry *l2l_results_find_best (const L2lCompareResult  *result,
                                              double                  *worst_p,
                                              const char             **against);
/* "momentum 0.9", "beta1 0.9, beta2 0.999": the hyper-parameters @info reads. */
void     l2l_results_append_hyper (GString                *out,
                                   const L2lOptimizerInfo *info,
                                   const L2lHyper         *hyper);
/* A compact loss for tables: 4 significant digits, "diverged" for +inf. */
void     l2l_results_format_loss (char   *buffer,
                                  gsize   size,
                                  double  loss);

/* JSON summary: settings, and per optimizer its rate (and tuning grid), the
 * per-step mean/median/q25/q75 and the final mean and median. Non-finite
 * numbers, which JSON cannot hold, are null. */
char    *l2l_results_to_json  (const L2lCompareResult *result,
                               gsize                  *length);

/* JSON of a tuning session: settings, and per optimizer of @optimizers the
 * chosen rate and hyper-parameters with the grid (or the configurations a
 * search drew) and its objective values. */
char    *l2l_results_tuning_to_json (const char             *task_spec,
                                     guint                   steps,
                                     guint64                 seed,
                                     const L2lTuneConfig    *tune,
                                     const L2lOptimizerSpec *optimizers,
                                     L2lTuneResult      **results,
                                     guint                n,
                                     gsize               *length);

gboolean l2l_results_write_csv  (const L2lCompareResult *result,
                                 const char             *path,
                                 GError                **error);
gboolean l2l_results_write_json (const L2lCompareResult *result,
                                 const char             *path,
                                 GError                **error);

G_END_DECLS
