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

G_END_DECLS
