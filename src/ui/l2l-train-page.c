/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "l2l-file-dialog.h"
#include "l2l-train-page.h"

struct _L2lTrainPage {
  L2lPage          parent_instance;

  L2lChartView    *view;
  GtkWidget       *art_box;          /* shown while an art task trains */
  GtkPicture      *content;
  GtkPicture      *art;
  GtkLabel        *art_label;
  L2lChart        *chart;
  L2lChartSeries  *meta_series;      /* this run's; NULL until its first epoch */
  L2lChartSeries  *eval_series;
  L2lJob          *last;             /* finished, for saving */
  guint            count;            /* runs started */
};

G_DEFINE_FINAL_TYPE (L2lTrainPage, l2l_train_page, L2L_TYPE_PAGE)

enum {
  SIGNAL_OPTIMIZER_TRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
l2l_train_page_check (L2lPage  *page,
                      GError  **error)
{
  g_autofree char *spec = NULL;
  L2lTrainConfig config;

  return l2l_experiment_panel_build_train (l2l_page_get_panel (page), &config, &spec, error);
}

/* The run's curves appear with its first epoch, so that a run that fails
 * before it leaves the last curves as they were. */
static void
show_new_run (L2lTrainPage *self,
              L2lJob       *job)
{
  const L2lTrainConfig *config = l2l_job_get_train_config (job);
  g_autofree char *what = g_strdup_printf (_("%s, T %u, K %u"),
                                           l2l_rule_arch_get_name (config->rule.arch),
                                           config->steps, config->unroll);

  l2l_page_begin_run (L2L_PAGE (self), l2l_job_get_task_spec (job), what);
  self->meta_series = l2l_chart_add_series (self->chart, _("meta-loss"), 0, FALSE);
  self->eval_series = l2l_chart_add_series (self->chart, _("held-out loss"), 1, FALSE);
}

static void
on_epoch (L2lJob       *job,
          guint         epoch,
          double        meta_loss,
          double        eval_loss,
          L2lTrainPage *self)
{
  if (self->meta_series == NULL)
    show_new_run (self, job);
  if (!isnan (meta_loss))
    l2l_chart_series_append (self->meta_series, epoch, meta_loss, NAN, NAN);
  if (!isnan (eval_loss))
    l2l_chart_series_append (self->eval_series, epoch, eval_loss, NAN, NAN);
  l2l_chart_view_changed (self->view);
}

/* An art task: the held-out photo its evaluations style. */
static void
on_art_inputs (L2lJob       *job,
               L2lTrainPage *self)
{
  const float *content, *style;
  guint side = l2l_job_get_art_inputs (job, &content, &style);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *rgb = g_malloc ((gsize) 3 * side * side);

  l2l_image_to_rgb8 (content, side, side, rgb, (gsize) 3 * side);
  /* the texture takes a reference of its own */
  bytes = g_bytes_new_take (rgb, (gsize) 3 * side * side);
  texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes,
                                    (gsize) 3 * side);
  gtk_picture_set_paintable (self->content, GDK_PAINTABLE (texture));
  gtk_picture_set_paintable (self->art, NULL);
  gtk_label_set_text (self->art_label, _("As styled by φ"));
  gtk_widget_set_visible (self->art_box, TRUE);
}

static void
on_preview (L2lJob       *job,
            guint         epoch,
            double        eval_loss,
            GBytes       *rgb,
            L2lTrainPage *self)
{
  const float *content, *style;
  guint side = l2l_job_get_art_inputs (job, &content, &style);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new ((int) side, (int) side,
                                                          GDK_MEMORY_R8G8B8, rgb,
                                                          (gsize) 3 * side);
  g_autofree char *label = g_strdup_printf (_("As styled by φ at epoch %u"), epoch);

  gtk_picture_set_paintable (self->art, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->art_label, label);
}

