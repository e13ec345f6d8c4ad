/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "l2l-chart-axis.h"

G_BEGIN_DECLS

/* A chart as plain data: series of points with an optional band, axis labels,
 * a title. Front ends fill it; l2l_chart_render draws it the same on a widget,
 * a PNG, an SVG or a PDF. Non-finite points (and ≤ 0 on a log axis) are gaps.
 * A log y axis reaches at most a hundred times the highest starting value of
 * the series shown: a diverged series runs off the top instead of flattening
 * the others. */
/* How a series' line is drawn: solid, or dashed or dotted to tell apart
 * curves of one colour (one optimizer's at two steps). */
typedef enum {
  L2L_CHART_SOLID,
  L2L_CHART_DASHED,
  L2L_CHART_DOTTED,
} L2lChartStroke;

typedef struct {
  char    *name;
  guint    color;      /* index into the palette */
  L2lChartStroke stroke;
  guint    run;        /* the run it belongs to (l2l_chart_begin_run) */
  gboolean faded;      /* an earlier run, drawn light behind the current one */
  gboolean hidden;     /* not drawn, and not in the axes' ranges */
  GArray  *x;          /* double */
  GArray  *time;       /* double: the wall time at each point (NaN where unknown) */
  GArray  *y;          /* the line: mean, or the one value */
  GArray  *lo;         /* band (e.g. 25 % quantile), or NULL */
  GArray  *hi;         /* band (e.g. 75 % quantile), or NULL */
} L2lChartSeries;

/* What the x axis shows: each series' x (steps, epochs), or each point's
 * wall time, on a linear or a log axis. */
typedef enum {
  L2L_CHART_X_DATA,
  L2L_CHART_X_TIME,
  L2L_CHART_X_LOG_TIME,
  L2L_CHART_X_LOG_DATA,
} L2lChartXMode;

typedef struct {
  char      *title;
  char      *x_label;
  char      *time_label;  /* the x label against time */
  char      *y_label;
  gboolean   log_y;
  L2lChartXMode x_mode;
  GPtrArray *series;   /* L2lChartSeries */
  guint      run;      /* the current run: new series belong to it */
  GHashTable *run_names; /* run → its name in the legend ("run 2") */
  char      *empty_text; /* shown on a chart without data */
} L2lChart;

/* Where render put things, for hover readouts and tests. */
typedef struct {
  double  plot_x, plot_y, plot_width, plot_height;   /* in device units */
  L2lAxis x_axis;
  L2lAxis y_axis;
} L2lChartLayout;

L2lChart       *l2l_chart_new            (const char *title,
                                          const char *x_label,
                                          const char *y_label,
                                          gboolean    log_y);
void            l2l_chart_free           (L2lChart   *chart);
L2lChartSeries *l2l_chart_add_series     (L2lChart   *chart,
                                          const char *name,
                                          guint       color,
                                          gboolean    with_band);
void            l2l_chart_series_append  (L2lChartSeries *series,
                                          double          x,
                                          double          y,
                                          double          lo,
                                          double          hi);
/* A point that also knows its wall time, for an x axis in time. */
void            l2l_chart_series_append_timed (L2lChartSeries *series,
                                               double          x,
                                               double          seconds,
                                               double          y,
                                               double          lo,
                                               double          hi);
/* Puts each series' x (L2L_CHART_X_DATA) or its points' times on the x axis,
 * labelled @time_label then. */
void            l2l_chart_set_x_mode     (L2lChart      *chart,
                                          L2lChartXMode  mode,
                                          const char    *time_label);
/* Runs: the series added from now on belong to run @run, named @name in the
 * legend once it is an earlier run; every series of the runs before is faded.
 * The legend lists the current run's series, then each earlier run shown
 * once, so that it stays short however many runs there are. */
void            l2l_chart_begin_run      (L2lChart   *chart,
                                          guint       run,
                                          const char *name);
/* Shows or hides a run's series (hidden ones are neither drawn nor in the
 * axes' ranges), or drops them. */
void            l2l_chart_show_run       (L2lChart   *chart,
                                          guint       run,
                                          gboolean    shown);
void            l2l_chart_remove_run     (L2lChart   *chart,
                                          guint       run);
/* Drops faded series. */
void            l2l_chart_remove_faded   (L2lChart   *chart);
/* The text on a chart with no data ("No data yet"), e.g. translated. */
void            l2l_chart_set_empty_text (L2lChart   *chart,
                                          const char *text);
guint           l2l_chart_count_series   (const L2lChart *chart,
                                          gboolean        faded);

/* The Okabe–Ito palette, distinguishable with every common colour-vision
 * deficiency; @index wraps. */
void            l2l_chart_palette        (guint   index,
                                          double *r,
                                          double *g,
                                          double *b);

/* For the module's drawings: how many of its points a box at (@x, @y) of
 * @width × @height would hide. */
typedef guint (*L2lChartCovered) (gconstpointer data,
                                  double        x,
                                  double        y,
                                  double        width,
                                  double        height);
/* Where a legend of @width × @height goes in the plot at (@plot_x, @plot_y)
 * of @plot_width × @plot_height: 8 px inside its top right, bottom right,
 * top left or bottom left, the first that hides the fewest points. */
void            l2l_chart_legend_corner  (double           plot_x,
                                          double           plot_y,
                                          double           plot_width,
                                          double           plot_height,
                                          double           width,
                                          double           height,
                                          L2lChartCovered  covered,
                                          gconstpointer    data,
                                          double          *x,
                                          double          *y);

void            l2l_chart_compute_layout (const L2lChart *chart,
                                          cairo_t        *cr,
                                          double          width,
                                          double          height,
                                          L2lChartLayout *layout);
void            l2l_chart_render         (const L2lChart *chart,
                                          cairo_t        *cr,
                                          double          width,
                                          double          height);
/* A vertical cursor at data x @x with each series' value there, as the
 * widget shows under the pointer. */
void            l2l_chart_render_readout (const L2lChart       *chart,
                                          cairo_t              *cr,
                                          const L2lChartLayout *layout,
                                          double                x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lChart, l2l_chart_free)

G_END_DECLS
