/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "l2l-chart-view.h"
#include "l2l-experiment-panel.h"
#include "l2l-job.h"
#include "l2l-run-list.h"

G_BEGIN_DECLS

#define L2L_TYPE_PAGE (l2l_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (L2lPage, l2l_page, L2L, PAGE, GtkWidget)

/* One page of the window (Comparison, Meta-training, Neural art): its own
 * experiment sidebar, content, job, status and progress. The page owns all
 * of its state, so that nothing done on one page changes another; the window
 * only switches pages and forwards its actions to the page shown.
 *
 * What every page shares lives here: the sidebar that folds away on a narrow
 * window, Run and Stop, the status line with the elapsed time and an estimate
 * of what is left, error dialogs, and the page's enabled actions ("run",
 * "stop", "export-chart", "export-results", "clear-runs", and what a page adds).
 *
 * Signals:
 *   actions-changed ()                  an action was enabled or disabled
 *   toast (const char *title, const char *path)  a file was written (path may
 *       be NULL): the window shows it */
struct _L2lPageClass {
  GtkWidgetClass parent_class;

  /* Checks the sidebar's experiment, without making the task. */
  gboolean (*check)      (L2lPage      *self,
                          GError      **error);
  /* The job for the sidebar's experiment, not started; NULL and @error when it
   * cannot be made. The page connects its own data signals. */
  L2lJob  *(*create_job) (L2lPage      *self,
                          GError      **error);
  /* The job ended (@error NULL, cancelled, or the failure already shown):
   * returns the status line. */
  char    *(*finished)   (L2lPage      *self,
                          L2lJob       *job,
                          const GError *error,
                          double        seconds);
  /* Export Chart… of a page whose picture is not its L2lChart (may be NULL):
   * writes what is shown to @path, which ends in .png, .svg, .pdf or .gif
   * (the dialog offers GIF to such pages). */
  gboolean (*export_picture) (L2lPage     *self,
                              const char  *path,
                              int          width,
                              int          height,
                              GError     **error);
};

/* For subclasses: the page's content beside the sidebar. */
void                l2l_page_set_content          (L2lPage     *self,
                                                   GtkWidget   *content);
/* For subclasses: the page's chart, which Export Chart… saves (as @name by
 * default) and Clear Earlier Runs thins. */
void                l2l_page_set_chart            (L2lPage      *self,
                                                   L2lChart     *chart,
                                                   L2lChartView *view,
                                                   const char   *name);
L2lChart           *l2l_page_get_chart            (L2lPage      *self);
/* For subclasses: the job's first point is in; its series go in the chart
 * from now on. Returns the run's number. */
guint               l2l_page_begin_run            (L2lPage      *self,
                                                   const char   *task,
                                                   const char   *optimizers);
/* The page's runs, behind the Runs button above the content. */
L2lRunList         *l2l_page_get_run_list         (L2lPage      *self);
/* For subclasses: a status page (icon, title, what to do) shown instead of
 * the content before the first run and after every run is removed. */
void                l2l_page_set_empty_state      (L2lPage      *self,
                                                   const char   *icon_name,
                                                   const char   *title,
                                                   const char   *description);
gboolean            l2l_page_is_empty             (L2lPage      *self);
/* For subclasses: a widget at the end of the bar above the content. */
void                l2l_page_add_to_toolbar       (L2lPage      *self,
                                                   GtkWidget    *widget);
gint64              l2l_page_get_max_render_us    (L2lPage      *self);
L2lExperimentPanel *l2l_page_get_panel            (L2lPage     *self);
AdwFlap            *l2l_page_get_flap             (L2lPage     *self);
/* The page's settings (a child of the app's; NULL without a schema). */
void                l2l_page_set_settings         (L2lPage     *self,
                                                   GSettings   *settings);
GSettings          *l2l_page_get_settings         (L2lPage     *self);
void                l2l_page_save_settings        (L2lPage     *self);

/* Runs the sidebar's experiment; FALSE (with a dialog) when it cannot start. */
gboolean            l2l_page_run                  (L2lPage     *self);
void                l2l_page_stop                 (L2lPage     *self);
gboolean            l2l_page_is_running           (L2lPage     *self);
/* Stops the job; @done is called (once) when it has ended, at once if none runs. */
void                l2l_page_stop_then            (L2lPage     *self,
                                                   GCallback    done,
                                                   gpointer     user_data);
/* Checks the sidebar again and updates what can be run and exported. */
void                l2l_page_update               (L2lPage     *self);
/* Why Run is disabled (NULL when it is not). */
const char         *l2l_page_get_run_blocker      (L2lPage     *self);

void                l2l_page_set_action_enabled   (L2lPage     *self,
                                                   const char  *action,
                                                   gboolean     enabled);
gboolean            l2l_page_get_action_enabled   (L2lPage     *self,
                                                   const char  *action);

const char         *l2l_page_get_status           (L2lPage     *self);
void                l2l_page_set_status           (L2lPage     *self,
                                                   const char  *status);
void                l2l_page_show_error           (L2lPage     *self,
                                                   const char  *title,
                                                   const char  *message);
/* Export Results… of a finished comparison @job: CSV or JSON. */
void                l2l_page_export_results       (L2lPage     *self,
                                                   L2lJob      *job,
                                                   const char  *name);
/* Tells the window that @path was written ("Saved chart.png"). */
void                l2l_page_toast_saved          (L2lPage     *self,
                                                   const char  *path);
gint64              l2l_page_get_max_dispatch_us  (L2lPage     *self);
/* Engine threads for the page's jobs (0: the engine's default). */
void                l2l_page_set_threads          (L2lPage     *self,
                                                   guint        threads);
guint               l2l_page_get_threads          (L2lPage     *self);

G_END_DECLS
