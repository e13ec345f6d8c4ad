/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-chart-view.h"
#include "l2l-contour-view.h"
#include "l2l-page.h"

G_BEGIN_DECLS

#define L2L_TYPE_LANDSCAPE_PAGE (l2l_landscape_page_get_type ())
G_DECLARE_FINAL_TYPE (L2lLandscapePage, l2l_landscape_page, L2L, LANDSCAPE_PAGE, L2lPage)

/* The Landscapes page: a function of two coordinates (the landscape task)
 * drawn as contour levels, each optimizer's path over it drawn live from one
 * start; a click on the plot moves the start there and runs again, a slider
 * scrubs along the paths, and the pointer reads the point and each
 * optimizer's loss at the step shown. Beside it, "What it learned": the
 * probe of the same optimizers (the update each proposes for a constant
 * gradient). Export Chart… writes what is shown, the paths also as GIF. */
L2lLandscapePage *l2l_landscape_page_new            (void);
L2lContour       *l2l_landscape_page_get_contour    (L2lLandscapePage *self);
L2lContourView   *l2l_landscape_page_get_view       (L2lLandscapePage *self);
GtkRange         *l2l_landscape_page_get_step_scale (L2lLandscapePage *self);
L2lChart         *l2l_landscape_page_get_probe      (L2lLandscapePage *self);
/* "paths" or "probe". */
void              l2l_landscape_page_show_view      (L2lLandscapePage *self,
                                                     const char       *name);
/* What the pointer would read at point (@x, @y), for tests. */
char             *l2l_landscape_page_readout        (L2lLandscapePage *self,
                                                     double            x,
                                                     double            y);

G_END_DECLS
