/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "l2l-art-view.h"
#include "l2l-chart-export.h"
#include "l2l-chart-results.h"
#include "l2l-chart-view.h"
#include "l2l-job.h"
#include "l2l-resources.h"
#include "l2l-window.h"

struct _L2lWindow {
  GtkApplicationWindow  parent_instance;

  L2lExperimentPanel   *panel;
  GtkStack             *results_stack;
  L2lChartView         *comparison_view;
  GtkWidget            *results_scroller;
  GtkDropDown          *x_axis_dropdown;
  GtkLabel             *results_label;       /* the finished comparison's table */
  L2lChartView         *training_view;
  L2lArtView           *art_view;
  GtkWidget            *training_art_box;    /* shown while an art task trains */
  GtkPicture           *training_content;
  GtkPicture           *training_art;
  GtkLabel             *training_art_label;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;

  GSettings            *settings;
  L2lChart             *comparison_chart;
  L2lChart             *training_chart;
  L2lChart             *art_chart;
  GPtrArray            *compare_series;      /* this run's series, per optimizer */
  L2lChartView         *compare_view;        /* where they are drawn */
  L2lChartSeries       *meta_series;
  L2lChartSeries       *eval_series;
  L2lJob               *job;                 /* running */
  gboolean              close_when_finished;
  L2lJob               *last_compare;        /* finished, for exports */
  L2lJob               *last_training;       /* finished, for saving */
  L2lJob               *last_art;            /* finished, for its images */
  guint                 compare_count;
  guint                 training_count;
  gint64                started;
  gint64                max_dispatch_us;
};

G_DEFINE_FINAL_TYPE (L2lWindow, l2l_window, GTK_TYPE_APPLICATION_WINDOW)

static gboolean
showing_training (L2lWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->results_stack), "training") == 0;
}

static gboolean
showing_art (L2lWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->results_stack), "art") == 0;
}

