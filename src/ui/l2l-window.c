/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-file-dialog.h"
#include "l2l-resources.h"
#include "l2l-window.h"

struct _L2lWindow {
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  GtkToggleButton      *sidebar_button;
  GtkWidget            *run_button;
  L2lComparePage       *compare_page;
  L2lTrainPage         *train_page;
  L2lArtPage           *art_page;
  L2lLandscapePage     *landscape_page;

  GSettings            *settings;
  GBinding             *sidebar_binding;  /* the toggle and the shown page's sidebar */
  char                 *last_toast;
};

G_DEFINE_FINAL_TYPE (L2lWindow, l2l_window, ADW_TYPE_APPLICATION_WINDOW)

/* The pages, in the order of the switcher, and the names the window's
 * actions have on them. */
static const char *const page_names[] = { "comparison", "training", "art", "landscapes" };

static const struct {
  const char *window;
  const char *page;
} forwarded[] = {
  { "win.export", "export-chart" },
  { "win.export-results", "export-results" },
  { "win.export-image", "export-image" },
  { "win.save-optimizer", "save-optimizer" },
  { "win.clear-runs", "clear-runs" },
};

L2lPage *
l2l_window_get_page (L2lWindow  *self,
                     const char *name)
{
  return L2L_PAGE (adw_view_stack_get_child_by_name (self->stack, name));
}

L2lPage *
l2l_window_get_visible_page (L2lWindow *self)
{
  return L2L_PAGE (adw_view_stack_get_visible_child (self->stack));
}

/* The header bar acts on the page shown: its Run, Stop and exports. */
static void
update_actions (L2lWindow *self)
{
  L2lPage *page = l2l_window_get_visible_page (self);
  const char *blocker = l2l_page_get_run_blocker (page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run",
                                 l2l_page_get_action_enabled (page, "run"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop",
                                 l2l_page_get_action_enabled (page, "stop"));
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), forwarded[i].window,
                                   l2l_page_get_action_enabled (page, forwarded[i].page));
  /* the reason Run is disabled, where the pointer is */
  gtk_widget_set_tooltip_text (self->run_button,
                               blocker ? blocker
                                       : _("Run the experiment of the page shown (Ctrl+Return)"));
}

static void
on_page_shown (L2lWindow *self)
{
  L2lPage *page = l2l_window_get_visible_page (self);

  g_clear_pointer (&self->sidebar_binding, g_binding_unbind);
  self->sidebar_binding = g_object_bind_property (l2l_page_get_flap (page), "reveal-flap",
                                                  self->sidebar_button, "active",
                                                  G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update_actions (self);
}

static void
forward_action (GtkWidget  *widget,
                const char *action,
                GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    if (g_str_equal (forwarded[i].window, action))
      {
        g_autofree char *name = g_strconcat ("page.", forwarded[i].page, NULL);
        gtk_widget_activate_action (GTK_WIDGET (l2l_window_get_visible_page (self)), name, NULL);
      }
}

static void
run_action (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  l2l_page_run (l2l_window_get_visible_page (L2L_WINDOW (widget)));
}

static void
stop_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  l2l_page_stop (l2l_window_get_visible_page (L2L_WINDOW (widget)));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *parameter)
{
  l2l_window_show_page (L2L_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action,
                       GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

/* Learned optimizers: one list for the pages that compare. */

static void
add_learned (L2lWindow  *self,
             const char *label,
             L2lRule    *net)
{
  l2l_experiment_panel_add_learned (l2l_page_get_panel (L2L_PAGE (self->compare_page)), label, net);
  l2l_experiment_panel_add_learned (l2l_page_get_panel (L2L_PAGE (self->art_page)), label, net);
  l2l_experiment_panel_add_learned (l2l_page_get_panel (L2L_PAGE (self->landscape_page)), label,
                                    net);
}

static void
on_optimizer_trained (L2lTrainPage *page,
                      const char   *label,
                      L2lRule      *net,
                      L2lWindow    *self)
{
  add_learned (self, label, net);
}

static const L2lFileType optimizer_types[] = {
  { N_("Learned optimizer"), "safetensors" },
};

static void
load_done (GtkWidget      *owner,
           const char     *path,
           GtkFileChooser *chooser)
{
  L2lWindow *self = L2L_WINDOW (owner);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) net = l2l_checkpoint_load (path, &error);
  g_autofree char *label = NULL, *title = NULL;

  if (net == NULL)
    {
      l2l_page_show_error (l2l_window_get_visible_page (self),
                           _("The optimizer could not be loaded"), error->message);
      return;
    }
  label = l2l_rule_spec_label (net, path);
  add_learned (self, label, net);
  title = g_strdup_printf (_("Loaded %s"), label);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
load_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  l2l_file_dialog_show (l2l_file_dialog_new (widget, GTK_FILE_CHOOSER_ACTION_OPEN,
                                             _("Load Learned Optimizer"), NULL, optimizer_types,
                                             G_N_ELEMENTS (optimizer_types), load_done));
}

/* Toasts. */

static void
open_file_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    l2l_page_show_error (l2l_window_get_visible_page (L2L_WINDOW (widget)),
                         _("The file could not be opened"), error->message);
}

