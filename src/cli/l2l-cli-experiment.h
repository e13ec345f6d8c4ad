/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-chart.h"
#include "l2l-engine.h"

G_BEGIN_DECLS

/* The flags that describe an experiment, as the user typed them. compare and
 * tune share them, so that one set of words means one thing everywhere. */
typedef struct {
  char     *task;
  char     *problem;
  char     *data;
  char     *optimizers;
  char     *lr;
  char     *hyper;
  gboolean  tune;
  gboolean  tune_hyper;
  char     *tune_budget;
  char     *tune_runs;
  char     *tune_objective;
  char     *tune_grid;
  char     *steps;
  char     *runs;
  char     *seed;
  char     *threads;
} L2lCliExperiment;

typedef enum {
  L2L_CLI_FLAGS_TASK  = 1 << 0,   /* --task, --problem, --data */
  L2L_CLI_FLAGS_RUNS  = 1 << 1,   /* --runs */
  L2L_CLI_FLAGS_RATES = 1 << 2,   /* --lr, --hyper, --tune */
} L2lCliExperimentFlags;

/* Entries for the flags every experiment has (optimizers, steps, seed,
 * threads, tuning grid), and those of @flags. */
GOptionGroup *l2l_cli_experiment_option_group (L2lCliExperiment      *args,
                                               L2lCliExperimentFlags  flags);

/* Turns the flags into a validated config; errors name the flag. */
gboolean      l2l_cli_experiment_build        (const L2lCliExperiment  *args,
                                               L2lCompareConfig        *config,
                                               GError                 **error);
void          l2l_cli_experiment_clear        (L2lCliExperiment *args);

/* The task of --task SPEC (default quadratic) with --data DIR added as its
 * data option; errors name the flag. */
L2lTask      *l2l_cli_task_from_flags         (const char  *spec,
                                               const char  *data,
                                               GError     **error);

/* "lstm:FILE" or "lstm:NAME" (a pretrained optimizer; a file of that name
 * wins) → the path to load. Errors read "lstm:NAME: …" and list the names. */
char         *l2l_cli_resolve_learned         (const char  *name,
                                               GError     **error);

/* A flag's whole number or finite number; NULL @text leaves @out as is.
 * Syntax only: the engine's validation checks ranges (ARCHITECTURE §2). */
gboolean      l2l_cli_parse_uint              (const char  *flag,
                                               const char  *text,
                                               guint       *out,
                                               GError     **error);
gboolean      l2l_cli_parse_real              (const char  *flag,
                                               const char  *text,
                                               double      *out,
                                               GError     **error);
/* A whole number from @min to @max, for the CLI's own flags. */
gboolean      l2l_cli_parse_count             (const char  *flag,
                                               const char  *text,
                                               guint        min,
                                               guint        max,
                                               guint       *out,
                                               GError     **error);
gboolean      l2l_cli_parse_seed              (const char  *text,
                                               guint64     *out,
                                               GError     **error);

/* --plot FILE and --plot-size WxH: checks the format and the folder, before
 * any work starts. */
gboolean      l2l_cli_parse_plot              (const char  *path,
                                               const char  *size,
                                               int         *width,
                                               int         *height,
                                               GError     **error);

/* "1,50,100" → sorted unique steps within 0..max_step. */
gboolean      l2l_cli_parse_steps             (const char  *flag,
                                               const char  *text,
                                               guint        max_step,
                                               GArray     **steps,
                                               GError     **error);

/* Runs a comparison with a progress line on stderr; NULL with the error when
 * it fails or is interrupted. */
L2lCompareResult *l2l_cli_compare_run        (L2lCompareConfig        *config,
                                              GError                 **error);
/* The mean loss per step with its 25–75 % band, log scale, as --plot draws it:
 * against the step or (@x_mode) the mean wall time to it. */
gboolean      l2l_cli_compare_write_plot      (const L2lCompareResult  *result,
                                               const char              *path,
                                               int                      width,
                                               int                      height,
                                               L2lChartXMode            x_mode,
                                               GError                 **error);

G_END_DECLS