static void
show_error_dialog (L2lWindow  *self,
                   const char *title,
                   const char *message)
{
  GtkWidget *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Checks the page's experiment and sets which actions are possible. */
static void
update_actions (L2lWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  gboolean running = self->job != NULL, valid;

  if (showing_training (self))
    {
      L2lTrainConfig config;
      valid = l2l_experiment_panel_build_train (self->panel, &config, &spec, &error);
    }
  else
    {
      L2lCompareConfig config;
      valid = l2l_experiment_panel_build_compare (self->panel, &config, &spec, &error);
      l2l_compare_config_clear (&config);
      if (valid && showing_art (self) && !g_str_has_prefix (spec, "art:"))
        {
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The Neural art page styles images: choose the art task"));
          valid = FALSE;
        }
    }
  if (showing_art (self) && g_str_has_prefix (spec ? spec : "", "art:"))
    {
      g_autofree char *content = l2l_experiment_panel_get_task_option (self->panel, "content");
      g_autofree char *style = l2l_experiment_panel_get_task_option (self->panel, "style");
      l2l_art_view_show_choice (self->art_view, content, style);
    }
  l2l_experiment_panel_show_error (self->panel, valid ? NULL : error->message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", valid && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-optimizer",
                                 self->last_training != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-results",
                                 showing_training (self) ? self->last_training != NULL
                                 : showing_art (self) ? self->last_art != NULL
                                                      : self->last_compare != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-image", self->last_art != NULL);
}

/* A comparison. */

static void
on_compare_point (L2lJob    *job,
                  guint      optimizer,
                  guint      step,
                  double     mean,
                  double     q25,
                  double     q75,
                  double     seconds,
                  L2lWindow *self)
{
  L2lChartSeries *series = self->compare_series->pdata[optimizer];

  if (step < series->x->len)
    {
      /* a later chunk of runs refines a step already shown */
      g_array_index (series->time, double, step) = seconds;
      g_array_index (series->y, double, step) = mean;
      g_array_index (series->lo, double, step) = q25;
      g_array_index (series->hi, double, step) = q75;
    }
  else
    l2l_chart_series_append_timed (series, step, seconds, mean, q25, q75);
  l2l_chart_view_changed (self->compare_view);
}

static void
on_art_inputs (L2lJob    *job,
               L2lWindow *self)
{
  const float *content, *style;
  guint side = l2l_job_get_art_inputs (job, &content, &style);
  g_autoptr(GdkTexture) texture = NULL;
  guint8 *rgb;

  if (l2l_job_get_compare_config (job)->n_optimizers > 0)
    {
      l2l_art_view_set_inputs (self->art_view, side, content, style);
      return;
    }
  /* meta-training: the held-out photo its evaluations style */
  rgb = g_malloc ((gsize) 3 * side * side);
  l2l_image_to_rgb8 (content, side, side, rgb, (gsize) 3 * side);
  texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8,
                                    g_bytes_new_take (rgb, (gsize) 3 * side * side),
                                    (gsize) 3 * side);
  gtk_picture_set_paintable (self->training_content, GDK_PAINTABLE (texture));
  gtk_picture_set_paintable (self->training_art, NULL);
  gtk_widget_set_visible (self->training_art_box, TRUE);
}

static void
on_train_preview (L2lJob    *job,
                  guint      epoch,
                  double     eval_loss,
                  GBytes    *rgb,
                  L2lWindow *self)
{
  const float *content, *style;
  guint side = l2l_job_get_art_inputs (job, &content, &style);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new ((int) side, (int) side,
                                                          GDK_MEMORY_R8G8B8, rgb,
                                                          (gsize) 3 * side);
  g_autofree char *label = g_strdup_printf (_("As styled by φ at epoch %u"), epoch);

  gtk_picture_set_paintable (self->training_art, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->training_art_label, label);
}

static void
on_compare_preview (L2lJob    *job,
                    guint      optimizer,
                    guint      step,
                    double     loss,
                    GBytes    *rgb,
                    L2lWindow *self)
{
  const float *content, *style;

  l2l_art_view_update (self->art_view, optimizer, step, loss, rgb,
                       l2l_job_get_art_inputs (job, &content, &style));
}

static void
on_train_epoch (L2lJob    *job,
                guint      epoch,
                double     meta_loss,
                double     eval_loss,
                L2lWindow *self)
{
  if (!isnan (meta_loss))
    l2l_chart_series_append (self->meta_series, epoch, meta_loss, NAN, NAN);
  if (!isnan (eval_loss))
    l2l_chart_series_append (self->eval_series, epoch, eval_loss, NAN, NAN);
  l2l_chart_view_changed (self->training_view);
}

static void
on_progress (L2lJob    *job,
             double     fraction,
             guint      phase,
             guint      index,
             L2lWindow *self)
{
  g_autofree char *text = NULL;

  if (phase == L2L_JOB_PHASE_TRAINING)
    text = g_strdup_printf (_("Epoch %u"), index);
  else
    {
      const L2lCompareConfig *config = l2l_job_get_compare_config (job);
      text = g_strdup_printf (phase == L2L_JOB_PHASE_TUNING ? _("Tuning %s") : _("Running %s"),
                              config->optimizers[index].label);
    }
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static gboolean
is_art_job (L2lJob *job)
{
  const float *content, *style;

  return l2l_job_get_art_inputs (job, &content, &style) > 0;
}

static void
on_finished (L2lJob    *job,
             GError    *error,
             L2lWindow *self)
{
  double seconds = (g_get_monotonic_time () - self->started) / 1e6;
  g_autofree char *status = NULL;
  gboolean stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  L2lTrainer *trainer = l2l_job_get_trainer (job);

  if (error != NULL && !stopped)
    {
      /* a missing data set comes with how to get it */
      const char *hint = l2l_error_get_hint (error);
      g_autofree char *message = hint ? g_strdup_printf (_("%s.\n\nTo get it: %s."),
                                                         error->message, hint)
                                      : g_strdup (error->message);
      show_error_dialog (self, _("The experiment failed"), message);
      status = g_strdup (_("Failed"));
    }
  else if (trainer != NULL)
    {
      g_autoptr(L2lRule) best = l2l_rule_copy (l2l_trainer_get_best (trainer));
      g_autofree char *label = g_strdup_printf ("%s:trained-%u",
                                                l2l_rule_arch_get_name (best->config.arch),
                                                self->training_count);

      /* what it cost, for the comparisons it joins */
      best->train_seconds = l2l_trainer_get_elapsed (trainer, NULL);
      best->train_functions = (guint64) l2l_trainer_get_epoch (trainer) *
                              l2l_trainer_get_config (trainer)->batch;

      l2l_experiment_panel_add_learned (self->panel, label, best);
      g_set_object (&self->last_training, job);
      status = g_strdup_printf (_("%s after %u epochs in %.1f s; best held-out loss %.4g — added to the optimizers as %s"),
                                stopped ? _("Stopped") : _("Trained"),
                                l2l_trainer_get_epoch (trainer), seconds,
                                l2l_trainer_get_best_eval_loss (trainer), label);
    }
  else if (!stopped && is_art_job (job))
    {
      g_set_object (&self->last_art, job);
      status = g_strdup_printf (_("Styled in %.1f s; click an image to see it large"), seconds);
    }
  else if (!stopped)
    {
      g_autofree char *table = l2l_results_to_table (l2l_job_get_compare_result (job), NULL, 0);

      g_set_object (&self->last_compare, job);
      gtk_label_set_text (self->results_label, table);
      gtk_widget_set_visible (self->results_scroller, TRUE);
      status = g_strdup_printf (_("Compared in %.1f s"), seconds);
    }
  else
    status = g_strdup (_("Stopped"));

  self->max_dispatch_us = MAX (self->max_dispatch_us, l2l_job_get_max_dispatch_us (job));
  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar, error == NULL ? 1.0 : 0.0);
  gtk_progress_bar_set_text (self->progress_bar, error == NULL ? _("Done") : _("Stopped"));
  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&self->job);
  update_actions (self);
  /* A close asked for while the job ran goes ahead now. */
  if (self->close_when_finished)
    gtk_window_close (GTK_WINDOW (self));
}

