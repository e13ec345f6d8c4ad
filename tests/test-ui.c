/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2l-about.h"
#include "l2l-application.h"
#include "l2l-chart-view.h"
#include "l2l-file-dialog.h"
#include "l2l-preferences.h"
#include "l2l-results-view.h"
#include "l2l-window.h"
#include "test-util.h"
#include "ui-driver.h"

/* Runs under Xvfb (see tests/meson.build): real windows, driven through their
 * widgets and actions as a person would (ui-driver.c). Each case has a window
 * and settings of its own, so that one failure does not hide the rest. The
 * README's screenshots are not made here but by `make docs` (docs/screenshots.c). */

/* Points of a chart's series; 0 before the series is there (a run's series
 * come with its first point). */
static guint
points_of (L2lChart *chart,
           guint     index)
{
  return index < chart->series->len ? ((L2lChartSeries *) chart->series->pdata[index])->x->len : 0;
}

static const char *
results_text (L2lWindow *window)
{
  return l2l_compare_page_get_results_text (l2l_window_get_compare_page (window));
}

static const char *
status_of (L2lWindow  *window,
           const char *page)
{
  return l2l_page_get_status (l2l_window_get_page (window, page));
}

/* Fresh settings and a window (ui_driver_open_window). */
typedef struct {
  GSettings *settings;
  L2lWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->settings = g_settings_new ("io.github.l2lworkbench.Workbench");
  ui_driver_open_window (&fixture->window, fixture->settings, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ui_driver_close_window (&fixture->window);
  g_object_unref (fixture->settings);
}

static void
run_page (L2lWindow  *window,
          const char *page)
{
  ui_driver_run_page (window, page);
  g_assert_true (l2l_window_is_running (window));
}

/* The error dialogs (AdwMessageDialog) open now: their bodies, closed. */
static guint
close_error_dialogs (const char *expected)
{
  GList *toplevels = gtk_window_list_toplevels ();
  guint dialogs = 0;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      {
        const char *body = adw_message_dialog_get_body (l->data);
        g_test_message ("dialog: %s", body);
        g_assert_nonnull (strstr (body, expected));
        gtk_window_destroy (l->data);
        dialogs++;
      }
  g_list_free (toplevels);
  return dialogs;
}

/* Issue 25: the table is a column view, a row per optimizer, sortable by
 * a number, copied as TSV in the order shown. */
static void
check_results_view (L2lWindow *window)
{
  L2lResultsView *view = L2L_RESULTS_VIEW (l2l_compare_page_get_results_view (
                                             l2l_window_get_compare_page (window)));
  GtkColumnView *table = l2l_results_view_get_column_view (view);
  GListModel *columns = gtk_column_view_get_columns (table);
  g_autoptr(GtkColumnViewColumn) mean = g_list_model_get_item (columns, 3);
  g_autofree char *tsv = NULL;
  g_auto(GStrv) lines = NULL;
  double last = -INFINITY;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))),
                    ==, 6);
  g_assert_cmpstr (gtk_column_view_column_get_title (mean), ==, "mean @40");
  gtk_column_view_sort_by_column (table, mean, GTK_SORT_ASCENDING);
  tsv = l2l_results_view_to_tsv (view);
  lines = g_strsplit (tsv, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "optimizer\tlearning rate\ttuned\tmean @40\t"));
  for (guint i = 1; i <= 6; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", -1);
      double value = g_ascii_strtod (cells[3], NULL);

      g_assert_cmpuint (g_strv_length (cells), ==, 8);
      g_assert_cmpfloat (value, >=, last);
      last = value;
    }
}

/* A small comparison set through the widgets, adam tuned: one series per
 * optimizer, a point per step. */
static void
test_compare (Fixture       *fixture,
              gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lChart *comparison = ui_driver_chart (window, "comparison");

  ui_driver_small_comparison (window);
  gtk_editable_set_text (GTK_EDITABLE (l2l_experiment_panel_get_optimizer_rate (
                           ui_driver_panel (window, "comparison"), "adam")), "tune");
  g_assert_null (l2l_experiment_panel_get_error (ui_driver_panel (window, "comparison")));
  g_assert_null (results_text (window));
  /* before its first run the page says what to do (issue 25) */
  g_assert_true (l2l_page_is_empty (l2l_window_get_page (window, "comparison")));
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_false (l2l_page_is_empty (l2l_window_get_page (window, "comparison")));
  /* + lstm:quadratic and schedule:quadratic */
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (points_of (comparison, i), ==, 41);
  /* under the chart, the table l2l compare prints, confidence included */
  g_assert_nonnull (results_text (window));
  g_assert_nonnull (strstr (results_text (window), "mean @40"));
  g_assert_nonnull (strstr (results_text (window), "time/step"));
  g_assert_nonnull (strstr (results_text (window), "Lowest mean at step 40: "));
  check_results_view (window);
}

/* Issue 14 in the app: rates searched with the other hyper-parameters, and
 * the chart's x axis switched to time — the same series, each point at its
 * mean wall time — with the choice kept in the settings. */
static void
test_hyper_and_time (Fixture       *fixture,
                     gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "comparison");
  L2lChart *comparison = ui_driver_chart (window, "comparison");
  g_autofree char *x_axis = NULL;
  const char *text;

  ui_driver_spin (window, "steps", 30);
  ui_driver_spin (window, "runs", 6);
  gtk_check_button_set_active (l2l_experiment_panel_get_tune_hyper_check (panel), TRUE);
  ui_driver_spin (window, "tune-budget", 5);
  gtk_editable_set_text (GTK_EDITABLE (l2l_experiment_panel_get_optimizer_rate (panel, "adam")),
                         "tune");
  gtk_editable_set_text (GTK_EDITABLE (l2l_experiment_panel_get_optimizer_rate (panel, "nag")),
                         "tune");
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  text = results_text (window);
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Tuned with the rate (5 configurations each): "));
  g_assert_nonnull (strstr (text, "; adam beta1 "));
  g_assert_nonnull (strstr (text, "; nag momentum "));

  for (guint i = 0; i < comparison->series->len; i++)
    {
      L2lChartSeries *series = comparison->series->pdata[i];

      g_assert_cmpuint (series->time->len, ==, 31);
      g_assert_cmpfloat (g_array_index (series->time, double, 0), >=, 0.0);
      g_assert_cmpfloat (g_array_index (series->time, double, 30), >, 0.0);
      for (guint t = 1; t <= 30; t++)
        g_assert_cmpfloat (g_array_index (series->time, double, t), >=,
                           g_array_index (series->time, double, t - 1));
    }
  g_assert_cmpint (comparison->x_mode, ==, L2L_CHART_X_DATA);
  gtk_drop_down_set_selected (l2l_compare_page_get_x_axis_dropdown (l2l_window_get_compare_page (window)), 2);
  g_assert_cmpint (comparison->x_mode, ==, L2L_CHART_X_LOG_TIME);
  x_axis = g_settings_get_string (fixture->settings, "compare-x-axis");
  g_assert_cmpstr (x_axis, ==, "log-seconds");
  ui_driver_settle (100);
  gtk_drop_down_set_selected (l2l_compare_page_get_x_axis_dropdown (l2l_window_get_compare_page (window)), 0);
  g_assert_cmpint (comparison->x_mode, ==, L2L_CHART_X_DATA);
}

static double
final_mean (L2lChart   *chart,
            const char *name)
{
  for (guint i = 0; i < chart->series->len; i++)
    {
      L2lChartSeries *series = chart->series->pdata[i];
      if (g_str_equal (series->name, name))
        return g_array_index (series->y, double, series->y->len - 1);
    }
  g_assert_not_reached ();
}

