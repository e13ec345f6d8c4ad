/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-file-dialog.h"

/* The folder of the last file saved or opened, for every dialog of the app. */
static GFile *last_folder;
/* l2l_file_dialog_answer_next */
static char *next_answer;

typedef struct {
  GWeakRef           owner;      /* a page may go while its dialog is open */
  L2lFileDone        done;
  const L2lFileType *types;
  guint              n_types;
  GPtrArray         *filters;   /* GtkFileFilter, one per type */
} Dialog;

static void
dialog_free (gpointer data)
{
  Dialog *dialog = data;

  g_weak_ref_clear (&dialog->owner);
  g_ptr_array_unref (dialog->filters);
  g_free (dialog);
}

char *
l2l_file_dialog_fix_extension (const char        *path,
                               const L2lFileType *types,
                               guint              n_types,
                               const L2lFileType *chosen)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < n_types; i++)
    {
      g_autofree char *suffix = g_strconcat (".", types[i].extension, NULL);
      if (g_str_has_suffix (lower, suffix))
        return g_strdup (path);
    }
  return g_strconcat (path, ".", (chosen ? chosen : &types[0])->extension, NULL);
}

/* @file was chosen: remembers its folder and hands its path on. */
static void
answer (GtkFileChooser *chooser,
        Dialog         *dialog,
        GFile          *file)
{
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser);
  g_autofree char *path = g_file_get_path (file), *fixed = NULL;
  g_autoptr(GtkWidget) owner = g_weak_ref_get (&dialog->owner);
  const L2lFileType *chosen = NULL;
  guint index;

  if (path == NULL || owner == NULL || gtk_widget_get_root (owner) == NULL)
    return;
  if (filter != NULL && g_ptr_array_find (dialog->filters, filter, &index))
    chosen = &dialog->types[index];
  g_clear_object (&last_folder);
  last_folder = g_file_get_parent (file);
  fixed = gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SAVE
          ? l2l_file_dialog_fix_extension (path, dialog->types, dialog->n_types, chosen)
          : g_strdup (path);
  dialog->done (owner, fixed, chooser);
}

static void
on_response (GtkNativeDialog *native,
             int              response,
             Dialog          *dialog)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        answer (GTK_FILE_CHOOSER (native), dialog, file);
    }
  g_object_unref (native);
}

GtkFileChooser *
l2l_file_dialog_new (GtkWidget            *owner,
                     GtkFileChooserAction  action,
                     const char           *title,
                     const char           *name,
                     const L2lFileType    *types,
                     guint                 n_types,
                     L2lFileDone           done)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action,
                                 NULL, NULL);
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (native);
  Dialog *dialog = g_new0 (Dialog, 1);

  g_weak_ref_init (&dialog->owner, owner);
  dialog->done = done;
  dialog->types = types;
  dialog->n_types = n_types;
  dialog->filters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_types; i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      g_autofree char *pattern = g_strconcat ("*.", types[i].extension, NULL);
      g_autofree char *label = g_strdup_printf ("%s (.%s)", _(types[i].name), types[i].extension);

      gtk_file_filter_set_name (filter, label);
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_chooser_add_filter (chooser, filter);
      g_ptr_array_add (dialog->filters, filter);
    }
  if (n_types > 0)
    gtk_file_chooser_set_filter (chooser, dialog->filters->pdata[0]);
  if (last_folder != NULL)
    gtk_file_chooser_set_current_folder (chooser, last_folder, NULL);
  if (name != NULL && action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (chooser, name);
  g_object_set_data_full (G_OBJECT (native), "l2l-file-dialog", dialog, dialog_free);
  g_signal_connect (native, "response", G_CALLBACK (on_response), dialog);
  return chooser;
}

void
l2l_file_dialog_show (GtkFileChooser *dialog)
{
  g_autofree char *path = g_steal_pointer (&next_answer);

  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      answer (dialog, g_object_get_data (G_OBJECT (dialog), "l2l-file-dialog"), file);
      g_object_unref (dialog);
      return;
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
l2l_file_dialog_answer_next (const char *path)
{
  g_free (next_answer);
  next_answer = g_strdup (path);
}

static const char *const sizes[] = { "1000x650", "1600x1000", "2400x1500", "800x500", NULL };

static const L2lFileType chart_types[] = {
  { N_("PNG image"), "png" }, { N_("SVG drawing"), "svg" }, { N_("PDF document"), "pdf" },
  { N_("GIF animation"), "gif" },
};

void
l2l_file_dialog_export_chart (GtkWidget   *owner,
                              const char  *name,
                              gboolean     animation,
                              L2lFileDone  done)
{
  const char *size_labels[] = { "1000 × 650", "1600 × 1000", "2400 × 1500", "800 × 500", NULL };
  GtkFileChooser *dialog = l2l_file_dialog_new (owner, GTK_FILE_CHOOSER_ACTION_SAVE,
                                                _("Export Chart"), name, chart_types,
                                                G_N_ELEMENTS (chart_types) - !animation, done);

  gtk_file_chooser_add_choice (dialog, "size", _("Size"), (const char **) sizes, size_labels);
  gtk_file_chooser_set_choice (dialog, "size", sizes[0]);
  l2l_file_dialog_show (dialog);
}
