/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-page-private.h"

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (L2lPage, l2l_page, GTK_TYPE_WIDGET)

L2lPagePrivate *
_l2l_page_get_private (L2lPage *self)
{
  return l2l_page_get_instance_private (self);
}

enum {
  SIGNAL_ACTIONS_CHANGED,
  SIGNAL_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_l2l_page_emit_toast (L2lPage    *self,
                      const char *title,
                      const char *path)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, title, path);
}

enum {
  PROP_0,
  PROP_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
l2l_page_set_action_enabled (L2lPage    *self,
                             const char *action,
                             gboolean    enabled)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  if (l2l_page_get_action_enabled (self, action) == enabled)
    return;
  g_hash_table_insert (priv->enabled, g_strdup (action), GINT_TO_POINTER (enabled));
  g_signal_emit (self, signals[SIGNAL_ACTIONS_CHANGED], 0);
}

gboolean
l2l_page_get_action_enabled (L2lPage    *self,
                             const char *action)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return GPOINTER_TO_INT (g_hash_table_lookup (priv->enabled, action));
}

void
l2l_page_update (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  gboolean valid = L2L_PAGE_GET_CLASS (self)->check (self, &error);

  g_clear_pointer (&priv->run_blocker, g_free);
  if (!valid)
    priv->run_blocker = g_strdup (error->message);
  else if (priv->job != NULL)
    priv->run_blocker = g_strdup (_("An experiment is running on this page"));
  l2l_experiment_panel_show_error (priv->panel, valid ? NULL : error->message);
  l2l_page_set_action_enabled (self, "run", priv->run_blocker == NULL);
  l2l_page_set_action_enabled (self, "stop", priv->job != NULL);
  g_signal_emit (self, signals[SIGNAL_ACTIONS_CHANGED], 0);
}

const char *
l2l_page_get_run_blocker (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->run_blocker;
}

/* Status and progress. */

static char *
format_duration (double seconds)
{
  guint s = (guint) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

/* "Tuning sgd · 0:31 elapsed · about 2:10 left": the estimate assumes the rest
 * goes as fast as what is done, and is left out until there is enough done. */
static void
show_progress (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  double elapsed = (g_get_monotonic_time () - priv->started) / 1e6;
  g_autofree char *spent = format_duration (elapsed), *text = NULL;

  if (priv->fraction >= 0.02 && priv->fraction < 1.0)
    {
      g_autofree char *left = format_duration (elapsed * (1.0 - priv->fraction) / priv->fraction);
      text = g_strdup_printf (_("%s · %s elapsed · about %s left"),
                              priv->phase_text ? priv->phase_text : _("Running"), spent, left);
    }
  else
    text = g_strdup_printf (_("%s · %s elapsed"),
                            priv->phase_text ? priv->phase_text : _("Running"), spent);
  gtk_label_set_text (priv->status_label, text);
}

static gboolean
on_clock (gpointer user_data)
{
  show_progress (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (L2lJob  *job,
             double   fraction,
             guint    phase,
             guint    index,
             L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  g_free (priv->phase_text);
  if (phase == L2L_JOB_PHASE_TRAINING)
    priv->phase_text = g_strdup_printf (_("Epoch %u"), index);
  else
    priv->phase_text = g_strdup_printf (phase == L2L_JOB_PHASE_TUNING ? _("Tuning %s")
                                                                      : _("Running %s"),
                                        l2l_job_get_compare_config (job)->optimizers[index].label);
  priv->fraction = fraction;
  gtk_progress_bar_set_fraction (priv->progress_bar, fraction);
  if (!priv->stopping)
    show_progress (self);
}

void
l2l_page_show_error (L2lPage    *self,
                     const char *title,
                     const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              title, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_finished (L2lJob  *job,
             GError  *error,
             L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  double seconds = (g_get_monotonic_time () - priv->started) / 1e6;
  gboolean stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_autofree char *status = NULL;
  GCallback done = priv->stopped;

  if (error != NULL && !stopped)
    {
      /* a missing data set comes with how to get it */
      const char *hint = l2l_error_get_hint (error);
      g_autofree char *message = hint ? g_strdup_printf (_("%s.\n\nTo get it: %s."),
                                                         error->message, hint)
                                      : g_strdup (error->message);
      l2l_page_show_error (self, _("The experiment failed"), message);
    }
  status = L2L_PAGE_GET_CLASS (self)->finished (self, job, error, seconds);
  if (priv->current_run != 0)
    {
      g_autofree char *outcome = stopped ? g_strdup_printf (_("stopped after %.1f s"), seconds)
                                 : error ? g_strdup (_("failed"))
                                         : g_strdup_printf ("%.1f s", seconds);
      l2l_run_list_set_outcome (priv->run_list, priv->current_run, outcome);
      l2l_run_list_set_removable (priv->run_list, priv->current_run, TRUE);
      priv->current_run = 0;
    }
  priv->max_dispatch_us = MAX (priv->max_dispatch_us, l2l_job_get_max_dispatch_us (job));
  g_clear_handle_id (&priv->clock, g_source_remove);
  gtk_label_set_text (priv->status_label, status);
  gtk_progress_bar_set_fraction (priv->progress_bar, error == NULL ? 1.0 : 0.0);
  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&priv->job);
  l2l_page_update (self);
  /* a close asked for while the job ran goes ahead now */
  priv->stopped = NULL;
  if (done != NULL)
    ((void (*) (gpointer)) done) (priv->stopped_data);
}

gboolean
l2l_page_run (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  L2lJob *job;

  if (priv->job != NULL)
    return FALSE;
  l2l_page_save_settings (self);
  job = L2L_PAGE_GET_CLASS (self)->create_job (self, &error);
  if (job == NULL)
    {
      l2l_page_show_error (self, _("The experiment cannot start"), error->message);
      return FALSE;
    }
  priv->job = job;
  priv->started = g_get_monotonic_time ();
  priv->fraction = 0.0;
  priv->stopping = FALSE;
  g_clear_pointer (&priv->phase_text, g_free);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), self);
  gtk_progress_bar_set_fraction (priv->progress_bar, 0.0);
  show_progress (self);
  priv->clock = g_timeout_add_seconds (1, on_clock, self);
  l2l_job_start (job);
  l2l_page_update (self);
  return TRUE;
}

void
l2l_page_stop (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  if (priv->job == NULL)
    return;
  l2l_job_stop (priv->job);
  priv->stopping = TRUE;
  g_clear_handle_id (&priv->clock, g_source_remove);
  gtk_label_set_text (priv->status_label, _("Stopping…"));
}

void
l2l_page_stop_then (L2lPage   *self,
                    GCallback  done,
                    gpointer   user_data)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  if (priv->job == NULL)
    {
      ((void (*) (gpointer)) done) (user_data);
      return;
    }
  priv->stopped = done;
  priv->stopped_data = user_data;
  l2l_page_stop (self);
}

