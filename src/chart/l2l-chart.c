/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>

#include "l2l-chart.h"

#define FONT "sans-serif"
#define TITLE_SIZE 15.0
#define LABEL_SIZE 12.0
#define TICK_SIZE 11.0
#define PAD 10.0
#define TICK_LEN 4.0

static void
series_free (gpointer data)
{
  L2lChartSeries *series = data;

  g_free (series->name);
  g_array_unref (series->x);
  g_array_unref (series->time);
  g_array_unref (series->y);
  if (series->lo != NULL)
    {
      g_array_unref (series->lo);
      g_array_unref (series->hi);
    }
  g_free (series);
}

L2lChart *
l2l_chart_new (const char *title,
               const char *x_label,
               const char *y_label,
               gboolean    log_y)
{
  L2lChart *chart = g_new0 (L2lChart, 1);

  chart->title = g_strdup (title);
  chart->x_label = g_strdup (x_label);
  chart->y_label = g_strdup (y_label);
  chart->log_y = log_y;
  chart->series = g_ptr_array_new_with_free_func (series_free);
  chart->run_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  chart->empty_text = g_strdup ("No data yet");
  return chart;
}

void
l2l_chart_free (L2lChart *chart)
{
  if (chart == NULL)
    return;
  g_free (chart->title);
  g_free (chart->x_label);
  g_free (chart->time_label);
  g_free (chart->y_label);
  g_ptr_array_unref (chart->series);
  g_hash_table_unref (chart->run_names);
  g_free (chart->empty_text);
  g_free (chart);
}