/* The first minute: default settings, one press of Run, and the pretrained
 * optimizers (listed from the start, checked for the quadratic task they were
 * trained on) beat tuned Adam; the MNIST ones wait for their task. */
static void
test_first_run (Fixture       *fixture,
                gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "comparison");
  L2lChart *comparison = ui_driver_chart (window, "comparison");
  double learned, schedule, adam;

  g_assert_true (gtk_check_button_get_active (l2l_experiment_panel_get_learned_check (panel, "lstm:quadratic")));
  g_assert_true (gtk_check_button_get_active (
    l2l_experiment_panel_get_learned_check (panel, "schedule:quadratic")));
  g_assert_false (gtk_check_button_get_active (l2l_experiment_panel_get_learned_check (panel, "lstm:mnist")));
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, 6);
  learned = final_mean (comparison, "lstm:quadratic");
  schedule = final_mean (comparison, "schedule:quadratic");
  adam = final_mean (comparison, "adam");
  g_test_message ("mean loss at step 100: lstm:quadratic %.4g, schedule:quadratic %.4g, "
                  "tuned adam %.4g", learned, schedule, adam);
  g_assert_cmpfloat (learned, <, adam);
  g_assert_cmpfloat (schedule, <, adam);

  l2l_experiment_panel_select_task (panel, "mnist");
  g_assert_false (gtk_check_button_get_active (l2l_experiment_panel_get_learned_check (panel, "lstm:quadratic")));
  g_assert_false (gtk_check_button_get_active (
    l2l_experiment_panel_get_learned_check (panel, "schedule:quadratic")));
  g_assert_true (gtk_check_button_get_active (l2l_experiment_panel_get_learned_check (panel, "lstm:mnist")));
  g_assert_true (gtk_check_button_get_active (
    l2l_experiment_panel_get_learned_check (panel, "lstm:mnist-second-order")));
}

/* A comparison, two trainings (one stopped), and the comparison again with
 * both learned optimizers, the first run faded (the README's screenshot). */
static void
test_train_then_compare (Fixture       *fixture,
                         gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lChart *comparison = ui_driver_chart (window, "comparison");
  L2lChart *training = ui_driver_chart (window, "training");

  ui_driver_small_comparison (window);
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);

  ui_driver_short_training (window);
  run_page (window, "training");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (training, FALSE), ==, 2);
  g_assert_cmpuint (points_of (training, 0), ==, 20);     /* meta-loss, epochs 1 … 20 */
  g_assert_cmpuint (points_of (training, 1), >=, 2);      /* held-out, epoch 0 and later */

  ui_driver_train_and_stop (window, 3);
  g_assert_cmpuint (l2l_chart_count_series (training, TRUE), ==, 2);   /* the first, faded */

  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (comparison, TRUE), ==, 6);
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, 8);

  ui_driver_settle (500);
  g_test_message ("longest chart render: %.1f ms",
                  l2l_page_get_max_render_us (l2l_window_get_page (window, "comparison")) / 1e3);
}

/* Issue 25: a long run says how long it has run and about how long is left. */
static void
test_progress_estimate (Fixture       *fixture,
                        gconstpointer  data)
{
  L2lWindow *window = fixture->window;

  ui_driver_short_training (window);
  ui_driver_spin (window, "epochs", 5000);
  run_page (window, "training");
  while (l2l_window_is_running (window) && !g_str_has_suffix (status_of (window, "training"), " left"))
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("status while running: %s", status_of (window, "training"));
  g_assert_true (g_str_has_prefix (status_of (window, "training"), "Epoch "));
  g_assert_nonnull (strstr (status_of (window, "training"), " elapsed · about "));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  ui_driver_wait_until_done (window);
}

/* Seconds from Stop to the end of the job. */
static double
stop_and_time (L2lWindow *window)
{
  gint64 stop_asked = g_get_monotonic_time ();

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  ui_driver_wait_until_done (window);
  return (g_get_monotonic_time () - stop_asked) / 1e6;
}

/* Stop takes effect quickly, and keeps what was trained: the chart's epochs,
 * and the best φ so far, added to the optimizers (checked) and named in the
 * status with the epochs it had. */
static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lChart *training = ui_driver_chart (window, "training");
  GtkCheckButton *trained;
  double stop_seconds;
  guint epochs = 0;

  ui_driver_short_training (window);
  ui_driver_spin (window, "epochs", 1000000);
  run_page (window, "training");
  while (points_of (training, 0) < 3)
    g_main_context_iteration (NULL, TRUE);
  /* issue 25: while it runs, what it does and how long it has run (no
   * estimate of what is left: 3 of a million epochs tell nothing) */
  g_test_message ("status while running: %s", status_of (window, "training"));
  g_assert_true (g_str_has_prefix (status_of (window, "training"), "Epoch "));
  g_assert_nonnull (strstr (status_of (window, "training"), " elapsed"));
  g_assert_null (strstr (status_of (window, "training"), " left"));
  stop_seconds = stop_and_time (window);
  g_test_message ("stop took %.3f s", stop_seconds);
  g_assert_cmpfloat (stop_seconds, <, 0.2 * TEST_UTIL_TIME_SCALE);

  g_test_message ("status: %s", status_of (window, "training"));
  g_assert_cmpint (sscanf (status_of (window, "training"), "Stopped after %u epochs", &epochs),
                   ==, 1);
  g_assert_cmpuint (epochs, >=, 3);
  g_assert_cmpuint (points_of (training, 0), >=, 3);
  g_assert_nonnull (strstr (status_of (window, "training"),
                            "added to the optimizers as lstm:trained-1"));
  trained = l2l_experiment_panel_get_learned_check (ui_driver_panel (window, "comparison"),
                                                    "lstm:trained-1");
  g_assert_nonnull (trained);
  g_assert_true (gtk_check_button_get_active (trained));
}

/* Stop in the middle of an MNIST held-out evaluation (8 functions of 1000
 * steps: over ten seconds of work) takes effect within a step. */
static void
test_stop_in_evaluation (Fixture       *fixture,
                         gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lChart *training = ui_driver_chart (window, "training");
  double stop_seconds;

  ui_driver_spin (window, "batch", 2);
  ui_driver_spin (window, "epochs", 1000);
  ui_driver_spin (window, "horizon", 1000);
  /* A short unroll keeps the trainer's buffers small: meson test's
   * MALLOC_PERTURB_ makes their allocation touch every page, which took
   * seconds beside other tests, before the evaluation even began. */
  ui_driver_spin (window, "unroll", 5);
  run_page (window, "training");
  ui_driver_settle (1500);
  /* still in the untrained net's evaluation: no epoch has been reported */
  g_assert_true (l2l_window_is_running (window));
  g_assert_cmpuint (points_of (training, 1), ==, 0);
  stop_seconds = stop_and_time (window);
  g_test_message ("stop during an evaluation took %.3f s", stop_seconds);
  /* A step of 4 MNIST functions takes tens of milliseconds (more under the
   * sanitizers, or beside other tests on two cores); without the check it
   * would be the rest of the evaluation, seconds more. */
  g_assert_cmpfloat (stop_seconds, <, 2.0 * TEST_UTIL_TIME_SCALE);
}

/* An invalid value is shown at its field, named as the page names it, and
 * blocks Run. */
