/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include "l2l-experiment-panel-private.h"

/* The experiment panel's settings: what a page's sidebar shows, kept in the
 * page's GSettings between runs of the app. */

static void
load_weights (L2lExperimentPanel *self,
              const char         *spec)
{
  guint scheme = 4;   /* a list */

  if (g_str_has_prefix (spec, "exp:"))
    {
      scheme = 2;
      gtk_editable_set_text (GTK_EDITABLE (self->weights_entry), spec + 4);
    }
  else
    {
      for (guint i = 0; _l2l_weight_schemes[i] != NULL; i++)
        if (g_str_equal (spec, _l2l_weight_schemes[i]))
          scheme = i;
      if (scheme == 4)
        gtk_editable_set_text (GTK_EDITABLE (self->weights_entry), spec);
    }
  adw_combo_row_set_selected (self->weights_dropdown, scheme);
}

static void
load_recipe (L2lExperimentPanel *self,
             GSettings          *settings)
{
  for (guint i = 0; i < _l2l_experiment_panel_n_recipe (); i++)
    {
      g_autofree char *value = g_settings_get_string (settings, _l2l_experiment_panel_recipe_key (i));
      const char *const *words = _l2l_experiment_panel_recipe_setting (i)->choices;

      for (guint k = 0; words[k] != NULL; k++)
        if (g_str_equal (value, words[k]))
          adw_combo_row_set_selected (_l2l_experiment_panel_recipe_dropdown (self, i), k);
    }
}

static void
save_recipe (L2lExperimentPanel *self,
             GSettings          *settings)
{
  for (guint i = 0; i < _l2l_experiment_panel_n_recipe (); i++)
    g_settings_set_string (settings, _l2l_experiment_panel_recipe_key (i), _l2l_experiment_panel_recipe_word (self, i));
  g_settings_set_double (settings, "output-scale",
                         gtk_spin_button_get_value (self->output_scale_spin));
}

/* Fields that hold a plain value are bound to their keys: kept as they
 * change. (The meta-training fields are saved at Run instead: one the user
 * never set follows the family's defaults.) */
static void
bind_plain_values (L2lExperimentPanel *self,
                   GSettings          *settings)
{
  const struct { const char *key; gpointer widget; const char *property; } plain[] = {
    { "steps", self->steps_spin, "value" }, { "runs", self->runs_spin, "value" },
    { "seed", self->seed_spin, "value" }, { "tune-budget", self->tune_budget_spin, "value" },
    { "tune-hyper", self->tune_hyper_check, "active" },
    { "per-group", self->per_group_check, "active" },
    { "scale-range", self->scale_range_spin, "value" },
    { "curriculum", self->curriculum_spin, "value" },
    { "average", self->average_spin, "value" }, { "clip", self->clip_spin, "value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    g_settings_bind (settings, plain[i].key, plain[i].widget, plain[i].property,
                     G_SETTINGS_BIND_DEFAULT);
}

void
l2l_experiment_panel_load_settings (L2lExperimentPanel *self,
                                    GSettings          *settings)
{
  g_autofree char *task = NULL, *optimizers = NULL, *weights = NULL;

  if (settings == NULL)
    return;
  self->loading = TRUE;
  task = g_settings_get_string (settings, "task");
  optimizers = g_settings_get_string (settings, "optimizers");
  weights = g_settings_get_string (settings, "weights");
  l2l_task_form_set_spec (self->task_form, task);
  l2l_optimizer_list_from_string (self->optimizer_list, optimizers);
  load_weights (self, weights);
  bind_plain_values (self, settings);
  load_recipe (self, settings);
  /* Meta-training fields the user never set are the family's defaults,
   * as `l2l train` takes them, not copies kept in the schema. */
  _l2l_experiment_panel_apply_family_defaults (self);
  {
    const struct { const char *key; GtkSpinButton *spin; } fields[] = {
      { "horizon", self->horizon_spin }, { "unroll", self->unroll_spin },
      { "batch", self->batch_spin }, { "epochs", self->epochs_spin },
      { "meta-lr", self->meta_lr_spin }, { "layers", self->layers_spin },
      { "hidden", self->hidden_spin }, { "output-scale", self->output_scale_spin },
    };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        g_autoptr(GVariant) value = g_settings_get_user_value (settings, fields[i].key);
        if (value != NULL)
          gtk_spin_button_set_value (fields[i].spin,
                                     g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE)
                                     ? g_variant_get_double (value) : g_variant_get_uint32 (value));
      }
  }
  _l2l_experiment_panel_loaded (self);
}

void
l2l_experiment_panel_save_settings (L2lExperimentPanel *self,
                                    GSettings          *settings)
{
  g_autofree char *task = NULL, *optimizers = NULL;

  if (settings == NULL)
    return;
  task = l2l_task_form_get_spec (self->task_form);
  optimizers = l2l_optimizer_list_to_string (self->optimizer_list);
  g_settings_set_string (settings, "task", task);
  g_settings_set_string (settings, "optimizers", optimizers);
  g_settings_set_string (settings, "weights", self->weights_spec ? self->weights_spec : "uniform");
  g_settings_set_uint (settings, "horizon", (guint) gtk_spin_button_get_value_as_int (self->horizon_spin));
  g_settings_set_uint (settings, "unroll", (guint) gtk_spin_button_get_value_as_int (self->unroll_spin));
  g_settings_set_uint (settings, "batch", (guint) gtk_spin_button_get_value_as_int (self->batch_spin));
  g_settings_set_uint (settings, "epochs", (guint) gtk_spin_button_get_value_as_int (self->epochs_spin));
  g_settings_set_double (settings, "meta-lr", gtk_spin_button_get_value (self->meta_lr_spin));
  g_settings_set_uint (settings, "layers", (guint) gtk_spin_button_get_value_as_int (self->layers_spin));
  g_settings_set_uint (settings, "hidden", (guint) gtk_spin_button_get_value_as_int (self->hidden_spin));
  save_recipe (self, settings);
}