L2lChartSeries *
l2l_chart_add_series (L2lChart   *chart,
                      const char *name,
                      guint       color,
                      gboolean    with_band)
{
  L2lChartSeries *series = g_new0 (L2lChartSeries, 1);

  series->name = g_strdup (name);
  series->color = color;
  series->run = chart->run;
  series->x = g_array_new (FALSE, FALSE, sizeof (double));
  series->time = g_array_new (FALSE, FALSE, sizeof (double));
  series->y = g_array_new (FALSE, FALSE, sizeof (double));
  if (with_band)
    {
      series->lo = g_array_new (FALSE, FALSE, sizeof (double));
      series->hi = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_ptr_array_add (chart->series, series);
  return series;
}

void
l2l_chart_series_append (L2lChartSeries *series,
                         double          x,
                         double          y,
                         double          lo,
                         double          hi)
{
  l2l_chart_series_append_timed (series, x, NAN, y, lo, hi);
}

void
l2l_chart_series_append_timed (L2lChartSeries *series,
                               double          x,
                               double          seconds,
                               double          y,
                               double          lo,
                               double          hi)
{
  g_array_append_val (series->x, x);
  g_array_append_val (series->time, seconds);
  g_array_append_val (series->y, y);
  if (series->lo != NULL)
    {
      g_array_append_val (series->lo, lo);
      g_array_append_val (series->hi, hi);
    }
}

void
l2l_chart_begin_run (L2lChart   *chart,
                     guint       run,
                     const char *name)
{
  for (guint i = 0; i < chart->series->len; i++)
    ((L2lChartSeries *) chart->series->pdata[i])->faded = TRUE;
  chart->run = run;
  g_hash_table_insert (chart->run_names, GUINT_TO_POINTER (run), g_strdup (name));
}

void
l2l_chart_show_run (L2lChart *chart,
                    guint     run,
                    gboolean  shown)
{
  for (guint i = 0; i < chart->series->len; i++)
    {
      L2lChartSeries *series = chart->series->pdata[i];
      if (series->run == run)
        series->hidden = !shown;
    }
}

void
l2l_chart_remove_run (L2lChart *chart,
                      guint     run)
{
  for (guint i = chart->series->len; i-- > 0;)
    if (((L2lChartSeries *) chart->series->pdata[i])->run == run)
      g_ptr_array_remove_index (chart->series, i);
  g_hash_table_remove (chart->run_names, GUINT_TO_POINTER (run));
}

void
l2l_chart_set_empty_text (L2lChart   *chart,
                          const char *text)
{
  g_free (chart->empty_text);
  chart->empty_text = g_strdup (text);
}

void
l2l_chart_remove_faded (L2lChart *chart)
{
  for (guint i = chart->series->len; i-- > 0;)
    if (((L2lChartSeries *) chart->series->pdata[i])->faded)
      g_ptr_array_remove_index (chart->series, i);
}

guint
l2l_chart_count_series (const L2lChart *chart,
                        gboolean        faded)
{
  guint n = 0;

  for (guint i = 0; i < chart->series->len; i++)
    n += ((L2lChartSeries *) chart->series->pdata[i])->faded == faded;
  return n;
}

void
l2l_chart_palette (guint   index,
                   double *r,
                   double *g,
                   double *b)
{
  /* Okabe & Ito (2008), "Color Universal Design", in an order that keeps
   * neighbours apart: blue, orange, bluish green, vermillion, reddish
   * purple, sky blue, yellow, black. */
  static const guint8 colors[][3] = {
    { 0x00, 0x72, 0xB2 }, { 0xE6, 0x9F, 0x00 }, { 0x00, 0x9E, 0x73 }, { 0xD5, 0x5E, 0x00 },
    { 0xCC, 0x79, 0xA7 }, { 0x56, 0xB4, 0xE9 }, { 0xF0, 0xE4, 0x42 }, { 0x00, 0x00, 0x00 },
  };
  const guint8 *c = colors[index % G_N_ELEMENTS (colors)];

  *r = c[0] / 255.0;
  *g = c[1] / 255.0;
  *b = c[2] / 255.0;
}

void
l2l_chart_set_x_mode (L2lChart      *chart,
                      L2lChartXMode  mode,
                      const char    *time_label)
{
  chart->x_mode = mode;
  g_free (chart->time_label);
  chart->time_label = g_strdup (time_label);
}

/* Layout. */

static gboolean
x_is_time (const L2lChart *chart)
{
  return chart->x_mode == L2L_CHART_X_TIME || chart->x_mode == L2L_CHART_X_LOG_TIME;
}

/* The column the x axis shows. */
static GArray *
x_column (const L2lChart       *chart,
          const L2lChartSeries *series)
{
  return x_is_time (chart) ? series->time : series->x;
}

static const char *
x_label (const L2lChart *chart)
{
  return x_is_time (chart) ? chart->time_label : chart->x_label;
}

static gboolean
x_is_log (const L2lChart *chart)
{
  return chart->x_mode == L2L_CHART_X_LOG_TIME || chart->x_mode == L2L_CHART_X_LOG_DATA;
}

static void
data_range (const L2lChart *chart,
            gboolean        y_axis,
            double         *lo,
            double         *hi)
{
  double cap = -INFINITY;

  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint i = 0; i < chart->series->len; i++)
    {
      const L2lChartSeries *series = chart->series->pdata[i];
      GArray *columns[3] = { y_axis ? series->y : x_column (chart, series),
                             y_axis ? series->lo : NULL, y_axis ? series->hi : NULL };
      gboolean log = y_axis ? chart->log_y : x_is_log (chart);

      if (series->hidden)
        continue;
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        for (guint k = 0; columns[c] != NULL && k < columns[c]->len; k++)
          {
            double v = g_array_index (columns[c], double, k);
            if (!isfinite (v) || (log && v <= 0.0))
              continue;
            *lo = MIN (*lo, v);
            *hi = MAX (*hi, v);
          }
      /* the series' start: a loss that climbs far above it has diverged */
      for (guint k = 0; y_axis && log && k < series->y->len; k++)
        {
          double v = g_array_index (series->y, double, k);
          if (isfinite (v) && v > 0.0)
            {
              cap = MAX (cap, 100.0 * v);
              break;
            }
        }
    }
  if (isfinite (cap) && *hi > cap)
    *hi = MAX (cap, *lo);
}

static double
text_width (cairo_t    *cr,
            const char *text,
            double      size)
{
  cairo_text_extents_t extents;

  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &extents);
  return extents.x_advance;
}

