/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-chart-view.h"
#include "l2l-page.h"

G_BEGIN_DECLS

#define L2L_TYPE_COMPARE_PAGE (l2l_compare_page_get_type ())
G_DECLARE_FINAL_TYPE (L2lComparePage, l2l_compare_page, L2L, COMPARE_PAGE, L2lPage)

/* The Comparison page: optimizers race on a task's test functions, drawn
 * live (mean and quartile band per step), then the table `l2l compare`
 * prints. Adds page.export-results to L2lPage's actions. */
L2lComparePage *l2l_compare_page_new                 (void);
/* The app's settings, for the x axis it remembers (may be NULL). */
void            l2l_compare_page_set_app_settings    (L2lComparePage *self,
                                                      GSettings      *settings);
L2lChart       *l2l_compare_page_get_chart           (L2lComparePage *self);
GtkWidget      *l2l_compare_page_get_view            (L2lComparePage *self);
GtkWidget      *l2l_compare_page_get_results_view    (L2lComparePage *self);
GtkDropDown    *l2l_compare_page_get_x_axis_dropdown (L2lComparePage *self);
/* The finished comparison's table as `l2l compare` prints it, NULL while
 * none is shown. */
const char     *l2l_compare_page_get_results_text    (L2lComparePage *self);

G_END_DECLS
