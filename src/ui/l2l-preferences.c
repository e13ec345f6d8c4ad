/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "l2l-engine.h"
#include "l2l-preferences.h"
#include "l2l-spin-guard.h"

/* The "color-scheme" key's words, in the order of the combo row. */
static const char *const schemes[] = { "default", "light", "dark" };

static void
on_color_scheme (GSettings  *settings,
                 const char *key,
                 gpointer    user_data)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  const AdwColorScheme values[] = { ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT,
                                    ADW_COLOR_SCHEME_FORCE_DARK };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i]))
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), values[i]);
}

void
l2l_preferences_apply (GSettings *settings)
{
  g_signal_connect (settings, "changed::color-scheme", G_CALLBACK (on_color_scheme), NULL);
  on_color_scheme (settings, "color-scheme", NULL);
}

static gboolean
scheme_to_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i]))
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
index_to_scheme (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (schemes[MIN (i, G_N_ELEMENTS (schemes) - 1)]);
}

GtkWindow *
l2l_preferences_window_present (GtkWindow *parent,
                                GSettings *settings)
{
  const char *scheme_names[] = { _("Follow the system"), _("Light"), _("Dark"), NULL };
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *engine = adw_preferences_group_new ();
  GtkWidget *look = adw_preferences_group_new ();
  GtkWidget *threads_row = adw_action_row_new ();
  GtkWidget *threads = gtk_spin_button_new_with_range (0, L2L_MAX_THREADS, 1);
  GtkWidget *scheme_row = adw_combo_row_new ();
  g_autoptr(GtkStringList) scheme_list = gtk_string_list_new (scheme_names);

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (engine), _("Engine"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (threads_row), _("_Threads"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (threads_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (threads_row),
                               _("For comparisons and meta-training; 0 uses one per core. Results "
                                 "do not depend on it."));
  gtk_widget_set_valign (threads, GTK_ALIGN_CENTER);
  gtk_widget_set_name (threads, "threads");
  gtk_widget_set_name (scheme_row, "color-scheme");
  l2l_spin_guard_attach (GTK_SPIN_BUTTON (threads));
  adw_action_row_add_suffix (ADW_ACTION_ROW (threads_row), threads);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (threads_row), threads);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (engine), threads_row);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (look), _("Appearance"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (scheme_row), _("_Style"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (scheme_row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (scheme_row), G_LIST_MODEL (scheme_list));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (look), scheme_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (engine));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (look));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  if (settings != NULL)
    {
      g_settings_bind (settings, "threads", threads, "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind_with_mapping (settings, "color-scheme", scheme_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, scheme_to_index, index_to_scheme,
                                    NULL, NULL);
    }
  else
    gtk_widget_set_sensitive (page, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}
