/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>

#include "l2l-chart-axis.h"
#include "l2l-chart-contour.h"
#include "l2l-chart-gif.h"
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
  g_clear_pointer (&contour->fill, cairo_surface_destroy);
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

/* Low bands a darker grey, high ones near white: the eye goes down into
 * the valleys, and every colour of the palette stands out on every band. */
static void
band_color (guint   band,
            guint   n,
            guint8 *rgb)
{
  double t = n > 0 ? (double) band / n : 0.0;

  rgb[0] = (guint8) (255.0 * (0.58 + 0.40 * t));
  rgb[1] = (guint8) (255.0 * (0.61 + 0.37 * t));
  rgb[2] = (guint8) (255.0 * (0.67 + 0.31 * t));
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

/* The value at grid coordinates (@gx, @gy), bilinear between the grid's
 * points, so that the bands' edges run smoothly between them; the nearest
 * point's where a neighbour is not finite. */
static double
value_at (const L2lContour *contour,
          double            gx,
          double            gy)
{
  guint i = (guint) CLAMP (gx, 0.0, contour->nx - 1.0), j = (guint) CLAMP (gy, 0.0, contour->ny - 1.0);
  guint i1 = MIN (i + 1, contour->nx - 1), j1 = MIN (j + 1, contour->ny - 1);
  double fx = CLAMP (gx - i, 0.0, 1.0), fy = CLAMP (gy - j, 0.0, 1.0);
  const double *v = contour->values;
  double v00 = v[(gsize) j * contour->nx + i], v10 = v[(gsize) j * contour->nx + i1];
  double v01 = v[(gsize) j1 * contour->nx + i], v11 = v[(gsize) j1 * contour->nx + i1];

  if (!isfinite (v00 + v10 + v01 + v11))
    return v[(gsize) (fy < 0.5 ? j : j1) * contour->nx + (fx < 0.5 ? i : i1)];
  return (1 - fy) * ((1 - fx) * v00 + fx * v10) + fy * ((1 - fx) * v01 + fx * v11);
}

/* The bands at @width × @height pixels, and a darker line wherever a
 * pixel's band differs from its right or lower neighbour's: the level lines.
 * Pixel centres map onto the grid, whose points are its corners. */
static cairo_surface_t *
render_fill (const L2lContour *contour,
             int               width,
             int               height)
{
  g_autofree guint *bands = g_new (guint, (gsize) width * height);
  double levels[16];
  guint n = l2l_contour_levels (contour, levels);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  guchar *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  for (int py = 0; py < height; py++)
    for (int px = 0; px < width; px++)
      {
        double gx = (px + 0.5) / width * (contour->nx - 1);
        double gy = (height - py - 0.5) / height * (contour->ny - 1);
        double value = value_at (contour, gx, gy);

        bands[(gsize) py * width + px] = isfinite (value) ? band_of (levels, n, value) : n;
      }
  for (int py = 0; py < height; py++)
    for (int px = 0; px < width; px++)
      {
        guint band = bands[(gsize) py * width + px];
        gboolean edge = (px + 1 < width && bands[(gsize) py * width + px + 1] != band) ||
                        (py + 1 < height && bands[(gsize) (py + 1) * width + px] != band);
        guint8 rgb[3];

        band_color (band, n, rgb);
        if (edge)
          for (int c = 0; c < 3; c++)
            rgb[c] = (guint8) (rgb[c] * 0.72);
        ((guint32 *) (data + (gsize) py * stride))[px] =
          (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
      }
  cairo_surface_mark_dirty (image);
  return image;
}

/* The fill at the target's own pixels (its device scale too, so that level
 * lines stay sharp on a HiDPI screen), made once per size. */
static void
draw_fill (const L2lContour *contour,
           cairo_t          *cr,
           const Plot       *plot)
{
  L2lContour *cache = (L2lContour *) contour;   /* the fill is a cache, not the data */
  double sx = 1.0, sy = 1.0;
  int width, height;
  cairo_pattern_t *pattern;

  cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
  width = MAX (1, (int) ceil (plot->width * sx));
  height = MAX (1, (int) ceil (plot->height * sy));
  if (cache->fill == NULL || cairo_image_surface_get_width (cache->fill) != width ||
      cairo_image_surface_get_height (cache->fill) != height)
    {
      g_clear_pointer (&cache->fill, cairo_surface_destroy);
      cache->fill = render_fill (contour, width, height);
    }
  cairo_save (cr);
  cairo_translate (cr, plot->x, plot->y);
  cairo_scale (cr, plot->width / width, plot->height / height);
  cairo_set_source_surface (cr, cache->fill, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* Where a path stands at the step shown, ringed so that the eye finds it. */
static void
draw_head (const L2lContour     *contour,
           const L2lContourPath *path,
           guint                 k,
           cairo_t              *cr,
           const Plot           *plot)
{
  double x = g_array_index (path->points, double, 2 * k);
  double y = g_array_index (path->points, double, 2 * k + 1), px, py;

  if (!isfinite (x) || !isfinite (y))
    return;
  to_pixel (contour, plot, x, y, &px, &py);
  cairo_arc (cr, px, py, 5.5, 0, 2 * G_PI);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

/* Every path starts at the same point: a ring, in no path's colour. */
static void
draw_start (const L2lContour *contour,
            cairo_t          *cr,
            const Plot       *plot)
{
  const L2lContourPath *path;
  double px, py;

  if (contour->paths->len == 0)
    return;
  path = contour->paths->pdata[0];
  if (path->points->len < 2 || !isfinite (g_array_index (path->points, double, 0)))
    return;
  to_pixel (contour, plot, g_array_index (path->points, double, 0),
            g_array_index (path->points, double, 1), &px, &py);
  cairo_arc (cr, px, py, 5.0, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_set_line_width (cr, 2.0);
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
          cairo_arc (cr, px, py, 2.2, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      if (contour->shown != G_MAXUINT && n > 1 && n == contour->shown + 1)
        draw_head (contour, path, n - 1, cr, plot);
    }
  draw_start (contour, cr, plot);
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

/* "step 40" in the plot's corner while paths are shown up to a step. */
static void
draw_step (const L2lContour *contour,
           cairo_t          *cr,
           const Plot       *plot)
{
  char text[32];
  cairo_text_extents_t extents;

  if (contour->shown == G_MAXUINT)
    return;
  g_snprintf (text, sizeof text, "step %u", contour->shown);
  cairo_set_font_size (cr, TICK_SIZE + 2);
  cairo_text_extents (cr, text, &extents);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  cairo_rectangle (cr, plot->x + 8, plot->y + 8, extents.x_advance + 12, TICK_SIZE + 12);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, text, TICK_SIZE + 2, plot->x + 14, plot->y + 8 + TICK_SIZE + 4, 0.0);
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

typedef struct {
  const L2lContour *contour;
  const Plot       *plot;
} Covered;

/* The path points shown inside the box at (@x, @y). */
static guint
points_under (gconstpointer data,
              double        x,
              double        y,
              double        width,
              double        height)
{
  const Covered *covered = data;
  const L2lContour *contour = covered->contour;
  guint n = 0;

  for (guint p = 0; p < contour->paths->len; p++)
    {
      const L2lContourPath *path = contour->paths->pdata[p];
      guint shown = MIN (path->points->len / 2, contour->shown == G_MAXUINT ? G_MAXUINT
                                                                            : contour->shown + 1);

      for (guint k = 0; k < shown; k++)
        {
          double px, py;

          to_pixel (contour, covered->plot, g_array_index (path->points, double, 2 * k),
                    g_array_index (path->points, double, 2 * k + 1), &px, &py);
          n += px >= x && px <= x + width && py >= y && py <= y + height;
        }
    }
  return n;
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
  l2l_chart_legend_corner (plot->x, plot->y, plot->width, plot->height, widest + 32,
                           contour->paths->len * row + 8, points_under,
                           &(Covered) { contour, plot }, &x, &y);
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

/* Where render puts the plot in a drawing of @width × @height. */
static Plot
plot_of (double width,
         double height)
{
  Plot plot = { PAD + 44, PAD + TITLE_SIZE + PAD, 0, 0 };

  plot.width = MAX (1.0, width - plot.x - 2 * PAD);
  plot.height = MAX (1.0, height - plot.y - PAD - TICK_SIZE - 10);
  return plot;
}

gboolean
l2l_contour_locate (const L2lContour *contour,
                    double            width,
                    double            height,
                    double            px,
                    double            py,
                    double           *x,
                    double           *y)
{
  Plot plot = plot_of (width, height);
  double u = (px - plot.x) / plot.width, v = (py - plot.y) / plot.height;

  *x = contour->x_min + u * (contour->x_max - contour->x_min);
  *y = contour->y_max - v * (contour->y_max - contour->y_min);
  return u >= 0.0 && u <= 1.0 && v >= 0.0 && v <= 1.0;
}

void
l2l_contour_render_readout (cairo_t    *cr,
                            double      px,
                            double      py,
                            const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const double row = TICK_SIZE + 5;
  double widest = 0.0, x, y, box_height;
  guint n = g_strv_length (lines);
  double clip_x0, clip_y0, clip_x1, clip_y1;

  cairo_save (cr);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, TICK_SIZE);
  for (guint i = 0; i < n; i++)
    {
      cairo_text_extents_t extents;
      cairo_text_extents (cr, lines[i], &extents);
      widest = MAX (widest, extents.x_advance);
    }
  box_height = n * row + 8;
  /* beside the pointer, on whichever side has room */
  cairo_clip_extents (cr, &clip_x0, &clip_y0, &clip_x1, &clip_y1);
  x = px + 14 + widest + 12 <= clip_x1 ? px + 14 : px - 14 - widest - 12;
  y = py + 14 + box_height <= clip_y1 ? py + 14 : py - 14 - box_height;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_rectangle (cr, x, y, widest + 12, box_height);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  for (guint i = 0; i < n; i++)
    draw_text (cr, lines[i], TICK_SIZE, x + 6, y + 4 + (i + 1) * row - 5, 0.0);
  cairo_restore (cr);
}

void
l2l_contour_render (const L2lContour *contour,
                    cairo_t          *cr,
                    double            width,
                    double            height)
{
  Plot plot = plot_of (width, height);

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
  draw_paths (contour, cr, &plot);
  /* the minima over the paths, which often end on them */
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
  draw_step (contour, cr, &plot);
  cairo_restore (cr);
  draw_axes (contour, cr, &plot);
  draw_legend (contour, cr, &plot);
  cairo_restore (cr);
}

/* An animation shows at most this many steps, 6 hundredths of a second each:
 * 200 steps play in about six seconds. */
#define MAX_FRAMES 100
#define FRAME_CS 6

typedef struct {
  L2lContour *contour;
  guint       chunk;      /* steps a frame */
  guint       steps;
} Animation;

static void
draw_frame (gpointer  data,
            guint     frame,
            cairo_t  *cr,
            double    width,
            double    height)
{
  Animation *animation = data;

  animation->contour->shown = MIN (frame * animation->chunk, animation->steps);
  l2l_contour_render (animation->contour, cr, width, height);
}

GBytes *
l2l_contour_encode_gif (L2lContour  *contour,
                        guint        steps,
                        int          width,
                        int          height,
                        GError     **error)
{
  Animation animation = { contour, MAX (1, (steps + MAX_FRAMES - 1) / MAX_FRAMES), steps };
  guint shown = contour->shown;
  GBytes *bytes = l2l_chart_encode_gif (draw_frame, &animation,
                                        (steps + animation.chunk - 1) / animation.chunk + 1,
                                        FRAME_CS, width, height, error);

  contour->shown = shown;
  return bytes;
}
