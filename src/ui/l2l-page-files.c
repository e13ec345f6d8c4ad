/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "l2l-chart-export.h"
#include "l2l-chart-results.h"
#include "l2l-file-dialog.h"
#include "l2l-page-private.h"

/* What a page writes: its chart and a comparison's results, each save
 * announced (a toast, and the status line). */

void
l2l_page_toast_saved (L2lPage    *self,
                      const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *title = g_strdup_printf (_("Saved %s"), name);

  l2l_page_set_status (self, title);
  _l2l_page_emit_toast (self, title, path);
}

static void
export_chart_done (GtkWidget      *owner,
                   const char     *path,
                   GtkFileChooser *chooser)
{
  L2lPage *self = L2L_PAGE (owner);
  L2lPagePrivate *priv = _l2l_page_get_private (self);
  g_autoptr(GError) error = NULL;
  const char *size = gtk_file_chooser_get_choice (chooser, "size");
  int width = 1000, height = 650;

  if (size != NULL)
    sscanf (size, "%dx%d", &width, &height);
  if (L2L_PAGE_GET_CLASS (self)->export_picture != NULL
      ? !L2L_PAGE_GET_CLASS (self)->export_picture (self, path, width, height, &error)
      : !l2l_chart_save (priv->chart, path, width, height, &error))
    l2l_page_show_error (self, _("The chart could not be exported"), error->message);
  else
    l2l_page_toast_saved (self, path);
}

void
_l2l_page_export_chart_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *parameter)
{
  L2lPagePrivate *priv = _l2l_page_get_private (L2L_PAGE (widget));
  gboolean picture = L2L_PAGE_GET_CLASS (widget)->export_picture != NULL;

  if (priv->chart != NULL || picture)
    l2l_file_dialog_export_chart (widget, priv->chart_name, picture, export_chart_done);
}

static const L2lFileType results_types[] = {
  { N_("CSV table"), "csv" }, { N_("JSON document"), "json" },
};

static void
export_results_done (GtkWidget      *owner,
                     const char     *path,
                     GtkFileChooser *chooser)
{
  L2lPage *self = L2L_PAGE (owner);
  L2lPagePrivate *priv = _l2l_page_get_private (self);
  g_autoptr(GError) error = NULL;
  const L2lCompareResult *result = l2l_job_get_compare_result (priv->export_job);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean ok = g_str_has_suffix (lower, ".json") ? l2l_results_write_json (result, path, &error)
                                                  : l2l_results_write_csv (result, path, &error);

  if (!ok)
    l2l_page_show_error (self, _("The results could not be exported"), error->message);
  else
    l2l_page_toast_saved (self, path);
}

void
l2l_page_export_results (L2lPage    *self,
                         L2lJob     *job,
                         const char *name)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);

  g_set_object (&priv->export_job, job);
  l2l_file_dialog_show (l2l_file_dialog_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                             _("Export Results"), name, results_types,
                                             G_N_ELEMENTS (results_types), export_results_done));
}
