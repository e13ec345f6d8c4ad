/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "l2l-field.h"
#include "l2l-optimizer-list.h"

typedef struct {
  const L2lOptimizerInfo *info;
  GtkCheckButton         *check;
  GtkEntry               *rate;
} HandRow;

typedef struct {
  char           *label;
  L2lRule        *net;
  GtkCheckButton *check;
  char           *family;   /* a shipped optimizer's task family, else NULL */
} LearnedRow;

struct _L2lOptimizerList {
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *hand_rows;
  GPtrArray           *learned_rows;
};

G_DEFINE_FINAL_TYPE (L2lOptimizerList, l2l_optimizer_list, ADW_TYPE_PREFERENCES_GROUP)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (L2lOptimizerList *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* A row with a check box in front, as the group lists every optimizer. */
static GtkWidget *
checked_row (L2lOptimizerList *self,
             const char       *title,
             GtkCheckButton  **check)
{
  GtkWidget *row = adw_action_row_new ();

  *check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (*check, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (*check), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (*check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (*check));
  g_signal_connect_swapped (*check, "toggled", G_CALLBACK (emit_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  return row;
}

static void
add_hand_rows (L2lOptimizerList *self)
{
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();

  for (guint i = 0; infos[i] != NULL; i++)
    {
      HandRow *row = g_new0 (HandRow, 1);
      char rate[G_ASCII_DTOSTR_BUF_SIZE];
      GtkWidget *action_row = checked_row (self, infos[i]->name, &row->check);

      row->info = infos[i];
      gtk_widget_set_tooltip_text (action_row, infos[i]->description);
      row->rate = GTK_ENTRY (gtk_entry_new ());
      gtk_editable_set_text (GTK_EDITABLE (row->rate), l2l_format_double (rate, infos[i]->default_lr));
      gtk_editable_set_width_chars (GTK_EDITABLE (row->rate), 8);
      gtk_widget_set_valign (GTK_WIDGET (row->rate), GTK_ALIGN_CENTER);
      gtk_entry_set_placeholder_text (row->rate, _("rate or tune"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->rate),
                                   _("Learning rate, or “tune” to pick it on tuning functions "
                                     "(see the Comparison’s tuning options)"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->rate));
      g_signal_connect_swapped (row->rate, "changed", G_CALLBACK (emit_changed), self);
      g_ptr_array_add (self->hand_rows, row);
    }
}

static void
learned_row_free (gpointer data)
{
  LearnedRow *row = data;

  g_free (row->label);
  g_free (row->family);
  l2l_rule_unref (row->net);
  g_free (row);
}

static LearnedRow *
add_learned_row (L2lOptimizerList *self,
                 const char       *label,
                 L2lRule          *net,
                 const char       *kind,
                 const char       *task)
{
  LearnedRow *row = g_new0 (LearnedRow, 1);
  GtkWidget *action_row = checked_row (self, label, &row->check);

  row->label = g_strdup (label);
  row->net = l2l_rule_ref (net);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), kind);
  gtk_widget_set_tooltip_text (action_row, task);
  g_ptr_array_add (self->learned_rows, row);
  emit_changed (self);
  return row;
}

void
l2l_optimizer_list_add_learned (L2lOptimizerList *self,
                                const char       *label,
                                L2lRule          *net)
{
  add_learned_row (self, label, net, _("learned"), NULL);
}

void
l2l_optimizer_list_suit_family (L2lOptimizerList    *self,
                                const L2lTaskFamily *family)
{
  for (guint i = 0; i < self->learned_rows->len; i++)
    {
      LearnedRow *row = self->learned_rows->pdata[i];
      if (row->family != NULL)
        gtk_check_button_set_active (row->check, g_str_equal (row->family, family->name));
    }
}

void
l2l_optimizer_list_use_family_rates (L2lOptimizerList    *self,
                                     const L2lTaskFamily *family)
{
  for (guint i = 0; family->rates != NULL && i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      double lr = l2l_task_family_default_lr (family, row->info->name, NAN);
      char rate[G_ASCII_DTOSTR_BUF_SIZE];

      if (!isnan (lr))
        gtk_editable_set_text (GTK_EDITABLE (row->rate), g_ascii_formatd (rate, sizeof rate, "%g", lr));
    }
}

/* The optimizers that ship, as "lstm:NAME" or "mlp:NAME" like the CLI's. A
 * shipped file that does not load is a build defect: it is left out with a
 * warning. */
static void
add_shipped_rows (L2lOptimizerList *self)
{
  g_auto(GStrv) names = l2l_pretrained_list ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = l2l_pretrained_resolve (names[i], NULL);
      g_autofree char *label = l2l_rule_spec_of_pretrained (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lSafetensors) file = l2l_safetensors_load (path, &error);
      g_autoptr(L2lRule) net = NULL;
      L2lRuleConfig config;
      const char *task;
      LearnedRow *row;

      if (file == NULL || !l2l_checkpoint_read_architecture (file, &config, &error) ||
          (net = l2l_checkpoint_read_net (file, &config, NULL, &error)) == NULL)
        {
          g_message ("pretrained optimizer %s left out: %s", names[i], error->message);
          continue;
        }
      task = l2l_safetensors_get_metadata (file, "task");
      row = add_learned_row (self, label, net, _("pretrained"), task);
      row->family = task ? g_strndup (task, strcspn (task, ":")) : g_strdup ("");
    }
}

char *
l2l_optimizer_list_to_string (L2lOptimizerList *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      if (gtk_check_button_get_active (row->check))
        g_string_append_printf (text, "%s%s=%s", text->len ? "," : "", row->info->name,
                                gtk_editable_get_text (GTK_EDITABLE (row->rate)));
    }
  return g_string_free (text, FALSE);
}