static L2lJob *
l2l_train_page_create_job (L2lPage  *page,
                           GError  **error)
{
  L2lTrainPage *self = L2L_TRAIN_PAGE (page);
  g_autofree char *spec = NULL;
  L2lTrainConfig config;
  L2lJob *job;

  if (!l2l_experiment_panel_build_train (l2l_page_get_panel (page), &config, &spec, error))
    return NULL;
  if (l2l_page_get_threads (page) > 0)
    config.threads = l2l_page_get_threads (page);
  self->count++;
  self->meta_series = self->eval_series = NULL;
  if (!g_str_has_prefix (spec, "art:"))
    gtk_widget_set_visible (self->art_box, FALSE);
  job = l2l_job_new_train (&config, spec);
  g_signal_connect (job, "train-epoch", G_CALLBACK (on_epoch), self);
  g_signal_connect (job, "art-inputs", G_CALLBACK (on_art_inputs), self);
  g_signal_connect (job, "train-preview", G_CALLBACK (on_preview), self);
  return job;
}

static char *
l2l_train_page_finished (L2lPage      *page,
                         L2lJob       *job,
                         const GError *error,
                         double        seconds)
{
  L2lTrainPage *self = L2L_TRAIN_PAGE (page);
  gboolean stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  L2lTrainer *trainer = l2l_job_get_trainer (job);
  g_autoptr(L2lRule) best = NULL;
  g_autofree char *label = NULL;

  g_signal_handlers_disconnect_by_data (job, self);
  if (trainer == NULL || (error != NULL && !stopped) || l2l_trainer_get_epoch (trainer) == 0)
    return g_strdup (stopped ? _("Stopped") : _("Failed; the curves shown are those of the last run"));

  best = l2l_rule_copy (l2l_trainer_get_best (trainer));
  label = g_strdup_printf ("%s:trained-%u", l2l_rule_arch_get_name (best->config.arch),
                           self->count);
  /* what it cost, for the comparisons it joins */
  best->train_seconds = l2l_trainer_get_elapsed (trainer, NULL);
  best->train_functions = (guint64) l2l_trainer_get_epoch (trainer) *
                          l2l_trainer_get_config (trainer)->batch;
  g_signal_emit (self, signals[SIGNAL_OPTIMIZER_TRAINED], 0, label, best);
  g_set_object (&self->last, job);
  l2l_page_set_action_enabled (page, "save-optimizer", TRUE);
  l2l_page_set_action_enabled (page, "export-results", TRUE);
  return g_strdup_printf (_("%s after %u epochs in %.1f s; best held-out loss %.4g — added to the "
                            "optimizers as %s"),
                          stopped ? _("Stopped") : _("Trained"), l2l_trainer_get_epoch (trainer),
                          seconds, l2l_trainer_get_best_eval_loss (trainer), label);
}

/* Files. */

static const L2lFileType optimizer_types[] = {
  { N_("Learned optimizer"), "safetensors" },
};

static const L2lFileType curve_types[] = {
  { N_("CSV table"), "csv" },
};

static void
save_done (GtkWidget      *owner,
           const char     *path,
           GtkFileChooser *chooser)
{
  L2lTrainPage *self = L2L_TRAIN_PAGE (owner);
  g_autoptr(GError) error = NULL;

  if (!l2l_trainer_save_best (l2l_job_get_trainer (self->last), path, &error))
    l2l_page_show_error (L2L_PAGE (self), _("The optimizer could not be saved"), error->message);
  else
    l2l_page_toast_saved (L2L_PAGE (self), path);
}

static void
save_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  if (L2L_TRAIN_PAGE (widget)->last == NULL)
    return;
  l2l_file_dialog_show (l2l_file_dialog_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE,
                                             _("Save Trained Optimizer"), "optimizer.safetensors",
                                             optimizer_types, G_N_ELEMENTS (optimizer_types),
                                             save_done));
}

static void
export_curve_done (GtkWidget      *owner,
                   const char     *path,
                   GtkFileChooser *chooser)
{
  L2lTrainPage *self = L2L_TRAIN_PAGE (owner);
  g_autoptr(GError) error = NULL;
  guint n;
  const L2lTrainRecord *history = l2l_trainer_get_history (l2l_job_get_trainer (self->last), &n);
  gsize length;
  g_autofree char *csv = l2l_train_history_to_csv (history, n, &length);

  if (!l2l_file_write_atomic (path, csv, length, &error))
    l2l_page_show_error (L2L_PAGE (self), _("The training curve could not be exported"),
                         error->message);
  else
    l2l_page_toast_saved (L2L_PAGE (self), path);
}

