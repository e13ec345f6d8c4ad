/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gif_lib.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "l2l-chart-contour.h"
#include "l2l-chart-export.h"
#include "l2l-chart-gif.h"
#include "l2l-chart-results.h"
#include "l2l-chart.h"
#include "test-util.h"

#define WIDTH 480
#define HEIGHT 320

static void
test_linear_ticks (void)
{
  L2lAxis axis;

  l2l_axis_fit (&axis, FALSE, 0, 100, 6);
  g_assert_cmpfloat (axis.min, ==, 0);
  g_assert_cmpfloat (axis.max, ==, 100);
  g_assert_cmpuint (axis.n_ticks, ==, 6);
  g_assert_cmpfloat (axis.ticks[1], ==, 20);
  l2l_axis_fit (&axis, FALSE, 0.13, 0.87, 5);
  g_assert_cmpfloat_with_epsilon (axis.min, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.ticks[1], 0.2, 1e-12);
  g_assert_cmpfloat (l2l_axis_normalize (&axis, 0.5), ==, 0.5);
  l2l_axis_fit (&axis, FALSE, 3, 3, 5);   /* one value: a range around it */
  g_assert_cmpfloat (axis.min, <, 3);
  g_assert_cmpfloat (axis.max, >, 3);
}

static void
test_log_ticks (void)
{
  L2lAxis axis;
  char label[32];

  l2l_axis_fit (&axis, TRUE, 2e-3, 40, 8);
  g_assert_cmpfloat_with_epsilon (axis.min, 1e-3, 1e-15);
  g_assert_cmpfloat_with_epsilon (axis.max, 100, 1e-9);
  g_assert_cmpuint (axis.n_ticks, ==, 6);
  g_assert_cmpfloat_with_epsilon (l2l_axis_normalize (&axis, 0.1), 0.4, 1e-12);
  g_assert_true (isnan (l2l_axis_normalize (&axis, 0.0)));
  g_assert_true (isnan (l2l_axis_normalize (&axis, NAN)));
  l2l_axis_format_tick (&axis, 1e-3, label, sizeof label);
  g_assert_cmpstr (label, ==, "10⁻³");
  l2l_axis_format_tick (&axis, 100, label, sizeof label);
  g_assert_cmpstr (label, ==, "100");
  l2l_axis_format_tick (&axis, 1e6, label, sizeof label);
  g_assert_cmpstr (label, ==, "10⁶");

  l2l_axis_fit (&axis, TRUE, 0.3, 3, 8);   /* little more than a decade: 2 and 5 too */
  g_assert_cmpfloat_with_epsilon (axis.min, 0.1, 1e-15);
  g_assert_cmpfloat_with_epsilon (axis.max, 10, 1e-12);
  g_assert_cmpuint (axis.n_ticks, ==, 7);
  g_assert_cmpfloat_with_epsilon (axis.ticks[1], 0.2, 1e-15);

  l2l_axis_fit (&axis, TRUE, 1e-30, 1e30, 6);   /* many decades: every k-th */
  g_assert_cmpuint (axis.n_ticks, <=, 7);
}

typedef struct {
  cairo_surface_t *surface;
  cairo_t         *cr;
  L2lChartLayout   layout;
} Canvas;

static void
canvas_render (Canvas         *canvas,
               const L2lChart *chart)
{
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  canvas->cr = cairo_create (canvas->surface);
  l2l_chart_render (chart, canvas->cr, WIDTH, HEIGHT);
  l2l_chart_compute_layout (chart, canvas->cr, WIDTH, HEIGHT, &canvas->layout);
  cairo_surface_flush (canvas->surface);
}

static void
canvas_clear (Canvas *canvas)
{
  cairo_destroy (canvas->cr);
  cairo_surface_destroy (canvas->surface);
}

static void
pixel (Canvas *canvas,
       int     x,
       int     y,
       int    *r,
       int    *g,
       int    *b)
{
  const guint8 *data = cairo_image_surface_get_data (canvas->surface);
  guint32 value;

  g_assert_true (x >= 0 && y >= 0 && x < WIDTH && y < HEIGHT);
  value = *(const guint32 *) (data + y * cairo_image_surface_get_stride (canvas->surface) + 4 * x);

  *r = (value >> 16) & 0xff;
  *g = (value >> 8) & 0xff;
  *b = value & 0xff;
}

