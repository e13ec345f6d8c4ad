/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define L2L_TYPE_RUN_LIST (l2l_run_list_get_type ())
G_DECLARE_FINAL_TYPE (L2lRunList, l2l_run_list, L2L, RUN_LIST, GtkWidget)

/* A page's runs, behind a "Runs" button: each with its task, optimizers,
 * when it started and how long it took, a check box that shows or hides it
 * on the chart, and a button that removes it.
 *
 * Signals:
 *   run-shown   (guint run, gboolean shown)  the check box was toggled
 *   run-removed (guint run)                  the remove button was pressed */
GtkWidget *l2l_run_list_new         (void);
void       l2l_run_list_add         (L2lRunList *self,
                                     guint       run,
                                     const char *title,
                                     const char *detail);
/* How it ended, after the detail ("3.2 s", "stopped after 1.5 s"). */
void       l2l_run_list_set_outcome (L2lRunList *self,
                                     guint       run,
                                     const char *outcome);
void       l2l_run_list_set_shown   (L2lRunList *self,
                                     guint       run,
                                     gboolean    shown);
gboolean   l2l_run_list_get_shown   (L2lRunList *self,
                                     guint       run);
/* A running run cannot be removed: its series are being drawn. */
void       l2l_run_list_set_removable (L2lRunList *self,
                                       guint       run,
                                       gboolean    removable);
gboolean   l2l_run_list_get_removable (L2lRunList *self,
                                       guint       run);
void       l2l_run_list_remove      (L2lRunList *self,
                                     guint       run);
guint      l2l_run_list_get_n_runs  (L2lRunList *self);

G_END_DECLS
