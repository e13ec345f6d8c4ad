/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "l2l-experiment-panel-private.h"
#include "l2l-field.h"
#include "l2l-optimizer-list.h"
#include "l2l-spin-guard.h"

G_DEFINE_FINAL_TYPE (L2lExperimentPanel, l2l_experiment_panel, GTK_TYPE_BOX)

enum {
  SIGNAL_CHANGED,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *const _l2l_weight_schemes[] = { "uniform", "linear", "exp", "final", "list", NULL };

static void
emit_changed (L2lExperimentPanel *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
_l2l_experiment_panel_loaded (L2lExperimentPanel *self)
{
  self->loading = FALSE;
  _l2l_experiment_panel_update_weights (self, NULL);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
  emit_changed (self);
}

static void
on_tune_hyper_toggled (L2lExperimentPanel *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->tune_budget_spin),
                            gtk_check_button_get_active (self->tune_hyper_check));
  emit_changed (self);
}

/* The recipe beyond the paper's (l2l train's options): drop-downs that list
 * the engine's words for each setting in its order. */
static const struct {
  const char *key;
  gsize       offset;
} recipe_choices[] = {
  { "meta-lr-schedule", G_STRUCT_OFFSET (L2lExperimentPanel, schedule_dropdown) },
  { "meta-objective", G_STRUCT_OFFSET (L2lExperimentPanel, objective_dropdown) },
  { "output-init", G_STRUCT_OFFSET (L2lExperimentPanel, output_init_dropdown) },
  { "meta-gradient", G_STRUCT_OFFSET (L2lExperimentPanel, meta_gradient_dropdown) },
  { "arch", G_STRUCT_OFFSET (L2lExperimentPanel, arch_dropdown) },
  { "keep", G_STRUCT_OFFSET (L2lExperimentPanel, keep_dropdown) },
};

AdwComboRow *
_l2l_experiment_panel_recipe_dropdown (L2lExperimentPanel *self,
                 guint               i)
{
  return G_STRUCT_MEMBER (AdwComboRow *, self, recipe_choices[i].offset);
}

const L2lSetting *
_l2l_experiment_panel_recipe_setting (guint i)
{
  guint n;
  const L2lSetting *settings = l2l_train_settings (&n);

  return l2l_settings_lookup (settings, n, recipe_choices[i].key);
}

/* The engine's word for what drop-down @i shows. */
const char *
_l2l_experiment_panel_recipe_word (L2lExperimentPanel *self,
             guint               i)
{
  return _l2l_experiment_panel_recipe_setting (i)->choices[adw_combo_row_get_selected (_l2l_experiment_panel_recipe_dropdown (self, i))];
}

static const char *
recipe_word_of (L2lExperimentPanel *self,
                const char         *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    if (g_str_equal (recipe_choices[i].key, key))
      return _l2l_experiment_panel_recipe_word (self, i);
  g_return_val_if_reached (NULL);
}

guint
_l2l_experiment_panel_n_recipe (void)
{
  return G_N_ELEMENTS (recipe_choices);
}

const char *
_l2l_experiment_panel_recipe_key (guint i)
{
  return recipe_choices[i].key;
}

/* The engine's defaults for the family and the chosen architecture, as
 * `l2l train --task FAMILY --arch ARCH` takes them. */
static void
default_config (L2lExperimentPanel *self,
                L2lTrainConfig     *config)
{
  l2l_train_config_init_defaults (config);
  l2l_train_config_use_family_defaults (config, l2l_task_form_get_family (self->task_form));
  l2l_rule_config_set_arch (&config->rule, l2l_rule_arch_lookup (recipe_word_of (self, "arch")));
}

/* A new architecture brings its own output scale. */
static void
on_arch_changed (L2lExperimentPanel *self)
{
  L2lTrainConfig config;

  if (self->loading)
    return;
  default_config (self, &config);
  gtk_spin_button_set_value (self->output_scale_spin, config.rule.output_scale);
}

/* The meta-training fields as the engine's defaults for the family, the same
 * settings `l2l train --task FAMILY` takes. */
