/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-field.h"
#include "l2l-spin-guard.h"
#include "l2l-task-form.h"

struct _L2lTaskForm {
  AdwPreferencesGroup  parent_instance;

  AdwComboRow         *family_row;
  const L2lTaskFamily *family;
  GPtrArray           *option_widgets;   /* one per option of the family */
  GPtrArray           *option_rows;
  GStrv                hidden_keys;
};

G_DEFINE_FINAL_TYPE (L2lTaskForm, l2l_task_form, ADW_TYPE_PREFERENCES_GROUP)

enum {
  SIGNAL_FAMILY_CHANGED,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The families' names as the sidebar shows them; a family not listed shows
 * its engine name. */
static const struct {
  const char *name;
  const char *title;
} family_titles[] = {
  { "quadratic", N_("Random quadratics") },
  { "mnist", N_("MLP on MNIST") },
  { "fashion-mnist", N_("MLP on Fashion-MNIST") },
  { "cnn", N_("Convolutional net") },
  { "art", N_("Neural art") },
  { "landscape", N_("2-D landscape") },
};

static const char *
family_title (const L2lTaskFamily *family)
{
  for (guint i = 0; i < G_N_ELEMENTS (family_titles); i++)
    if (g_str_equal (family_titles[i].name, family->name))
      return _(family_titles[i].title);
  return family->name;
}

static void
emit_changed (L2lTaskForm *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static gboolean
option_shown (L2lTaskForm         *self,
              const L2lOptionInfo *info)
{
  return self->hidden_keys == NULL || !g_strv_contains ((const char *const *) self->hidden_keys,
                                                        info->key);
}

/* An option's row, which is also its field where the row can hold the
 * value itself (an entry row, a combo row); whole numbers get a spin button. */
static GtkWidget *
option_row (L2lTaskForm         *self,
            const L2lOptionInfo *info,
            GtkWidget          **field)
{
  g_autoptr(GtkStringList) choices = NULL;
  GtkWidget *row;

  switch (info->type)
    {
    case L2L_OPTION_INT:
      row = adw_action_row_new ();
      *field = gtk_spin_button_new_with_range (info->min, info->max, 1);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (*field), g_ascii_strtod (info->default_value, NULL));
      gtk_editable_set_width_chars (GTK_EDITABLE (*field), 8);
      gtk_widget_set_valign (*field, GTK_ALIGN_CENTER);
      l2l_spin_guard_attach (GTK_SPIN_BUTTON (*field));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), *field);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), *field);
      g_signal_connect_swapped (*field, "value-changed", G_CALLBACK (emit_changed), self);
      g_signal_connect_swapped (*field, "changed", G_CALLBACK (emit_changed), self);
      break;
    case L2L_OPTION_DOUBLE:
    case L2L_OPTION_STRING:
      row = *field = adw_entry_row_new ();
      gtk_editable_set_text (GTK_EDITABLE (row), info->default_value);
      g_signal_connect_swapped (row, "changed", G_CALLBACK (emit_changed), self);
      break;
    case L2L_OPTION_CHOICE:
    default:
      row = *field = adw_combo_row_new ();
      choices = gtk_string_list_new ((const char *const *) info->choices);
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
      for (guint c = 0; info->choices[c] != NULL; c++)
        if (g_str_equal (info->choices[c], info->default_value))
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), c);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (emit_changed), self);
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->key);
  gtk_widget_set_tooltip_text (row, info->help);
  return row;
}

static void
build_options (L2lTaskForm *self)
{
  const L2lTaskFamily *const *families = l2l_task_families ();

  self->family = families[adw_combo_row_get_selected (self->family_row)];
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->family_row), self->family->description);
  for (guint i = 0; i < self->option_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->option_rows->pdata[i]);
  g_ptr_array_set_size (self->option_rows, 0);
  g_ptr_array_set_size (self->option_widgets, 0);

  for (guint i = 0; i < self->family->n_options; i++)
    {
      const L2lOptionInfo *info = &self->family->options[i];
      GtkWidget *field, *row = option_row (self, info, &field);

      gtk_widget_set_visible (row, option_shown (self, info));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->option_rows, row);
      g_ptr_array_add (self->option_widgets, field);
    }
}

static void
on_family_selected (L2lTaskForm *self)
{
  build_options (self);
  g_signal_emit (self, signals[SIGNAL_FAMILY_CHANGED], 0);
  emit_changed (self);
}

const L2lTaskFamily *
l2l_task_form_get_family (L2lTaskForm *self)
{
  return self->family;
}

void
l2l_task_form_select_family (L2lTaskForm *self,
                             const char  *name)
{
  const L2lTaskFamily *const *families = l2l_task_families ();

  for (guint i = 0; families[i] != NULL; i++)
    if (g_str_equal (families[i]->name, name))
      adw_combo_row_set_selected (self->family_row, i);
}

void
l2l_task_form_set_fixed (L2lTaskForm       *self,
                         gboolean           fixed,
                         const char *const *hidden_keys)
{
  gtk_widget_set_visible (GTK_WIDGET (self->family_row), !fixed);
  g_strfreev (self->hidden_keys);
  self->hidden_keys = g_strdupv ((char **) hidden_keys);
  for (guint i = 0; i < self->option_rows->len; i++)
    gtk_widget_set_visible (self->option_rows->pdata[i],
                            option_shown (self, &self->family->options[i]));
}

