/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The task of --task SPEC (default quadratic) with --data DIR added as its
 * data option; errors name the flag: --data where the engine says the data
 * set is at fault, else --task. */
L2lTask      *l2l_cli_task_from_flags         (const char  *spec,
                                               const char  *data,
                                               GError     **error);
/* That, or the one quadratic of --problem FILE; the two exclude each other. */
L2lTask      *l2l_cli_task_or_problem         (const char  *spec,
                                               const char  *problem,
                                               const char  *data,
                                               GError     **error);

G_END_DECLS
