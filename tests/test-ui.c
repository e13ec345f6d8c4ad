/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "l2l-chart-view.h"
#include "l2l-window.h"

/* Runs under Xvfb (see tests/meson.build): a real window, driven through its
 * widgets and actions as a person would, and a screenshot of it. */

static gboolean
give_up (gpointer user_data)
{
  g_error ("the experiment did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
wait_until_done (L2lWindow *window)
{
  guint watchdog = g_timeout_add_seconds (120, give_up, NULL);

  while (l2l_window_is_running (window))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
}

static void
spin (L2lWindow  *window,
      const char *name,
      double      value)
{
  gtk_spin_button_set_value (l2l_experiment_panel_get_spin (l2l_window_get_panel (window), name),
                             value);
}

static void
settle (int milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static guint
points_of (L2lChart *chart,
           guint     index)
{
  return ((L2lChartSeries *) chart->series->pdata[index])->x->len;
}

static void
test_workbench (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.l2lworkbench.Workbench");
  L2lWindow *window = l2l_window_new (NULL, settings);
  L2lExperimentPanel *panel = l2l_window_get_panel (window);
  L2lChart *comparison = l2l_window_get_comparison_chart (window);
  L2lChart *training = l2l_window_get_training_chart (window);
  g_autofree char *screenshot = g_test_build_filename (G_TEST_BUILT, "screenshot.png", NULL);
  gint64 stop_asked;
  double stop_seconds;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  /* A small comparison, set through the widgets; adam tuned. */
  spin (window, "steps", 40);
  spin (window, "runs", 12);
  spin (window, "seed", 2);
  gtk_editable_set_text (GTK_EDITABLE (l2l_experiment_panel_get_optimizer_rate (panel, "adam")), "tune");
  g_assert_null (l2l_experiment_panel_get_error (panel));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (l2l_window_is_running (window));
  wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (points_of (comparison, i), ==, 41);

  /* Meta-training: a few short epochs; the result joins the optimizers. */
  l2l_window_show_page (window, "training");
  spin (window, "horizon", 20);
  spin (window, "unroll", 5);
  spin (window, "batch", 8);
  spin (window, "epochs", 20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (training, FALSE), ==, 2);
  g_assert_cmpuint (points_of (training, 0), ==, 20);     /* meta-loss, epochs 1 … 20 */
  g_assert_cmpuint (points_of (training, 1), >=, 2);      /* held-out, epoch 0 and later */

  /* Stop takes effect quickly. */
  spin (window, "epochs", 1000000);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  while (points_of (training, training->series->len - 2) < 3)
    g_main_context_iteration (NULL, TRUE);
  stop_asked = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until_done (window);
  stop_seconds = (g_get_monotonic_time () - stop_asked) / 1e6;
  g_test_message ("stop took %.3f s", stop_seconds);
  g_assert_cmpfloat (stop_seconds, <, 0.2);
  g_assert_cmpuint (l2l_chart_count_series (training, TRUE), ==, 2);   /* the first run, faded */

  /* An invalid value is shown at the form and blocks Run. */
  spin (window, "unroll", 50);
  g_assert_nonnull (l2l_experiment_panel_get_error (panel));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_false (l2l_window_is_running (window));
  spin (window, "unroll", 5);
  g_assert_null (l2l_experiment_panel_get_error (panel));

  /* Another task family brings its own options, and its batch of functions. */
  {
    g_autofree char *spec = NULL;
    l2l_experiment_panel_select_task (panel, "mnist");
    spec = l2l_experiment_panel_get_task_spec (panel);
    g_assert_cmpstr (spec, ==, "mnist:hidden=20,act=sigmoid,batch=128,data=");
    g_assert_cmpint (gtk_spin_button_get_value_as_int (l2l_experiment_panel_get_spin (panel, "batch")), ==, 2);
    g_assert_null (l2l_experiment_panel_get_error (panel));
    l2l_experiment_panel_select_task (panel, "quadratic");
    spin (window, "batch", 8);
  }

  /* Back to the comparison, now with the learned optimizers: the first run fades. */
  l2l_window_show_page (window, "comparison");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  wait_until_done (window);
  g_assert_cmpuint (l2l_chart_count_series (comparison, TRUE), ==, 4);
  g_assert_cmpuint (l2l_chart_count_series (comparison, FALSE), ==, 6);

  settle (500);
  g_test_message ("longest chart render: %.1f ms",
                  l2l_chart_view_get_max_render_us (L2L_CHART_VIEW (l2l_window_get_comparison_view (window))) / 1e3);
  save_screenshot (GTK_WIDGET (window), screenshot);
  g_test_message ("screenshot: %s", screenshot);

  /* Closing mid-run stops the engine first, promptly, and keeps the settings. */
  l2l_window_show_page (window, "training");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  while (points_of (training, training->series->len - 2) < 2)
    g_main_context_iteration (NULL, TRUE);
  stop_asked = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (window));
  stop_seconds = (g_get_monotonic_time () - stop_asked) / 1e6;
  g_test_message ("closing mid-run took %.3f s", stop_seconds);
  g_assert_cmpfloat (stop_seconds, <, 0.5);
  g_assert_cmpuint (g_settings_get_uint (settings, "steps"), ==, 40);
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, 1000000);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/workbench", test_workbench);
  return g_test_run ();
}
