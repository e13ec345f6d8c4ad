/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ui-driver.h"

void
ui_driver_open_window (L2lWindow  **window,
                       GSettings   *settings,
                       const char  *task)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  if (task != NULL)
    g_settings_set_string (settings, "task", task);
  *window = l2l_window_new (NULL, settings);
  g_object_add_weak_pointer (G_OBJECT (*window), (gpointer *) window);
  gtk_window_set_default_size (GTK_WINDOW (*window), 1280, 800);
  gtk_window_present (GTK_WINDOW (*window));
  ui_driver_settle (200);
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

void
ui_driver_spin (L2lWindow  *window,
                const char *name,
                double      value)
{
  gtk_spin_button_set_value (l2l_experiment_panel_get_spin (l2l_window_get_panel (window), name),
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
  L2lExperimentPanel *panel = l2l_window_get_panel (window);
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
  L2lChart *training = l2l_window_get_training_chart (window);

  ui_driver_spin (window, "epochs", 1000000);
  ui_driver_run_page (window, "training");
  /* the run's meta-loss and held-out series are the last two */
  while (((L2lChartSeries *) training->series->pdata[training->series->len - 2])->x->len < epochs)
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
