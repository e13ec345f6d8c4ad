/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-art-page.h"
#include "l2l-file-dialog.h"

struct _L2lArtPage {
  L2lPage          parent_instance;

  L2lArtView      *art_view;
  L2lChart        *chart;
  GPtrArray       *series;           /* this run's, per optimizer; empty until its first image */
  L2lJob          *last;             /* finished, for its images */
};

G_DEFINE_FINAL_TYPE (L2lArtPage, l2l_art_page, L2L_TYPE_PAGE)

static gboolean
l2l_art_page_check (L2lPage  *page,
                    GError  **error)
{
  L2lArtPage *self = L2L_ART_PAGE (page);
  L2lExperimentPanel *panel = l2l_page_get_panel (page);
  g_autofree char *spec = NULL, *content = NULL, *style = NULL;
  L2lCompareConfig config;
  gboolean valid = l2l_experiment_panel_build_compare (panel, &config, &spec, error);

  l2l_compare_config_clear (&config);
  content = l2l_experiment_panel_get_task_option (panel, "content");
  style = l2l_experiment_panel_get_task_option (panel, "style");
  l2l_art_view_show_choice (self->art_view, content, style);
  return valid;
}

/* The run's tiles and curves appear with its first image, so that a run that
 * fails before it (an unreadable image) leaves the last ones as they were. */
static void
show_new_run (L2lArtPage *self,
              L2lJob     *job)
{
  const L2lCompareConfig *config = l2l_job_get_compare_config (job);
  g_autofree const char **labels = g_new0 (const char *, config->n_optimizers + 1);
  g_autofree char *names = l2l_job_get_optimizer_names (job);

  for (guint i = 0; i < config->n_optimizers; i++)
    labels[i] = config->optimizers[i].label;
  l2l_art_view_begin (self->art_view, labels, config->n_optimizers);
  l2l_page_begin_run (L2L_PAGE (self), l2l_job_get_task_spec (job), names);
  for (guint i = 0; i < config->n_optimizers; i++)
    g_ptr_array_add (self->series,
                     l2l_chart_add_series (self->chart, config->optimizers[i].label, i, FALSE));
}

static void
on_art_inputs (L2lJob     *job,
               L2lArtPage *self)
{
  const float *content, *style;
  guint side = l2l_job_get_art_inputs (job, &content, &style);

  if (self->series->len == 0)
    show_new_run (self, job);
  l2l_art_view_set_inputs (self->art_view, side, content, style);
}

static void
on_preview (L2lJob     *job,
            guint       optimizer,
            guint       step,
            double      loss,
            GBytes     *rgb,
            L2lArtPage *self)
{
  const float *content, *style;

  if (self->series->len == 0)
    show_new_run (self, job);
  l2l_art_view_update (self->art_view, optimizer, step, loss, rgb,
                       l2l_job_get_art_inputs (job, &content, &style));
}

static void
on_point (L2lJob     *job,
          guint       optimizer,
          guint       step,
          double      mean,
          double      q25,
          double      q75,
          double      seconds,
          L2lArtPage *self)
{
  if (self->series->len == 0)
    show_new_run (self, job);
  l2l_chart_series_append_timed (self->series->pdata[optimizer], step, seconds, mean, q25, q75);
  l2l_chart_view_changed (l2l_art_view_get_chart_view (self->art_view));
}

static L2lJob *
l2l_art_page_create_job (L2lPage  *page,
                         GError  **error)
{
  L2lArtPage *self = L2L_ART_PAGE (page);
  g_autofree char *spec = NULL;
  L2lCompareConfig config;
  L2lJob *job;

  if (!l2l_experiment_panel_build_compare (l2l_page_get_panel (page), &config, &spec, error))
    {
      l2l_compare_config_clear (&config);
      return NULL;
    }
  /* one image; tuned rates on it alone (the same function every time when
   * it starts from the content) */
  config.runs = 1;
  config.tune.runs = 1;
  config.keep_final_theta = TRUE;
  if (l2l_page_get_threads (page) > 0)
    config.threads = l2l_page_get_threads (page);
  g_ptr_array_set_size (self->series, 0);
  job = l2l_job_new_compare (&config, spec);
  g_signal_connect (job, "art-inputs", G_CALLBACK (on_art_inputs), self);
  g_signal_connect (job, "compare-preview", G_CALLBACK (on_preview), self);
  g_signal_connect (job, "compare-point", G_CALLBACK (on_point), self);
  return job;
}