void
_l2l_experiment_panel_apply_family_defaults (L2lExperimentPanel *self)
{
  L2lTrainConfig config;

  default_config (self, &config);
  gtk_spin_button_set_value (self->horizon_spin, config.steps);
  gtk_spin_button_set_value (self->unroll_spin, config.unroll);
  gtk_spin_button_set_value (self->batch_spin, config.batch);
  gtk_spin_button_set_value (self->epochs_spin, config.epochs);
  gtk_spin_button_set_value (self->meta_lr_spin, config.meta_lr);
  gtk_spin_button_set_value (self->layers_spin, config.rule.layers);
  gtk_spin_button_set_value (self->hidden_spin, config.rule.hidden);
  gtk_spin_button_set_value (self->output_scale_spin, config.rule.output_scale);
  /* A family with rates of its own (art: tuning images is slow) gets them. */
  l2l_optimizer_list_use_family_rates (self->optimizer_list, l2l_task_form_get_family (self->task_form));
}

/* Loss weights. */

gboolean
_l2l_experiment_panel_update_weights (L2lExperimentPanel  *self,
                GError             **error)
{
  guint scheme = adw_combo_row_get_selected (self->weights_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->weights_entry));
  guint steps = (guint) gtk_spin_button_get_value_as_int (self->horizon_spin);
  g_autoptr(L2lLossWeights) weights = NULL;

  g_free (self->weights_spec);
  if (g_str_equal (_l2l_weight_schemes[scheme], "exp"))
    self->weights_spec = g_strdup_printf ("exp:%s", text);
  else if (g_str_equal (_l2l_weight_schemes[scheme], "list"))
    self->weights_spec = g_strdup (text);
  else
    self->weights_spec = g_strdup (_l2l_weight_schemes[scheme]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->weights_entry),
                            g_str_equal (_l2l_weight_schemes[scheme], "exp") ||
                            g_str_equal (_l2l_weight_schemes[scheme], "list"));

  g_autoptr(GError) local = NULL;

  weights = l2l_loss_weights_new (self->weights_spec, steps, &local);
  l2l_field_mark (GTK_WIDGET (self->weights_entry), local ? local->message : NULL);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  l2l_weights_preview_set_weights (self->weights_preview, weights ? weights->values : NULL,
                                   weights ? weights->steps : 0);
  return weights != NULL;
}

static void
on_weights_changed (L2lExperimentPanel *self)
{
  _l2l_experiment_panel_update_weights (self, NULL);
  emit_changed (self);
}

/* Configs. */

static gboolean
fail (GError     **error,
      GtkWidget   *field,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      GtkWidget   *field,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (field != NULL)
    l2l_field_mark (field, message);
  if (error != NULL && *error == NULL)
    *error = g_error_new_literal (L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION, message);
  return FALSE;
}

typedef struct {
  const char    *field;   /* the engine's name, as its errors give it */
  GtkSpinButton *spin;
} EngineField;

static guint
engine_fields (L2lExperimentPanel *self,
               gboolean            training,
               EngineField        *fields)
{
  const EngineField all[] = {
    { "steps", training ? self->horizon_spin : self->steps_spin },
    { "runs", self->runs_spin }, { "tune-budget", self->tune_budget_spin },
    { "unroll", self->unroll_spin }, { "batch", self->batch_spin },
    { "epochs", self->epochs_spin }, { "meta-lr", self->meta_lr_spin },
    { "layers", self->layers_spin }, { "hidden", self->hidden_spin },
    { "scale-range", self->scale_range_spin }, { "curriculum", self->curriculum_spin },
    { "average", self->average_spin }, { "output-scale", self->output_scale_spin },
    { "clip", self->clip_spin }, { "seed", self->seed_spin },
  };

  memcpy (fields, all, sizeof all);
  return G_N_ELEMENTS (all);
}

/* Text in a field that is not a number is an error, not the lowest value. */
static gboolean
check_numbers (L2lExperimentPanel  *self,
               gboolean             training,
               GError             **error)
{
  GtkSpinButton *compare[] = { self->steps_spin, self->runs_spin, self->tune_budget_spin,
                               self->seed_spin };
  GtkSpinButton *train[] = { self->horizon_spin, self->unroll_spin, self->batch_spin,
                             self->epochs_spin, self->meta_lr_spin, self->layers_spin,
                             self->hidden_spin, self->scale_range_spin, self->curriculum_spin,
                             self->average_spin, self->output_scale_spin, self->clip_spin,
                             self->seed_spin };
  GtkSpinButton **spins = training ? train : compare;
  guint n = training ? G_N_ELEMENTS (train) : G_N_ELEMENTS (compare);
  gboolean valid = TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = NULL, *title = NULL;

      l2l_field_mark (GTK_WIDGET (spins[i]), NULL);
      if (!l2l_spin_guard_check (spins[i], &text))
        {
          title = l2l_field_title (GTK_WIDGET (spins[i]));
          valid = fail (error, GTK_WIDGET (spins[i]), _("%s: “%s” is not a number"), title, text);
        }
    }
  return valid;
}

