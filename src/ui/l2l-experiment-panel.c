/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "l2l-experiment-panel.h"
#include "l2l-spin-guard.h"
#include "l2l-weights-preview.h"

typedef struct {
  const L2lOptimizerInfo *info;
  GtkCheckButton         *check;
  GtkEntry               *rate;
} HandRow;

typedef struct {
  char           *label;
  L2lRule        *net;
  GtkCheckButton *check;
  GtkWidget      *row;
  char           *family;   /* a pretrained optimizer's task family, else NULL */
} LearnedRow;

struct _L2lExperimentPanel {
  GtkBox               parent_instance;

  AdwPreferencesGroup *task_group;
  GtkWidget           *family_row;
  GtkDropDown         *task_dropdown;
  AdwPreferencesGroup *optimizers_group;
  GtkWidget           *compare_group;
  GtkWidget           *runs_row;
  GtkWidget           *tune_hyper_row;
  GtkWidget           *tune_budget_row;
  GtkWidget           *train_group;
  GtkWidget           *recipe_group;
  GtkWidget           *save_button;
  GtkSpinButton       *steps_spin;
  GtkSpinButton       *runs_spin;
  GtkSpinButton       *seed_spin;
  GtkCheckButton      *tune_hyper_check;
  GtkSpinButton       *tune_budget_spin;
  GtkSpinButton       *horizon_spin;
  GtkSpinButton       *unroll_spin;
  GtkDropDown         *weights_dropdown;
  GtkEntry            *weights_entry;
  L2lWeightsPreview   *weights_preview;
  GtkSpinButton       *batch_spin;
  GtkSpinButton       *epochs_spin;
  GtkSpinButton       *meta_lr_spin;
  GtkSpinButton       *layers_spin;
  GtkSpinButton       *hidden_spin;
  GtkCheckButton      *per_group_check;
  GtkDropDown         *schedule_dropdown;
  GtkSpinButton       *scale_range_spin;
  GtkSpinButton       *curriculum_spin;
  GtkSpinButton       *average_spin;
  GtkDropDown         *objective_dropdown;
  GtkDropDown         *output_init_dropdown;
  GtkDropDown         *meta_gradient_dropdown;
  GtkDropDown         *arch_dropdown;
  GtkDropDown         *keep_dropdown;
  GtkSpinButton       *output_scale_spin;
  GtkSpinButton       *clip_spin;
  GtkLabel            *error_label;

  const L2lTaskFamily *family;
  L2lPanelMode         mode;
  GPtrArray           *option_widgets;   /* one per option of the family */
  GPtrArray           *option_rows;      /* their rows in task_group */
  GPtrArray           *hand_rows;
  GPtrArray           *learned_rows;
  char                *weights_spec;
  gboolean             loading;          /* no "changed" while settings load */
};

G_DEFINE_FINAL_TYPE (L2lExperimentPanel, l2l_experiment_panel, GTK_TYPE_BOX)

enum {
  SIGNAL_CHANGED,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The weight schemes, in the order of the drop-down. */
static const char *const weight_schemes[] = { "uniform", "linear", "exp", "final", "list" };

static void
emit_changed (L2lExperimentPanel *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_tune_hyper_toggled (L2lExperimentPanel *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->tune_budget_spin),
                            gtk_check_button_get_active (self->tune_hyper_check));
  emit_changed (self);
}

/* What is wrong with a field (NULL: nothing), shown on it: red, in its
 * tooltip, and under its row's title. */
static void
mark_field (GtkWidget  *widget,
            const char *message)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);

  if (message != NULL)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
  gtk_widget_set_tooltip_text (widget, message);
  if (row == NULL)
    return;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* A field's name as its row shows it ("Unroll K"), without the mnemonic. */
static char *
field_title (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);
  const char *title = row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : "";
  GString *plain = g_string_new (NULL);

  for (const char *c = title; *c != '\0'; c++)
    if (*c != '_')
      g_string_append_c (plain, *c);
  return g_string_free (plain, FALSE);
}

/* Task options, built from the family's option table. */

/* The Neural art page picks its images above its tiles (by name), so their
 * rows would only repeat them as paths. */