static void
export_curve_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  if (L2L_TRAIN_PAGE (widget)->last == NULL)
    return;
  l2l_file_dialog_show (l2l_file_dialog_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE,
                                             _("Export Training Curve"), "meta-training.csv",
                                             curve_types, G_N_ELEMENTS (curve_types),
                                             export_curve_done));
}

/* GObject. */

static void
l2l_train_page_dispose (GObject *object)
{
  g_clear_object (&L2L_TRAIN_PAGE (object)->last);
  G_OBJECT_CLASS (l2l_train_page_parent_class)->dispose (object);
}

static void
l2l_train_page_finalize (GObject *object)
{
  l2l_chart_free (L2L_TRAIN_PAGE (object)->chart);
  G_OBJECT_CLASS (l2l_train_page_parent_class)->finalize (object);
}

static void
l2l_train_page_class_init (L2lTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  L2lPageClass *page_class = L2L_PAGE_CLASS (klass);

  object_class->dispose = l2l_train_page_dispose;
  object_class->finalize = l2l_train_page_finalize;
  page_class->check = l2l_train_page_check;
  page_class->create_job = l2l_train_page_create_job;
  page_class->finished = l2l_train_page_finished;
  gtk_widget_class_install_action (widget_class, "page.save-optimizer", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "page.export-results", NULL,
                                   export_curve_action);

  signals[SIGNAL_OPTIMIZER_TRAINED] = g_signal_new ("optimizer-trained", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkPicture *
picture (void)
{
  GtkWidget *widget = gtk_picture_new ();

  gtk_widget_set_size_request (widget, 180, 180);
  return GTK_PICTURE (widget);
}

static void
l2l_train_page_init (L2lTrainPage *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0), *scroller;

  self->chart = l2l_chart_new (_("Meta-training"), _("epoch"), _("loss"), TRUE);
  self->view = L2L_CHART_VIEW (l2l_chart_view_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->view), TRUE);
  l2l_chart_view_set_chart (self->view, self->chart);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->view));

  self->art_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->art_box, 12);
  gtk_widget_set_margin_end (self->art_box, 12);
  gtk_widget_set_margin_top (self->art_box, 12);
  gtk_widget_set_tooltip_text (self->art_box, _("How the optimizer being trained styles a held-out "
                                                "photo, at each evaluation"));
  self->content = picture ();
  self->art = picture ();
  self->art_label = GTK_LABEL (heading (_("As styled by φ")));
  gtk_box_append (GTK_BOX (self->art_box), heading (_("Held-out photo")));
  gtk_box_append (GTK_BOX (self->art_box), GTK_WIDGET (self->content));
  gtk_box_append (GTK_BOX (self->art_box), GTK_WIDGET (self->art_label));
  gtk_box_append (GTK_BOX (self->art_box), GTK_WIDGET (self->art));
  gtk_widget_set_visible (self->art_box, FALSE);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->art_box);
  g_object_bind_property (self->art_box, "visible", scroller, "visible", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (content), scroller);
  l2l_page_set_content (L2L_PAGE (self), content);
  l2l_page_set_empty_state (L2L_PAGE (self), "system-run-symbolic", _("No Meta-Training Yet"),
                            _("Set the horizon, the unroll and the recipe in the sidebar, then "
                              "press Run: the meta-loss and the held-out loss appear here each "
                              "epoch, and the trained optimizer joins the others"));
  l2l_page_set_chart (L2L_PAGE (self), self->chart, self->view, "meta-training.png");

  l2l_experiment_panel_set_mode (l2l_page_get_panel (L2L_PAGE (self)), L2L_PANEL_TRAIN);
  l2l_page_update (L2L_PAGE (self));
}

L2lTrainPage *
l2l_train_page_new (void)
{
  return g_object_new (L2L_TYPE_TRAIN_PAGE, NULL);
}

L2lChart *
l2l_train_page_get_chart (L2lTrainPage *self)
{
  return self->chart;
}

GdkPaintable *
l2l_train_page_get_art (L2lTrainPage *self)
{
  return gtk_widget_get_visible (self->art_box) ? gtk_picture_get_paintable (self->art) : NULL;
}
