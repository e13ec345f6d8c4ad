/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>

#include "l2l-chart-axis.h"
#include "l2l-chart-contour.h"
#include "l2l-chart.h"

#define FONT "sans-serif"
#define TITLE_SIZE 15.0
#define TICK_SIZE 11.0
#define PAD 10.0
#define N_LEVELS 12

static void
path_free (gpointer data)
{
  L2lContourPath *path = data;

  g_free (path->name);
  g_array_unref (path->points);
  g_free (path);
}

L2lContour *
l2l_contour_new (const char *title,
                 double      x_min,
                 double      x_max,
                 double      y_min,
                 double      y_max,
                 guint       nx,
                 guint       ny)
{
  L2lContour *contour = g_new0 (L2lContour, 1);

  g_return_val_if_fail (nx >= 2 && ny >= 2 && x_max > x_min && y_max > y_min, NULL);
  contour->title = g_strdup (title);
  contour->x_min = x_min;
  contour->x_max = x_max;
  contour->y_min = y_min;
  contour->y_max = y_max;
  contour->nx = nx;
  contour->ny = ny;
  contour->values = g_new0 (double, (gsize) nx * ny);
  contour->paths = g_ptr_array_new_with_free_func (path_free);
  contour->minima = g_array_new (FALSE, FALSE, sizeof (double));
  contour->shown = G_MAXUINT;
  return contour;
}

void
l2l_contour_free (L2lContour *contour)
{
  if (contour == NULL)
    return;
  g_free (contour->title);
  g_free (contour->values);
  g_ptr_array_unref (contour->paths);
  g_array_unref (contour->minima);
  g_free (contour);
}

void
l2l_contour_grid_point (const L2lContour *contour,
                        guint             i,
                        guint             j,
                        double           *x,
                        double           *y)
{
  *x = contour->x_min + (contour->x_max - contour->x_min) * i / (contour->nx - 1);
  *y = contour->y_min + (contour->y_max - contour->y_min) * j / (contour->ny - 1);
}

L2lContourPath *
l2l_contour_add_path (L2lContour *contour,
                      const char *name,
                      guint       color)
{
  L2lContourPath *path = g_new0 (L2lContourPath, 1);

  path->name = g_strdup (name);
  path->color = color;
  path->points = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (contour->paths, path);
  return path;
}

void
l2l_contour_path_append (L2lContourPath *path,
                         double          x,
                         double          y)
{
  g_array_append_val (path->points, x);
  g_array_append_val (path->points, y);
}

void
l2l_contour_add_minimum (L2lContour *contour,
                         double      x,
                         double      y)
{
  g_array_append_val (contour->minima, x);
  g_array_append_val (contour->minima, y);
}

guint
l2l_contour_levels (const L2lContour *contour,
                    double           *levels)
{
  double lo = INFINITY, hi = -INFINITY;
  gboolean log_spaced;

  for (gsize k = 0; k < (gsize) contour->nx * contour->ny; k++)
    if (isfinite (contour->values[k]))
      {
        lo = MIN (lo, contour->values[k]);
        hi = MAX (hi, contour->values[k]);
      }
  if (!isfinite (lo) || hi <= lo)
    return 0;
  /* decades of the value above the lowest, from a thousandth of the span */
  log_spaced = hi - lo > 100.0 * fmax (fabs (lo), (hi - lo) * 1e-3);
  for (guint l = 0; l < N_LEVELS; l++)
    {
      double t = (l + 1.0) / (N_LEVELS + 1.0);
      levels[l] = log_spaced ? lo + (hi - lo) * pow (10.0, -4.0 * (1.0 - t))
                             : lo + (hi - lo) * t;
    }
  return N_LEVELS;
}

/* The band a value falls in: 0 below the first level … n above the last. */
static guint
band_of (const double *levels,
         guint         n,
         double        value)
{
  guint band = 0;

  while (band < n && value >= levels[band])
    band++;
  return band;
}

/* Low bands dark blue, high ones pale: the eye goes down into the valleys,
 * and the paths' colours stand out on every band. */
