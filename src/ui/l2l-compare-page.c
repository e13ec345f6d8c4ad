/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-chart-export.h"
#include "l2l-chart-results.h"
#include "l2l-compare-page.h"
#include "l2l-results-view.h"
#include "l2l-file-dialog.h"

struct _L2lComparePage {
  L2lPage          parent_instance;

  L2lChartView    *view;
  GtkDropDown     *x_axis_dropdown;
  L2lResultsView  *results;          /* the finished comparison */
  char            *results_text;     /* and its table as `l2l compare` prints it */
  L2lChart        *chart;
  GSettings       *app_settings;     /* for the x axis; may be NULL */
  GPtrArray       *series;           /* this run's, per optimizer; empty until its first point */
  L2lJob          *last;             /* finished, for exports */
};

G_DEFINE_FINAL_TYPE (L2lComparePage, l2l_compare_page, L2L_TYPE_PAGE)

static gboolean
l2l_compare_page_check (L2lPage  *page,
                        GError  **error)
{
  g_autofree char *spec = NULL;
  L2lCompareConfig config;
  gboolean valid = l2l_experiment_panel_build_compare (l2l_page_get_panel (page), &config,
                                                       &spec, error);

  l2l_compare_config_clear (&config);
  return valid;
}

/* The run's series appear with its first point, so that a run that fails
 * before it leaves the last results as they were. */
static void
show_new_run (L2lComparePage *self,
              L2lJob         *job)
{
  const L2lCompareConfig *config = l2l_job_get_compare_config (job);
  g_autofree char *names = l2l_job_get_optimizer_names (job);

  l2l_page_begin_run (L2L_PAGE (self), l2l_job_get_task_spec (job), names);
  /* the last table waits out of sight: it returns if this run fails */
  gtk_widget_set_visible (GTK_WIDGET (self->results), FALSE);
  for (guint i = 0; i < config->n_optimizers; i++)
    g_ptr_array_add (self->series,
                     l2l_chart_add_series (self->chart, config->optimizers[i].label, i, TRUE));
}

static void
on_point (L2lJob         *job,
          guint           optimizer,
          guint           step,
          double          mean,
          double          q25,
          double          q75,
          double          seconds,
          L2lComparePage *self)
{
  L2lChartSeries *series;

  if (self->series->len == 0)
    show_new_run (self, job);
  series = self->series->pdata[optimizer];
  if (step < series->x->len)
    {
      /* a later chunk of runs refines a step already shown */
      g_array_index (series->time, double, step) = seconds;
      g_array_index (series->y, double, step) = mean;
      g_array_index (series->lo, double, step) = q25;
      g_array_index (series->hi, double, step) = q75;
    }
  else
    l2l_chart_series_append_timed (series, step, seconds, mean, q25, q75);
  l2l_chart_view_changed (self->view);
}

static L2lJob *
l2l_compare_page_create_job (L2lPage  *page,
                             GError  **error)
{
  L2lComparePage *self = L2L_COMPARE_PAGE (page);
  g_autofree char *spec = NULL;
  L2lCompareConfig config;
  L2lJob *job;

  if (!l2l_experiment_panel_build_compare (l2l_page_get_panel (page), &config, &spec, error))
    {
      l2l_compare_config_clear (&config);
      return NULL;
    }
  if (l2l_page_get_threads (page) > 0)
    config.threads = l2l_page_get_threads (page);
  g_ptr_array_set_size (self->series, 0);
  job = l2l_job_new_compare (&config, spec);
  g_signal_connect (job, "compare-point", G_CALLBACK (on_point), self);
  return job;
}