static char *
l2l_art_page_finished (L2lPage      *page,
                       L2lJob       *job,
                       const GError *error,
                       double        seconds)
{
  L2lArtPage *self = L2L_ART_PAGE (page);

  g_signal_handlers_disconnect_by_data (job, self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Stopped"));
  if (error != NULL)
    return g_strdup (_("Failed; the images shown are those of the last run that finished"));
  g_set_object (&self->last, job);
  l2l_page_set_action_enabled (page, "export-image", TRUE);
  l2l_page_set_action_enabled (page, "export-results", TRUE);
  return g_strdup_printf (_("Styled in %.1f s; click an image to see it large"), seconds);
}

/* Files. */

gboolean
l2l_art_page_export_styled_image (L2lArtPage  *self,
                                  const char  *path,
                                  gboolean     triple,
                                  GError     **error)
{
  const L2lCompareResult *result;
  const float *content, *style;
  guint side, optimizer;

  g_return_val_if_fail (self->last != NULL, FALSE);
  result = l2l_job_get_compare_result (self->last);
  side = l2l_job_get_art_inputs (self->last, &content, &style);
  optimizer = MIN (l2l_art_view_get_selected (self->art_view), result->n_entries - 1);
  if (triple)
    return l2l_image_save_triple_png (content, result->entries[optimizer].final_theta, style,
                                      side, path, error);
  return l2l_image_save_png (result->entries[optimizer].final_theta, side, side, path, error);
}

static const L2lFileType image_types[] = {
  { N_("PNG image"), "png" },
};

static void
export_image_done (GtkWidget      *owner,
                   const char     *path,
                   GtkFileChooser *chooser)
{
  L2lArtPage *self = L2L_ART_PAGE (owner);
  g_autoptr(GError) error = NULL;
  const char *what = gtk_file_chooser_get_choice (chooser, "what");

  if (!l2l_art_page_export_styled_image (self, path, g_strcmp0 (what, "triple") == 0, &error))
    l2l_page_show_error (L2L_PAGE (self), _("The image could not be exported"), error->message);
  else
    l2l_page_toast_saved (L2L_PAGE (self), path);
}

static void
export_image_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  L2lArtPage *self = L2L_ART_PAGE (widget);
  const char *whats[] = { "image", "triple", NULL };
  const char *what_labels[] = { _("The styled image"), _("Content | result | style"), NULL };
  const L2lCompareResult *result;
  g_autofree char *name = NULL;
  GtkFileChooser *dialog;
  guint optimizer;

  if (self->last == NULL)
    return;
  result = l2l_job_get_compare_result (self->last);
  optimizer = MIN (l2l_art_view_get_selected (self->art_view), result->n_entries - 1);
  name = g_strdup_printf ("%s.png", result->entries[optimizer].label);
  g_strdelimit (name, ":/\\", '-');
  dialog = l2l_file_dialog_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export Styled Image"),
                                name, image_types, G_N_ELEMENTS (image_types), export_image_done);
  gtk_file_chooser_add_choice (dialog, "what", _("Export"), whats, what_labels);
  gtk_file_chooser_set_choice (dialog, "what", whats[0]);
  l2l_file_dialog_show (dialog);
}

static void
export_results_action (GtkWidget  *widget,
                       const char *action,
                       GVariant   *parameter)
{
  L2lArtPage *self = L2L_ART_PAGE (widget);

  if (self->last != NULL)
    l2l_page_export_results (L2L_PAGE (self), self->last, "neural-art.csv");
}

/* The art task, with the shipped photo of the cat and Starry Night at 128 px
 * until the user picks others. */
static void
choose_art_task (L2lArtPage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));
  g_autofree char *spec = l2l_experiment_panel_get_task_spec (panel);
  g_autofree char *content = NULL, *style = NULL;

  if (!g_str_has_prefix (spec, "art:"))
    l2l_experiment_panel_select_task (panel, "art");
  content = l2l_experiment_panel_get_task_option (panel, "content");
  style = l2l_experiment_panel_get_task_option (panel, "style");
  if (content != NULL && *content == '\0')
    {
      l2l_experiment_panel_set_task_option (panel, "content", L2L_ART_SHIPPED "content/chelsea.jpg");
      l2l_experiment_panel_set_task_option (panel, "size", G_STRINGIFY (L2L_ART_STYLE_SIZE));
    }
  if (style != NULL && *style == '\0')
    l2l_experiment_panel_set_task_option (panel, "style", L2L_ART_SHIPPED "style/starry-night.jpg");
}