static void
test_invalid_field (Fixture       *fixture,
                    gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "training");

  l2l_window_show_page (window, "training");
  ui_driver_spin (window, "horizon", 20);
  ui_driver_spin (window, "unroll", 50);
  g_assert_nonnull (l2l_experiment_panel_get_error (panel));
  /* in the page's words, at the field (issue 25) */
  g_test_message ("%s", l2l_experiment_panel_get_error (panel));
  g_assert_true (g_str_has_prefix (l2l_experiment_panel_get_error (panel), "Unroll K: 50 "));
  g_assert_nonnull (strstr (l2l_experiment_panel_get_error (panel), "Horizon T (20)"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (
                     l2l_experiment_panel_get_spin (panel, "unroll"))), ==,
                   l2l_experiment_panel_get_error (panel));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (
                     GTK_WIDGET (l2l_experiment_panel_get_spin (panel, "unroll")),
                     ADW_TYPE_ACTION_ROW))), ==, l2l_experiment_panel_get_error (panel));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_false (l2l_window_is_running (window));
  ui_driver_spin (window, "unroll", 5);
  g_assert_null (l2l_experiment_panel_get_error (panel));
}

/* Another family brings its own options and batch; choosing it, or typing a
 * data folder, reads no data set: the worker does, at Run. */
static void
test_task_family (Fixture       *fixture,
                  gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "training");
  g_autofree char *spec = NULL;

  l2l_window_show_page (window, "training");
  l2l_experiment_panel_select_task (panel, "mnist");
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_cmpstr (spec, ==, "mnist:hidden=20,act=sigmoid,batch=128,data=");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (l2l_experiment_panel_get_spin (panel, "batch")), ==, 2);
  g_assert_null (l2l_experiment_panel_get_error (panel));
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 0);
  l2l_experiment_panel_select_task (panel, "quadratic");
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 0);
}

/* The meta-training a family gets by default is the engine's, the same that
 * `l2l train --task FAMILY` runs. */
static void
test_family_defaults (Fixture       *fixture,
                      gconstpointer  data)
{
  L2lExperimentPanel *panel = ui_driver_panel (fixture->window, "training");
  const L2lTaskFamily *const *families = l2l_task_families ();

  for (guint i = 0; families[i] != NULL; i++)
    {
      L2lTrainConfig engine, shown;
      g_autofree char *spec = NULL;
      g_autoptr(GError) error = NULL;

      l2l_experiment_panel_select_task (panel, families[i]->name);
      l2l_train_config_init_defaults (&engine);
      l2l_train_config_use_family_defaults (&engine, families[i]);
      g_assert_true (l2l_experiment_panel_build_train (panel, &shown, &spec, &error));
      g_assert_cmpuint (shown.epochs, ==, engine.epochs);
      g_assert_cmpuint (shown.batch, ==, engine.batch);
      g_assert_cmpuint (shown.steps, ==, engine.steps);
      g_assert_cmpuint (shown.unroll, ==, engine.unroll);
      g_assert_cmpuint (shown.eval_every, ==, engine.eval_every);
      g_assert_cmpuint (shown.eval_runs, ==, engine.eval_runs);
      g_assert_cmpfloat (shown.meta_lr, ==, engine.meta_lr);
      g_assert_true (l2l_feature_set_equal (&shown.rule.features, &engine.rule.features));
      g_assert_cmpfloat (shown.rule.output_scale, ==, engine.rule.output_scale);
      g_assert_cmpuint (shown.rule.hidden, ==, engine.rule.hidden);
      g_assert_false (shown.per_group);
    }
  /* the paper's two LSTMs for the cnn: one check box */
  {
    L2lTrainConfig shown;
    g_autofree char *spec = NULL;
    g_autoptr(GError) error = NULL;

    l2l_experiment_panel_select_task (panel, "cnn");
    gtk_check_button_set_active (l2l_experiment_panel_get_per_group_check (panel), TRUE);
    g_assert_true (l2l_experiment_panel_build_train (panel, &shown, &spec, &error));
    g_assert_true (shown.per_group);
    g_assert_true (g_str_has_prefix (spec, "cnn:"));
    gtk_check_button_set_active (l2l_experiment_panel_get_per_group_check (panel), FALSE);
  }
}

/* The architectures of l2l train --arch, offered as a drop-down: each brings
 * its own inputs and output scale to the config, and the choice is kept. */
static void
test_arch (Fixture       *fixture,
           gconstpointer  data)
{
  L2lExperimentPanel *panel = ui_driver_panel (fixture->window, "training");
  AdwComboRow *arch = l2l_experiment_panel_get_recipe_dropdown (panel, "arch");
  g_autoptr(GSettings) training = g_settings_get_child (fixture->settings, "training");
  GtkSpinButton *scale = l2l_experiment_panel_get_spin (panel, "output-scale");
  L2lTrainConfig config;
  g_autofree char *spec = NULL, *saved = NULL, *features = NULL;
  g_autoptr(GError) error = NULL;

  /* one entry per architecture the engine has, and per kind of meta-gradient */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (arch)), ==,
                    g_strv_length ((char **) l2l_rule_arch_names));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (
                      l2l_experiment_panel_get_recipe_dropdown (panel, "meta-gradient"))), ==, 3);
  l2l_experiment_panel_select_task (panel, "mnist");
  g_assert_cmpfloat (gtk_spin_button_get_value (scale), ==, 0.01);
  g_assert_true (l2l_experiment_panel_build_train (panel, &config, &spec, &error));
  g_assert_cmpstr (l2l_rule_arch_get_name (config.rule.arch), ==, "lstm");
  g_clear_pointer (&config.task, l2l_task_unref);
  g_clear_pointer (&spec, g_free);

  adw_combo_row_set_selected (arch, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (scale), ==, 0.1);
  g_assert_true (l2l_experiment_panel_build_train (panel, &config, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_rule_arch_get_name (config.rule.arch), ==, "mlp");
  features = l2l_feature_set_to_string (&config.rule.features);
  g_assert_cmpstr (features, ==,
                   "grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,step");
  g_assert_cmpfloat (config.rule.output_scale, ==, 0.1);
  g_clear_pointer (&config.task, l2l_task_unref);

  l2l_experiment_panel_save_settings (panel, training);
  saved = g_settings_get_string (training, "arch");
  g_assert_cmpstr (saved, ==, "mlp");

  g_clear_pointer (&spec, g_free);
  adw_combo_row_set_selected (arch, 3);
  g_assert_cmpfloat (gtk_spin_button_get_value (scale), ==, 0.01);
  g_assert_true (l2l_experiment_panel_build_train (panel, &config, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_rule_arch_get_name (config.rule.arch), ==, "schedule");
  g_clear_pointer (&config.task, l2l_task_unref);
  g_clear_pointer (&spec, g_free);
  adw_combo_row_set_selected (arch, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (scale), ==, 0.01);
}

/* The recipe of l2l train's options, set in the Recipe expander, reaches the
 * training config and the settings. */
static void
test_recipe (Fixture       *fixture,
             gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "training");
  L2lTrainConfig config;
  g_autofree char *spec = NULL, *schedule = NULL, *objective = NULL, *init = NULL;
  g_autofree char *meta_gradient = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) training = g_settings_get_child (fixture->settings, "training");

  g_assert_true (l2l_experiment_panel_build_train (panel, &config, &spec, &error));
  g_assert_cmpint (config.meta_lr_schedule, ==, L2L_META_LR_CONSTANT);
  g_assert_cmpfloat (config.scale_range, ==, 1.0);
  g_assert_false (config.log_objective);
  g_assert_false (config.zero_output);
  g_assert_cmpint (config.meta_gradient, ==, L2L_META_GRADIENT_FIRST_ORDER);
  g_assert_cmpfloat (config.clip_norm, ==, 1.0);
  g_clear_pointer (&spec, g_free);

  adw_combo_row_set_selected (l2l_experiment_panel_get_recipe_dropdown (panel, "meta-lr-schedule"), 1);
  adw_combo_row_set_selected (l2l_experiment_panel_get_recipe_dropdown (panel, "meta-objective"), 1);
  adw_combo_row_set_selected (l2l_experiment_panel_get_recipe_dropdown (panel, "output-init"), 1);
  adw_combo_row_set_selected (l2l_experiment_panel_get_recipe_dropdown (panel, "meta-gradient"), 1);
  adw_combo_row_set_selected (l2l_experiment_panel_get_recipe_dropdown (panel, "keep"), 1);
  ui_driver_spin (window, "scale-range", 3);
  ui_driver_spin (window, "curriculum", 4);
  ui_driver_spin (window, "average", 0.5);
  ui_driver_spin (window, "output-scale", 0.02);
  ui_driver_spin (window, "clip", 0.25);
  g_assert_true (l2l_experiment_panel_build_train (panel, &config, &spec, &error));
  g_assert_cmpint (config.meta_lr_schedule, ==, L2L_META_LR_COSINE);
  g_assert_true (config.log_objective);
  g_assert_true (config.zero_output);
  g_assert_cmpint (config.meta_gradient, ==, L2L_META_GRADIENT_SECOND_ORDER);
  g_assert_cmpint (config.keep, ==, L2L_KEEP_FINAL);
  g_assert_cmpfloat (config.scale_range, ==, 3.0);
  g_assert_cmpuint (config.curriculum, ==, 4);
  g_assert_cmpfloat (config.average, ==, 0.5);
  g_assert_cmpfloat (config.rule.output_scale, ==, 0.02);
  g_assert_cmpfloat (config.clip_norm, ==, 0.25);
  g_clear_pointer (&config.task, l2l_task_unref);

  /* the engine's range is the field's: no average of 1 can be typed */
  ui_driver_spin (window, "average", 1.0);
  g_assert_cmpfloat (gtk_spin_button_get_value (l2l_experiment_panel_get_spin (panel, "average")),
                     <, 1.0);

  l2l_experiment_panel_save_settings (panel, training);
  schedule = g_settings_get_string (training, "meta-lr-schedule");
  objective = g_settings_get_string (training, "meta-objective");
  init = g_settings_get_string (training, "output-init");
  meta_gradient = g_settings_get_string (training, "meta-gradient");
  g_assert_cmpstr (schedule, ==, "cosine");
  g_assert_cmpstr (objective, ==, "log");
  g_assert_cmpstr (init, ==, "zero");
  g_assert_cmpstr (meta_gradient, ==, "second-order");
  g_assert_cmpuint (g_settings_get_uint (training, "curriculum"), ==, 4);
  g_assert_cmpfloat (g_settings_get_double (training, "clip"), ==, 0.25);
}