/* An engine error about a field ("unroll: 200 is more than steps (100)") in
 * the page's words ("Unroll K: 200 is more than Horizon T (100)"), shown at
 * the field it names. */
static void
mark_engine_field (L2lExperimentPanel *self,
                   GError             *error,
                   gboolean            training)
{
  EngineField fields[32];
  guint n = engine_fields (self, training, fields);
  const char *field = error ? l2l_error_get_field (error) : NULL;
  GtkSpinButton *bad = NULL;

  if (field == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = l2l_field_title (GTK_WIDGET (fields[i].spin));
      g_autofree char *prefix = g_strconcat (fields[i].field, ": ", NULL);
      g_autofree char *word = g_strconcat (" ", fields[i].field, " (", NULL);
      g_autofree char *as_shown = g_strconcat (" ", title, " (", NULL);
      g_auto(GStrv) parts = NULL;

      if (g_str_equal (fields[i].field, field) && bad == NULL)
        bad = fields[i].spin;
      if (g_str_has_prefix (error->message, prefix))
        {
          char *message = g_strconcat (title, ": ", error->message + strlen (prefix), NULL);
          g_free (error->message);
          error->message = message;
        }
      parts = g_strsplit (error->message, word, -1);
      g_free (error->message);
      error->message = g_strjoinv (as_shown, parts);
    }
  if (bad != NULL)
    l2l_field_mark (GTK_WIDGET (bad), error->message);
}

gboolean
l2l_experiment_panel_build_compare (L2lExperimentPanel  *self,
                                    L2lCompareConfig    *config,
                                    char               **spec,
                                    GError             **error)
{
  guint n = l2l_optimizer_list_count (self->optimizer_list);
  gboolean valid;

  *spec = NULL;
  l2l_compare_config_init (config);
  config->steps = (guint) gtk_spin_button_get_value_as_int (self->steps_spin);
  config->runs = (guint) gtk_spin_button_get_value_as_int (self->runs_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (gtk_check_button_get_active (self->tune_hyper_check))
    config->tune.hyper_budget = (guint) gtk_spin_button_get_value_as_int (self->tune_budget_spin);
  config->optimizers = g_new0 (L2lOptimizerSpec, MAX (n, 1));
  if (!check_numbers (self, FALSE, error))
    return FALSE;

  if (!l2l_optimizer_list_fill (self->optimizer_list, config, error))
    return FALSE;
  if ((*spec = l2l_task_form_check (self->task_form, error)) == NULL)
    return FALSE;
  valid = l2l_compare_config_check_settings (config, error);
  mark_engine_field (self, valid || error == NULL ? NULL : *error, FALSE);
  return valid;
}

gboolean
l2l_experiment_panel_build_train (L2lExperimentPanel  *self,
                                  L2lTrainConfig      *config,
                                  char               **spec,
                                  GError             **error)
{
  gboolean valid;

  l2l_train_config_init_defaults (config);
  *spec = NULL;
  if (!check_numbers (self, TRUE, error))
    return FALSE;
  if ((*spec = l2l_task_form_check (self->task_form, error)) == NULL)
    return FALSE;
  /* the family's LSTM scaling; the fields below, batch included, then decide */
  l2l_train_config_use_family_defaults (config, l2l_task_form_get_family (self->task_form));
  config->steps = (guint) gtk_spin_button_get_value_as_int (self->horizon_spin);
  config->unroll = (guint) gtk_spin_button_get_value_as_int (self->unroll_spin);
  config->batch = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  config->epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->meta_lr = gtk_spin_button_get_value (self->meta_lr_spin);
  config->rule.layers = (guint) gtk_spin_button_get_value_as_int (self->layers_spin);
  config->rule.hidden = (guint) gtk_spin_button_get_value_as_int (self->hidden_spin);
  config->per_group = gtk_check_button_get_active (self->per_group_check);
  config->scale_range = gtk_spin_button_get_value (self->scale_range_spin);
  config->curriculum = (guint) gtk_spin_button_get_value_as_int (self->curriculum_spin);
  config->average = gtk_spin_button_get_value (self->average_spin);
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    if (!l2l_setting_apply (_l2l_experiment_panel_recipe_setting (i), config, _l2l_experiment_panel_recipe_word (self, i), error))
      return FALSE;
  config->rule.output_scale = gtk_spin_button_get_value (self->output_scale_spin);
  config->clip_norm = gtk_spin_button_get_value (self->clip_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (!_l2l_experiment_panel_update_weights (self, error))
    return FALSE;
  config->weights = self->weights_spec;
  valid = l2l_train_config_check_settings (config, error);
  mark_engine_field (self, valid || error == NULL ? NULL : *error, TRUE);
  return valid;
}

void
l2l_experiment_panel_set_mode (L2lExperimentPanel *self,
                               L2lPanelMode        mode)
{
  gboolean compare = mode == L2L_PANEL_COMPARE, train = mode == L2L_PANEL_TRAIN;

  self->mode = mode;
  /* the Neural art page's task is art, and it picks the images above its
   * tiles, by name: their rows would only repeat them as paths */
  l2l_task_form_set_fixed (self->task_form, mode == L2L_PANEL_ART || mode == L2L_PANEL_LANDSCAPE,
                           mode == L2L_PANEL_ART
                           ? (const char *const[]) { "content", "style", "held-out", NULL } : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->optimizer_list), !train);
  gtk_widget_set_visible (self->compare_group, !train);
  gtk_widget_set_visible (self->runs_row, compare);
  gtk_widget_set_visible (self->tune_hyper_row, compare);
  gtk_widget_set_visible (self->tune_budget_row, compare);
  gtk_widget_set_visible (self->train_group, train);
  gtk_widget_set_visible (self->recipe_group, train);
  gtk_widget_set_visible (self->save_button, train);
  if (mode == L2L_PANEL_ART)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->compare_group), _("Styling"));
  if (mode == L2L_PANEL_LANDSCAPE)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->compare_group), _("Paths"));
}

