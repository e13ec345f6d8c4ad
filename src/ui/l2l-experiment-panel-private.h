/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "l2l-experiment-panel.h"
#include "l2l-optimizer-list.h"
#include "l2l-task-form.h"
#include "l2l-weights-preview.h"

G_BEGIN_DECLS

/* The panel's widgets and state, shared by its files: l2l-experiment-panel.c
 * (the form and the configs it makes) and l2l-experiment-panel-settings.c. */
struct _L2lExperimentPanel {
  GtkBox               parent_instance;

  L2lTaskForm         *task_form;
  L2lOptimizerList    *optimizer_list;
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
  AdwComboRow         *weights_dropdown;
  GtkWidget           *weights_entry;   /* an AdwEntryRow */
  L2lWeightsPreview   *weights_preview;
  GtkSpinButton       *batch_spin;
  GtkSpinButton       *epochs_spin;
  GtkSpinButton       *meta_lr_spin;
  GtkSpinButton       *layers_spin;
  GtkSpinButton       *hidden_spin;
  GtkCheckButton      *per_group_check;
  AdwComboRow         *schedule_dropdown;
  GtkSpinButton       *scale_range_spin;
  GtkSpinButton       *curriculum_spin;
  GtkSpinButton       *average_spin;
  AdwComboRow         *objective_dropdown;
  AdwComboRow         *output_init_dropdown;
  AdwComboRow         *meta_gradient_dropdown;
  AdwComboRow         *arch_dropdown;
  AdwComboRow         *keep_dropdown;
  GtkSpinButton       *output_scale_spin;
  GtkSpinButton       *clip_spin;
  GtkLabel            *error_label;

  L2lPanelMode         mode;
  char                *weights_spec;
  gboolean             loading;          /* no "changed" while settings load */
};

/* The loss-weight schemes, in the order of the drop-down. */
extern const char *const _l2l_weight_schemes[];

/* The recipe's drop-downs (l2l train's options beyond the paper's), each
 * listing the engine's words for its setting. */
guint              _l2l_experiment_panel_n_recipe       (void);
const char        *_l2l_experiment_panel_recipe_key     (guint               i);
const L2lSetting  *_l2l_experiment_panel_recipe_setting (guint               i);
AdwComboRow       *_l2l_experiment_panel_recipe_dropdown (L2lExperimentPanel *self,
                                                         guint               i);
/* The engine's word for what drop-down @i shows. */
const char        *_l2l_experiment_panel_recipe_word    (L2lExperimentPanel *self,
                                                         guint               i);
/* The meta-training fields as the engine's defaults for the family. */
void               _l2l_experiment_panel_apply_family_defaults (L2lExperimentPanel *self);
gboolean           _l2l_experiment_panel_update_weights (L2lExperimentPanel  *self,
                                                         GError             **error);
/* Loading is over: "loaded", then "changed". */
void               _l2l_experiment_panel_loaded         (L2lExperimentPanel *self);

G_END_DECLS