/* Issue 25: each page keeps its own experiment. The art page's task and
 * rates never reach the Comparison page (they made SGD diverge there), and
 * a task chosen for meta-training stays on that page. */
static void
test_pages_keep_their_state (Fixture       *fixture,
                             gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *compare = ui_driver_panel (window, "comparison");
  L2lExperimentPanel *art = ui_driver_panel (window, "art");
  const char *names[] = { "sgd", "rmsprop", "adam", "nag" };
  g_autofree char *spec = NULL, *art_spec = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "art");
  ui_driver_settle (50);
  g_assert_true (l2l_window_get_visible_page (window) == l2l_window_get_page (window, "art"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "comparison");
  ui_driver_settle (50);
  spec = l2l_experiment_panel_get_task_spec (compare);
  g_assert_true (g_str_has_prefix (spec, "quadratic:"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                         l2l_experiment_panel_get_optimizer_rate (compare, names[i]))), ==, "tune");
      /* the art family's own rates, on its page only */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                         l2l_experiment_panel_get_optimizer_rate (art, names[i]))), !=, "tune");
    }
  art_spec = l2l_experiment_panel_get_task_spec (art);
  g_assert_true (g_str_has_prefix (art_spec, "art:"));

  l2l_experiment_panel_select_task (ui_driver_panel (window, "training"), "mnist");
  g_clear_pointer (&spec, g_free);
  spec = l2l_experiment_panel_get_task_spec (compare);
  g_assert_true (g_str_has_prefix (spec, "quadratic:"));
  /* and one status line each */
  g_assert_cmpstr (status_of (window, "comparison"), ==, "Ready");
}

static void
assert_png_size (const char *path,
                 int         width,
                 int         height)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, NULL);

  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
}

/* Issue 25: the wheel over a spin button that does not have the focus
 * scrolls the sidebar and leaves the number alone; with the focus, it is the
 * spin button's. */
static void
test_wheel_over_spin (Fixture       *fixture,
                      gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  GtkSpinButton *steps = l2l_experiment_panel_get_spin (ui_driver_panel (window, "comparison"),
                                                        "steps");
  GtkScrolledWindow *sidebar =
    GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (steps), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (sidebar);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (steps));
  GtkEventController *guard = NULL;
  gboolean handled = FALSE;

  ui_driver_set_size (window, 1024, 600);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        guard = controller;
    }
  g_assert_nonnull (guard);
  gtk_widget_grab_focus (GTK_WIDGET (ui_driver_panel (window, "comparison")));
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0.0);
  /* the capture phase: a claimed event never reaches the spin button's own controller */
  g_signal_emit_by_name (guard, "scroll", 0.0, 1.0, &handled);
  g_assert_true (handled);
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), >, 0.0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (steps), ==, 100);

  gtk_widget_grab_focus (GTK_WIDGET (steps));
  handled = TRUE;
  g_signal_emit_by_name (guard, "scroll", 0.0, 1.0, &handled);
  g_assert_false (handled);
}

/* Issue 25: letters typed in a spin button are an error at that field, not 1. */
static void
test_letters_in_spin (Fixture       *fixture,
                      gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "comparison");
  GtkSpinButton *runs = l2l_experiment_panel_get_spin (panel, "runs");

  gtk_editable_set_text (GTK_EDITABLE (runs), "abc");
  g_assert_cmpstr (l2l_experiment_panel_get_error (panel), ==, "Runs: “abc” is not a number");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (runs)), ==,
                   "Runs: “abc” is not a number");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (runs), "error"));
  /* Run is disabled, and says why */
  g_assert_false (l2l_page_get_action_enabled (l2l_window_get_page (window, "comparison"), "run"));
  g_assert_cmpstr (l2l_page_get_run_blocker (l2l_window_get_page (window, "comparison")), ==,
                   "Runs: “abc” is not a number");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_false (l2l_window_is_running (window));
  /* leaving the field gives back the last number, not the lowest */
  gtk_spin_button_update (runs);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (runs), ==, 100);
  g_assert_null (l2l_experiment_panel_get_error (panel));
  gtk_editable_set_text (GTK_EDITABLE (runs), "x");
  g_assert_nonnull (l2l_experiment_panel_get_error (panel));
  gtk_editable_set_text (GTK_EDITABLE (runs), "12");
  g_assert_null (l2l_experiment_panel_get_error (panel));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (runs), "error"));
}