L2lPanelMode
l2l_experiment_panel_get_mode (L2lExperimentPanel *self)
{
  return self->mode;
}

void
l2l_experiment_panel_show_error (L2lExperimentPanel *self,
                                 const char         *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* The task. */

/* Another family: what suits it (two MLPs an epoch rather than 128, its own
 * rates), and the shipped optimizers that learned on it. */
static void
on_family_changed (L2lExperimentPanel *self)
{
  if (!self->loading)
    _l2l_experiment_panel_apply_family_defaults (self);
  l2l_optimizer_list_suit_family (self->optimizer_list, l2l_task_form_get_family (self->task_form));
}

void
l2l_experiment_panel_select_task (L2lExperimentPanel *self,
                                  const char         *name)
{
  l2l_task_form_select_family (self->task_form, name);
}

char *
l2l_experiment_panel_get_task_spec (L2lExperimentPanel *self)
{
  return l2l_task_form_get_spec (self->task_form);
}

void
l2l_experiment_panel_set_task_spec (L2lExperimentPanel *self,
                                    const char         *spec)
{
  l2l_task_form_set_spec (self->task_form, spec);
  emit_changed (self);
}

char *
l2l_experiment_panel_get_task_option (L2lExperimentPanel *self,
                                      const char         *key)
{
  return l2l_task_form_get_option (self->task_form, key);
}

void
l2l_experiment_panel_set_task_option (L2lExperimentPanel *self,
                                      const char         *key,
                                      const char         *value)
{
  l2l_task_form_set_option (self->task_form, key, value);
}

void
l2l_experiment_panel_add_learned (L2lExperimentPanel *self,
                                  const char         *label,
                                  L2lRule            *net)
{
  l2l_optimizer_list_add_learned (self->optimizer_list, label, net);
}

const char *
l2l_experiment_panel_get_error (L2lExperimentPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

/* Lookup for tests. */

GtkSpinButton *
l2l_experiment_panel_get_spin (L2lExperimentPanel *self,
                               const char         *name)
{
  const struct { const char *name; GtkSpinButton *spin; } spins[] = {
    { "steps", self->steps_spin }, { "runs", self->runs_spin }, { "seed", self->seed_spin },
    { "tune-budget", self->tune_budget_spin }, { "horizon", self->horizon_spin },
    { "scale-range", self->scale_range_spin }, { "curriculum", self->curriculum_spin },
    { "average", self->average_spin }, { "output-scale", self->output_scale_spin },
    { "clip", self->clip_spin }, { "unroll", self->unroll_spin },
    { "batch", self->batch_spin }, { "epochs", self->epochs_spin },
    { "meta-lr", self->meta_lr_spin }, { "layers", self->layers_spin },
    { "hidden", self->hidden_spin },
  };

  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    if (g_str_equal (spins[i].name, name))
      return spins[i].spin;
  g_return_val_if_reached (NULL);
}

GtkCheckButton *
l2l_experiment_panel_get_per_group_check (L2lExperimentPanel *self)
{
  return self->per_group_check;
}

GtkCheckButton *
l2l_experiment_panel_get_tune_hyper_check (L2lExperimentPanel *self)
{
  return self->tune_hyper_check;
}

AdwComboRow *
l2l_experiment_panel_get_recipe_dropdown (L2lExperimentPanel *self,
                                          const char         *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    if (g_str_equal (recipe_choices[i].key, key))
      return _l2l_experiment_panel_recipe_dropdown (self, i);
  g_return_val_if_reached (NULL);
}

/* The spins' ranges are the engine's (ARCHITECTURE §2), not copies in the
 * templates: a value the engine would refuse cannot be typed. */
static void
apply_engine_limits (L2lExperimentPanel *self)
{
  const struct { const char *field; GtkSpinButton *spin; } spins[] = {
    { "steps", self->steps_spin }, { "runs", self->runs_spin },
    { "tune-budget", self->tune_budget_spin }, { "steps", self->horizon_spin }, { "unroll", self->unroll_spin },
    { "batch", self->batch_spin }, { "epochs", self->epochs_spin },
    { "meta-lr", self->meta_lr_spin }, { "layers", self->layers_spin },
    { "hidden", self->hidden_spin }, { "scale-range", self->scale_range_spin },
    { "curriculum", self->curriculum_spin }, { "average", self->average_spin },
    { "output-scale", self->output_scale_spin }, { "clip", self->clip_spin },
  };

  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      const L2lLimit *limit = l2l_limit_lookup (spins[i].field);
      gtk_spin_button_set_range (spins[i].spin, limit->min, limit->max);
    }
}

GtkCheckButton *
l2l_experiment_panel_get_learned_check (L2lExperimentPanel *self,
                                        const char         *label)
{
  return l2l_optimizer_list_get_learned_check (self->optimizer_list, label);
}

GtkCheckButton *
l2l_experiment_panel_get_optimizer_check (L2lExperimentPanel *self,
                                          const char         *name)
{
  return l2l_optimizer_list_get_check (self->optimizer_list, name);
}

GtkEntry *
l2l_experiment_panel_get_optimizer_rate (L2lExperimentPanel *self,
                                         const char         *name)
{
  return l2l_optimizer_list_get_rate (self->optimizer_list, name);
}

/* GObject. */

static void
l2l_experiment_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), L2L_TYPE_EXPERIMENT_PANEL);
  G_OBJECT_CLASS (l2l_experiment_panel_parent_class)->dispose (object);
}