static void
band_color (guint   band,
            guint   n,
            double *r,
            double *g,
            double *b)
{
  double t = n > 0 ? (double) band / n : 0.0;

  *r = 0.30 + 0.66 * t;
  *g = 0.42 + 0.55 * t;
  *b = 0.62 + 0.36 * t;
}

typedef struct {
  double x, y, width, height;
} Plot;

static void
to_pixel (const L2lContour *contour,
          const Plot       *plot,
          double            x,
          double            y,
          double           *px,
          double           *py)
{
  *px = plot->x + (x - contour->x_min) / (contour->x_max - contour->x_min) * plot->width;
  *py = plot->y + (1.0 - (y - contour->y_min) / (contour->y_max - contour->y_min)) * plot->height;
}

static void
draw_fill (const L2lContour *contour,
           cairo_t          *cr,
           const Plot       *plot)
{
  double levels[16], cw = plot->width / contour->nx, ch = plot->height / contour->ny;
  guint n = l2l_contour_levels (contour, levels);

  for (guint j = 0; j < contour->ny; j++)
    for (guint i = 0; i < contour->nx; i++)
      {
        double value = contour->values[(gsize) j * contour->nx + i], r, g, b;
        guint band = isfinite (value) ? band_of (levels, n, value) : n;

        band_color (band, n, &r, &g, &b);
        cairo_set_source_rgb (cr, r, g, b);
        /* a hair wider, so that no seams show between cells */
        cairo_rectangle (cr, plot->x + i * cw, plot->y + plot->height - (j + 1) * ch,
                         cw + 0.5, ch + 0.5);
        cairo_fill (cr);
      }
  /* the level lines: where neighbouring cells fall in different bands */
  cairo_set_source_rgba (cr, 0.15, 0.2, 0.3, 0.35);
  cairo_set_line_width (cr, 0.8);
  for (guint j = 0; j < contour->ny; j++)
    for (guint i = 0; i < contour->nx; i++)
      {
        guint here = band_of (levels, n, contour->values[(gsize) j * contour->nx + i]);
        double x = plot->x + i * cw, y = plot->y + plot->height - (j + 1) * ch;

        if (i + 1 < contour->nx &&
            band_of (levels, n, contour->values[(gsize) j * contour->nx + i + 1]) != here)
          {
            cairo_move_to (cr, x + cw, y);
            cairo_line_to (cr, x + cw, y + ch);
          }
        if (j + 1 < contour->ny &&
            band_of (levels, n, contour->values[(gsize) (j + 1) * contour->nx + i]) != here)
          {
            cairo_move_to (cr, x, y);
            cairo_line_to (cr, x + cw, y);
          }
      }
  cairo_stroke (cr);
}