/* Issue 25: what is saved is announced in a toast; a name without the type's
 * extension gets it. */
static void
test_save_toast (Fixture       *fixture,
                 gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *name = g_build_filename (dir, "chart", NULL);
  g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "results.csv", NULL);

  ui_driver_small_comparison (window);
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_null (l2l_window_get_last_toast (window));
  l2l_file_dialog_answer_next (name);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL);
  g_assert_cmpstr (l2l_window_get_last_toast (window), ==, "Saved chart.png");
  assert_png_size (png, 1000, 650);
  l2l_file_dialog_answer_next (csv);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export-results", NULL);
  g_assert_cmpstr (l2l_window_get_last_toast (window), ==, "Saved results.csv");
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_unlink (png);
  g_unlink (csv);
  g_rmdir (dir);
}

/* Issue 25: at 1024×600 the window keeps that size and the chart is all in
 * it, the sidebar beside it. */
static void
test_small_screen (Fixture       *fixture,
                   gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  GtkWidget *chart = l2l_compare_page_get_view (l2l_window_get_compare_page (window));
  graphene_rect_t bounds;

  ui_driver_small_comparison (window);
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  /* the window opens at a size that fits a 1366×768 screen under GNOME's
   * top bar */
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), <=, 1366);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), <=, 768 - 32);
  /* the sidebar keeps its width however the window is resized (it grew with
   * each resize in a GtkPaned) */
  {
    GtkWidget *sidebar = adw_flap_get_flap (l2l_page_get_flap (l2l_window_get_page (window,
                                                                                 "comparison")));
    int widths[3];

    for (guint i = 0; i < 3; i++)
      {
        ui_driver_set_size (window, i == 1 ? 1100 : 1400, 800);
        widths[i] = gtk_widget_get_width (sidebar);
      }
    g_test_message ("sidebar %d, %d, %d px wide", widths[0], widths[1], widths[2]);
    g_assert_cmpint (widths[0], ==, widths[2]);
    g_assert_cmpint (widths[0], <=, 400);
  }
  ui_driver_set_size (window, 1024, 600);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1024);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, 600);
  g_assert_true (gtk_widget_compute_bounds (chart, GTK_WIDGET (window), &bounds));
  g_test_message ("chart at %.0f,%.0f, %.0f × %.0f", bounds.origin.x, bounds.origin.y,
                  bounds.size.width, bounds.size.height);
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpfloat (bounds.size.width, >=, 320);
  g_assert_cmpfloat (bounds.size.height, >=, 200);
}

static guint
count_hidden (L2lChart *chart)
{
  guint n = 0;

  for (guint i = 0; i < chart->series->len; i++)
    n += ((L2lChartSeries *) chart->series->pdata[i])->hidden;
  return n;
}

/* Issue 25: the page's runs, listed; a run of another task is not drawn;
 * each run can be shown again, or removed; Clear Earlier Runs keeps the last. */
static void
test_runs (Fixture       *fixture,
           gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lPage *page = l2l_window_get_page (window, "comparison");
  L2lRunList *runs = l2l_page_get_run_list (page);
  L2lChart *chart = ui_driver_chart (window, "comparison");

  ui_driver_small_comparison (window);
  ui_driver_choose_optimizers (window, (const char *[]) { "sgd", "adam", NULL });
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (l2l_run_list_get_n_runs (runs), ==, 1);

  /* another task: the first run is hidden, not drawn nor in the axes */
  l2l_experiment_panel_set_task_option (ui_driver_panel (window, "comparison"), "dims", "3");
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (l2l_run_list_get_n_runs (runs), ==, 2);
  g_assert_false (l2l_run_list_get_shown (runs, 1));
  g_assert_true (l2l_run_list_get_shown (runs, 2));
  g_assert_cmpuint (chart->series->len, ==, 4);
  g_assert_cmpuint (count_hidden (chart), ==, 2);

  /* shown again at will, then removed */
  l2l_run_list_set_shown (runs, 1, TRUE);
  g_assert_cmpuint (count_hidden (chart), ==, 0);
  l2l_run_list_set_shown (runs, 1, FALSE);
  g_assert_cmpuint (count_hidden (chart), ==, 2);

  /* a third run of the same task keeps the second shown; Clear Earlier Runs
   * leaves the third alone; its table starts at its first column again */
  {
    GtkColumnView *table = l2l_results_view_get_column_view (L2L_RESULTS_VIEW (
                             l2l_compare_page_get_results_view (l2l_window_get_compare_page (window))));
    GtkAdjustment *across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (table));

    ui_driver_set_size (window, 1024, 700);
    g_test_message ("table %g px wide in %g", gtk_adjustment_get_upper (across),
                    gtk_adjustment_get_page_size (across));
    g_assert_cmpfloat (gtk_adjustment_get_upper (across), >, gtk_adjustment_get_page_size (across));
    gtk_adjustment_set_value (across, gtk_adjustment_get_upper (across));
    g_assert_cmpfloat (gtk_adjustment_get_value (across), >, gtk_adjustment_get_lower (across));
    run_page (window, "comparison");
    ui_driver_wait_until_done (window);
    g_assert_cmpfloat (gtk_adjustment_get_value (across), ==, gtk_adjustment_get_lower (across));
  }
  g_assert_true (l2l_run_list_get_shown (runs, 2));
  g_assert_cmpuint (l2l_run_list_get_n_runs (runs), ==, 3);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-runs", NULL);
  g_assert_cmpuint (l2l_run_list_get_n_runs (runs), ==, 1);
  g_assert_cmpuint (chart->series->len, ==, 2);
  g_assert_cmpuint (l2l_chart_count_series (chart, FALSE), ==, 2);

  /* the run being drawn cannot be removed (its series are in use) until it ends */
  {
    L2lRunList *training = l2l_page_get_run_list (l2l_window_get_page (window, "training"));
    L2lChart *curves = ui_driver_chart (window, "training");

    ui_driver_short_training (window);
    ui_driver_spin (window, "epochs", 1000000);
    run_page (window, "training");
    while (points_of (curves, 0) < 2)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (l2l_run_list_get_removable (training, 1));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-runs", NULL);
    g_assert_cmpuint (l2l_run_list_get_n_runs (training), ==, 1);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
    ui_driver_wait_until_done (window);
    g_assert_true (l2l_run_list_get_removable (training, 1));
  }
}

/* Issue 25: a file that is not an image is refused when it is opened or
 * dropped, with a message, and the image chosen before stays. */
static void
test_not_an_image (Fixture       *fixture,
                   gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "art");
  L2lArtView *view = l2l_art_page_get_art_view (l2l_window_get_art_page (window));
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.jpg", NULL);
  g_autofree char *before = NULL, *after = NULL;

  g_assert_true (g_file_set_contents (path, "not a picture\n", -1, NULL));
  l2l_window_show_page (window, "art");
  before = l2l_experiment_panel_get_task_option (panel, "content");
  g_signal_emit_by_name (view, "image-chosen", FALSE, path);
  g_assert_cmpuint (close_error_dialogs ("notes.jpg"), ==, 1);
  after = l2l_experiment_panel_get_task_option (panel, "content");
  g_assert_cmpstr (after, ==, before);
  g_unlink (path);
  g_rmdir (dir);
}

/* A data folder that does not exist is found by the worker: the run fails
 * with a message, and nothing stays loaded. */