static gboolean
option_shown (L2lExperimentPanel  *self,
              const L2lOptionInfo *info)
{
  const char *picked[] = { "content", "style", "held-out", NULL };

  return self->mode != L2L_PANEL_ART || !g_strv_contains (picked, info->key);
}

static void
build_task_options (L2lExperimentPanel *self)
{
  const L2lTaskFamily *const *families = l2l_task_families ();

  self->family = families[gtk_drop_down_get_selected (self->task_dropdown)];
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->task_dropdown), self->family->description);
  for (guint i = 0; i < self->option_rows->len; i++)
    adw_preferences_group_remove (self->task_group, self->option_rows->pdata[i]);
  g_ptr_array_set_size (self->option_rows, 0);
  g_ptr_array_set_size (self->option_widgets, 0);

  for (guint i = 0; i < self->family->n_options; i++)
    {
      const L2lOptionInfo *info = &self->family->options[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *field;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->key);
      switch (info->type)
        {
        case L2L_OPTION_INT:
          field = gtk_spin_button_new_with_range (info->min, info->max, 1);
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (field), g_ascii_strtod (info->default_value, NULL));
          gtk_editable_set_width_chars (GTK_EDITABLE (field), 8);
          l2l_spin_guard_attach (GTK_SPIN_BUTTON (field));
          g_signal_connect_swapped (field, "value-changed", G_CALLBACK (emit_changed), self);
          g_signal_connect_swapped (field, "changed", G_CALLBACK (emit_changed), self);
          break;
        case L2L_OPTION_DOUBLE:
        case L2L_OPTION_STRING:
          field = gtk_entry_new ();
          gtk_editable_set_text (GTK_EDITABLE (field), info->default_value);
          g_signal_connect_swapped (field, "changed", G_CALLBACK (emit_changed), self);
          break;
        case L2L_OPTION_CHOICE:
        default:
          field = gtk_drop_down_new_from_strings ((const char *const *) info->choices);
          for (guint c = 0; info->choices[c] != NULL; c++)
            if (g_str_equal (info->choices[c], info->default_value))
              gtk_drop_down_set_selected (GTK_DROP_DOWN (field), c);
          g_signal_connect_swapped (field, "notify::selected", G_CALLBACK (emit_changed), self);
          break;
        }
      gtk_widget_set_valign (field, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (row, info->help);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), field);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), field);
      gtk_widget_set_visible (row, option_shown (self, info));
      adw_preferences_group_add (self->task_group, row);
      g_ptr_array_add (self->option_rows, row);
      g_ptr_array_add (self->option_widgets, field);
    }
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
      return g_strdup (info->choices[gtk_drop_down_get_selected (GTK_DROP_DOWN (field))]);
    }
}

static char *
task_spec (L2lExperimentPanel *self)
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

static void load_task                   (L2lExperimentPanel *self,
                                         const char         *spec);
static void apply_family_defaults       (L2lExperimentPanel *self);
static void check_pretrained_for_family (L2lExperimentPanel *self);

void
l2l_experiment_panel_set_task_spec (L2lExperimentPanel *self,
                                    const char         *spec)
{
  load_task (self, spec);
  if (!self->loading)
    apply_family_defaults (self);
  check_pretrained_for_family (self);
  emit_changed (self);
}

char *
l2l_experiment_panel_get_task_option (L2lExperimentPanel *self,
                                      const char         *key)
{
  for (guint i = 0; i < self->family->n_options; i++)
    if (g_str_equal (self->family->options[i].key, key))
      return option_value (&self->family->options[i], self->option_widgets->pdata[i]);
  return NULL;
}

void
l2l_experiment_panel_set_task_option (L2lExperimentPanel *self,
                                      const char         *key,
                                      const char         *value)
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
on_task_selected (L2lExperimentPanel *self)
{
  build_task_options (self);
  /* what suits the new family, e.g. two MLPs an epoch rather than 128 */
  if (!self->loading)
    apply_family_defaults (self);
  check_pretrained_for_family (self);
  emit_changed (self);
}

/* Optimizers. */