void
l2l_optimizer_list_from_string (L2lOptimizerList *self,
                                const char       *text)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      gboolean chosen = FALSE;

      for (guint k = 0; items[k] != NULL; k++)
        {
          g_auto(GStrv) pair = g_strsplit (items[k], "=", 2);
          if (pair[0] != NULL && g_str_equal (pair[0], row->info->name))
            {
              chosen = TRUE;
              if (pair[1] != NULL)
                gtk_editable_set_text (GTK_EDITABLE (row->rate), pair[1]);
            }
        }
      gtk_check_button_set_active (row->check, chosen);
    }
}

guint
l2l_optimizer_list_count (L2lOptimizerList *self)
{
  return self->hand_rows->len + self->learned_rows->len;
}

gboolean
l2l_optimizer_list_fill (L2lOptimizerList  *self,
                         L2lCompareConfig  *config,
                         GError           **error)
{
  for (guint i = 0; i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      g_autofree char *rate = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->rate))));
      L2lOptimizerSpec *optimizer = &config->optimizers[config->n_optimizers];

      l2l_field_mark (GTK_WIDGET (row->rate), NULL);
      if (!gtk_check_button_get_active (row->check))
        continue;
      l2l_optimizer_spec_init (optimizer, row->info);
      config->n_optimizers++;
      if (g_ascii_strcasecmp (rate, "tune") == 0)
        optimizer->tune = TRUE;
      /* syntax only: the rate's range is the engine's to check */
      else if (!l2l_parse_double (rate, &optimizer->lr))
        {
          g_autofree char *message =
            g_strdup_printf (_("%s: “%s” is not a learning rate (a number) or “tune”"),
                             row->info->name, rate);
          l2l_field_mark (GTK_WIDGET (row->rate), message);
          g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION, message);
          return FALSE;
        }
    }
  for (guint i = 0; i < self->learned_rows->len; i++)
    {
      LearnedRow *row = self->learned_rows->pdata[i];
      if (gtk_check_button_get_active (row->check))
        l2l_optimizer_spec_init_learned (&config->optimizers[config->n_optimizers++],
                                         row->label, row->net);
    }
  return TRUE;
}

static HandRow *
find_hand_row (L2lOptimizerList *self,
               const char       *name)
{
  for (guint i = 0; i < self->hand_rows->len; i++)
    if (g_str_equal (((HandRow *) self->hand_rows->pdata[i])->info->name, name))
      return self->hand_rows->pdata[i];
  g_return_val_if_reached (NULL);
}

GtkCheckButton *
l2l_optimizer_list_get_check (L2lOptimizerList *self,
                              const char       *name)
{
  return find_hand_row (self, name)->check;
}

GtkEntry *
l2l_optimizer_list_get_rate (L2lOptimizerList *self,
                             const char       *name)
{
  return find_hand_row (self, name)->rate;
}

GtkCheckButton *
l2l_optimizer_list_get_learned_check (L2lOptimizerList *self,
                                      const char       *label)
{
  for (guint i = 0; i < self->learned_rows->len; i++)
    if (g_str_equal (((LearnedRow *) self->learned_rows->pdata[i])->label, label))
      return ((LearnedRow *) self->learned_rows->pdata[i])->check;
  g_return_val_if_reached (NULL);
}

static void
l2l_optimizer_list_finalize (GObject *object)
{
  L2lOptimizerList *self = L2L_OPTIMIZER_LIST (object);

  g_ptr_array_unref (self->hand_rows);
  g_ptr_array_unref (self->learned_rows);
  G_OBJECT_CLASS (l2l_optimizer_list_parent_class)->finalize (object);
}

static void
l2l_optimizer_list_class_init (L2lOptimizerListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_optimizer_list_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
l2l_optimizer_list_init (L2lOptimizerList *self)
{
  GtkWidget *load = gtk_button_new_from_icon_name ("document-open-symbolic");

  self->hand_rows = g_ptr_array_new_with_free_func (g_free);
  self->learned_rows = g_ptr_array_new_with_free_func (learned_row_free);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Optimizers"));
  gtk_widget_set_valign (load, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (load, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (load), "win.load-optimizer");
  gtk_widget_set_tooltip_text (load, _("Load a learned optimizer (Ctrl+O)"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), load);
  add_hand_rows (self);
  add_shipped_rows (self);
}

L2lOptimizerList *
l2l_optimizer_list_new (void)
{
  return g_object_new (L2L_TYPE_OPTIMIZER_LIST, NULL);
}
