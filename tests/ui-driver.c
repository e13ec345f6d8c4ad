/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ui-driver.h"

static void
reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

void
ui_driver_open_window (L2lWindow  **window,
                       GSettings   *settings,
                       const char  *task)
{
  const char *pages[] = { "comparison", "training", "art", "landscapes" };

  reset_settings (settings);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GSettings) page = g_settings_get_child (settings, pages[i]);

      reset_settings (page);
      if (task != NULL && i < 2)
        g_settings_set_string (page, "task", task);
    }
  *window = l2l_window_new (NULL, settings);
  g_object_add_weak_pointer (G_OBJECT (*window), (gpointer *) window);
  gtk_window_set_default_size (GTK_WINDOW (*window), 1280, 800);
  gtk_window_present (GTK_WINDOW (*window));
  ui_driver_settle (200);
}

void
ui_driver_set_size (L2lWindow *window,
                    int        width,
                    int        height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  ui_driver_settle (300);
}

void
ui_driver_close_window (L2lWindow **window)
{
  if (*window != NULL)
    {
      ui_driver_wait_until_done (*window);
      gtk_window_destroy (GTK_WINDOW (*window));
    }
  while (*window != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
give_up (gpointer user_data)
{
  g_error ("the experiment did not finish in time");
  return G_SOURCE_REMOVE;
}

void
ui_driver_wait_until_done (L2lWindow *window)
{
  guint watchdog = g_timeout_add_seconds (120, give_up, NULL);

  while (l2l_window_is_running (window))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
}

void
ui_driver_settle (int milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

L2lExperimentPanel *
ui_driver_panel (L2lWindow  *window,
                 const char *page)
{
  return l2l_page_get_panel (page ? l2l_window_get_page (window, page)
                                  : l2l_window_get_visible_page (window));
}

L2lChart *
ui_driver_chart (L2lWindow  *window,
                 const char *page)
{
  return l2l_page_get_chart (l2l_window_get_page (window, page));
}

/* The page a field is on: meta-training's on Meta-training, the tuning's on
 * Comparison, steps and seed on the page shown. */
static const char *
page_of_field (const char *name)
{
  const char *compare[] = { "runs", "tune-budget", NULL };

  if (g_str_equal (name, "steps") || g_str_equal (name, "seed"))
    return NULL;
  return g_strv_contains (compare, name) ? "comparison" : "training";
}

void
ui_driver_spin (L2lWindow  *window,
                const char *name,
                double      value)
{
  gtk_spin_button_set_value (l2l_experiment_panel_get_spin (
                               ui_driver_panel (window, page_of_field (name)), name),
                             value);
}

void
ui_driver_run_page (L2lWindow  *window,
                    const char *page)
{
  l2l_window_show_page (window, page);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
}

void
ui_driver_choose_optimizers (L2lWindow         *window,
                             const char *const *names)
{
  L2lExperimentPanel *panel = ui_driver_panel (window, NULL);
  const char *hand[] = { "sgd", "rmsprop", "adam", "nag" };
  const char *learned[] = { "lstm:quadratic", "schedule:quadratic", "lstm:mnist", "lstm:art" };

  for (guint i = 0; i < G_N_ELEMENTS (hand); i++)
    gtk_check_button_set_active (l2l_experiment_panel_get_optimizer_check (panel, hand[i]),
                                 g_strv_contains (names, hand[i]));
  for (guint i = 0; i < G_N_ELEMENTS (learned); i++)
    gtk_check_button_set_active (l2l_experiment_panel_get_learned_check (panel, learned[i]),
                                 g_strv_contains (names, learned[i]));
}

void
ui_driver_small_comparison (L2lWindow *window)
{
  ui_driver_spin (window, "steps", 40);
  ui_driver_spin (window, "runs", 12);
  ui_driver_spin (window, "seed", 2);
}

void
ui_driver_train_and_stop (L2lWindow *window,
                          guint      epochs)
{
  L2lChart *training = ui_driver_chart (window, "training");
  guint before = training->series->len;

  ui_driver_spin (window, "epochs", 1000000);
  ui_driver_run_page (window, "training");
  /* the run's meta-loss and held-out series come with its first epoch */
  while (training->series->len == before ||
         ((L2lChartSeries *) training->series->pdata[training->series->len - 2])->x->len < epochs)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  ui_driver_wait_until_done (window);
}

void
ui_driver_short_training (L2lWindow *window)
{
  ui_driver_spin (window, "horizon", 20);
  ui_driver_spin (window, "unroll", 5);
  ui_driver_spin (window, "batch", 8);
  ui_driver_spin (window, "epochs", 20);
}

GdkTexture *
ui_driver_render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                      node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}