static void
start_job (L2lWindow *self,
           L2lJob    *job)
{
  self->job = job;
  self->started = g_get_monotonic_time ();
  g_signal_connect (job, "compare-point", G_CALLBACK (on_compare_point), self);
  g_signal_connect (job, "compare-preview", G_CALLBACK (on_compare_preview), self);
  g_signal_connect (job, "art-inputs", G_CALLBACK (on_art_inputs), self);
  g_signal_connect (job, "train-preview", G_CALLBACK (on_train_preview), self);
  g_signal_connect (job, "train-epoch", G_CALLBACK (on_train_epoch), self);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), self);
  gtk_label_set_text (self->status_label, _("Running…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  l2l_job_start (job);
  update_actions (self);
}

/* A comparison, or on the Neural art page one image styled by each optimizer. */
static void
run_comparison (L2lWindow *self,
                gboolean   art)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL, *spec = NULL;
  g_autofree const char **labels = NULL;
  L2lChart *chart = art ? self->art_chart : self->comparison_chart;
  L2lCompareConfig config;

  if (!l2l_experiment_panel_build_compare (self->panel, &config, &spec, &error))
    {
      l2l_compare_config_clear (&config);
      show_error_dialog (self, _("The comparison cannot start"), error->message);
      return;
    }
  if (art && self->settings != NULL)
    g_settings_set_string (self->settings, "art-task", spec);
  if (art)
    {
      /* one image; tuned rates on it alone (the same function every time
       * when it starts from the content) */
      config.runs = 1;
      config.tune.runs = 1;
      config.keep_final_theta = TRUE;
      labels = g_new0 (const char *, config.n_optimizers + 1);
      for (guint i = 0; i < config.n_optimizers; i++)
        labels[i] = config.optimizers[i].label;
      l2l_art_view_begin (self->art_view, labels, config.n_optimizers);
    }
  suffix = g_strdup_printf (_("run %u"), self->compare_count++);
  l2l_chart_fade_all (chart, suffix);
  if (!art)
    gtk_widget_set_visible (self->results_scroller, FALSE);
  g_ptr_array_set_size (self->compare_series, 0);
  for (guint i = 0; i < config.n_optimizers; i++)
    g_ptr_array_add (self->compare_series,
                     l2l_chart_add_series (chart, config.optimizers[i].label, i, !art));
  self->compare_view = art ? l2l_art_view_get_chart_view (self->art_view) : self->comparison_view;
  start_job (self, l2l_job_new_compare (&config, spec));
}