void
l2l_chart_compute_layout (const L2lChart *chart,
                          cairo_t        *cr,
                          double          width,
                          double          height,
                          L2lChartLayout *layout)
{
  double lo, hi, label_width = 0.0, left, bottom, top;
  char text[64];

  data_range (chart, FALSE, &lo, &hi);
  l2l_axis_fit (&layout->x_axis, x_is_log (chart), lo, hi,
                MAX (2, (guint) (width / 90)));
  data_range (chart, TRUE, &lo, &hi);
  l2l_axis_fit (&layout->y_axis, chart->log_y, lo, hi, MAX (2, (guint) (height / 50)));

  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (guint i = 0; i < layout->y_axis.n_ticks; i++)
    {
      l2l_axis_format_tick (&layout->y_axis, layout->y_axis.ticks[i], text, sizeof text);
      label_width = MAX (label_width, text_width (cr, text, TICK_SIZE));
    }
  left = PAD + (chart->y_label ? LABEL_SIZE + PAD : 0) + label_width + TICK_LEN + 4;
  bottom = PAD + TICK_SIZE + TICK_LEN + 6 + (x_label (chart) ? LABEL_SIZE + PAD : 0);
  top = PAD + (chart->title ? TITLE_SIZE + PAD : 0);
  layout->plot_x = left;
  layout->plot_y = top;
  layout->plot_width = MAX (1.0, width - left - 2 * PAD);
  layout->plot_height = MAX (1.0, height - top - bottom);
}

static gboolean
to_pixel (const L2lChartLayout *layout,
          double                x,
          double                y,
          double               *px,
          double               *py)
{
  double nx = l2l_axis_normalize (&layout->x_axis, x);
  double ny = l2l_axis_normalize (&layout->y_axis, y);

  if (isnan (nx) || isnan (ny))
    return FALSE;
  *px = layout->plot_x + nx * layout->plot_width;
  *py = layout->plot_y + (1.0 - ny) * layout->plot_height;
  return TRUE;
}

/* Drawing. */

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      size,
           double      x,
           double      y,
           double      align_x,   /* 0 left, 0.5 centre, 1 right */
           double      align_y)   /* 0 top, 0.5 middle, 1 baseline */
{
  cairo_text_extents_t extents;
  cairo_font_extents_t font;

  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &extents);
  cairo_font_extents (cr, &font);
  cairo_move_to (cr, x - align_x * extents.x_advance,
                 y + (1.0 - align_y) * font.ascent - (align_y == 0.5 ? font.ascent / 2 : 0.0));
  cairo_show_text (cr, text);
}

static void
draw_axes (const L2lChart       *chart,
           cairo_t              *cr,
           const L2lChartLayout *layout,
           double                height)
{
  const double x0 = layout->plot_x, y0 = layout->plot_y;
  const double x1 = x0 + layout->plot_width, y1 = y0 + layout->plot_height;
  char text[64];

  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i < layout->y_axis.n_ticks; i++)
    {
      double v = layout->y_axis.ticks[i];
      double y = floor (y0 + (1 - l2l_axis_normalize (&layout->y_axis, v)) * layout->plot_height) + 0.5;

      cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
      cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x1, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      cairo_move_to (cr, x0 - TICK_LEN, y);
      cairo_line_to (cr, x0, y);
      cairo_stroke (cr);
      l2l_axis_format_tick (&layout->y_axis, v, text, sizeof text);
      draw_text (cr, text, TICK_SIZE, x0 - TICK_LEN - 3, y, 1.0, 0.5);
    }
  for (guint i = 0; i < layout->x_axis.n_ticks; i++)
    {
      double v = layout->x_axis.ticks[i];
      double x = floor (x0 + l2l_axis_normalize (&layout->x_axis, v) * layout->plot_width) + 0.5;

      cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y1);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x, y1 + TICK_LEN);
      cairo_stroke (cr);
      l2l_axis_format_tick (&layout->x_axis, v, text, sizeof text);
      draw_text (cr, text, TICK_SIZE, x, y1 + TICK_LEN + 3, 0.5, 0.0);
    }
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_rectangle (cr, floor (x0) + 0.5, floor (y0) + 0.5, floor (layout->plot_width),
                   floor (layout->plot_height));
  cairo_stroke (cr);

  if (x_label (chart) != NULL)
    draw_text (cr, x_label (chart), LABEL_SIZE, x0 + layout->plot_width / 2, height - PAD, 0.5, 1.0);
  if (chart->y_label != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, PAD, y0 + layout->plot_height / 2);
      cairo_rotate (cr, -G_PI / 2);
      draw_text (cr, chart->y_label, LABEL_SIZE, 0, 0, 0.5, 0.0);
      cairo_restore (cr);
    }
}