/* Is the palette's first colour (blue 0072B2) within a few pixels of (x, y)? */
static gboolean
blue_near (Canvas *canvas,
           double  x,
           double  y)
{
  for (int dy = -2; dy <= 2; dy++)
    for (int dx = -2; dx <= 2; dx++)
      {
        int r, g, b, px = (int) x + dx, py = (int) y + dy;

        if (px < 0 || py < 0 || px >= WIDTH || py >= HEIGHT)
          continue;
        pixel (canvas, px, py, &r, &g, &b);
        if (r < 40 && g > 80 && g < 150 && b > 140 && b < 210)
          return TRUE;
      }
  return FALSE;
}

static void
to_pixel (Canvas *canvas,
          double  x,
          double  y,
          double *px,
          double *py)
{
  *px = canvas->layout.plot_x + l2l_axis_normalize (&canvas->layout.x_axis, x) * canvas->layout.plot_width;
  *py = canvas->layout.plot_y + (1 - l2l_axis_normalize (&canvas->layout.y_axis, y)) * canvas->layout.plot_height;
}

static void
test_series_lands (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new ("t", "step", "loss", TRUE);
  L2lChartSeries *series = l2l_chart_add_series (chart, "a", 0, FALSE);
  Canvas canvas;
  double px, py;

  /* a falling line from (0, 100) to (100, 0.01), straight on a log axis */
  for (int t = 0; t <= 100; t++)
    l2l_chart_series_append (series, t, 100 * pow (1e-4, t / 100.0), NAN, NAN);
  canvas_render (&canvas, chart);
  g_assert_cmpfloat_with_epsilon (canvas.layout.y_axis.min, 0.01, 1e-12);
  g_assert_cmpfloat_with_epsilon (canvas.layout.y_axis.max, 100, 1e-9);
  for (int t = 10; t <= 90; t += 20)
    {
      to_pixel (&canvas, t, 100 * pow (1e-4, t / 100.0), &px, &py);
      g_assert_true (blue_near (&canvas, px, py));
      /* and nowhere off the line */
      g_assert_false (blue_near (&canvas, px, py - 30));
    }
  canvas_clear (&canvas);
}

static void
test_legend_and_band (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new (NULL, NULL, NULL, FALSE);
  L2lChartSeries *series = l2l_chart_add_series (chart, "adam", 0, TRUE);
  Canvas canvas;
  gboolean swatch = FALSE;
  double px, py;
  int r, g, b;

  for (int t = 0; t <= 10; t++)
    l2l_chart_series_append (series, t, 1.0, 0.5, 1.5);
  canvas_render (&canvas, chart);
  /* the legend swatch sits in the top-right corner of the plot, above the band */
  for (int y = (int) canvas.layout.plot_y; y < canvas.layout.plot_y + 30; y++)
    for (int x = (int) (canvas.layout.plot_x + canvas.layout.plot_width - 80);
         x < canvas.layout.plot_x + canvas.layout.plot_width; x++)
      swatch |= blue_near (&canvas, x, y);
  g_assert_true (swatch);
  /* the band is a light tint of the series colour, between 0.5 and 1.5 */
  to_pixel (&canvas, 5, 0.75, &px, &py);
  pixel (&canvas, (int) px, (int) py, &r, &g, &b);
  g_assert_cmpint (b, >, r + 20);
  g_assert_cmpint (b, <, 255);
  g_assert_cmpfloat (canvas.layout.y_axis.max, >, 1.55);
  to_pixel (&canvas, 5, 1.55, &px, &py);
  pixel (&canvas, (int) px, (int) py, &r, &g, &b);
  g_assert_cmpint (b, ==, r);    /* outside the band: grey or white */
  canvas_clear (&canvas);
}

/* Issue 26: a legend that would hide the data's top-right points moves to
 * the next corner. */
static void
test_legend_moves (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new (NULL, NULL, NULL, FALSE);
  L2lChartSeries *series = l2l_chart_add_series (chart, "sgd", 0, FALSE);
  Canvas canvas;
  gboolean bottom = FALSE;

  series->stroke = L2L_CHART_DASHED;
  for (int t = 0; t <= 100; t++)
    l2l_chart_series_append (series, t, t, NAN, NAN);   /* the diagonal, into the top right */
  canvas_render (&canvas, chart);
  /* the line never comes near the bottom-right corner: blue there is the swatch */
  for (int y = (int) (canvas.layout.plot_y + canvas.layout.plot_height - 30);
       y < canvas.layout.plot_y + canvas.layout.plot_height; y++)
    for (int x = (int) (canvas.layout.plot_x + canvas.layout.plot_width - 60);
         x < canvas.layout.plot_x + canvas.layout.plot_width - 20; x++)
      bottom |= blue_near (&canvas, x, y);
  g_assert_true (bottom);
  canvas_clear (&canvas);
}