static void
run_training (L2lWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL, *spec = NULL;
  L2lTrainConfig config;

  if (!l2l_experiment_panel_build_train (self->panel, &config, &spec, &error))
    {
      show_error_dialog (self, _("Meta-training cannot start"), error->message);
      return;
    }
  self->training_count++;
  suffix = g_strdup_printf (_("run %u"), self->training_count - 1);
  l2l_chart_fade_all (self->training_chart, suffix);
  self->meta_series = l2l_chart_add_series (self->training_chart, _("meta-loss"), 0, FALSE);
  self->eval_series = l2l_chart_add_series (self->training_chart, _("held-out loss"), 1, FALSE);
  gtk_widget_set_visible (self->training_art_box, g_str_has_prefix (spec, "art:"));
  start_job (self, l2l_job_new_train (&config, spec));
}

static void
run_action (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  if (self->job != NULL)
    return;
  l2l_experiment_panel_save_settings (self->panel, self->settings);
  if (showing_training (self))
    run_training (self);
  else
    run_comparison (self, showing_art (self));
}

static void
stop_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  if (self->job != NULL)
    {
      l2l_job_stop (self->job);
      gtk_label_set_text (self->status_label, _("Stopping…"));
    }
}

static void
clear_runs_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  l2l_chart_remove_faded (self->comparison_chart);
  l2l_chart_remove_faded (self->training_chart);
  l2l_chart_remove_faded (self->art_chart);
  l2l_chart_view_changed (self->comparison_view);
  l2l_chart_view_changed (self->training_view);
  l2l_chart_view_changed (l2l_art_view_get_chart_view (self->art_view));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *parameter)
{
  l2l_window_show_page (L2L_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Files. */

typedef void (*FileDone) (L2lWindow *self, GtkFileChooser *chooser, const char *path);

static void
on_file_response (GtkNativeDialog *dialog,
                  int              response,
                  L2lWindow       *self)
{
  FileDone done = g_object_get_data (G_OBJECT (dialog), "done");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path != NULL)
        done (self, GTK_FILE_CHOOSER (dialog), path);
    }
  g_object_unref (dialog);
}

static GtkFileChooserNative *
file_dialog (L2lWindow            *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *name,
             FileDone              done)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                              NULL, NULL);

  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "done", done);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_response), self);
  return dialog;
}

static const char *const sizes[] = { "1000x650", "1600x1000", "2400x1500", "800x500", NULL };

static void
export_chart_done (L2lWindow      *self,
                   GtkFileChooser *chooser,
                   const char     *path)
{
  g_autoptr(GError) error = NULL;
  const char *size = gtk_file_chooser_get_choice (chooser, "size");
  L2lChart *chart = showing_training (self) ? self->training_chart
                    : showing_art (self) ? self->art_chart : self->comparison_chart;
  int width = 1000, height = 650;

  if (size != NULL)
    sscanf (size, "%dx%d", &width, &height);
  if (!l2l_chart_save (chart, path, width, height, &error))
    show_error_dialog (self, _("The chart could not be exported"), error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);
  const char *size_labels[] = { "1000 × 650", "1600 × 1000", "2400 × 1500", "800 × 500", NULL };
  GtkFileChooserNative *dialog =
    file_dialog (self, _("Export Chart (.png, .svg or .pdf)"), GTK_FILE_CHOOSER_ACTION_SAVE,
                 showing_training (self) ? "meta-training.png"
                 : showing_art (self) ? "neural-art-loss.png" : "comparison.png",
                 export_chart_done);

  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "size", _("Size"),
                               (const char **) sizes, size_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "size", sizes[0]);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_results_done (L2lWindow      *self,
                     GtkFileChooser *chooser,
                     const char     *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean ok;

  if (showing_training (self))
    {
      guint n;
      const L2lTrainRecord *history =
        l2l_trainer_get_history (l2l_job_get_trainer (self->last_training), &n);
      gsize length;
      g_autofree char *csv = l2l_train_history_to_csv (history, n, &length);
      ok = l2l_file_write_atomic (path, csv, length, &error);
    }
  else if (g_str_has_suffix (lower, ".json"))
    ok = l2l_results_write_json (l2l_job_get_compare_result (showing_art (self) ? self->last_art
                                                                                : self->last_compare),
                                 path, &error);
  else if (g_str_has_suffix (lower, ".csv"))
    ok = l2l_results_write_csv (l2l_job_get_compare_result (showing_art (self) ? self->last_art
                                                                               : self->last_compare),
                                path, &error);
  else
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: the name must end in .csv or .json"), path);
      ok = FALSE;
    }
  if (!ok)
    show_error_dialog (self, _("The results could not be exported"), error->message);
}

