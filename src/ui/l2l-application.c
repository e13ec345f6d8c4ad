/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-about.h"
#include "l2l-application.h"
#include "l2l-preferences.h"
#include "l2l-engine.h"
#include "l2l-window.h"

struct _L2lApplication {
  AdwApplication  parent_instance;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (L2lApplication, l2l_application, ADW_TYPE_APPLICATION)

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window stops its job and saves what it remembers. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (windows->data);
      windows = next;
    }
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  l2l_about_window_present (gtk_application_get_active_window (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  L2lApplication *self = user_data;

  l2l_preferences_window_present (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                  self->settings);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

/* Every accelerator of the app; the shortcuts window lists each one. */
static const L2lAccel accels[] = {
  { "app.quit", "<Control>q" },
  { "app.preferences", "<Control>comma" },
  { "win.run", "<Control>Return" },
  { "win.stop", "Escape" },
  { "win.export", "<Control>e" },
  { "win.export-results", "<Control><Shift>e" },
  { "win.export-image", "<Control><Shift>s" },
  { "win.load-optimizer", "<Control>o" },
  { "win.save-optimizer", "<Control>s" },
  { "win.toggle-sidebar", "F9" },
  { "win.show-page::comparison", "<Alt>1" },
  { "win.show-page::training", "<Alt>2" },
  { "win.show-page::art", "<Alt>3" },
  { "win.show-page::landscapes", "<Alt>4" },
};

const L2lAccel *
l2l_application_get_accels (guint *n)
{
  *n = G_N_ELEMENTS (accels);
  return accels;
}

static void
l2l_application_startup (GApplication *application)
{
  L2lApplication *self = L2L_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (l2l_application_parent_class)->startup (application);
  l2l_engine_init (1);

  /* AdwApplication loads style.css from the resource base path */
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      const char *keys[] = { accels[i].keys, NULL };
      gtk_application_set_accels_for_action (app, accels[i].action, keys);
    }

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      l2l_preferences_apply (self->settings);
    }
  else
    g_message ("settings schema %s is not installed; the last experiment will not be remembered",
               APPLICATION_ID);
}

static void
l2l_application_activate (GApplication *application)
{
  L2lApplication *self = L2L_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (l2l_window_new (GTK_APPLICATION (application), self->settings));
  gtk_window_present (window);
}

static void
l2l_application_finalize (GObject *object)
{
  g_clear_object (&L2L_APPLICATION (object)->settings);
  G_OBJECT_CLASS (l2l_application_parent_class)->finalize (object);
}

static void
l2l_application_class_init (L2lApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_application_finalize;
  G_APPLICATION_CLASS (klass)->startup = l2l_application_startup;
  G_APPLICATION_CLASS (klass)->activate = l2l_application_activate;
}

static void
l2l_application_init (L2lApplication *self)
{
}

L2lApplication *
l2l_application_new (GApplicationFlags flags)
{
  return g_object_new (L2L_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/l2lworkbench/Workbench",
                       NULL);
}