static void
test_missing_data (Fixture       *fixture,
                   gconstpointer  data)
{
  L2lWindow *window = fixture->window;

  g_assert_null (l2l_experiment_panel_get_error (ui_driver_panel (window, "comparison")));
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_true (g_str_has_prefix (status_of (window, "comparison"), "Failed"));
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 0);
  g_assert_cmpuint (close_error_dialogs ("/nonexistent/folder: no such folder"), ==, 1);
}

/* Issue 25: a run that fails leaves the results shown as they were — the
 * series, none of them faded, and the table. */
static void
test_failed_run_keeps_results (Fixture       *fixture,
                               gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "comparison");
  L2lChart *comparison = ui_driver_chart (window, "comparison");
  g_autofree char *table = NULL;
  guint shown;

  ui_driver_small_comparison (window);
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  shown = l2l_chart_count_series (comparison, FALSE);
  table = g_strdup (results_text (window));
  g_assert_cmpuint (shown, ==, 6);

  l2l_experiment_panel_set_task_spec (panel, "mnist:data=/nonexistent/folder");
  run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  g_assert_cmpuint (close_error_dialogs ("/nonexistent/folder"), ==, 1);
  g_assert_true (g_str_has_prefix (status_of (window, "comparison"), "Failed"));
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, shown);
  g_assert_cmpuint (l2l_chart_count_series (comparison, TRUE), ==, 0);
  g_assert_cmpstr (results_text (window), ==, table);
}

/* Closing mid-run stops the engine; the window goes when its job has ended,
 * promptly, and the settings are kept. */
static void
test_close_mid_run (Fixture       *fixture,
                    gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lChart *training = ui_driver_chart (window, "training");
  gint64 close_asked;
  double close_seconds;
  g_autoptr(GSettings) comparison_settings = g_settings_get_child (fixture->settings, "comparison");
  g_autoptr(GSettings) training_settings = g_settings_get_child (fixture->settings, "training");

  ui_driver_short_training (window);
  ui_driver_spin (window, "steps", 40);
  ui_driver_spin (window, "epochs", 1000000);
  run_page (window, "training");
  while (points_of (training, 0) < 2)
    g_main_context_iteration (NULL, TRUE);
  close_asked = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (window));
  while (fixture->window != NULL)
    g_main_context_iteration (NULL, TRUE);
  close_seconds = (g_get_monotonic_time () - close_asked) / 1e6;
  g_test_message ("closing mid-run took %.3f s", close_seconds);
  g_assert_cmpfloat (close_seconds, <, 0.5 * TEST_UTIL_TIME_SCALE);
  /* each page keeps its own: steps on the page shown, epochs on Meta-training */
  g_assert_cmpuint (g_settings_get_uint (comparison_settings, "steps"), ==, 40);
  g_assert_cmpuint (g_settings_get_uint (training_settings, "epochs"), ==, 1000000);
}

/* The spread of a texture's values, in [0, 1]: 0 for a blank one. */
static double
texture_spread (GdkTexture *texture)
{
  const int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *p = g_malloc ((gsize) 4 * width * height);
  double sum = 0.0, squares = 0.0, n = 3.0 * width * height;

  gdk_texture_download (texture, p, (gsize) 4 * width);
  for (gsize i = 0; i < (gsize) 4 * width * height; i++)
    if (i % 4 != 3)   /* not alpha */
      {
        sum += p[i] / 255.0;
        squares += (p[i] / 255.0) * (p[i] / 255.0);
      }
  return sqrt (MAX (0.0, squares / n - (sum / n) * (sum / n)));
}

/* Mean absolute difference of two RGB textures of one size, in [0, 1]. */
static double
texture_difference (GdkTexture *a,
                    GdkTexture *b)
{
  const int width = gdk_texture_get_width (a), height = gdk_texture_get_height (a);
  g_autofree guchar *p = g_malloc ((gsize) 4 * width * height);
  g_autofree guchar *q = g_malloc ((gsize) 4 * width * height);
  double total = 0.0;

  g_assert_cmpint (gdk_texture_get_width (b), ==, width);
  gdk_texture_download (a, p, (gsize) 4 * width);
  gdk_texture_download (b, q, (gsize) 4 * width);
  for (gsize i = 0; i < (gsize) 4 * width * height; i++)
    total += abs ((int) p[i] - (int) q[i]);
  return total / (3.0 * width * height) / 255.0;
}


/* Whether Escape closes @window (a shortcut to window.close). */
static gboolean
closes_on_escape (GtkWidget *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);
  g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape) &&
              GTK_IS_NAMED_ACTION (action) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                           "window.close"))
            return TRUE;
        }
    }
  return FALSE;
}

/* Issue 25: the About window shows the app's icon, found from the build
 * tree too (the icon is in the GResource), and says who made it. */
static void
test_about (void)
{
  g_autoptr(L2lApplication) app = l2l_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  GtkWindow *about;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_icon_theme_has_icon (theme, APPLICATION_ID));
  about = l2l_about_window_present (NULL);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==,
                   APPLICATION_ID);
  g_assert_cmpstr (adw_about_window_get_developer_name (ADW_ABOUT_WINDOW (about)), ==,
                   "The L2L Workbench developers");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Issue 25: the Preferences window sets the engine's threads, which every
 * page's jobs take, and the style. */
static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  GtkWindow *preferences = l2l_preferences_window_present (GTK_WINDOW (window), fixture->settings);
  GtkSpinButton *threads = GTK_SPIN_BUTTON (find_named (GTK_WIDGET (preferences), "threads"));
  AdwComboRow *scheme = ADW_COMBO_ROW (find_named (GTK_WIDGET (preferences), "color-scheme"));
  g_autofree char *word = NULL;

  l2l_preferences_apply (fixture->settings);
  g_assert_nonnull (threads);
  g_assert_nonnull (scheme);
  gtk_spin_button_set_value (threads, 3);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "threads"), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (l2l_page_get_threads (l2l_window_get_page (
                        window, (const char *[]) { "comparison", "training", "art" }[i])), ==, 3);
  adw_combo_row_set_selected (scheme, 2);
  word = g_settings_get_string (fixture->settings, "color-scheme");
  g_assert_cmpstr (word, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  adw_combo_row_set_selected (scheme, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (preferences);
}

/* Issue 25: the shortcuts window lists every accelerator the app sets. */
static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/l2lworkbench/Workbench/gtk/help-overlay.ui");
  GSList *objects = gtk_builder_get_objects (builder);
  guint n;
  const L2lAccel *accels = l2l_application_get_accels (&n);

  for (guint i = 0; i < n; i++)
    {
      gboolean listed = FALSE;

      for (GSList *l = objects; l != NULL; l = l->next)
        {
          g_autofree char *action = NULL, *accelerator = NULL;

          if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
            continue;
          g_object_get (l->data, "action-name", &action, "accelerator", &accelerator, NULL);
          /* a parameterized action is listed by its keys */
          listed |= g_strcmp0 (action, accels[i].action) == 0 ||
                    (strstr (accels[i].action, "::") != NULL &&
                     g_strcmp0 (accelerator, accels[i].keys) == 0);
        }
      if (!listed)
        g_test_message ("%s (%s) is not in the shortcuts window", accels[i].action, accels[i].keys);
      g_assert_true (listed);
    }
  g_slist_free (objects);
}

/* The Neural art page: a shipped photo and painting, 10 steps at 32 px with
 * two optimizers: a tile each, painted and not the photo; the enlarged view;
 * the styled image and the triple exported; Stop during a long run. */