static void
add_hand_rows (L2lExperimentPanel *self)
{
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();

  for (guint i = 0; infos[i] != NULL; i++)
    {
      HandRow *row = g_new0 (HandRow, 1);
      char rate[G_ASCII_DTOSTR_BUF_SIZE];
      GtkWidget *action_row = adw_action_row_new ();

      row->info = infos[i];
      row->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_check_button_set_active (row->check, TRUE);
      gtk_widget_set_valign (GTK_WIDGET (row->check), GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), infos[i]->name);
      gtk_widget_set_tooltip_text (action_row, infos[i]->description);
      row->rate = GTK_ENTRY (gtk_entry_new ());
      gtk_editable_set_text (GTK_EDITABLE (row->rate), l2l_format_double (rate, infos[i]->default_lr));
      gtk_editable_set_width_chars (GTK_EDITABLE (row->rate), 8);
      gtk_widget_set_valign (GTK_WIDGET (row->rate), GTK_ALIGN_CENTER);
      gtk_entry_set_placeholder_text (row->rate, _("rate or tune"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->rate),
                                   _("Learning rate, or “tune” to pick it on tuning functions "
                                     "(see the Comparison’s tuning options)"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->check));
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->rate));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->check));
      adw_preferences_group_add (self->optimizers_group, action_row);
      g_signal_connect_swapped (row->check, "toggled", G_CALLBACK (emit_changed), self);
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
add_learned_row (L2lExperimentPanel *self,
                 const char         *label,
                 L2lRule            *net,
                 const char         *kind_text)
{
  LearnedRow *row = g_new0 (LearnedRow, 1);
  GtkWidget *action_row = adw_action_row_new ();

  row->label = g_strdup (label);
  row->net = l2l_rule_ref (net);
  row->row = action_row;
  row->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (row->check, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (row->check), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), kind_text);
  adw_action_row_add_prefix (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), GTK_WIDGET (row->check));
  adw_preferences_group_add (self->optimizers_group, action_row);
  g_signal_connect_swapped (row->check, "toggled", G_CALLBACK (emit_changed), self);
  g_ptr_array_add (self->learned_rows, row);
  emit_changed (self);
  return row;
}

void
l2l_experiment_panel_add_learned (L2lExperimentPanel *self,
                                  const char         *label,
                                  L2lRule            *net)
{
  add_learned_row (self, label, net, _("learned"));
}

/* A pretrained optimizer is checked where the task is the one it learned on. */
static void
check_pretrained_for_family (L2lExperimentPanel *self)
{
  for (guint i = 0; i < self->learned_rows->len; i++)
    {
      LearnedRow *row = self->learned_rows->pdata[i];
      if (row->family != NULL)
        gtk_check_button_set_active (row->check, g_str_equal (row->family, self->family->name));
    }
}

/* The optimizers that ship, as "lstm:NAME" or "mlp:NAME" like the CLI's. A shipped file
 * that does not load is a build defect: it is left out with a warning. */
static void
add_pretrained_rows (L2lExperimentPanel *self)
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
      row = add_learned_row (self, label, net, _("pretrained"));
      task = l2l_safetensors_get_metadata (file, "task");
      row->family = task ? g_strndup (task, strcspn (task, ":")) : g_strdup ("");
      gtk_widget_set_tooltip_text (row->row, task);
    }
  check_pretrained_for_family (self);
}

static const char *recipe_word_of (L2lExperimentPanel *self,
                                   const char         *key);

/* The engine's defaults for the family and the chosen architecture, as
 * `l2l train --task FAMILY --arch ARCH` takes them. */
static void
default_config (L2lExperimentPanel *self,
                L2lTrainConfig     *config)
{
  l2l_train_config_init_defaults (config);
  l2l_train_config_use_family_defaults (config, self->family);
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
static void
apply_family_defaults (L2lExperimentPanel *self)
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
  for (guint i = 0; self->family->rates != NULL && i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      double lr = l2l_task_family_default_lr (self->family, row->info->name, NAN);
      char rate[G_ASCII_DTOSTR_BUF_SIZE];

      if (!isnan (lr))
        gtk_editable_set_text (GTK_EDITABLE (row->rate), g_ascii_formatd (rate, sizeof rate, "%g", lr));
    }
}

/* Loss weights. */

