/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-chart.h"
#include "l2l-art-view.h"
#include "l2l-experiment-panel.h"

G_BEGIN_DECLS

#define L2L_TYPE_WINDOW (l2l_window_get_type ())
G_DECLARE_FINAL_TYPE (L2lWindow, l2l_window, L2L, WINDOW, GtkApplicationWindow)

/* The workbench window: the experiment sidebar, live charts of the comparison
 * and of meta-training, Run and Stop, exports. @settings may be NULL. */
L2lWindow          *l2l_window_new                  (GtkApplication *application,
                                                     GSettings      *settings);
L2lExperimentPanel *l2l_window_get_panel            (L2lWindow *self);
L2lChart           *l2l_window_get_comparison_chart (L2lWindow *self);
GtkDropDown        *l2l_window_get_x_axis_dropdown  (L2lWindow *self);
L2lChart           *l2l_window_get_training_chart   (L2lWindow *self);
GtkWidget          *l2l_window_get_comparison_view  (L2lWindow *self);
L2lArtView         *l2l_window_get_art_view         (L2lWindow *self);
L2lChart           *l2l_window_get_art_chart        (L2lWindow *self);
/* While or after an art task trains: φ's painting of the held-out photo at
 * the last evaluation, on the Meta-training page; else NULL. */
GdkPaintable       *l2l_window_get_training_art     (L2lWindow *self);
/* The Neural art page's last finished run: the selected tile's image, or the
 * content | result | style triple, as PNG (what Export Styled Image… does). */
gboolean            l2l_window_export_styled_image  (L2lWindow   *self,
                                                     const char  *path,
                                                     gboolean     triple,
                                                     GError     **error);
gboolean            l2l_window_is_running           (L2lWindow *self);
/* The status line under the charts ("Running…", "Failed", …). */
const char         *l2l_window_get_status           (L2lWindow *self);
/* The longest the main thread spent in our code for one batch of engine
 * events and for one chart render, over every run so far. */
void                l2l_window_get_frame_costs      (L2lWindow *self,
                                                     gint64    *dispatch_us,
                                                     gint64    *render_us);
/* Shows "comparison" or "training". */
void                l2l_window_show_page            (L2lWindow  *self,
                                                     const char *name);

/* The finished comparison's table (what `l2l compare` prints), NULL while
 * none is shown. */
const char   *l2l_window_get_results_text (L2lWindow *self);

G_END_DECLS
