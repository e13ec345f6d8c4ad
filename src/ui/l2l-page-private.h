/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-page.h"

G_BEGIN_DECLS

/* L2lPage's state, shared by its files: l2l-page.c (layout, job, status),
 * l2l-page-runs.c (the run list and the chart's runs) and l2l-page-files.c
 * (exports). */
typedef struct {
  AdwFlap            *flap;
  L2lExperimentPanel *panel;
  GtkLabel           *status_label;
  GtkProgressBar     *progress_bar;
  GtkWidget          *content;
  GtkStack           *content_stack;   /* "empty" (a status page) or "content" */
  GtkWidget          *toolbar;         /* above the content: Runs, then the page's */
  L2lRunList         *run_list;
  GHashTable         *run_tasks;       /* run → its task spec */
  guint               n_runs;          /* runs shown so far */
  guint               current_run;     /* of the job running, 0 before its first point */
  L2lChart           *chart;
  L2lChartView       *view;
  char               *chart_name;

  GSettings          *settings;
  GHashTable         *enabled;         /* action name → TRUE when enabled */
  char               *run_blocker;
  L2lJob             *job;             /* running */
  L2lJob             *export_job;      /* what Export Results… writes */
  char               *phase_text;      /* what the job does now ("Tuning sgd") */
  double              fraction;
  gint64              started;
  guint               clock;           /* refreshes the elapsed time */
  gint64              max_dispatch_us;
  gboolean            stopping;        /* Stop asked: progress no longer shown */
  guint               threads;
  GCallback           stopped;         /* l2l_page_stop_then */
  gpointer            stopped_data;
} L2lPagePrivate;

L2lPagePrivate *_l2l_page_get_private        (L2lPage     *self);

void            _l2l_page_emit_toast         (L2lPage     *self,
                                              const char  *title,
                                              const char  *path);
void            _l2l_page_on_run_shown       (L2lRunList  *list,
                                              guint        run,
                                              gboolean     shown,
                                              L2lPage     *self);
void            _l2l_page_on_run_removed     (L2lRunList  *list,
                                              guint        run,
                                              L2lPage     *self);
/* page.clear-runs and page.export-chart */
void            _l2l_page_clear_runs_action  (GtkWidget   *widget,
                                              const char  *action,
                                              GVariant    *parameter);
void            _l2l_page_export_chart_action (GtkWidget  *widget,
                                               const char *action,
                                               GVariant   *parameter);

G_END_DECLS
