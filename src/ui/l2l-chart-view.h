/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-chart.h"

G_BEGIN_DECLS

#define L2L_TYPE_CHART_VIEW (l2l_chart_view_get_type ())
G_DECLARE_FINAL_TYPE (L2lChartView, l2l_chart_view, L2L, CHART_VIEW, GtkWidget)

/* Shows an L2lChart, drawn by l2l_chart_render like every export, with the
 * values under the pointer. The view does not own the chart. */
GtkWidget *l2l_chart_view_new                (void);
void       l2l_chart_view_set_chart          (L2lChartView *self,
                                              L2lChart     *chart);
/* The chart's data changed: draw again on the next frame. */
void       l2l_chart_view_changed            (L2lChartView *self);
/* How long the longest render took, in microseconds. */
gint64     l2l_chart_view_get_max_render_us  (L2lChartView *self);

G_END_DECLS
