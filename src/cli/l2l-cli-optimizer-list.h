/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The optimizers of a comparison as the user lists them: --optimizers, --lr
 * and --hyper. Syntax only; the engine's validation checks the values. */

/* The hand-written rules' names, as the engine lists them. */
char     *l2l_cli_hand_written_names   (const char           *separator);
/* "sgd 0.01, rmsprop 0.01, …": each rule's rate for @family (NULL: any). */
char     *l2l_cli_default_rates        (const L2lTaskFamily  *family);

/* --optimizers LIST (NULL: every hand-written rule) into @config, with the
 * rates that suit @family (may be NULL). */
gboolean  l2l_cli_optimizers_parse     (const char           *text,
                                        const L2lTaskFamily  *family,
                                        L2lCompareConfig     *config,
                                        GError              **error);
/* --lr NAME=RATE|tune,…; @tune_rest tunes every rule not given one. */
gboolean  l2l_cli_learning_rates_parse (const char           *text,
                                        gboolean              tune_rest,
                                        L2lCompareConfig     *config,
                                        GError              **error);
/* --hyper NAME.PARAM=VALUE,…: fixed values, which a search may not override. */
gboolean  l2l_cli_hyper_parse          (const char           *text,
                                        L2lCompareConfig     *config,
                                        GError              **error);

G_END_DECLS