static void
test_empty (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new ("Nothing", "x", "y", TRUE);
  Canvas canvas;
  int dark = 0;

  canvas_render (&canvas, chart);
  /* "No data yet" in the middle of the plot */
  for (int y = HEIGHT / 2 - 20; y < HEIGHT / 2 + 20; y++)
    for (int x = WIDTH / 2 - 60; x < WIDTH / 2 + 60; x++)
      {
        int r, g, b;
        pixel (&canvas, x, y, &r, &g, &b);
        dark += r < 180;
      }
  g_assert_cmpint (dark, >, 20);
  g_assert_cmpuint (canvas.layout.y_axis.n_ticks, >, 0);
  canvas_clear (&canvas);
}

static void
test_single_point_and_gaps (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new (NULL, NULL, NULL, FALSE);
  L2lChartSeries *series = l2l_chart_add_series (chart, "a", 0, FALSE);
  Canvas canvas;
  double px, py;

  /* x = 0 and 10 are lone points around a gap; 20 … 30 is a line. */
  l2l_chart_series_append (series, 0, 1, NAN, NAN);
  l2l_chart_series_append (series, 5, NAN, NAN, NAN);
  l2l_chart_series_append (series, 10, 1, NAN, NAN);
  l2l_chart_series_append (series, 15, INFINITY, NAN, NAN);
  l2l_chart_series_append (series, 20, 1, NAN, NAN);
  l2l_chart_series_append (series, 30, 1, NAN, NAN);
  l2l_chart_series_append (series, 40, 2, NAN, NAN);
  canvas_render (&canvas, chart);
  to_pixel (&canvas, 10, 1, &px, &py);
  g_assert_true (blue_near (&canvas, px, py));          /* the dot */
  to_pixel (&canvas, 7, 1, &px, &py);
  g_assert_false (blue_near (&canvas, px, py));         /* no line across the NaN */
  to_pixel (&canvas, 25, 1, &px, &py);
  g_assert_true (blue_near (&canvas, px, py));          /* the line */
  g_assert_cmpfloat (canvas.layout.y_axis.max, >=, 2);  /* inf did not stretch the axis */
  g_assert_cmpfloat (canvas.layout.y_axis.max, <, 10);
  canvas_clear (&canvas);
}

/* Runs: the earlier ones faded, shown once each in the legend, hidden or
 * removed as a whole. */
static void
test_faded_runs (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new (NULL, NULL, NULL, FALSE);
  L2lChartSeries *first, *second;

  l2l_chart_begin_run (chart, 1, "run 1");
  first = l2l_chart_add_series (chart, "adam", 0, TRUE);
  l2l_chart_series_append (first, 0, 1, 1, 1);
  l2l_chart_add_series (chart, "sgd", 1, TRUE);
  l2l_chart_series_append (chart->series->pdata[1], 0, 1, 1, 1);
  l2l_chart_begin_run (chart, 2, "run 2");
  second = l2l_chart_add_series (chart, "adam", 0, TRUE);
  l2l_chart_series_append (second, 0, 2, 2, 2);
  g_assert_cmpuint (l2l_chart_count_series (chart, TRUE), ==, 2);
  g_assert_cmpuint (l2l_chart_count_series (chart, FALSE), ==, 1);
  g_assert_cmpstr (first->name, ==, "adam");
  g_assert_cmpuint (first->run, ==, 1);
  g_assert_cmpuint (second->run, ==, 2);

  l2l_chart_show_run (chart, 1, FALSE);
  g_assert_true (first->hidden);
  g_assert_false (second->hidden);
  l2l_chart_show_run (chart, 1, TRUE);
  g_assert_false (first->hidden);
  l2l_chart_remove_run (chart, 1);
  g_assert_cmpuint (chart->series->len, ==, 1);
  g_assert_true (chart->series->pdata[0] == second);
  l2l_chart_remove_faded (chart);
  g_assert_cmpuint (chart->series->len, ==, 1);
}

/* Issue 25: a diverged series does not stretch the y axis beyond a hundred
 * times the highest start, and a hidden one not at all. */