static char *
l2l_compare_page_finished (L2lPage      *page,
                           L2lJob       *job,
                           const GError *error,
                           double        seconds)
{
  L2lComparePage *self = L2L_COMPARE_PAGE (page);
  g_signal_handlers_disconnect_by_data (job, self);
  gtk_widget_set_visible (GTK_WIDGET (self->results), TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Stopped; the table is that of the last run that finished"));
  if (error != NULL)
    return g_strdup (_("Failed; the results shown are those of the last run that finished"));
  g_set_object (&self->last, job);
  g_free (self->results_text);
  self->results_text = l2l_results_to_table (l2l_job_get_compare_result (job), NULL, 0);
  l2l_results_view_set (self->results, l2l_job_get_compare_result (job));
  l2l_page_set_action_enabled (page, "export-results", TRUE);
  return g_strdup_printf (_("Compared in %.1f s"), seconds);
}

static void
export_results_action (GtkWidget  *widget,
                       const char *action,
                       GVariant   *parameter)
{
  L2lComparePage *self = L2L_COMPARE_PAGE (widget);

  if (self->last != NULL)
    l2l_page_export_results (L2L_PAGE (self), self->last, "comparison.csv");
}

/* The chart's x axis, in the order of the drop-down; the names are those of
 * `l2l compare --x-axis` and the GSettings key. */
static const char *const x_axis_names[] = { "step", "seconds", "log-seconds" };

static void
on_x_axis_selected (L2lComparePage *self)
{
  guint selected = gtk_drop_down_get_selected (self->x_axis_dropdown);
  const L2lChartXMode modes[] = { L2L_CHART_X_DATA, L2L_CHART_X_TIME, L2L_CHART_X_LOG_TIME };

  if (selected >= G_N_ELEMENTS (modes))
    return;
  l2l_chart_set_x_mode (self->chart, modes[selected], _("seconds (mean over runs)"));
  g_free (self->chart->title);
  self->chart->title = g_strdup (selected == 0 ? _("Loss per step") : _("Loss over time"));
  l2l_chart_view_changed (self->view);
  if (self->app_settings != NULL)
    g_settings_set_string (self->app_settings, "compare-x-axis", x_axis_names[selected]);
}

void
l2l_compare_page_set_app_settings (L2lComparePage *self,
                                   GSettings      *settings)
{
  g_autofree char *x_axis = NULL;

  g_set_object (&self->app_settings, settings);
  if (settings == NULL)
    return;
  x_axis = g_settings_get_string (settings, "compare-x-axis");
  for (guint i = 0; i < G_N_ELEMENTS (x_axis_names); i++)
    if (g_str_equal (x_axis, x_axis_names[i]))
      gtk_drop_down_set_selected (self->x_axis_dropdown, i);
}

/* GObject. */

static void
l2l_compare_page_dispose (GObject *object)
{
  L2lComparePage *self = L2L_COMPARE_PAGE (object);

  g_clear_object (&self->last);
  g_clear_object (&self->app_settings);
  G_OBJECT_CLASS (l2l_compare_page_parent_class)->dispose (object);
}

static void
l2l_compare_page_finalize (GObject *object)
{
  L2lComparePage *self = L2L_COMPARE_PAGE (object);

  g_ptr_array_unref (self->series);
  l2l_chart_free (self->chart);
  g_free (self->results_text);
  G_OBJECT_CLASS (l2l_compare_page_parent_class)->finalize (object);
}

static void
l2l_compare_page_class_init (L2lComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  L2lPageClass *page_class = L2L_PAGE_CLASS (klass);

  object_class->dispose = l2l_compare_page_dispose;
  object_class->finalize = l2l_compare_page_finalize;
  page_class->check = l2l_compare_page_check;
  page_class->create_job = l2l_compare_page_create_job;
  page_class->finished = l2l_compare_page_finished;
  gtk_widget_class_install_action (widget_class, "page.export-results", NULL,
                                   export_results_action);
}

static GtkWidget *
x_axis_row (L2lComparePage *self)
{
  const char *const modes[] = { _("Steps"), _("Seconds"), _("Seconds, log scale"), NULL };
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_X axis"));

  self->x_axis_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (modes));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->x_axis_dropdown),
                               _("Steps, or each step’s wall time averaged over the runs, so that "
                                 "dearer steps count"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->x_axis_dropdown));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->x_axis_dropdown));
  return row;
}

static void
l2l_compare_page_init (L2lComparePage *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->series = g_ptr_array_new ();
  self->chart = l2l_chart_new (_("Loss per step"), _("step"),
                               /* xgettext:no-c-format */
                               _("loss (mean, 25–75 % band)"), TRUE);
  l2l_page_add_to_toolbar (L2L_PAGE (self), x_axis_row (self));
  self->view = L2L_CHART_VIEW (l2l_chart_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->view), TRUE);
  l2l_chart_view_set_chart (self->view, self->chart);
  l2l_page_set_chart (L2L_PAGE (self), self->chart, self->view, "comparison.png");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->view));

  self->results = L2L_RESULTS_VIEW (l2l_results_view_new ());
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->results));
  l2l_page_set_content (L2L_PAGE (self), content);
  l2l_page_set_empty_state (L2L_PAGE (self), "applications-science-symbolic", _("No Comparison Yet"),
                            _("Choose a task and optimizers in the sidebar, then press Run: "
                              "their losses appear here as they come, then a table of how they "
                              "did"));

  l2l_experiment_panel_set_mode (l2l_page_get_panel (L2L_PAGE (self)), L2L_PANEL_COMPARE);
  g_signal_connect_swapped (self->x_axis_dropdown, "notify::selected",
                            G_CALLBACK (on_x_axis_selected), self);
  l2l_page_update (L2L_PAGE (self));
}

L2lComparePage *
l2l_compare_page_new (void)
{
  return g_object_new (L2L_TYPE_COMPARE_PAGE, NULL);
}

L2lChart *
l2l_compare_page_get_chart (L2lComparePage *self)
{
  return self->chart;
}

GtkWidget *
l2l_compare_page_get_view (L2lComparePage *self)
{
  return GTK_WIDGET (self->view);
}

GtkWidget *
l2l_compare_page_get_results_view (L2lComparePage *self)
{
  return GTK_WIDGET (self->results);
}

GtkDropDown *
l2l_compare_page_get_x_axis_dropdown (L2lComparePage *self)
{
  return self->x_axis_dropdown;
}

const char *
l2l_compare_page_get_results_text (L2lComparePage *self)
{
  return self->results_text;
}