static void
on_toast (L2lPage    *page,
          const char *title,
          const char *path,
          L2lWindow  *self)
{
  AdwToast *toast = adw_toast_new (title);

  if (path != NULL)
    {
      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_action_name (toast, "win.open-file");
      adw_toast_set_action_target_value (toast, g_variant_new_string (path));
    }
  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Window. */

static void
on_page_stopped (gpointer user_data)
{
  L2lWindow *self = user_data;

  if (!l2l_window_is_running (self))
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
l2l_window_close_request (GtkWindow *window)
{
  L2lWindow *self = L2L_WINDOW (window);

  if (l2l_window_is_running (self))
    {
      /* stop the engine; the window closes when the last job has ended (each
       * request stops what runs now, a job started since included) */
      for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
        if (l2l_page_is_running (l2l_window_get_page (self, page_names[i])))
          l2l_page_stop_then (l2l_window_get_page (self, page_names[i]),
                              G_CALLBACK (on_page_stopped), self);
      return TRUE;
    }
  if (self->settings != NULL)
    {
      int width, height;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    l2l_page_save_settings (l2l_window_get_page (self, page_names[i]));
  return GTK_WINDOW_CLASS (l2l_window_parent_class)->close_request (window);
}

static void
l2l_window_dispose (GObject *object)
{
  L2lWindow *self = L2L_WINDOW (object);

  g_clear_pointer (&self->sidebar_binding, g_binding_unbind);
  gtk_widget_dispose_template (GTK_WIDGET (object), L2L_TYPE_WINDOW);
  G_OBJECT_CLASS (l2l_window_parent_class)->dispose (object);
}

static void
l2l_window_finalize (GObject *object)
{
  L2lWindow *self = L2L_WINDOW (object);

  g_clear_object (&self->settings);
  g_free (self->last_toast);
  G_OBJECT_CLASS (l2l_window_parent_class)->finalize (object);
}

static void
l2l_window_class_init (L2lWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = l2l_window_dispose;
  object_class->finalize = l2l_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = l2l_window_close_request;

  /* Referencing the bundle links it in, and its constructor registers it. */
  g_assert (l2l_get_resource () != NULL);
  g_type_ensure (L2L_TYPE_COMPARE_PAGE);
  g_type_ensure (L2L_TYPE_TRAIN_PAGE);
  g_type_ensure (L2L_TYPE_ART_PAGE);
  g_type_ensure (L2L_TYPE_LANDSCAPE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/l2lworkbench/Workbench/ui/l2l-window.ui");
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, compare_page);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, train_page);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, art_page);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, landscape_page);

  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    gtk_widget_class_install_action (widget_class, forwarded[i].window, NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.load-optimizer", NULL, load_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_action);
}

static void
l2l_window_init (L2lWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      L2lPage *page = l2l_window_get_page (self, page_names[i]);
      g_signal_connect_swapped (page, "actions-changed", G_CALLBACK (update_actions), self);
      g_signal_connect (page, "toast", G_CALLBACK (on_toast), self);
    }
  g_signal_connect (self->train_page, "optimizer-trained", G_CALLBACK (on_optimizer_trained), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (on_page_shown), self);
  on_page_shown (self);
}

L2lWindow *
l2l_window_new (GtkApplication *application,
                GSettings      *settings)
{
  L2lWindow *self = g_object_new (L2L_TYPE_WINDOW, "application", application, NULL);

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
        {
          g_autoptr(GSettings) child = g_settings_get_child (settings, page_names[i]);
          L2lPage *page = l2l_window_get_page (self, page_names[i]);

          l2l_page_set_settings (page, child);
          g_settings_bind (settings, "threads", page, "threads", G_SETTINGS_BIND_GET);
        }
      l2l_compare_page_set_app_settings (self->compare_page, settings);
    }
  return self;
}

L2lComparePage *
l2l_window_get_compare_page (L2lWindow *self)
{
  return self->compare_page;
}

L2lTrainPage *
l2l_window_get_train_page (L2lWindow *self)
{
  return self->train_page;
}

L2lArtPage *
l2l_window_get_art_page (L2lWindow *self)
{
  return self->art_page;
}

L2lLandscapePage *
l2l_window_get_landscape_page (L2lWindow *self)
{
  return self->landscape_page;
}

void
l2l_window_show_page (L2lWindow  *self,
                      const char *name)
{
  adw_view_stack_set_visible_child_name (self->stack, name);
}

gboolean
l2l_window_is_running (L2lWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (l2l_page_is_running (l2l_window_get_page (self, page_names[i])))
      return TRUE;
  return FALSE;
}

const char *
l2l_window_get_last_toast (L2lWindow *self)
{
  return self->last_toast;
}

void
l2l_window_get_frame_costs (L2lWindow *self,
                            gint64    *dispatch_us,
                            gint64    *render_us)
{
  *dispatch_us = *render_us = 0;
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      L2lPage *page = l2l_window_get_page (self, page_names[i]);
      *dispatch_us = MAX (*dispatch_us, l2l_page_get_max_dispatch_us (page));
      *render_us = MAX (*render_us, l2l_page_get_max_render_us (page));
    }
}