static void
l2l_experiment_panel_finalize (GObject *object)
{
  L2lExperimentPanel *self = L2L_EXPERIMENT_PANEL (object);

  g_free (self->weights_spec);
  G_OBJECT_CLASS (l2l_experiment_panel_parent_class)->finalize (object);
}

static void
l2l_experiment_panel_class_init (L2lExperimentPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = l2l_experiment_panel_dispose;
  object_class->finalize = l2l_experiment_panel_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (L2L_TYPE_WEIGHTS_PREVIEW);
  g_type_ensure (L2L_TYPE_TASK_FORM);
  g_type_ensure (L2L_TYPE_OPTIMIZER_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/l2lworkbench/Workbench/ui/l2l-experiment-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, L2lExperimentPanel, name)
  BIND (task_form);
  BIND (optimizer_list);
  BIND (compare_group);
  BIND (runs_row);
  BIND (tune_hyper_row);
  BIND (tune_budget_row);
  BIND (train_group);
  BIND (recipe_group);
  BIND (save_button);
  BIND (steps_spin);
  BIND (runs_spin);
  BIND (seed_spin);
  BIND (tune_hyper_check);
  BIND (tune_budget_spin);
  BIND (horizon_spin);
  BIND (unroll_spin);
  BIND (weights_dropdown);
  BIND (weights_entry);
  BIND (weights_preview);
  BIND (batch_spin);
  BIND (epochs_spin);
  BIND (meta_lr_spin);
  BIND (layers_spin);
  BIND (hidden_spin);
  BIND (per_group_check);
  BIND (schedule_dropdown);
  BIND (scale_range_spin);
  BIND (curriculum_spin);
  BIND (average_spin);
  BIND (objective_dropdown);
  BIND (output_init_dropdown);
  BIND (meta_gradient_dropdown);
  BIND (arch_dropdown);
  BIND (keep_dropdown);
  BIND (output_scale_spin);
  BIND (clip_spin);
  BIND (error_label);
#undef BIND
}

