/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A file type a dialog offers: "PNG image", "png". */
typedef struct {
  const char *name;
  const char *extension;
} L2lFileType;

/* @path ends in one of the dialog's extensions; @chooser is for its choices. */
typedef void (*L2lFileDone) (GtkWidget      *owner,
                             const char     *path,
                             GtkFileChooser *chooser);

/* Save and open dialogs with a filter per type, opening in the folder used
 * last. A name saved without one of the types' extensions gets the chosen
 * type's, so that no name is refused after Save. */
GtkFileChooser *l2l_file_dialog_new  (GtkWidget            *owner,
                                      GtkFileChooserAction  action,
                                      const char           *title,
                                      const char           *name,
                                      const L2lFileType    *types,
                                      guint                 n_types,
                                      L2lFileDone           done);
void            l2l_file_dialog_show (GtkFileChooser       *dialog);
/* Shows the chart export dialog: PNG, SVG or PDF, and GIF where
 * @animation, with a choice "size" of "WIDTHxHEIGHT". */
void            l2l_file_dialog_export_chart (GtkWidget      *owner,
                                              const char     *name,
                                              gboolean        animation,
                                              L2lFileDone     done);
/* The next dialog shown answers @path at once, as if it had been chosen
 * (for the UI tests, which cannot click in a file chooser). */
void            l2l_file_dialog_answer_next   (const char        *path);
/* The path with the extension of one of @types: as it is when it has one,
 * else with @chosen's (types[0]'s when NULL) appended. */
char           *l2l_file_dialog_fix_extension (const char        *path,
                                               const L2lFileType *types,
                                               guint              n_types,
                                               const L2lFileType *chosen);

G_END_DECLS
