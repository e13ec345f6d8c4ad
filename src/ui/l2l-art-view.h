/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-chart-view.h"

G_BEGIN_DECLS

#define L2L_TYPE_ART_VIEW (l2l_art_view_get_type ())
G_DECLARE_FINAL_TYPE (L2lArtView, l2l_art_view, L2L, ART_VIEW, GtkWidget)

/* The Neural art page: the content and style pickers (the shipped photos and
 * paintings as thumbnails, Open Image…, or a file dropped on them), one tile
 * per image of a run (the content, the style, then one per optimizer, each
 * with its loss, refreshed as the previews come; a click shows it large),
 * and the loss chart under them.
 *
 * Signals:
 *   image-chosen (gboolean style, const char *path)  a file or resource:// URI */

#define L2L_ART_SHIPPED "resource:///io/github/l2lworkbench/Workbench/data/art/"

L2lChartView *l2l_art_view_get_chart_view (L2lArtView        *self);
/* Marks the thumbnails of the chosen images (values of the art task's content
 * and style options). */
void          l2l_art_view_show_choice    (L2lArtView        *self,
                                           const char        *content,
                                           const char        *style);
/* A new run: tiles for the content, the style and each optimizer, blank. */
void          l2l_art_view_begin          (L2lArtView        *self,
                                           const char *const *labels,
                                           guint              n_labels);
void          l2l_art_view_set_inputs     (L2lArtView        *self,
                                           guint              side,
                                           const float       *content,
                                           const float       *style);
/* @rgb: packed 8-bit RGB rows of a side × side image. */
void          l2l_art_view_update         (L2lArtView        *self,
                                           guint              optimizer,
                                           guint              step,
                                           double             loss,
                                           GBytes            *rgb,
                                           guint              side);
/* Picks a shipped image by name ("chelsea", "the-scream"), as a click on its
 * thumbnail does. */
void          l2l_art_view_choose_shipped (L2lArtView        *self,
                                           gboolean           style,
                                           const char        *name);
/* The optimizer whose tile is selected (the first when none is). */
guint         l2l_art_view_get_selected   (L2lArtView        *self);
guint         l2l_art_view_get_n_tiles    (L2lArtView        *self);
/* The image an optimizer's tile shows; NULL before its first preview. */
GdkTexture   *l2l_art_view_get_texture    (L2lArtView        *self,
                                           guint              optimizer);
/* The content (or the style) a run was given; NULL before it started. */
GdkTexture   *l2l_art_view_get_input_texture (L2lArtView     *self,
                                              gboolean        style);
/* Shows an optimizer's image large, as a click on its tile does; returns the window. */
GtkWindow    *l2l_art_view_enlarge        (L2lArtView        *self,
                                           guint              optimizer);

G_END_DECLS