static void
on_settings_loaded (L2lArtPage *self)
{
  choose_art_task (self);
  l2l_page_update (L2L_PAGE (self));
}

/* An image opened or dropped is read at once: a file that is not one is
 * refused here, with its name, rather than at Run. */
static void
on_image_chosen (L2lArtView *view,
                 gboolean    style,
                 const char *path,
                 L2lArtPage *self)
{
  g_autoptr(GError) error = NULL;
  L2lImage *image;

  if (!g_str_has_prefix (path, "resource://"))
    {
      if ((image = l2l_image_load (path, &error)) == NULL)
        {
          l2l_page_show_error (L2L_PAGE (self), style ? _("This style image cannot be used")
                                                      : _("This content image cannot be used"),
                               error->message);
          return;
        }
      l2l_image_free (image);
    }
  l2l_experiment_panel_set_task_option (l2l_page_get_panel (L2L_PAGE (self)),
                                        style ? "style" : "content", path);
}

/* GObject. */

static void
l2l_art_page_dispose (GObject *object)
{
  g_clear_object (&L2L_ART_PAGE (object)->last);
  G_OBJECT_CLASS (l2l_art_page_parent_class)->dispose (object);
}

static void
l2l_art_page_finalize (GObject *object)
{
  L2lArtPage *self = L2L_ART_PAGE (object);

  g_ptr_array_unref (self->series);
  l2l_chart_free (self->chart);
  G_OBJECT_CLASS (l2l_art_page_parent_class)->finalize (object);
}

static void
l2l_art_page_class_init (L2lArtPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  L2lPageClass *page_class = L2L_PAGE_CLASS (klass);

  object_class->dispose = l2l_art_page_dispose;
  object_class->finalize = l2l_art_page_finalize;
  page_class->check = l2l_art_page_check;
  page_class->create_job = l2l_art_page_create_job;
  page_class->finished = l2l_art_page_finished;
  gtk_widget_class_install_action (widget_class, "page.export-image", NULL, export_image_action);
  gtk_widget_class_install_action (widget_class, "page.export-results", NULL,
                                   export_results_action);
}

static void
l2l_art_page_init (L2lArtPage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));
  L2lChartView *view;
  GtkWidget *scroller;

  self->series = g_ptr_array_new ();
  self->chart = l2l_chart_new (_("Loss per step"), _("step"), _("loss"), TRUE);
  self->art_view = g_object_new (L2L_TYPE_ART_VIEW, NULL);
  view = l2l_art_view_get_chart_view (self->art_view);
  l2l_chart_view_set_chart (view, self->chart);
  /* the pickers, tiles and chart scroll on a short screen */
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->art_view));
  /* the view at its natural height (every row of tiles whole), scrolled
   * when the window is shorter */
  gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (gtk_scrolled_window_get_child (
                                       GTK_SCROLLED_WINDOW (scroller))), GTK_SCROLL_NATURAL);
  l2l_page_set_content (L2L_PAGE (self), scroller);
  l2l_page_set_chart (L2L_PAGE (self), self->chart, view, "neural-art-loss.png");

  l2l_experiment_panel_set_mode (panel, L2L_PANEL_ART);
  choose_art_task (self);
  g_signal_connect_swapped (panel, "loaded", G_CALLBACK (on_settings_loaded), self);
  g_signal_connect (self->art_view, "image-chosen", G_CALLBACK (on_image_chosen), self);
  l2l_page_update (L2L_PAGE (self));
}

L2lArtPage *
l2l_art_page_new (void)
{
  return g_object_new (L2L_TYPE_ART_PAGE, NULL);
}

L2lArtView *
l2l_art_page_get_art_view (L2lArtPage *self)
{
  return self->art_view;
}

L2lChart *
l2l_art_page_get_chart (L2lArtPage *self)
{
  return self->chart;
}