static void
export_results_action (GtkWidget  *widget,
                       const char *action,
                       GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);
  GtkFileChooserNative *dialog =
    file_dialog (self, showing_training (self) ? _("Export Training Curve (.csv)")
                                               : _("Export Results (.csv or .json)"),
                 GTK_FILE_CHOOSER_ACTION_SAVE,
                 showing_training (self) ? "meta-training.csv" : "comparison.csv",
                 export_results_done);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
l2l_window_export_styled_image (L2lWindow   *self,
                                const char  *path,
                                gboolean     triple,
                                GError     **error)
{
  const L2lCompareResult *result;
  const float *content, *style;
  guint side, optimizer;

  g_return_val_if_fail (self->last_art != NULL, FALSE);
  result = l2l_job_get_compare_result (self->last_art);
  side = l2l_job_get_art_inputs (self->last_art, &content, &style);
  optimizer = MIN (l2l_art_view_get_selected (self->art_view), result->n_entries - 1);
  if (triple)
    return l2l_image_save_triple_png (content, result->entries[optimizer].final_theta, style,
                                      side, path, error);
  return l2l_image_save_png (result->entries[optimizer].final_theta, side, side, path, error);
}

static void
export_image_done (L2lWindow      *self,
                   GtkFileChooser *chooser,
                   const char     *path)
{
  g_autoptr(GError) error = NULL;
  const char *what = gtk_file_chooser_get_choice (chooser, "what");

  if (!l2l_window_export_styled_image (self, path, g_strcmp0 (what, "triple") == 0, &error))
    show_error_dialog (self, _("The image could not be exported"), error->message);
}

static void
export_image_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);
  const char *whats[] = { "image", "triple", NULL };
  const char *what_labels[] = { _("The styled image"), _("Content | result | style"), NULL };
  const L2lCompareResult *result = l2l_job_get_compare_result (self->last_art);
  guint optimizer = MIN (l2l_art_view_get_selected (self->art_view), result->n_entries - 1);
  g_autofree char *name = g_strdup_printf ("%s.png", result->entries[optimizer].label);
  GtkFileChooserNative *dialog;

  g_strdelimit (name, ":/\\", '-');
  dialog = file_dialog (self, _("Export Styled Image (.png)"), GTK_FILE_CHOOSER_ACTION_SAVE,
                        name, export_image_done);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "what", _("Export"), whats,
                               what_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "what", whats[0]);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
load_done (L2lWindow      *self,
           GtkFileChooser *chooser,
           const char     *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) net = l2l_checkpoint_load (path, &error);
  g_autofree char *label = NULL;

  if (net == NULL)
    {
      show_error_dialog (self, _("The optimizer could not be loaded"), error->message);
      return;
    }
  label = l2l_rule_spec_label (net, path);
  l2l_experiment_panel_add_learned (self->panel, label, net);
}

static void
load_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);
  GtkFileChooserNative *dialog = file_dialog (self, _("Load Learned Optimizer"),
                                              GTK_FILE_CHOOSER_ACTION_OPEN, NULL, load_done);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Learned optimizers (safetensors)"));
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save_done (L2lWindow      *self,
           GtkFileChooser *chooser,
           const char     *path)
{
  g_autoptr(GError) error = NULL;

  if (!l2l_trainer_save_best (l2l_job_get_trainer (self->last_training), path, &error))
    show_error_dialog (self, _("The optimizer could not be saved"), error->message);
}

static void
save_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  L2lWindow *self = L2L_WINDOW (widget);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (
    file_dialog (self, _("Save Trained Optimizer"), GTK_FILE_CHOOSER_ACTION_SAVE,
                 "optimizer.safetensors", save_done)));
}

/* Window. */

static gboolean
l2l_window_close_request (GtkWindow *window)
{
  L2lWindow *self = L2L_WINDOW (window);

  if (self->job != NULL)
    {
      /* Stop the engine; the window closes when its job has finished. */
      self->close_when_finished = TRUE;
      l2l_job_stop (self->job);
      gtk_label_set_text (self->status_label, _("Stopping…"));
      return TRUE;
    }
  if (self->settings != NULL)
    {
      int width, height;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      l2l_experiment_panel_save_settings (self->panel, self->settings);
    }
  return GTK_WINDOW_CLASS (l2l_window_parent_class)->close_request (window);
}

