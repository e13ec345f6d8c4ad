/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

/* The syntax of the CLI's own flags (outputs, table steps, a resume's new
 * target); the engine's settings parse and check everything else. */

/* A whole number from @min to @max; NULL @text leaves @out as is. */
gboolean      l2l_cli_parse_count             (const char  *flag,
                                               const char  *text,
                                               guint        min,
                                               guint        max,
                                               guint       *out,
                                               GError     **error);
gboolean      l2l_cli_parse_uint              (const char  *flag,
                                               const char  *text,
                                               guint       *out,
                                               GError     **error);

/* Adds --plot FILE (@plot_help says what it draws) and --plot-size WxH. */
void          l2l_cli_add_plot_entries        (GOptionContext *context,
                                               char          **plot,
                                               char          **size,
                                               const char     *plot_help);
/* --plot FILE and --plot-size WxH: checks the format (.gif too where
 * @animation) and the folder, before any work starts. */
gboolean      l2l_cli_parse_plot              (const char  *path,
                                               const char  *size,
                                               gboolean     animation,
                                               int         *width,
                                               int         *height,
                                               GError     **error);

/* "1,50,100" → sorted unique steps within 0..max_step. */
gboolean      l2l_cli_parse_steps             (const char  *flag,
                                               const char  *text,
                                               guint        max_step,
                                               GArray     **steps,
                                               GError     **error);

G_END_DECLS