static gboolean
update_weights (L2lExperimentPanel  *self,
                GError             **error)
{
  guint scheme = gtk_drop_down_get_selected (self->weights_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->weights_entry));
  guint steps = (guint) gtk_spin_button_get_value_as_int (self->horizon_spin);
  g_autoptr(L2lLossWeights) weights = NULL;

  g_free (self->weights_spec);
  if (g_str_equal (weight_schemes[scheme], "exp"))
    self->weights_spec = g_strdup_printf ("exp:%s", text);
  else if (g_str_equal (weight_schemes[scheme], "list"))
    self->weights_spec = g_strdup (text);
  else
    self->weights_spec = g_strdup (weight_schemes[scheme]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->weights_entry),
                            g_str_equal (weight_schemes[scheme], "exp") ||
                            g_str_equal (weight_schemes[scheme], "list"));

  g_autoptr(GError) local = NULL;

  weights = l2l_loss_weights_new (self->weights_spec, steps, &local);
  mark_field (GTK_WIDGET (self->weights_entry), local ? local->message : NULL);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  l2l_weights_preview_set_weights (self->weights_preview, weights ? weights->values : NULL,
                                   weights ? weights->steps : 0);
  return weights != NULL;
}

static void
on_weights_changed (L2lExperimentPanel *self)
{
  update_weights (self, NULL);
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
    mark_field (field, message);
  if (error != NULL && *error == NULL)
    *error = g_error_new_literal (L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION, message);
  return FALSE;
}

/* The task spec as the fields say, checked for syntax only: making the task
 * (and reading its data) is the worker's job (ARCHITECTURE §5). */
static char *
checked_task_spec (L2lExperimentPanel  *self,
                   GError             **error)
{
  g_autofree char *spec = task_spec (self);

  for (guint i = 0; i < self->option_widgets->len; i++)
    mark_field (self->option_widgets->pdata[i], NULL);
  if (!l2l_task_spec_check (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
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

      mark_field (GTK_WIDGET (spins[i]), NULL);
      if (!l2l_spin_guard_check (spins[i], &text))
        {
          title = field_title (GTK_WIDGET (spins[i]));
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
      g_autofree char *title = field_title (GTK_WIDGET (fields[i].spin));
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
    mark_field (GTK_WIDGET (bad), error->message);
}

gboolean
l2l_experiment_panel_build_compare (L2lExperimentPanel  *self,
                                    L2lCompareConfig    *config,
                                    char               **spec,
                                    GError             **error)
{
  guint n = self->hand_rows->len + self->learned_rows->len;
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

  for (guint i = 0; i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      g_autofree char *rate = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->rate))));
      L2lOptimizerSpec *optimizer = &config->optimizers[config->n_optimizers];

      mark_field (GTK_WIDGET (row->rate), NULL);
      if (!gtk_check_button_get_active (row->check))
        continue;
      l2l_optimizer_spec_init (optimizer, row->info);
      config->n_optimizers++;
      if (g_ascii_strcasecmp (rate, "tune") == 0)
        optimizer->tune = TRUE;
      /* syntax only: the rate's range is the engine's to check */
      else if (!l2l_parse_double (rate, &optimizer->lr))
        return fail (error, GTK_WIDGET (row->rate),
                     _("%s: “%s” is not a learning rate (a number) or “tune”"),
                     row->info->name, rate);
    }
  for (guint i = 0; i < self->learned_rows->len; i++)
    {
      LearnedRow *row = self->learned_rows->pdata[i];
      if (gtk_check_button_get_active (row->check))
        l2l_optimizer_spec_init_learned (&config->optimizers[config->n_optimizers++],
                                         row->label, row->net);
    }
  if ((*spec = checked_task_spec (self, error)) == NULL)
    return FALSE;
  valid = l2l_compare_config_check_settings (config, error);
  mark_engine_field (self, valid || error == NULL ? NULL : *error, FALSE);
  return valid;
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

static GtkDropDown *
recipe_dropdown (L2lExperimentPanel *self,
                 guint               i)
{
  return G_STRUCT_MEMBER (GtkDropDown *, self, recipe_choices[i].offset);
}

static const L2lSetting *
recipe_setting (guint i)
{
  guint n;
  const L2lSetting *settings = l2l_train_settings (&n);

  return l2l_settings_lookup (settings, n, recipe_choices[i].key);
}

/* The engine's word for what drop-down @i shows. */
static const char *
recipe_word (L2lExperimentPanel *self,
             guint               i)
{
  return recipe_setting (i)->choices[gtk_drop_down_get_selected (recipe_dropdown (self, i))];
}