static void
test_diverged_capped (void)
{
  g_autoptr(L2lChart) chart = l2l_chart_new ("Loss", "step", "loss", TRUE);
  L2lChartSeries *good = l2l_chart_add_series (chart, "adam", 0, FALSE);
  L2lChartSeries *bad = l2l_chart_add_series (chart, "sgd", 1, FALSE);
  Canvas canvas;

  for (int t = 0; t <= 20; t++)
    {
      l2l_chart_series_append (good, t, 10.0 * pow (0.8, t), NAN, NAN);
      l2l_chart_series_append (bad, t, 10.0 * pow (1e4, t), NAN, NAN);   /* 1e81 at the end */
    }
  canvas_render (&canvas, chart);
  g_test_message ("y axis up to %g", canvas.layout.y_axis.max);
  g_assert_cmpfloat (canvas.layout.y_axis.max, <=, 1e4);
  g_assert_cmpfloat (canvas.layout.y_axis.max, >=, 10.0);
  canvas_clear (&canvas);

  /* hidden: out of the range altogether */
  l2l_chart_begin_run (chart, 1, "run 1");
  l2l_chart_show_run (chart, 0, FALSE);
  good = l2l_chart_add_series (chart, "adam", 0, FALSE);
  for (int t = 0; t <= 20; t++)
    l2l_chart_series_append (good, t, 0.001 * pow (0.8, t), NAN, NAN);
  canvas_render (&canvas, chart);
  g_assert_cmpfloat (canvas.layout.y_axis.max, <=, 0.01);
  canvas_clear (&canvas);
}

/* Issue 26: a contour plot's levels are log-spaced over a function that
 * spans decades and even otherwise; the low band is drawn darker than the
 * high one, and a path in its colour. */
static void
test_contour (void)
{
  g_autoptr(L2lContour) contour = l2l_contour_new ("bowl", -2, 2, -2, 2, 50, 50);
  L2lContourPath *path;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 400);
  cairo_t *cr = cairo_create (surface);
  double levels[16], r, g, b;
  guint8 *data;
  int stride;
  guint n;

  for (guint j = 0; j < 50; j++)
    for (guint i = 0; i < 50; i++)
      {
        double x, y;
        l2l_contour_grid_point (contour, i, j, &x, &y);
        contour->values[j * 50 + i] = pow (10.0, 3.0 * (x * x + y * y));   /* 1 … 10²⁴ */
      }
  n = l2l_contour_levels (contour, levels);
  g_assert_cmpuint (n, ==, 12);
  for (guint l = 1; l < n; l++)
    g_assert_cmpfloat (levels[l], >, levels[l - 1]);
  /* log spacing: consecutive levels above the lowest grow by a constant factor */
  g_assert_cmpfloat_with_epsilon ((levels[2] - 1.0) / (levels[1] - 1.0),
                                  (levels[6] - 1.0) / (levels[5] - 1.0), 1e-6);

  path = l2l_contour_add_path (contour, "sgd", 0);
  l2l_contour_path_append (path, -1.5, 1.5);
  l2l_contour_path_append (path, 1.5, 1.5);
  l2l_contour_render (contour, cr, 400, 400);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  {
    /* the plot's middle (the minimum) against a corner of it */
    guint32 middle = *(guint32 *) (data + 215 * stride + 4 * 215);
    guint32 corner = *(guint32 *) (data + 380 * stride + 4 * 70);
    guint32 on_path = 0;
    int brightness_middle = ((middle >> 16) & 255) + ((middle >> 8) & 255) + (middle & 255);
    int brightness_corner = ((corner >> 16) & 255) + ((corner >> 8) & 255) + (corner & 255);

    g_assert_cmpint (brightness_middle, <, brightness_corner);
    /* the path's colour somewhere along y = 1.5 */
    l2l_chart_palette (0, &r, &g, &b);
    for (int x = 80; x < 380 && on_path == 0; x++)
      for (int y = 60; y < 130; y++)
        {
          guint32 pixel = *(guint32 *) (data + y * stride + 4 * x);
          if (abs ((int) ((pixel >> 16) & 255) - (int) (r * 255)) < 8 &&
              abs ((int) ((pixel >> 8) & 255) - (int) (g * 255)) < 8 &&
              abs ((int) (pixel & 255) - (int) (b * 255)) < 8)
            on_path = pixel;
        }
    g_assert_cmpuint (on_path, !=, 0);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A red square that moves 10 px right each frame, on white. */
static void
draw_moving_square (gpointer  data,
                    guint     frame,
                    cairo_t  *cr,
                    double    width,
                    double    height)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_rectangle (cr, 10 + 10 * frame, 20, 10, 10);
  cairo_fill (cr);
}