gboolean
l2l_page_is_running (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->job != NULL;
}

const char *
l2l_page_get_status (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return gtk_label_get_text (priv->status_label);
}

void
l2l_page_set_status (L2lPage    *self,
                     const char *status)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  gtk_label_set_text (priv->status_label, status);
}

gint64
l2l_page_get_max_dispatch_us (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->max_dispatch_us;
}

void
l2l_page_set_threads (L2lPage *self,
                      guint    threads)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  if (priv->threads == threads)
    return;
  priv->threads = threads;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THREADS]);
}

guint
l2l_page_get_threads (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->threads;
}

/* Layout. */

void
l2l_page_set_content (L2lPage   *self,
                      GtkWidget *content)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_set_hexpand (content, TRUE);
  gtk_widget_set_vexpand (content, TRUE);
  priv->content_stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (priv->content_stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_add_named (priv->content_stack, content, "content");
  gtk_box_append (GTK_BOX (box), priv->toolbar);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (priv->content_stack));
  adw_flap_set_content (priv->flap, box);
  priv->content = content;
}

/* Shows a status page instead of the content until the first run's first
 * point, and again when every run has been removed. */
void
l2l_page_set_empty_state (L2lPage    *self,
                          const char *icon_name,
                          const char *title,
                          const char *description)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  GtkWidget *empty = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), icon_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (empty), description);
  gtk_stack_add_named (priv->content_stack, empty, "empty");
  gtk_stack_set_visible_child_name (priv->content_stack, "empty");
}

gboolean
l2l_page_is_empty (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return g_strcmp0 (gtk_stack_get_visible_child_name (priv->content_stack), "empty") == 0;
}

void
l2l_page_set_chart (L2lPage      *self,
                    L2lChart     *chart,
                    L2lChartView *view,
                    const char   *name)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  priv->chart = chart;
  priv->view = view;
  l2l_chart_set_empty_text (chart, _("No data yet"));
  g_free (priv->chart_name);
  priv->chart_name = g_strdup (name);
  l2l_page_set_action_enabled (self, "export-chart", TRUE);
  l2l_page_set_action_enabled (self, "clear-runs", TRUE);
}

L2lChart *
l2l_page_get_chart (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->chart;
}