static const char *
recipe_word_of (L2lExperimentPanel *self,
                const char         *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    if (g_str_equal (recipe_choices[i].key, key))
      return recipe_word (self, i);
  g_return_val_if_reached (NULL);
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
  if ((*spec = checked_task_spec (self, error)) == NULL)
    return FALSE;
  /* the family's LSTM scaling; the fields below, batch included, then decide */
  l2l_train_config_use_family_defaults (config, self->family);
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
    if (!l2l_setting_apply (recipe_setting (i), config, recipe_word (self, i), error))
      return FALSE;
  config->rule.output_scale = gtk_spin_button_get_value (self->output_scale_spin);
  config->clip_norm = gtk_spin_button_get_value (self->clip_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (!update_weights (self, error))
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
  /* the Neural art page styles images: its task is art */
  gtk_widget_set_visible (self->family_row, mode != L2L_PANEL_ART);
  gtk_widget_set_visible (GTK_WIDGET (self->optimizers_group), !train);
  gtk_widget_set_visible (self->compare_group, !train);
  gtk_widget_set_visible (self->runs_row, compare);
  gtk_widget_set_visible (self->tune_hyper_row, compare);
  gtk_widget_set_visible (self->tune_budget_row, compare);
  gtk_widget_set_visible (self->train_group, train);
  gtk_widget_set_visible (self->recipe_group, train);
  gtk_widget_set_visible (self->save_button, train);
  if (mode == L2L_PANEL_ART)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->compare_group), _("Styling"));
  for (guint i = 0; i < self->option_rows->len; i++)
    gtk_widget_set_visible (self->option_rows->pdata[i],
                            option_shown (self, &self->family->options[i]));
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

void
l2l_experiment_panel_select_task (L2lExperimentPanel *self,
                                  const char         *name)
{
  const L2lTaskFamily *const *families = l2l_task_families ();

  for (guint i = 0; families[i] != NULL; i++)
    if (g_str_equal (families[i]->name, name))
      gtk_drop_down_set_selected (self->task_dropdown, i);
}

char *
l2l_experiment_panel_get_task_spec (L2lExperimentPanel *self)
{
  return task_spec (self);
}

const char *
l2l_experiment_panel_get_error (L2lExperimentPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

/* Settings. */

static void
load_task (L2lExperimentPanel *self,
           const char         *spec)
{
  const L2lTaskFamily *const *families = l2l_task_families ();
  g_auto(GStrv) parts = g_strsplit (spec, ":", 2);
  g_autoptr(L2lOptions) options = NULL;

  for (guint i = 0; families[i] != NULL; i++)
    if (g_str_equal (families[i]->name, parts[0]))
      gtk_drop_down_set_selected (self->task_dropdown, i);
  build_task_options (self);
  options = l2l_options_new_defaults (self->family->options, self->family->n_options);
  if (!l2l_options_parse (options, parts[1], "settings", NULL))
    return;
  for (guint i = 0; i < self->family->n_options; i++)
    {
      const L2lOptionInfo *info = &self->family->options[i];
      GtkWidget *field = self->option_widgets->pdata[i];
      const char *value = options->values[i];

      if (info->type == L2L_OPTION_INT)
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (field), g_ascii_strtod (value, NULL));
      else if (info->type == L2L_OPTION_DOUBLE || info->type == L2L_OPTION_STRING)
        gtk_editable_set_text (GTK_EDITABLE (field), value);
      else
        for (guint c = 0; info->choices[c] != NULL; c++)
          if (g_str_equal (info->choices[c], value))
            gtk_drop_down_set_selected (GTK_DROP_DOWN (field), c);
    }
}

static void
load_optimizers (L2lExperimentPanel *self,
                 const char         *text)
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
      for (guint i = 0; i < G_N_ELEMENTS (weight_schemes); i++)
        if (g_str_equal (spec, weight_schemes[i]))
          scheme = i;
      if (scheme == 4)
        gtk_editable_set_text (GTK_EDITABLE (self->weights_entry), spec);
    }
  gtk_drop_down_set_selected (self->weights_dropdown, scheme);
}

