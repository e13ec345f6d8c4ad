/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "l2l-cli-cluster.h"
#include "l2l-cli-progress.h"

#define BAR_WIDTH 30
#define REDRAW_US (G_USEC_PER_SEC / 10)

void
l2l_cli_progress_init (L2lCliProgress *progress)
{
  progress->enabled = isatty (STDERR_FILENO) && l2l_cli_is_root ();
  progress->started = g_get_monotonic_time ();
  progress->last_draw = 0;
  progress->drawn = FALSE;
}

void
l2l_cli_progress_update (L2lCliProgress *progress,
                         const char     *what,
                         guint64         done,
                         guint64         total)
{
  gint64 now = g_get_monotonic_time ();
  double fraction = total ? (double) done / total : 1.0;
  char bar[BAR_WIDTH + 1];
  guint filled = (guint) (fraction * BAR_WIDTH);
  double elapsed = (now - progress->started) / (double) G_USEC_PER_SEC;

  if (!progress->enabled || (progress->drawn && now - progress->last_draw < REDRAW_US))
    return;
  progress->last_draw = now;
  progress->drawn = TRUE;
  for (guint i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[BAR_WIDTH] = '\0';
  fprintf (stderr, "\r\033[K%-24.24s [%s] %3.0f%%", what, bar, 100.0 * fraction);
  if (fraction > 0.02 && fraction < 1.0)
    fprintf (stderr, "  ETA %.0f s", elapsed * (1.0 - fraction) / fraction);
  fflush (stderr);
}

void
l2l_cli_progress_finish (L2lCliProgress *progress)
{
  if (progress->enabled && progress->drawn)
    fputs ("\r\033[K", stderr);
  progress->drawn = FALSE;
}
