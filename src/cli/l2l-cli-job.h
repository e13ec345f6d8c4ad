/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*L2lCliJobFunc) (gpointer       data,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* Runs @func on a worker thread while the main thread waits in a main loop
 * that turns Ctrl-C (SIGINT) and SIGTERM into a cancel: the engine stops after
 * its current step and the job decides what to keep. */
gboolean l2l_cli_run_job (L2lCliJobFunc   func,
                          gpointer        data,
                          GError        **error);

/* From the start of main: Ctrl-C or SIGTERM before a job runs stops it as
 * soon as it starts. */
void     l2l_cli_catch_interrupts (void);

G_END_DECLS