static void
draw_paths (const L2lContour *contour,
            cairo_t          *cr,
            const Plot       *plot)
{
  for (guint p = 0; p < contour->paths->len; p++)
    {
      const L2lContourPath *path = contour->paths->pdata[p];
      guint n = MIN (path->points->len / 2, contour->shown == G_MAXUINT ? G_MAXUINT
                                                                        : contour->shown + 1);
      double r, g, b, px, py;

      l2l_chart_palette (path->color, &r, &g, &b);
      cairo_set_source_rgb (cr, r, g, b);
      cairo_set_line_width (cr, 2.0);
      cairo_new_path (cr);
      for (guint k = 0; k < n; k++)
        {
          double x = g_array_index (path->points, double, 2 * k);
          double y = g_array_index (path->points, double, 2 * k + 1);

          if (!isfinite (x) || !isfinite (y))
            break;
          to_pixel (contour, plot, x, y, &px, &py);
          /* far outside, a diverged path heads for the edge */
          px = CLAMP (px, -1e4, 1e5);
          py = CLAMP (py, -1e4, 1e5);
          cairo_line_to (cr, px, py);
        }
      cairo_stroke (cr);
      for (guint k = 0; k < n; k++)
        {
          double x = g_array_index (path->points, double, 2 * k);
          double y = g_array_index (path->points, double, 2 * k + 1);

          if (!isfinite (x) || !isfinite (y))
            break;
          to_pixel (contour, plot, x, y, &px, &py);
          cairo_arc (cr, px, py, k == 0 ? 4.0 : 2.2, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      size,
           double      x,
           double      y,
           double      align_x)
{
  cairo_text_extents_t extents;

  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x - align_x * extents.x_advance, y);
  cairo_show_text (cr, text);
}

static void
draw_axes (const L2lContour *contour,
           cairo_t          *cr,
           const Plot       *plot)
{
  for (int dim = 0; dim < 2; dim++)
    {
      L2lAxis axis;
      double lo = dim == 0 ? contour->x_min : contour->y_min;
      double hi = dim == 0 ? contour->x_max : contour->y_max;

      l2l_axis_fit (&axis, FALSE, lo, hi, 8);
      for (guint t = 0; t < axis.n_ticks; t++)
        {
          double value = axis.ticks[t], px, py;
          char label[32];

          if (value < lo || value > hi)
            continue;
          to_pixel (contour, plot, dim == 0 ? value : contour->x_min,
                    dim == 1 ? value : contour->y_min, &px, &py);
          l2l_axis_format_tick (&axis, value, label, sizeof label);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          if (dim == 0)
            draw_text (cr, label, TICK_SIZE, px, plot->y + plot->height + TICK_SIZE + 4, 0.5);
          else
            draw_text (cr, label, TICK_SIZE, plot->x - 6, py + TICK_SIZE / 3, 1.0);
        }
    }
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, plot->x, plot->y, plot->width, plot->height);
  cairo_stroke (cr);
}

static void
draw_legend (const L2lContour *contour,
             cairo_t          *cr,
             const Plot       *plot)
{
  const double row = TICK_SIZE + 6;
  double widest = 0.0, x, y;

  if (contour->paths->len == 0)
    return;
  cairo_set_font_size (cr, TICK_SIZE);
  for (guint p = 0; p < contour->paths->len; p++)
    {
      cairo_text_extents_t extents;
      cairo_text_extents (cr, ((L2lContourPath *) contour->paths->pdata[p])->name, &extents);
      widest = MAX (widest, extents.x_advance);
    }
  x = plot->x + plot->width - widest - 40;
  y = plot->y + 8;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  cairo_rectangle (cr, x, y, widest + 32, contour->paths->len * row + 8);
  cairo_fill (cr);
  for (guint p = 0; p < contour->paths->len; p++)
    {
      const L2lContourPath *path = contour->paths->pdata[p];
      double r, g, b, cy = y + 4 + (p + 0.5) * row;

      l2l_chart_palette (path->color, &r, &g, &b);
      cairo_set_source_rgb (cr, r, g, b);
      cairo_set_line_width (cr, 3.0);
      cairo_move_to (cr, x + 5, cy);
      cairo_line_to (cr, x + 21, cy);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      draw_text (cr, path->name, TICK_SIZE, x + 26, cy + TICK_SIZE / 3, 0.0);
    }
}

void
l2l_contour_render (const L2lContour *contour,
                    cairo_t          *cr,
                    double            width,
                    double            height)
{
  Plot plot = { PAD + 44, PAD + TITLE_SIZE + PAD, 0, 0 };

  plot.width = MAX (1.0, width - plot.x - 2 * PAD);
  plot.height = MAX (1.0, height - plot.y - PAD - TICK_SIZE - 10);
  cairo_save (cr);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (contour->title != NULL)
    {
      cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      draw_text (cr, contour->title, TITLE_SIZE, width / 2, PAD + TITLE_SIZE, 0.5);
      cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
  cairo_save (cr);
  cairo_rectangle (cr, plot.x, plot.y, plot.width, plot.height);
  cairo_clip (cr);
  draw_fill (contour, cr, &plot);
  for (guint m = 0; m < contour->minima->len / 2; m++)
    {
      double px, py;

      to_pixel (contour, &plot, g_array_index (contour->minima, double, 2 * m),
                g_array_index (contour->minima, double, 2 * m + 1), &px, &py);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, px - 6, py);
      cairo_line_to (cr, px + 6, py);
      cairo_move_to (cr, px, py - 6);
      cairo_line_to (cr, px, py + 6);
      cairo_stroke (cr);
    }
  draw_paths (contour, cr, &plot);
  cairo_restore (cr);
  draw_axes (contour, cr, &plot);
  draw_legend (contour, cr, &plot);
  cairo_restore (cr);
}