static void
test_art_page (Fixture       *fixture,
               gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "art");
  L2lArtView *view = l2l_art_page_get_art_view (l2l_window_get_art_page (window));
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "adam.png", NULL);
  g_autofree char *triple = g_build_filename (dir, "adam-triple.png", NULL);
  g_autofree char *spec = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *content;
  GtkWindow *large;
  double stop_seconds;

  l2l_window_show_page (window, "art");
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_true (g_str_has_prefix (spec, "art:content=" L2L_ART_SHIPPED "content/chelsea.jpg"));
  l2l_art_view_choose_shipped (view, FALSE, "astronaut");
  l2l_art_view_choose_shipped (view, TRUE, "the-scream");
  g_clear_pointer (&spec, g_free);
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_nonnull (strstr (spec, "content/astronaut.jpg"));
  g_assert_nonnull (strstr (spec, "style/the-scream.jpg"));
  l2l_experiment_panel_set_task_option (panel, "size", "32");
  ui_driver_spin (window, "steps", 10);
  ui_driver_choose_optimizers (window, (const char *[]) { "sgd", "adam", NULL });
  g_assert_null (l2l_experiment_panel_get_error (panel));

  run_page (window, "art");
  ui_driver_wait_until_done (window);
  g_assert_cmpstr (l2l_experiment_panel_get_error (panel), ==, NULL);
  g_assert_cmpuint (l2l_art_view_get_n_tiles (view), ==, 4);
  content = l2l_art_view_get_input_texture (view, FALSE);
  g_assert_nonnull (content);
  g_assert_cmpint (gdk_texture_get_width (content), ==, 32);
  for (guint i = 0; i < 2; i++)
    {
      GdkTexture *painted = l2l_art_view_get_texture (view, i);
      g_assert_nonnull (painted);
      g_assert_cmpint (gdk_texture_get_width (painted), ==, 32);
      g_test_message ("tile %u differs from the content by %.3f", i,
                      texture_difference (painted, content));
      g_assert_cmpfloat (texture_difference (painted, content), >, 0.005);
      g_assert_cmpfloat (texture_spread (painted), >, 0.02);   /* not blank */
    }
  g_assert_cmpuint (l2l_chart_count_series (ui_driver_chart (window, "art"), FALSE), ==, 2);

  large = l2l_art_view_enlarge (view, 1);
  ui_driver_settle (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (large)));
  g_assert_true (closes_on_escape (GTK_WIDGET (large)));
  g_assert_true (gtk_picture_get_paintable (GTK_PICTURE (gtk_window_get_child (large))) ==
                 GDK_PAINTABLE (l2l_art_view_get_texture (view, 1)));
  gtk_window_destroy (large);
  g_assert_cmpuint (l2l_art_view_get_selected (view), ==, 1);
  g_assert_true (l2l_art_page_export_styled_image (l2l_window_get_art_page (window), image, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (l2l_art_page_export_styled_image (l2l_window_get_art_page (window), triple, TRUE, &error));
  g_assert_no_error (error);
  assert_png_size (image, 32, 32);
  assert_png_size (triple, 96, 32);

  /* Stop during a long run, once its first images are in */
  l2l_experiment_panel_set_task_option (panel, "size", "128");
  ui_driver_spin (window, "steps", 100000);
  run_page (window, "art");
  while (l2l_art_view_get_texture (view, 0) == NULL)
    g_main_context_iteration (NULL, TRUE);
  stop_seconds = stop_and_time (window);
  g_test_message ("stop during an art run took %.3f s", stop_seconds);
  g_assert_cmpfloat (stop_seconds, <, 1.0 * TEST_UTIL_TIME_SCALE);

  /* another task on another page, and back: the art run's choices stay */
  l2l_window_show_page (window, "comparison");
  l2l_experiment_panel_select_task (ui_driver_panel (window, "comparison"), "mnist");
  l2l_window_show_page (window, "art");
  g_clear_pointer (&spec, g_free);
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_nonnull (strstr (spec, "content/astronaut.jpg"));
  g_assert_nonnull (strstr (spec, "style/the-scream.jpg"));
  g_assert_nonnull (strstr (spec, "size=128"));
  g_unlink (image);
  g_unlink (triple);
  g_rmdir (dir);
}

/* Pixels of @texture within 12 of the palette's colour @index. */
static guint
count_color (GdkTexture *texture,
             guint       index)
{
  const int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *p = g_malloc ((gsize) 4 * width * height);
  double r, g, b;
  guint n = 0;

  l2l_chart_palette (index, &r, &g, &b);
  gdk_texture_download (texture, p, (gsize) 4 * width);
  /* GDK_MEMORY_DEFAULT: B, G, R, A */
  for (gsize i = 0; i < (gsize) width * height; i++)
    n += abs (p[4 * i + 2] - (int) (r * 255)) < 12 && abs (p[4 * i + 1] - (int) (g * 255)) < 12 &&
         abs (p[4 * i] - (int) (b * 255)) < 12;
  return n;
}

/* Issue 26: the Landscapes page draws Rosenbrock's contours before any run,
 * then each optimizer's path from the classic start as the engine runs; the
 * slider scrubs along them, the pointer reads the losses at that step, a
 * click moves the start and runs again, the probe shows what each learned,
 * and Export Chart… writes an animation. */
static void
test_landscapes (Fixture       *fixture,
                 gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lLandscapePage *page = l2l_window_get_landscape_page (window);
  L2lExperimentPanel *panel = ui_driver_panel (window, "landscapes");
  L2lContourView *view = l2l_landscape_page_get_view (page);
  GtkRange *scale = l2l_landscape_page_get_step_scale (page);
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *gif = g_build_filename (dir, "paths.gif", NULL);
  g_autofree char *spec = NULL, *readout = NULL;
  g_autoptr(GdkTexture) before = NULL, after = NULL;
  g_autoptr(GdkPixbufAnimation) animation = NULL;
  L2lContour *contour;
  double x, y;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "landscapes");
  ui_driver_settle (200);
  g_assert_true (l2l_window_get_visible_page (window) == L2L_PAGE (page));
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_true (g_str_has_prefix (spec, "landscape:fn=rosenbrock"));
  contour = l2l_landscape_page_get_contour (page);
  g_assert_nonnull (contour);
  g_assert_cmpuint (contour->paths->len, ==, 0);
  g_assert_cmpfloat (contour->x_min, <, -1.5);
  g_assert_cmpfloat (contour->x_max, >, 1.0);
  before = ui_driver_render (GTK_WIDGET (view));
  g_assert_cmpfloat (texture_spread (before), >, 0.02);   /* the levels */
  g_assert_cmpuint (count_color (before, 0), <, 20);        /* and no path */

  ui_driver_spin (window, "steps", 60);
  ui_driver_choose_optimizers (window, (const char *[]) { "sgd", "adam", "lstm:landscape", NULL });
  run_page (window, "landscapes");
  ui_driver_wait_until_done (window);
  ui_driver_settle (200);
  contour = l2l_landscape_page_get_contour (page);
  g_assert_cmpuint (contour->paths->len, ==, 3);
  for (guint o = 0; o < 3; o++)
    {
      L2lContourPath *path = contour->paths->pdata[o];

      g_assert_cmpuint (path->points->len, ==, 2 * 61);
      g_assert_cmpfloat (g_array_index (path->points, double, 0), ==, -1.5);
      g_assert_cmpfloat (g_array_index (path->points, double, 1), ==, 2.0);
    }
  after = ui_driver_render (GTK_WIDGET (view));
  g_assert_cmpuint (count_color (after, 0), >, 20);         /* SGD's path, in its colour */
  g_assert_cmpuint (count_color (after, 2), >, 20);         /* the learned one's */

  /* the slider scrubs; the readout says each loss at that step */
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_range_get_adjustment (scale)), ==, 60);
  gtk_range_set_value (scale, 10);
  g_assert_cmpuint (contour->shown, ==, 10);
  readout = l2l_landscape_page_readout (page, 1.0, 1.0);
  g_assert_true (g_str_has_prefix (readout, "x 1, y 1: f = 0"));
  g_assert_nonnull (strstr (readout, "step 10:"));
  g_assert_nonnull (strstr (readout, "\nlstm:landscape  "));
  g_assert_true (l2l_contour_view_locate (view, gtk_widget_get_width (GTK_WIDGET (view)) / 2.0,
                                          gtk_widget_get_height (GTK_WIDGET (view)) / 2.0, &x, &y));
  g_assert_cmpfloat (x, >, contour->x_min);
  g_assert_cmpfloat (x, <, contour->x_max);

  /* the probe of the same optimizers: one curve each, two for the learned */
  g_assert_cmpuint (l2l_landscape_page_get_probe (page)->series->len, >=, 4);

  /* Export Chart… of the paths as an animation */
  l2l_file_dialog_answer_next (gif);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL);
  ui_driver_settle (100);
  animation = gdk_pixbuf_animation_new_from_file (gif, NULL);
  g_assert_nonnull (animation);
  g_assert_false (gdk_pixbuf_animation_is_static_image (animation));

  /* a click at a point of the plot starts every optimizer there */
  g_signal_emit_by_name (view, "point-clicked", 0.5, 0.25);
  g_assert_true (l2l_window_is_running (window));
  ui_driver_wait_until_done (window);
  g_clear_pointer (&spec, g_free);
  spec = l2l_experiment_panel_get_task_spec (panel);
  g_assert_nonnull (strstr (spec, "start=0.5,0.25"));
  contour = l2l_landscape_page_get_contour (page);
  g_assert_cmpfloat (g_array_index (((L2lContourPath *) contour->paths->pdata[0])->points,
                                    double, 0), ==, 0.5);
  g_assert_cmpfloat (g_array_index (((L2lContourPath *) contour->paths->pdata[0])->points,
                                    double, 1), ==, 0.25);
  g_unlink (gif);
  g_rmdir (dir);

  /* a click during a long run stops it and runs again from there; closing
   * the window before that rerun starts leaves no job behind */
  ui_driver_spin (window, "steps", 1000000);
  run_page (window, "landscapes");
  while (((L2lContourPath *) l2l_landscape_page_get_contour (page)->paths->pdata[0])->points->len < 4)
    g_main_context_iteration (NULL, TRUE);
  g_signal_emit_by_name (view, "point-clicked", -1.0, 1.0);
  gtk_window_close (GTK_WINDOW (window));
  while (fixture->window != NULL)
    g_main_context_iteration (NULL, TRUE);
  ui_driver_settle (200);
}

