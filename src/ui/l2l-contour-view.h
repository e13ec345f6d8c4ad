/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-chart-contour.h"

G_BEGIN_DECLS

#define L2L_TYPE_CONTOUR_VIEW (l2l_contour_view_get_type ())
G_DECLARE_FINAL_TYPE (L2lContourView, l2l_contour_view, L2L, CONTOUR_VIEW, GtkWidget)

/* The text under the pointer at point (@x, @y) of the plot (newly allocated;
 * NULL: none). */
typedef char *(*L2lContourReadout) (double   x,
                                    double   y,
                                    gpointer user_data);

/* Shows an L2lContour, drawn by l2l_contour_render like every export, with a
 * readout under the pointer. The view does not own the contour.
 *
 * Signals:
 *   point-clicked (double x, double y)   a click at that point of the plot */
GtkWidget *l2l_contour_view_new          (void);
void       l2l_contour_view_set_contour  (L2lContourView    *self,
                                          L2lContour        *contour);
void       l2l_contour_view_set_readout  (L2lContourView    *self,
                                          L2lContourReadout  readout,
                                          gpointer           user_data);
/* The contour's data changed: draw again on the next frame. */
void       l2l_contour_view_changed      (L2lContourView    *self);
/* The point under widget pixel (@px, @py); FALSE outside the plot. */
gboolean   l2l_contour_view_locate       (L2lContourView    *self,
                                          double             px,
                                          double             py,
                                          double            *x,
                                          double            *y);

G_END_DECLS