static void
l2l_experiment_panel_init (L2lExperimentPanel *self)
{
  const char *const scheme_names[] = {
    _("Uniform"), _("Linear ramp"), _("Exponential (γ)"), _("Final step only"), _("Custom list"),
    NULL,
  };
  g_autoptr(GtkStringList) schemes = gtk_string_list_new (scheme_names);
  GtkSpinButton *spins[10];

  gtk_widget_init_template (GTK_WIDGET (self));
  apply_engine_limits (self);
  _l2l_experiment_panel_apply_family_defaults (self);
  l2l_optimizer_list_suit_family (self->optimizer_list, l2l_task_form_get_family (self->task_form));
  g_signal_connect_swapped (self->task_form, "family-changed", G_CALLBACK (on_family_changed), self);
  g_signal_connect_swapped (self->task_form, "changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->optimizer_list, "changed", G_CALLBACK (emit_changed), self);

  adw_combo_row_set_model (self->weights_dropdown, G_LIST_MODEL (schemes));
  gtk_editable_set_text (GTK_EDITABLE (self->weights_entry), "0.95");
  g_signal_connect_swapped (self->weights_dropdown, "notify::selected",
                            G_CALLBACK (on_weights_changed), self);
  g_signal_connect_swapped (self->weights_entry, "changed", G_CALLBACK (on_weights_changed), self);
  g_signal_connect_swapped (self->horizon_spin, "value-changed",
                            G_CALLBACK (on_weights_changed), self);

  spins[0] = self->steps_spin, spins[1] = self->runs_spin, spins[2] = self->seed_spin;
  spins[3] = self->unroll_spin, spins[4] = self->batch_spin, spins[5] = self->epochs_spin;
  spins[6] = self->meta_lr_spin, spins[7] = self->layers_spin, spins[8] = self->hidden_spin;
  spins[9] = self->horizon_spin;
  for (guint i = 0; i < G_N_ELEMENTS (spins) - 1; i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (emit_changed), self);
  {
    EngineField fields[32];
    guint n = engine_fields (self, TRUE, fields);

    /* every spin: the wheel only when focused, and what is typed is checked */
    g_signal_connect_swapped (self->steps_spin, "changed", G_CALLBACK (emit_changed), self);
    l2l_spin_guard_attach (self->steps_spin);
    for (guint i = 0; i < n; i++)
      {
        l2l_spin_guard_attach (fields[i].spin);
        g_signal_connect_swapped (fields[i].spin, "changed", G_CALLBACK (emit_changed), self);
      }
  }
  g_signal_connect_swapped (self->per_group_check, "toggled", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->tune_budget_spin, "value-changed", G_CALLBACK (emit_changed), self);
  {
    GtkSpinButton *recipe_spins[] = { self->scale_range_spin, self->curriculum_spin,
                                      self->average_spin, self->output_scale_spin,
                                      self->clip_spin };
    AdwComboRow *recipe_dropdowns[] = { self->schedule_dropdown, self->objective_dropdown,
                                        self->output_init_dropdown,
                                        self->meta_gradient_dropdown, self->arch_dropdown,
                                        self->keep_dropdown };

    for (guint i = 0; i < G_N_ELEMENTS (recipe_spins); i++)
      g_signal_connect_swapped (recipe_spins[i], "value-changed", G_CALLBACK (emit_changed), self);
    for (guint i = 0; i < G_N_ELEMENTS (recipe_dropdowns); i++)
      g_signal_connect_swapped (recipe_dropdowns[i], "notify::selected",
                                G_CALLBACK (emit_changed), self);
  }
  g_signal_connect_swapped (self->arch_dropdown, "notify::selected", G_CALLBACK (on_arch_changed),
                            self);
  g_signal_connect_swapped (self->tune_hyper_check, "toggled", G_CALLBACK (on_tune_hyper_toggled),
                            self);
  _l2l_experiment_panel_update_weights (self, NULL);
}

GtkWidget *
l2l_experiment_panel_new (void)
{
  return g_object_new (L2L_TYPE_EXPERIMENT_PANEL, NULL);
}
