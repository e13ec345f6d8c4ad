/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-field.h"

void
l2l_field_mark (GtkWidget  *field,
                const char *message)
{
  GtkWidget *row = gtk_widget_get_ancestor (field, ADW_TYPE_ACTION_ROW);

  if (message != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
  gtk_widget_set_tooltip_text (field, message);
  if (row == NULL)
    return;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

char *
l2l_field_title (GtkWidget *field)
{
  GtkWidget *row = gtk_widget_get_ancestor (field, ADW_TYPE_PREFERENCES_ROW);
  const char *title = row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : "";
  GString *plain = g_string_new (NULL);

  for (const char *c = title; *c != '\0'; c++)
    if (*c != '_')
      g_string_append_c (plain, *c);
  return g_string_free (plain, FALSE);
}
