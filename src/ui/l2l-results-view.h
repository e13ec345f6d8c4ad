/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

#define L2L_TYPE_RESULTS_VIEW (l2l_results_view_get_type ())
G_DECLARE_FINAL_TYPE (L2lResultsView, l2l_results_view, L2L, RESULTS_VIEW, GtkWidget)

/* A finished comparison under its chart: the task and tuning, a table with a
 * row per optimizer (rate, tuned, mean and median at the last step, runs
 * diverged, time per step, meta-training cost) sortable by any column, the
 * chosen hyper-parameters and the best optimizer; Copy puts the table on the
 * clipboard as tab-separated values. */
GtkWidget *l2l_results_view_new       (void);
/* Shows @result (NULL: nothing), scrolled back to its start. */
void       l2l_results_view_set       (L2lResultsView         *self,
                                       const L2lCompareResult *result);
/* The table as TSV, a header line then a line per row, in the order shown. */
char      *l2l_results_view_to_tsv    (L2lResultsView         *self);
GtkColumnView *l2l_results_view_get_column_view (L2lResultsView *self);

G_END_DECLS
