/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "l2l-art-page.h"
#include "l2l-landscape-page.h"
#include "l2l-compare-page.h"
#include "l2l-train-page.h"

G_BEGIN_DECLS

#define L2L_TYPE_WINDOW (l2l_window_get_type ())
G_DECLARE_FINAL_TYPE (L2lWindow, l2l_window, L2L, WINDOW, AdwApplicationWindow)

/* The workbench window: a header bar with the page switcher, Run and Stop,
 * and the pages (Comparison, Meta-training, Neural art), each with its own
 * experiment. The window's actions (win.run, win.export, …) go to the page
 * shown; what a page writes is announced in a toast. @settings may be NULL. */
L2lWindow      *l2l_window_new               (GtkApplication *application,
                                              GSettings      *settings);
/* "comparison", "training" or "art". */
L2lPage        *l2l_window_get_page          (L2lWindow  *self,
                                              const char *name);
L2lComparePage *l2l_window_get_compare_page  (L2lWindow  *self);
L2lTrainPage   *l2l_window_get_train_page    (L2lWindow  *self);
L2lArtPage     *l2l_window_get_art_page      (L2lWindow  *self);
L2lLandscapePage *l2l_window_get_landscape_page (L2lWindow *self);
void            l2l_window_show_page         (L2lWindow  *self,
                                              const char *name);
L2lPage        *l2l_window_get_visible_page  (L2lWindow  *self);
/* Whether any page runs a job. */
gboolean        l2l_window_is_running        (L2lWindow  *self);
/* The title of the last toast shown (NULL before the first). */
const char     *l2l_window_get_last_toast    (L2lWindow  *self);
/* The longest the main thread spent in our code for one batch of engine
 * events and for one chart render, over every run so far. */
void            l2l_window_get_frame_costs   (L2lWindow  *self,
                                              gint64     *dispatch_us,
                                              gint64     *render_us);

G_END_DECLS
