/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* A function of two coordinates drawn as filled contour levels, with paths
 * over it: where optimizers went, step by step. Plain data like L2lChart;
 * front ends fill the grid of values and the paths. */
typedef struct {
  char   *name;
  guint   color;       /* index into l2l_chart_palette */
  GArray *points;      /* double x, y pairs; non-finite ends the path (diverged) */
} L2lContourPath;

typedef struct {
  char      *title;
  double     x_min, x_max, y_min, y_max;
  guint      nx, ny;
  double    *values;   /* [ny × nx], row 0 at y_min, column 0 at x_min */
  GPtrArray *paths;    /* L2lContourPath */
  GArray    *minima;   /* double x, y pairs, marked with a star */
  guint      shown;    /* steps drawn of each path (G_MAXUINT: all) */
  /* The bands as last drawn, kept for the next drawing of the same size: the
   * values must not change once the contour has been drawn. */
  cairo_surface_t *fill;
} L2lContour;

L2lContour     *l2l_contour_new            (const char *title,
                                            double      x_min,
                                            double      x_max,
                                            double      y_min,
                                            double      y_max,
                                            guint       nx,
                                            guint       ny);
void            l2l_contour_free           (L2lContour *contour);
/* The grid point (i, j)'s coordinates, for filling values. */
void            l2l_contour_grid_point     (const L2lContour *contour,
                                            guint             i,
                                            guint             j,
                                            double           *x,
                                            double           *y);
L2lContourPath *l2l_contour_add_path       (L2lContour *contour,
                                            const char *name,
                                            guint       color);
void            l2l_contour_path_append    (L2lContourPath *path,
                                            double          x,
                                            double          y);
void            l2l_contour_add_minimum    (L2lContour *contour,
                                            double      x,
                                            double      y);
/* The levels: 12 between the grid's lowest and highest value, spaced on a
 * log scale of (value − lowest) when the values span more than two decades,
 * evenly otherwise. Returns the number written into @levels (at most 16). */
guint           l2l_contour_levels         (const L2lContour *contour,
                                            double           *levels);
void            l2l_contour_render         (const L2lContour *contour,
                                            cairo_t          *cr,
                                            double            width,
                                            double            height);

/* An animated GIF of the paths growing from step 0 to @steps: a frame a
 * step, or a frame every few steps beyond 100, six seconds for 200 steps,
 * the last (every step) held two seconds. */
GBytes         *l2l_contour_encode_gif     (L2lContour *contour,
                                            guint       steps,
                                            int         width,
                                            int         height,
                                            GError    **error);
/* The point under pixel (@px, @py) of a rendering at @width × @height;
 * FALSE when the pixel is outside the plot. */
gboolean        l2l_contour_locate         (const L2lContour *contour,
                                            double            width,
                                            double            height,
                                            double            px,
                                            double            py,
                                            double           *x,
                                            double           *y);
/* A box of @text's lines beside the pointer at (@px, @py), for hover. */
void            l2l_contour_render_readout (cairo_t    *cr,
                                            double      px,
                                            double      py,
                                            const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lContour, l2l_contour_free)

G_END_DECLS
