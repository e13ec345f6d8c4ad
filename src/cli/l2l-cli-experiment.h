/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-cli-settings.h"
#include "l2l-engine.h"

G_BEGIN_DECLS

/* The flags that describe an experiment, as the user typed them. compare,
 * tune and art share them, so that one set of words means one thing
 * everywhere; the settings' flags come from the engine's table. */
typedef struct {
  char           *task;
  char           *problem;
  char           *data;
  char           *optimizers;
  char           *lr;
  char           *hyper;
  gboolean        tune;
  gboolean        tune_hyper;
  L2lCliSettings  settings;
  const char     *default_optimizers;  /* the command's, NULL: every hand-written rule */
  const char     *default_task;        /* the command's, NULL: the engine's */
} L2lCliExperiment;

typedef enum {
  L2L_CLI_FLAGS_TASK  = 1 << 0,   /* --task, --problem, --data */
  L2L_CLI_FLAGS_RUNS  = 1 << 1,   /* --runs */
  L2L_CLI_FLAGS_RATES = 1 << 2,   /* --lr, --hyper, --tune */
} L2lCliExperimentFlags;

/* Entries for the flags every experiment has (optimizers, the engine's
 * comparison settings, --tune-hyper), and those of @flags; @family (may be
 * NULL) chooses the default rates --help shows, @defaults (NULL: the
 * engine's) the other defaults it shows. */
GOptionGroup *l2l_cli_experiment_option_group (L2lCliExperiment       *args,
                                               L2lCliExperimentFlags   flags,
                                               const L2lTaskFamily    *family,
                                               const L2lCompareConfig *defaults);

/* Turns the flags into a validated config, starting from @defaults (NULL:
 * the engine's); errors name the flag. */
gboolean      l2l_cli_experiment_build        (const L2lCliExperiment  *args,
                                               const L2lCompareConfig  *defaults,
                                               L2lCompareConfig        *config,
                                               GError                 **error);
void          l2l_cli_experiment_clear        (L2lCliExperiment *args);

/* Appends the files a task spec names (l2l_task_spec_inputs) to @paths and
 * their flags to @flags: "--task KEY", or "--KEY" where the task's options
 * are the command's own flags (art). */
void          l2l_cli_inputs_add_task         (GPtrArray  *paths,
                                               GPtrArray  *flags,
                                               const char *spec,
                                               gboolean    keys_are_flags);
/* Fails when one of the @n_outputs outputs is a file the experiment reads:
 * --problem, the task's files, a checkpoint named in --optimizers. */
gboolean      l2l_cli_experiment_check_outputs (const L2lCliExperiment  *args,
                                                const L2lCompareConfig  *config,
                                                gboolean                 keys_are_flags,
                                                const char *const       *outputs,
                                                const char *const       *output_flags,
                                                guint                    n_outputs,
                                                GError                 **error);

G_END_DECLS