static void
l2l_window_dispose (GObject *object)
{
  L2lWindow *self = L2L_WINDOW (object);

  /* Destroyed mid-run without a close: the job ends on its own (its
   * worker holds a reference), and tells nobody. */
  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      l2l_job_stop (self->job);
      g_clear_object (&self->job);
    }
  g_clear_object (&self->last_compare);
  g_clear_object (&self->last_training);
  g_clear_object (&self->last_art);
  gtk_widget_dispose_template (GTK_WIDGET (object), L2L_TYPE_WINDOW);
  G_OBJECT_CLASS (l2l_window_parent_class)->dispose (object);
}

static void
l2l_window_finalize (GObject *object)
{
  L2lWindow *self = L2L_WINDOW (object);

  g_clear_object (&self->settings);
  g_ptr_array_unref (self->compare_series);
  l2l_chart_free (self->comparison_chart);
  l2l_chart_free (self->training_chart);
  l2l_chart_free (self->art_chart);
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
  g_type_ensure (L2L_TYPE_CHART_VIEW);
  g_type_ensure (L2L_TYPE_EXPERIMENT_PANEL);
  g_type_ensure (L2L_TYPE_ART_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/l2lworkbench/Workbench/ui/l2l-window.ui");
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, panel);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, results_stack);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, comparison_view);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, results_scroller);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, x_axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, results_label);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, training_view);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, art_view);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, training_art_box);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, training_content);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, training_art);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, training_art_label);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, L2lWindow, progress_bar);

  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-results", NULL, export_results_action);
  gtk_widget_class_install_action (widget_class, "win.export-image", NULL, export_image_action);
  gtk_widget_class_install_action (widget_class, "win.clear-runs", NULL, clear_runs_action);
  gtk_widget_class_install_action (widget_class, "win.load-optimizer", NULL, load_action);
  gtk_widget_class_install_action (widget_class, "win.save-optimizer", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
}

/* The Neural art page styles one photo: the art task, with the shipped
 * photo of the cat and Starry Night at 128 px until the user picks others. */
static void
on_page_shown (L2lWindow *self)
{
  if (showing_art (self))
    {
      g_autofree char *spec = l2l_experiment_panel_get_task_spec (self->panel);
      g_autofree char *content = NULL, *style = NULL;

      g_autofree char *last = self->settings ? g_settings_get_string (self->settings, "art-task")
                                             : NULL;

      /* the options of the last art run, else the family's */
      if (!g_str_has_prefix (spec, "art:") && last != NULL && g_str_has_prefix (last, "art:"))
        l2l_experiment_panel_set_task_spec (self->panel, last);
      else if (!g_str_has_prefix (spec, "art:"))
        l2l_experiment_panel_select_task (self->panel, "art");
      content = l2l_experiment_panel_get_task_option (self->panel, "content");
      style = l2l_experiment_panel_get_task_option (self->panel, "style");
      if (content != NULL && *content == '\0')
        {
          /* the first visit: a photo to style, at a size that shows it */
          l2l_experiment_panel_set_task_option (self->panel, "content",
                                                L2L_ART_SHIPPED "content/chelsea.jpg");
          l2l_experiment_panel_set_task_option (self->panel, "size",
                                                G_STRINGIFY (L2L_ART_STYLE_SIZE));
        }
      if (style != NULL && *style == '\0')
        l2l_experiment_panel_set_task_option (self->panel, "style",
                                              L2L_ART_SHIPPED "style/starry-night.jpg");
    }
  update_actions (self);
}

static void
on_image_chosen (L2lArtView *view,
                 gboolean    style,
                 const char *path,
                 L2lWindow  *self)
{
  l2l_experiment_panel_set_task_option (self->panel, style ? "style" : "content", path);
}

/* The comparison chart's x axis, in the order of the drop-down; the names
 * are those of `l2l compare --x-axis` and the GSettings key. */
static const char *const x_axis_names[] = { "step", "seconds", "log-seconds" };