static void
set_series_color (cairo_t              *cr,
                  const L2lChartSeries *series,
                  double                alpha)
{
  double r, g, b;

  l2l_chart_palette (series->color, &r, &g, &b);
  cairo_set_source_rgba (cr, r, g, b, alpha);
}

static void
set_series_stroke (cairo_t              *cr,
                   const L2lChartSeries *series)
{
  static const double dashes[] = { 7.0, 4.0 }, dots[] = { 1.5, 3.5 };

  if (series->stroke == L2L_CHART_DASHED)
    cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0.0);
  else if (series->stroke == L2L_CHART_DOTTED)
    cairo_set_dash (cr, dots, G_N_ELEMENTS (dots), 0.0);
  else
    cairo_set_dash (cr, NULL, 0, 0.0);
}

/* The band between lo and hi, as one polygon per run of finite points. */
static void
draw_band (const L2lChart       *chart,
           cairo_t              *cr,
           const L2lChartSeries *series,
           const L2lChartLayout *layout)
{
  GArray *x = x_column (chart, series);
  guint n = x->len, start = 0;

  while (start < n)
    {
      guint end = start;
      double px = 0.0, py = 0.0;

      while (end < n &&
             to_pixel (layout, g_array_index (x, double, end),
                       g_array_index (series->hi, double, end), &px, &py) &&
             to_pixel (layout, g_array_index (x, double, end),
                       g_array_index (series->lo, double, end), &px, &py))
        end++;
      if (end - start >= 2)
        {
          for (guint k = start; k < end; k++)
            {
              to_pixel (layout, g_array_index (x, double, k),
                        g_array_index (series->hi, double, k), &px, &py);
              cairo_line_to (cr, px, py);
            }
          for (guint k = end; k-- > start;)
            {
              to_pixel (layout, g_array_index (x, double, k),
                        g_array_index (series->lo, double, k), &px, &py);
              cairo_line_to (cr, px, py);
            }
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      start = end + 1;
    }
}

/* The line, broken at gaps; a point with no neighbour becomes a dot. */
static void
draw_line (const L2lChart       *chart,
           cairo_t              *cr,
           const L2lChartSeries *series,
           const L2lChartLayout *layout)
{
  GArray *x = x_column (chart, series);
  guint n = x->len;
  gboolean previous = FALSE;

  for (guint k = 0; k < n; k++)
    {
      double px, py;
      gboolean here = to_pixel (layout, g_array_index (x, double, k),
                                g_array_index (series->y, double, k), &px, &py);
      gboolean next = k + 1 < n &&
                      isfinite (l2l_axis_normalize (&layout->x_axis,
                                                    g_array_index (x, double, k + 1))) &&
                      isfinite (l2l_axis_normalize (&layout->y_axis,
                                                    g_array_index (series->y, double, k + 1)));

      if (!here)
        {
          previous = FALSE;
          continue;
        }
      if (!previous && !next)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, px, py, 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      else if (previous)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      previous = TRUE;
    }
  cairo_stroke (cr);
}

/* A legend line: a swatch in the series' colour (grey for an earlier run). */
typedef struct {
  const char           *text;
  const L2lChartSeries *series;   /* NULL: an earlier run */
} LegendLine;

/* The current run's series shown, one line each, then each earlier run
 * shown, once: a few lines however many runs are drawn. */
static GArray *
legend_lines (const L2lChart *chart)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (LegendLine));
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < chart->series->len; i++)
    {
      const L2lChartSeries *series = chart->series->pdata[i];
      LegendLine line = { series->name, series };

      if (!series->faded && !series->hidden && series->x->len > 0)
        g_array_append_val (lines, line);
    }
  for (guint i = 0; i < chart->series->len; i++)
    {
      const L2lChartSeries *series = chart->series->pdata[i];
      LegendLine line = { g_hash_table_lookup (chart->run_names, GUINT_TO_POINTER (series->run)),
                          NULL };

      if (series->faded && !series->hidden && series->x->len > 0 && line.text != NULL &&
          g_hash_table_add (listed, GUINT_TO_POINTER (series->run)))
        g_array_append_val (lines, line);
    }
  return lines;
}