typedef struct {
  GBytes *bytes;
  gsize   at;
} GifReader;

static int
read_gif (GifFileType *gif,
          GifByteType *into,
          int          length)
{
  GifReader *reader = gif->UserData;
  gsize size, n;
  const guint8 *data = g_bytes_get_data (reader->bytes, &size);

  n = MIN ((gsize) length, size - reader->at);
  memcpy (into, data + reader->at, n);
  reader->at += n;
  return (int) n;
}

/* Issue 26: an animation has a frame per call, each after the first only
 * the rectangle that changed, the given delays and the drawn colours; and
 * GdkPixbuf reads it as an animation. */
static void
test_gif (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = l2l_chart_encode_gif (draw_moving_square, NULL, 5, 7, 100, 60,
                                                  &error);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbufAnimation) animation = NULL;
  GifReader reader = { bytes, 0 };
  GifFileType *gif;
  int code = 0;

  g_assert_no_error (error);
  gif = DGifOpen (&reader, read_gif, &code);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->ImageCount, ==, 5);
  g_assert_cmpint (gif->SWidth, ==, 100);
  g_assert_cmpint (gif->SHeight, ==, 60);
  for (int k = 0; k < 5; k++)
    {
      const GifImageDesc *desc = &gif->SavedImages[k].ImageDesc;
      GraphicsControlBlock control;

      g_assert_cmpint (DGifSavedExtensionToGCB (gif, k, &control), ==, GIF_OK);
      g_assert_cmpint (control.DelayTime, ==, k == 4 ? 200 : 7);
      if (k == 0)
        {
          /* the whole picture, the square in red and the rest white */
          const ColorMapObject *map = gif->SColorMap;
          GifByteType inside = gif->SavedImages[0].RasterBits[25 * 100 + 15];
          GifByteType outside = gif->SavedImages[0].RasterBits[50 * 100 + 80];

          g_assert_cmpint (desc->Width, ==, 100);
          g_assert_cmpint (map->Colors[inside].Red, ==, 255);
          g_assert_cmpint (map->Colors[inside].Green, ==, 0);
          g_assert_cmpint (map->Colors[outside].Blue, ==, 255);
        }
      else
        {
          /* where the square was and where it is: 20 × 10 pixels */
          g_assert_cmpint (desc->Width, <=, 20);
          g_assert_cmpint (desc->Height, <=, 10);
          g_assert_cmpint (desc->Left, >=, 10 * k);
        }
    }
  DGifCloseFile (gif, &code);

  stream = g_memory_input_stream_new_from_bytes (bytes);
  animation = gdk_pixbuf_animation_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (gdk_pixbuf_animation_is_static_image (animation));
  g_assert_cmpint (gdk_pixbuf_animation_get_width (animation), ==, 100);

  g_assert_true (l2l_chart_gif_path ("paths.GIF"));
  g_assert_false (l2l_chart_gif_path ("paths.png"));
  g_assert_null (l2l_chart_encode_gif (draw_moving_square, NULL, 2, 7, 5000, 60, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static L2lChart *
sample_chart (void)
{
  L2lChart *chart = l2l_chart_new ("Loss", "step", "loss", TRUE);
  L2lChartSeries *series = l2l_chart_add_series (chart, "sgd", 0, TRUE);

  for (int t = 0; t <= 50; t++)
    l2l_chart_series_append (series, t, 10.0 / (t + 1), 5.0 / (t + 1), 20.0 / (t + 1));
  return chart;
}

static void
test_exports (void)
{
  g_autoptr(L2lChart) chart = sample_chart ();
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "c.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "c.SVG", NULL);
  g_autofree char *pdf = g_build_filename (dir, "c.pdf", NULL);
  g_autofree char *bad = g_build_filename (dir, "c.gif", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *image;
  gsize length;

  g_assert_true (l2l_chart_save (chart, png, 640, 400, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 400);
  cairo_surface_destroy (image);

  g_assert_true (l2l_chart_save (chart, svg, 640, 400, &error));
  g_assert_true (g_file_get_contents (svg, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));
  g_assert_nonnull (strstr (contents, "width=\"640\""));
  g_assert_nonnull (strstr (contents, "</svg>"));
  g_clear_pointer (&contents, g_free);

  g_assert_true (l2l_chart_save (chart, pdf, 640, 400, &error));
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (length, >, 32);
  g_assert_nonnull (g_strstr_len (contents + length - 32, 32, "%%EOF"));

  g_assert_false (l2l_chart_save (chart, bad, 640, 400, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (test_util_count_entries (dir), ==, 3);   /* no temporaries */
  test_util_remove_tree (dir);
}

/* A comparison drawn against steps and against seconds: the same series and
 * the same losses, only x changes — to each step's mean wall time, which
 * grows with the step — and the axis follows, linear or log. */
static void
test_seconds_axis (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lCompareResult) result = NULL;
  g_autoptr(L2lChart) chart = l2l_chart_new ("t", "step", "loss", TRUE);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (surface);
  L2lOptimizerSpec optimizers[2];
  L2lCompareConfig config;
  L2lChartLayout layout;
  double latest = 0.0;

  l2l_compare_config_init (&config);
  config.task = l2l_task_new_from_spec ("quadratic", NULL);
  l2l_optimizer_spec_init (&optimizers[0], l2l_optimizer_info_lookup ("sgd"));
  l2l_optimizer_spec_init (&optimizers[1], l2l_optimizer_info_lookup ("adam"));
  config.optimizers = optimizers;
  config.n_optimizers = 2;
  config.runs = 3;
  config.steps = 20;
  result = l2l_compare_run (&config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  l2l_chart_add_compare_result (chart, result);
  g_assert_cmpuint (chart->series->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const L2lChartSeries *a = chart->series->pdata[i];

      g_assert_cmpuint (a->x->len, ==, 21);
      g_assert_cmpuint (a->time->len, ==, 21);
      g_assert_cmpfloat (g_array_index (a->x, double, 20), ==, 20.0);
      /* each point at the mean over runs of the wall time to its step */
      g_assert_cmpfloat_with_epsilon (g_array_index (a->time, double, 20),
                                      (result->entries[i].seconds[20] +
                                       result->entries[i].seconds[41] +
                                       result->entries[i].seconds[62]) / 3, 1e-12);
      g_assert_cmpfloat (g_array_index (a->time, double, 20), >, 0.0);
      for (guint t = 1; t <= 20; t++)
        g_assert_cmpfloat (g_array_index (a->time, double, t), >=,
                           g_array_index (a->time, double, t - 1));
      latest = MAX (latest, g_array_index (a->time, double, 20));
    }

  l2l_chart_compute_layout (chart, cr, 640, 400, &layout);
  g_assert_false (layout.x_axis.log);
  g_assert_cmpfloat (layout.x_axis.max, >=, 20.0);
  l2l_chart_set_x_mode (chart, L2L_CHART_X_TIME, "seconds");
  l2l_chart_render (chart, cr, 640, 400);
  l2l_chart_compute_layout (chart, cr, 640, 400, &layout);
  g_assert_false (layout.x_axis.log);
  g_assert_cmpfloat (layout.x_axis.max, >=, latest);
  g_assert_cmpfloat (layout.x_axis.max, <, 1.0);      /* 20 quadratic steps take far less */
  l2l_chart_set_x_mode (chart, L2L_CHART_X_LOG_TIME, "seconds");
  l2l_chart_render (chart, cr, 640, 400);
  l2l_chart_compute_layout (chart, cr, 640, 400, &layout);
  g_assert_true (layout.x_axis.log);
  g_assert_cmpfloat (layout.x_axis.min, >, 0.0);      /* step 0, at 0 s, is left off */
  g_assert_cmpfloat (layout.x_axis.max, >=, latest);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  for (guint i = 0; i < 2; i++)
    l2l_optimizer_spec_clear (&optimizers[i]);
  l2l_task_unref (config.task);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart/axis/linear-ticks", test_linear_ticks);
  g_test_add_func ("/chart/axis/log-ticks", test_log_ticks);
  g_test_add_func ("/chart/render/series-lands", test_series_lands);
  g_test_add_func ("/chart/render/legend-and-band", test_legend_and_band);
  g_test_add_func ("/chart/render/legend-moves", test_legend_moves);
  g_test_add_func ("/chart/render/empty", test_empty);
  g_test_add_func ("/chart/render/single-point-and-gaps", test_single_point_and_gaps);
  g_test_add_func ("/chart/model/faded-runs", test_faded_runs);
  g_test_add_func ("/chart/render/diverged-capped", test_diverged_capped);
  g_test_add_func ("/chart/render/contour", test_contour);
  g_test_add_func ("/chart/gif", test_gif);
  g_test_add_func ("/chart/export", test_exports);
  g_test_add_func ("/chart/results/seconds-axis", test_seconds_axis);
  return g_test_run ();
}