static void
load_recipe (L2lExperimentPanel *self,
             GSettings          *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    {
      g_autofree char *value = g_settings_get_string (settings, recipe_choices[i].key);
      const char *const *words = recipe_setting (i)->choices;

      for (guint k = 0; words[k] != NULL; k++)
        if (g_str_equal (value, words[k]))
          gtk_drop_down_set_selected (recipe_dropdown (self, i), k);
    }
  gtk_spin_button_set_value (self->scale_range_spin, g_settings_get_double (settings, "scale-range"));
  gtk_spin_button_set_value (self->curriculum_spin, g_settings_get_uint (settings, "curriculum"));
  gtk_spin_button_set_value (self->average_spin, g_settings_get_double (settings, "average"));
  gtk_spin_button_set_value (self->clip_spin, g_settings_get_double (settings, "clip"));
}

static void
save_recipe (L2lExperimentPanel *self,
             GSettings          *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    g_settings_set_string (settings, recipe_choices[i].key, recipe_word (self, i));
  g_settings_set_double (settings, "scale-range", gtk_spin_button_get_value (self->scale_range_spin));
  g_settings_set_uint (settings, "curriculum",
                       (guint) gtk_spin_button_get_value_as_int (self->curriculum_spin));
  g_settings_set_double (settings, "average", gtk_spin_button_get_value (self->average_spin));
  g_settings_set_double (settings, "clip", gtk_spin_button_get_value (self->clip_spin));
  g_settings_set_double (settings, "output-scale",
                         gtk_spin_button_get_value (self->output_scale_spin));
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
  load_task (self, task);
  load_optimizers (self, optimizers);
  load_weights (self, weights);
  gtk_spin_button_set_value (self->steps_spin, g_settings_get_uint (settings, "steps"));
  gtk_spin_button_set_value (self->runs_spin, g_settings_get_uint (settings, "runs"));
  gtk_spin_button_set_value (self->seed_spin, g_settings_get_uint (settings, "seed"));
  gtk_check_button_set_active (self->per_group_check, g_settings_get_boolean (settings, "per-group"));
  gtk_check_button_set_active (self->tune_hyper_check, g_settings_get_boolean (settings, "tune-hyper"));
  gtk_spin_button_set_value (self->tune_budget_spin, g_settings_get_uint (settings, "tune-budget"));
  load_recipe (self, settings);
  /* Meta-training fields the user never set are the family's defaults,
   * as `l2l train` takes them, not copies kept in the schema. */
  apply_family_defaults (self);
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
  self->loading = FALSE;
  update_weights (self, NULL);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
  emit_changed (self);
}

void
l2l_experiment_panel_save_settings (L2lExperimentPanel *self,
                                    GSettings          *settings)
{
  g_autofree char *task = task_spec (self);
  GString *optimizers = g_string_new (NULL);

  if (settings == NULL)
    {
      g_string_free (optimizers, TRUE);
      return;
    }
  for (guint i = 0; i < self->hand_rows->len; i++)
    {
      HandRow *row = self->hand_rows->pdata[i];
      if (gtk_check_button_get_active (row->check))
        g_string_append_printf (optimizers, "%s%s=%s", optimizers->len ? "," : "",
                                row->info->name, gtk_editable_get_text (GTK_EDITABLE (row->rate)));
    }
  g_settings_set_string (settings, "task", task);
  g_settings_set_string (settings, "optimizers", optimizers->str);
  g_settings_set_string (settings, "weights", self->weights_spec ? self->weights_spec : "uniform");
  g_settings_set_uint (settings, "steps", (guint) gtk_spin_button_get_value_as_int (self->steps_spin));
  g_settings_set_uint (settings, "runs", (guint) gtk_spin_button_get_value_as_int (self->runs_spin));
  g_settings_set_uint (settings, "seed", (guint) gtk_spin_button_get_value (self->seed_spin));
  g_settings_set_uint (settings, "horizon", (guint) gtk_spin_button_get_value_as_int (self->horizon_spin));
  g_settings_set_uint (settings, "unroll", (guint) gtk_spin_button_get_value_as_int (self->unroll_spin));
  g_settings_set_uint (settings, "batch", (guint) gtk_spin_button_get_value_as_int (self->batch_spin));
  g_settings_set_uint (settings, "epochs", (guint) gtk_spin_button_get_value_as_int (self->epochs_spin));
  g_settings_set_double (settings, "meta-lr", gtk_spin_button_get_value (self->meta_lr_spin));
  g_settings_set_uint (settings, "layers", (guint) gtk_spin_button_get_value_as_int (self->layers_spin));
  g_settings_set_uint (settings, "hidden", (guint) gtk_spin_button_get_value_as_int (self->hidden_spin));
  g_settings_set_boolean (settings, "per-group", gtk_check_button_get_active (self->per_group_check));
  g_settings_set_boolean (settings, "tune-hyper", gtk_check_button_get_active (self->tune_hyper_check));
  save_recipe (self, settings);
  g_settings_set_uint (settings, "tune-budget",
                       (guint) gtk_spin_button_get_value_as_int (self->tune_budget_spin));
  g_string_free (optimizers, TRUE);
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

GtkDropDown *
l2l_experiment_panel_get_recipe_dropdown (L2lExperimentPanel *self,
                                          const char         *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipe_choices); i++)
    if (g_str_equal (recipe_choices[i].key, key))
      return recipe_dropdown (self, i);
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
  for (guint i = 0; i < self->learned_rows->len; i++)
    if (g_str_equal (((LearnedRow *) self->learned_rows->pdata[i])->label, label))
      return ((LearnedRow *) self->learned_rows->pdata[i])->check;
  g_return_val_if_reached (NULL);
}