typedef struct {
  const L2lChart       *chart;
  const L2lChartLayout *layout;
} Covered;

/* The shown points of the current run inside the box at (@x, @y). */
static guint
points_under (gconstpointer data,
              double        x,
              double        y,
              double        width,
              double        height)
{
  const Covered *covered = data;
  const L2lChart *chart = covered->chart;
  guint n = 0;

  for (guint i = 0; i < chart->series->len; i++)
    {
      const L2lChartSeries *series = chart->series->pdata[i];
      GArray *xs = x_column (chart, series);

      if (series->hidden || series->faded)
        continue;
      for (guint k = 0; k < xs->len; k++)
        {
          double px, py;

          if (to_pixel (covered->layout, g_array_index (xs, double, k),
                        g_array_index (series->y, double, k), &px, &py) &&
              px >= x && px <= x + width && py >= y && py <= y + height)
            n++;
        }
    }
  return n;
}

void
l2l_chart_legend_corner (double           plot_x,
                         double           plot_y,
                         double           plot_width,
                         double           plot_height,
                         double           width,
                         double           height,
                         L2lChartCovered  covered,
                         gconstpointer    data,
                         double          *x,
                         double          *y)
{
  const double left = plot_x + 8, right = plot_x + plot_width - width - 8;
  const double top = plot_y + 8, bottom = plot_y + plot_height - height - 8;
  const double corners[4][2] = { { right, top }, { right, bottom }, { left, top }, { left, bottom } };
  guint best = G_MAXUINT;

  *x = right;
  *y = top;
  for (guint c = 0; c < G_N_ELEMENTS (corners) && best > 0; c++)
    {
      guint hidden = covered (data, corners[c][0], corners[c][1], width, height);

      if (hidden < best)
        {
          best = hidden;
          *x = corners[c][0];
          *y = corners[c][1];
        }
    }
}

static void
draw_legend (const L2lChart       *chart,
             cairo_t              *cr,
             const L2lChartLayout *layout)
{
  const double row = TICK_SIZE + 6, swatch = 18;
  g_autoptr(GArray) lines = legend_lines (chart);
  double widest = 0.0, x, y;

  if (lines->len == 0)
    return;
  for (guint i = 0; i < lines->len; i++)
    widest = MAX (widest, text_width (cr, g_array_index (lines, LegendLine, i).text, TICK_SIZE));
  l2l_chart_legend_corner (layout->plot_x, layout->plot_y, layout->plot_width,
                           layout->plot_height, widest + swatch + 14, lines->len * row + 8,
                           points_under, &(Covered) { chart, layout }, &x, &y);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  cairo_rectangle (cr, x, y, widest + swatch + 14, lines->len * row + 8);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  for (guint i = 0; i < lines->len; i++)
    {
      const LegendLine *line = &g_array_index (lines, LegendLine, i);
      double cy = y + 4 + (i + 0.5) * row;

      if (line->series != NULL)
        {
          set_series_color (cr, line->series, 1.0);
          set_series_stroke (cr, line->series);
        }
      else
        cairo_set_source_rgba (cr, 0.45, 0.45, 0.45, 0.6);
      cairo_set_line_width (cr, line->series ? 3.0 : 1.5);
      cairo_move_to (cr, x + 5, cy);
      cairo_line_to (cr, x + 5 + swatch, cy);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0.0);
      cairo_set_source_rgb (cr, line->series ? 0.1 : 0.45, line->series ? 0.1 : 0.45,
                            line->series ? 0.1 : 0.45);
      draw_text (cr, line->text, TICK_SIZE, x + 10 + swatch, cy, 0.0, 0.5);
    }
}