static void
on_x_axis_selected (L2lWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->x_axis_dropdown);
  const L2lChartXMode modes[] = { L2L_CHART_X_DATA, L2L_CHART_X_TIME, L2L_CHART_X_LOG_TIME };

  if (selected >= G_N_ELEMENTS (modes))
    return;
  l2l_chart_set_x_mode (self->comparison_chart, modes[selected],
                        _("seconds (mean over runs)"));
  l2l_chart_view_changed (self->comparison_view);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "compare-x-axis", x_axis_names[selected]);
}

static void
l2l_window_init (L2lWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->compare_series = g_ptr_array_new ();
  self->comparison_chart = l2l_chart_new (_("Loss per step"), _("step"),
                                          /* xgettext:no-c-format */
                                          _("loss (mean, 25–75 % band)"), TRUE);
  self->training_chart = l2l_chart_new (_("Meta-training"), _("epoch"), _("loss"), TRUE);
  self->art_chart = l2l_chart_new (_("Loss per step"), _("step"), _("loss"), TRUE);
  l2l_chart_view_set_chart (self->comparison_view, self->comparison_chart);
  l2l_chart_view_set_chart (self->training_view, self->training_chart);
  l2l_chart_view_set_chart (l2l_art_view_get_chart_view (self->art_view), self->art_chart);
  self->compare_view = self->comparison_view;
  g_signal_connect_swapped (self->panel, "changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->results_stack, "notify::visible-child-name",
                            G_CALLBACK (on_page_shown), self);
  g_signal_connect (self->art_view, "image-chosen", G_CALLBACK (on_image_chosen), self);
  g_signal_connect_swapped (self->x_axis_dropdown, "notify::selected",
                            G_CALLBACK (on_x_axis_selected), self);
  update_actions (self);
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
      l2l_experiment_panel_load_settings (self->panel, settings);
      {
        g_autofree char *x_axis = g_settings_get_string (settings, "compare-x-axis");

        for (guint i = 0; i < G_N_ELEMENTS (x_axis_names); i++)
          if (g_str_equal (x_axis, x_axis_names[i]))
            gtk_drop_down_set_selected (self->x_axis_dropdown, i);
      }
    }
  return self;
}

L2lExperimentPanel *
l2l_window_get_panel (L2lWindow *self)
{
  return self->panel;
}

L2lChart *
l2l_window_get_comparison_chart (L2lWindow *self)
{
  return self->comparison_chart;
}

GtkDropDown *
l2l_window_get_x_axis_dropdown (L2lWindow *self)
{
  return self->x_axis_dropdown;
}

L2lChart *
l2l_window_get_training_chart (L2lWindow *self)
{
  return self->training_chart;
}

L2lArtView *
l2l_window_get_art_view (L2lWindow *self)
{
  return self->art_view;
}

GdkPaintable *
l2l_window_get_training_art (L2lWindow *self)
{
  return gtk_widget_get_visible (self->training_art_box)
         ? gtk_picture_get_paintable (self->training_art) : NULL;
}

L2lChart *
l2l_window_get_art_chart (L2lWindow *self)
{
  return self->art_chart;
}

const char *
l2l_window_get_results_text (L2lWindow *self)
{
  return gtk_widget_get_visible (self->results_scroller)
         ? gtk_label_get_text (self->results_label) : NULL;
}

GtkWidget *
l2l_window_get_comparison_view (L2lWindow *self)
{
  return GTK_WIDGET (self->comparison_view);
}

const char *
l2l_window_get_status (L2lWindow *self)
{
  return gtk_label_get_text (self->status_label);
}

gboolean
l2l_window_is_running (L2lWindow *self)
{
  return self->job != NULL;
}

void
l2l_window_get_frame_costs (L2lWindow *self,
                            gint64    *dispatch_us,
                            gint64    *render_us)
{
  *dispatch_us = self->max_dispatch_us;
  *render_us = MAX (MAX (l2l_chart_view_get_max_render_us (self->comparison_view),
                         l2l_chart_view_get_max_render_us (self->training_view)),
                    l2l_chart_view_get_max_render_us (l2l_art_view_get_chart_view (self->art_view)));
}

void
l2l_window_show_page (L2lWindow  *self,
                      const char *name)
{
  gtk_stack_set_visible_child_name (self->results_stack, name);
}