static char *
option_value (const L2lOptionInfo *info,
              GtkWidget           *field)
{
  switch (info->type)
    {
    case L2L_OPTION_INT:
      return g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (field)));
    case L2L_OPTION_DOUBLE:
    case L2L_OPTION_STRING:
      return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field))));
    case L2L_OPTION_CHOICE:
    default:
      return g_strdup (info->choices[adw_combo_row_get_selected (ADW_COMBO_ROW (field))]);
    }
}

char *
l2l_task_form_get_spec (L2lTaskForm *self)
{
  GString *spec = g_string_new (self->family->name);

  for (guint i = 0; i < self->family->n_options; i++)
    {
      g_autofree char *value = option_value (&self->family->options[i],
                                             self->option_widgets->pdata[i]);
      g_string_append_printf (spec, "%c%s=%s", i ? ',' : ':', self->family->options[i].key, value);
    }
  return g_string_free (spec, FALSE);
}

gboolean
l2l_task_form_set_spec (L2lTaskForm *self,
                        const char  *spec)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 2);
  const L2lTaskFamily *family = l2l_task_family_lookup (parts[0]);
  g_autoptr(L2lOptions) options = NULL;

  if (family == NULL)
    return FALSE;
  options = l2l_options_new_defaults (family->options, family->n_options);
  if (!l2l_options_parse (options, parts[1], "settings", NULL))
    return FALSE;
  l2l_task_form_select_family (self, family->name);
  for (guint i = 0; i < family->n_options; i++)
    {
      const L2lOptionInfo *info = &family->options[i];
      GtkWidget *field = self->option_widgets->pdata[i];
      const char *value = options->values[i];

      if (info->type == L2L_OPTION_INT)
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (field), g_ascii_strtod (value, NULL));
      else if (info->type == L2L_OPTION_DOUBLE || info->type == L2L_OPTION_STRING)
        gtk_editable_set_text (GTK_EDITABLE (field), value);
      else
        for (guint c = 0; info->choices[c] != NULL; c++)
          if (g_str_equal (info->choices[c], value))
            adw_combo_row_set_selected (ADW_COMBO_ROW (field), c);
    }
  return TRUE;
}

char *
l2l_task_form_check (L2lTaskForm  *self,
                     GError      **error)
{
  g_autofree char *spec = NULL;

  for (guint i = 0; i < self->option_widgets->len; i++)
    {
      GtkWidget *field = self->option_widgets->pdata[i];
      g_autofree char *text = NULL;

      l2l_field_mark (field, NULL);
      if (GTK_IS_SPIN_BUTTON (field) && !l2l_spin_guard_check (GTK_SPIN_BUTTON (field), &text))
        {
          g_autofree char *message = g_strdup_printf (_("%s: “%s” is not a number"),
                                                      self->family->options[i].key, text);
          l2l_field_mark (field, message);
          g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION, message);
          return NULL;
        }
    }
  spec = l2l_task_form_get_spec (self);
  if (!l2l_task_spec_check (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

char *
l2l_task_form_get_option (L2lTaskForm *self,
                          const char  *key)
{
  for (guint i = 0; i < self->family->n_options; i++)
    if (g_str_equal (self->family->options[i].key, key))
      return option_value (&self->family->options[i], self->option_widgets->pdata[i]);
  return NULL;
}

void
l2l_task_form_set_option (L2lTaskForm *self,
                          const char  *key,
                          const char  *value)
{
  for (guint i = 0; i < self->family->n_options; i++)
    if (g_str_equal (self->family->options[i].key, key))
      {
        GtkWidget *field = self->option_widgets->pdata[i];

        if (self->family->options[i].type == L2L_OPTION_STRING)
          gtk_editable_set_text (GTK_EDITABLE (field), value);
        else if (self->family->options[i].type == L2L_OPTION_INT)
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (field), g_ascii_strtod (value, NULL));
      }
}

static void
l2l_task_form_finalize (GObject *object)
{
  L2lTaskForm *self = L2L_TASK_FORM (object);

  g_ptr_array_unref (self->option_widgets);
  g_ptr_array_unref (self->option_rows);
  g_strfreev (self->hidden_keys);
  G_OBJECT_CLASS (l2l_task_form_parent_class)->finalize (object);
}

static void
l2l_task_form_class_init (L2lTaskFormClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_task_form_finalize;
  signals[SIGNAL_FAMILY_CHANGED] = g_signal_new ("family-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
l2l_task_form_init (L2lTaskForm *self)
{
  const L2lTaskFamily *const *families = l2l_task_families ();
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);

  self->option_widgets = g_ptr_array_new ();
  self->option_rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Task"));
  for (guint i = 0; families[i] != NULL; i++)
    gtk_string_list_append (titles, family_title (families[i]));
  self->family_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->family_row), _("_Family"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->family_row), TRUE);
  adw_combo_row_set_model (self->family_row, G_LIST_MODEL (titles));
  /* the family's name under "Family", where it has the row's width */
  adw_combo_row_set_use_subtitle (self->family_row, TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->family_row));
  build_options (self);
  g_signal_connect_swapped (self->family_row, "notify::selected", G_CALLBACK (on_family_selected),
                            self);
}

L2lTaskForm *
l2l_task_form_new (void)
{
  return g_object_new (L2L_TYPE_TASK_FORM, NULL);
}