void
l2l_chart_render (const L2lChart *chart,
                  cairo_t        *cr,
                  double          width,
                  double          height)
{
  L2lChartLayout layout;
  gboolean any_data = FALSE;

  cairo_save (cr);
  l2l_chart_compute_layout (chart, cr, width, height, &layout);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (chart->title != NULL)
    {
      cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      draw_text (cr, chart->title, TITLE_SIZE, width / 2, PAD, 0.5, 0.0);
      cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
  draw_axes (chart, cr, &layout, height);

  cairo_save (cr);
  cairo_rectangle (cr, layout.plot_x, layout.plot_y, layout.plot_width, layout.plot_height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* earlier runs first, so the current one lies on top */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < chart->series->len; i++)
      {
        const L2lChartSeries *series = chart->series->pdata[i];

        if (series->faded != (pass == 0) || series->hidden)
          continue;
        any_data |= series->x->len > 0;
        if (series->lo != NULL)
          {
            set_series_color (cr, series, series->faded ? 0.06 : 0.18);
            draw_band (chart, cr, series, &layout);
          }
        set_series_color (cr, series, series->faded ? 0.35 : 1.0);
        set_series_stroke (cr, series);
        cairo_set_line_width (cr, series->faded ? 1.5 : 2.0);
        draw_line (chart, cr, series, &layout);
        cairo_set_dash (cr, NULL, 0, 0.0);
      }
  cairo_restore (cr);

  if (!any_data)
    {
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      draw_text (cr, chart->empty_text, LABEL_SIZE, layout.plot_x + layout.plot_width / 2,
                 layout.plot_y + layout.plot_height / 2, 0.5, 0.5);
    }
  draw_legend (chart, cr, &layout);
  cairo_restore (cr);
}

static guint
nearest_index (GArray *x,
               double  value)
{
  guint lo = 0, hi = x->len;

  while (lo + 1 < hi)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (x, double, mid) <= value)
        lo = mid;
      else
        hi = mid;
    }
  if (lo + 1 < x->len &&
      fabs (g_array_index (x, double, lo + 1) - value) < fabs (g_array_index (x, double, lo) - value))
    lo++;
  return lo;
}

void
l2l_chart_render_readout (const L2lChart       *chart,
                          cairo_t              *cr,
                          const L2lChartLayout *layout,
                          double                x)
{
  double px = layout->plot_x + l2l_axis_normalize (&layout->x_axis, x) * layout->plot_width;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  double widest = 0.0, box_x, box_y, row = TICK_SIZE + 5;

  if (!isfinite (px))
    {
      g_ptr_array_unref (lines);
      return;
    }
  cairo_save (cr);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgba (cr, 0.2, 0.2, 0.2, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, floor (px) + 0.5, layout->plot_y);
  cairo_line_to (cr, floor (px) + 0.5, layout->plot_y + layout->plot_height);
  cairo_stroke (cr);

  /* "step 53": the hover says what the number is */
  g_ptr_array_add (lines, x_is_time (chart) ? g_strdup_printf ("%.3g s", x)
                          : chart->x_mode == L2L_CHART_X_LOG_DATA
                          ? g_strdup_printf ("%s %.3g", chart->x_label ? chart->x_label : "", x)
                          : chart->x_label ? g_strdup_printf ("%s %g", chart->x_label, round (x))
                                           : g_strdup_printf ("%g", round (x)));
  for (guint i = 0; i < chart->series->len; i++)
    {
      const L2lChartSeries *series = chart->series->pdata[i];
      guint k;

      if (series->faded || series->hidden || series->x->len == 0)
        continue;
      k = nearest_index (x_column (chart, series), x);
      g_ptr_array_add (lines, g_strdup_printf ("%s: %.4g", series->name,
                                               g_array_index (series->y, double, k)));
    }
  for (guint i = 0; i < lines->len; i++)
    widest = MAX (widest, text_width (cr, lines->pdata[i], TICK_SIZE));
  box_x = px + 10 + widest + 12 > layout->plot_x + layout->plot_width ? px - widest - 22 : px + 10;
  box_y = layout->plot_y + layout->plot_height - lines->len * row - 16;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_rectangle (cr, box_x, box_y, widest + 12, lines->len * row + 8);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  for (guint i = 0; i < lines->len; i++)
    draw_text (cr, lines->pdata[i], TICK_SIZE, box_x + 6, box_y + 4 + (i + 0.5) * row, 0.0, 0.5);
  cairo_restore (cr);
  g_ptr_array_unref (lines);
}