/* Meta-training on art shows, beside its chart, what φ makes of a held-out
 * photo at each evaluation. */
static void
test_art_training (Fixture       *fixture,
                   gconstpointer  data)
{
  L2lWindow *window = fixture->window;
  L2lExperimentPanel *panel = ui_driver_panel (window, "training");
  GdkPaintable *painted;

  l2l_window_show_page (window, "training");
  l2l_experiment_panel_select_task (panel, "art");
  l2l_experiment_panel_set_task_option (panel, "size", "32");
  ui_driver_spin (window, "horizon", 8);
  ui_driver_spin (window, "unroll", 4);
  ui_driver_spin (window, "batch", 1);
  ui_driver_spin (window, "epochs", 2);
  g_assert_null (l2l_train_page_get_art (l2l_window_get_train_page (window)));
  run_page (window, "training");
  ui_driver_wait_until_done (window);
  painted = l2l_train_page_get_art (l2l_window_get_train_page (window));
  g_assert_true (GDK_IS_TEXTURE (painted));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (painted)), ==, 32);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui/about", test_about);
  g_test_add ("/ui/preferences", Fixture, NULL, fixture_set_up, test_preferences,
              fixture_tear_down);
  g_test_add ("/ui/compare", Fixture, NULL, fixture_set_up, test_compare, fixture_tear_down);
  g_test_add ("/ui/compare/hyper-and-time", Fixture, NULL, fixture_set_up, test_hyper_and_time,
              fixture_tear_down);
  g_test_add ("/ui/first-run", Fixture, NULL, fixture_set_up, test_first_run, fixture_tear_down);
  g_test_add ("/ui/train-then-compare", Fixture, NULL, fixture_set_up, test_train_then_compare,
              fixture_tear_down);
  g_test_add ("/ui/progress-estimate", Fixture, NULL, fixture_set_up, test_progress_estimate,
              fixture_tear_down);
  g_test_add ("/ui/stop", Fixture, NULL, fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/ui/stop-in-evaluation", Fixture, "mnist", fixture_set_up,
              test_stop_in_evaluation, fixture_tear_down);
  g_test_add ("/ui/invalid-field", Fixture, NULL, fixture_set_up, test_invalid_field,
              fixture_tear_down);
  g_test_add ("/ui/task-family", Fixture, NULL, fixture_set_up, test_task_family,
              fixture_tear_down);
  g_test_add ("/ui/family-defaults", Fixture, NULL, fixture_set_up, test_family_defaults,
              fixture_tear_down);
  g_test_add ("/ui/train/recipe", Fixture, NULL, fixture_set_up, test_recipe,
              fixture_tear_down);
  g_test_add ("/ui/train/arch", Fixture, NULL, fixture_set_up, test_arch, fixture_tear_down);
  g_test_add ("/ui/missing-data", Fixture, "mnist:data=/nonexistent/folder", fixture_set_up,
              test_missing_data, fixture_tear_down);
  g_test_add ("/ui/pages-keep-their-state", Fixture, NULL, fixture_set_up,
              test_pages_keep_their_state, fixture_tear_down);
  g_test_add ("/ui/wheel-over-spin", Fixture, NULL, fixture_set_up, test_wheel_over_spin,
              fixture_tear_down);
  g_test_add ("/ui/letters-in-spin", Fixture, NULL, fixture_set_up, test_letters_in_spin,
              fixture_tear_down);
  g_test_add ("/ui/save-toast", Fixture, NULL, fixture_set_up, test_save_toast, fixture_tear_down);
  g_test_add ("/ui/small-screen", Fixture, NULL, fixture_set_up, test_small_screen,
              fixture_tear_down);
  g_test_add ("/ui/runs", Fixture, NULL, fixture_set_up, test_runs, fixture_tear_down);
  g_test_add ("/ui/landscapes", Fixture, NULL, fixture_set_up, test_landscapes,
              fixture_tear_down);
  g_test_add ("/ui/not-an-image", Fixture, NULL, fixture_set_up, test_not_an_image,
              fixture_tear_down);
  g_test_add ("/ui/failed-run-keeps-results", Fixture, NULL, fixture_set_up,
              test_failed_run_keeps_results, fixture_tear_down);
  g_test_add ("/ui/close-mid-run", Fixture, NULL, fixture_set_up, test_close_mid_run,
              fixture_tear_down);
  g_test_add ("/ui/art-page", Fixture, NULL, fixture_set_up, test_art_page, fixture_tear_down);
  g_test_add ("/ui/art-training", Fixture, NULL, fixture_set_up, test_art_training,
              fixture_tear_down);
  return g_test_run ();
}
