/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A one-line progress bar on stderr, drawn at most ten times a second and only
 * when stderr is a terminal, so that logs and pipes stay clean. */
typedef struct {
  gboolean enabled;
  gint64   started;
  gint64   last_draw;
  gboolean drawn;
} L2lCliProgress;

void l2l_cli_progress_init   (L2lCliProgress *progress);
void l2l_cli_progress_update (L2lCliProgress *progress,
                              const char     *what,
                              guint64         done,
                              guint64         total);
void l2l_cli_progress_finish (L2lCliProgress *progress);

G_END_DECLS
