/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-application.h"
#include "l2l-engine.h"
#include "l2l-window.h"

struct _L2lApplication {
  GtkApplication  parent_instance;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (L2lApplication, l2l_application, GTK_TYPE_APPLICATION)

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
  const char *authors[] = { _("The L2L Workbench developers"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (user_data),
                         "program-name", _("L2L Workbench"),
                         "logo-icon-name", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Learned optimizers, after “Learning to learn by gradient "
                                       "descent by gradient descent” (Andrychowicz et al., 2016)"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static void
set_accels (GtkApplication *app,
            const char     *action,
            const char     *accel)
{
  const char *accels[] = { accel, NULL };

  gtk_application_set_accels_for_action (app, action, accels);
}

static void
l2l_application_startup (GApplication *application)
{
  L2lApplication *self = L2L_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (l2l_application_parent_class)->startup (application);
  l2l_engine_init (1);

  gtk_css_provider_load_from_resource (css, "/io/github/l2lworkbench/Workbench/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  set_accels (app, "app.quit", "<Control>q");
  set_accels (app, "win.run", "<Control>Return");
  set_accels (app, "win.stop", "Escape");
  set_accels (app, "win.export", "<Control>e");
  set_accels (app, "win.export-results", "<Control><Shift>e");
  set_accels (app, "win.load-optimizer", "<Control>o");
  set_accels (app, "win.save-optimizer", "<Control>s");
  set_accels (app, "win.show-page::comparison", "<Alt>1");
  set_accels (app, "win.show-page::training", "<Alt>2");
  set_accels (app, "win.show-page::art", "<Alt>3");

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
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