gint64
l2l_page_get_max_render_us (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->view ? l2l_chart_view_get_max_render_us (priv->view) : 0;
}

L2lExperimentPanel *
l2l_page_get_panel (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->panel;
}

AdwFlap *
l2l_page_get_flap (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->flap;
}

void
l2l_page_set_settings (L2lPage   *self,
                       GSettings *settings)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  g_set_object (&priv->settings, settings);
  l2l_experiment_panel_load_settings (priv->panel, settings);
}

GSettings *
l2l_page_get_settings (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  return priv->settings;
}

void
l2l_page_save_settings (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);

  l2l_experiment_panel_save_settings (priv->panel, priv->settings);
}

/* GObject. */

static void
l2l_page_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_THREADS:
      g_value_set_uint (value, l2l_page_get_threads (L2L_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
l2l_page_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_THREADS:
      l2l_page_set_threads (L2L_PAGE (object), g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
l2l_page_dispose (GObject *object)
{
  L2lPage *self = L2L_PAGE (object);
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  GtkWidget *child;

  /* Destroyed mid-run: the job ends on its own (its worker holds a
   * reference) and tells nobody. */
  if (priv->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->job, self);
      l2l_job_stop (priv->job);
      g_clear_object (&priv->job);
    }
  g_clear_handle_id (&priv->clock, g_source_remove);
  g_clear_object (&priv->export_job);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (l2l_page_parent_class)->dispose (object);
}

static void
l2l_page_finalize (GObject *object)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (L2L_PAGE (object));

  g_clear_object (&priv->settings);
  g_hash_table_unref (priv->enabled);
  g_hash_table_unref (priv->run_tasks);
  g_free (priv->run_blocker);
  g_free (priv->phase_text);
  g_free (priv->chart_name);
  G_OBJECT_CLASS (l2l_page_parent_class)->finalize (object);
}

static void
l2l_page_class_init (L2lPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = l2l_page_dispose;
  object_class->finalize = l2l_page_finalize;
  object_class->get_property = l2l_page_get_property;
  object_class->set_property = l2l_page_set_property;
  /* engine threads for the page's jobs; 0: the engine's default */
  properties[PROP_THREADS] = g_param_spec_uint ("threads", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "page.export-chart", NULL,
                                   _l2l_page_export_chart_action);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "page.clear-runs", NULL,
                                   _l2l_page_clear_runs_action);

  signals[SIGNAL_ACTIONS_CHANGED] = g_signal_new ("actions-changed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 0);
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_STRING);
}

/* The sidebar scrolls, never sideways, is at most 380 px wide, and folds
 * away (over the content, on the header bar's toggle) when the window is too
 * narrow for both. */
static void
l2l_page_init (L2lPage *self)
{
  L2lPagePrivate *priv = l2l_page_get_instance_private (self);
  GtkWidget *scroller, *clamp, *bar;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  priv->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->run_tasks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  priv->toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (priv->toolbar, "page-toolbar");
  priv->run_list = L2L_RUN_LIST (l2l_run_list_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (priv->run_list), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (priv->run_list), GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (priv->toolbar), GTK_WIDGET (priv->run_list));
  g_signal_connect (priv->run_list, "run-shown", G_CALLBACK (_l2l_page_on_run_shown), self);
  g_signal_connect (priv->run_list, "run-removed", G_CALLBACK (_l2l_page_on_run_removed), self);

  priv->flap = ADW_FLAP (adw_flap_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (priv->flap), TRUE);
  adw_flap_set_fold_threshold_policy (priv->flap, ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
  priv->panel = L2L_EXPERIMENT_PANEL (l2l_experiment_panel_new ());
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 380);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 380);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (priv->panel));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  /* the rows expand; the sidebar does not take the chart's room */
  gtk_widget_set_hexpand (scroller, FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_widget_add_css_class (scroller, "sidebar-pane");
  adw_flap_set_flap (priv->flap, scroller);
  adw_flap_set_separator (priv->flap, gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_widget_set_parent (GTK_WIDGET (priv->flap), GTK_WIDGET (self));

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (bar, "status-bar");
  priv->status_label = GTK_LABEL (gtk_label_new (_("Ready")));
  gtk_label_set_xalign (priv->status_label, 0);
  gtk_label_set_ellipsize (priv->status_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (priv->status_label), TRUE);
  priv->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (priv->progress_bar), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (priv->progress_bar), 160, -1);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (priv->status_label));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (priv->progress_bar));
  gtk_widget_set_parent (bar, GTK_WIDGET (self));

  g_signal_connect_swapped (priv->panel, "changed", G_CALLBACK (l2l_page_update), self);
}