static HandRow *
find_hand_row (L2lExperimentPanel *self,
               const char         *name)
{
  for (guint i = 0; i < self->hand_rows->len; i++)
    if (g_str_equal (((HandRow *) self->hand_rows->pdata[i])->info->name, name))
      return self->hand_rows->pdata[i];
  g_return_val_if_reached (NULL);
}

GtkCheckButton *
l2l_experiment_panel_get_optimizer_check (L2lExperimentPanel *self,
                                          const char         *name)
{
  return find_hand_row (self, name)->check;
}

GtkEntry *
l2l_experiment_panel_get_optimizer_rate (L2lExperimentPanel *self,
                                         const char         *name)
{
  return find_hand_row (self, name)->rate;
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

  g_ptr_array_unref (self->option_widgets);
  g_ptr_array_unref (self->option_rows);
  g_ptr_array_unref (self->hand_rows);
  g_ptr_array_unref (self->learned_rows);
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
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/l2lworkbench/Workbench/ui/l2l-experiment-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, L2lExperimentPanel, name)
  BIND (task_group);
  BIND (family_row);
  BIND (task_dropdown);
  BIND (optimizers_group);
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
  const L2lTaskFamily *const *families = l2l_task_families ();
  g_autoptr(GtkStringList) family_names = gtk_string_list_new (NULL);
  const char *const scheme_names[] = {
    _("Uniform"), _("Linear ramp"), _("Exponential (γ)"), _("Final step only"), _("Custom list"),
    NULL,
  };
  g_autoptr(GtkStringList) schemes = gtk_string_list_new (scheme_names);
  GtkSpinButton *spins[10];

  gtk_widget_init_template (GTK_WIDGET (self));
  apply_engine_limits (self);
  self->option_widgets = g_ptr_array_new ();
  self->option_rows = g_ptr_array_new ();
  self->hand_rows = g_ptr_array_new_with_free_func (g_free);
  self->learned_rows = g_ptr_array_new_with_free_func (learned_row_free);

  for (guint i = 0; families[i] != NULL; i++)
    gtk_string_list_append (family_names, families[i]->name);
  gtk_drop_down_set_model (self->task_dropdown, G_LIST_MODEL (family_names));
  build_task_options (self);
  apply_family_defaults (self);
  g_signal_connect_swapped (self->task_dropdown, "notify::selected",
                            G_CALLBACK (on_task_selected), self);
  add_hand_rows (self);
  add_pretrained_rows (self);

  gtk_drop_down_set_model (self->weights_dropdown, G_LIST_MODEL (schemes));
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
    GtkDropDown *recipe_dropdowns[] = { self->schedule_dropdown, self->objective_dropdown,
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
  update_weights (self, NULL);
}

GtkWidget *
l2l_experiment_panel_new (void)
{
  return g_object_new (L2L_TYPE_EXPERIMENT_PANEL, NULL);
}
