/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

#define L2L_TYPE_EXPERIMENT_PANEL (l2l_experiment_panel_get_type ())
G_DECLARE_FINAL_TYPE (L2lExperimentPanel, l2l_experiment_panel, L2L, EXPERIMENT_PANEL, GtkBox)

/* What a page's sidebar shows: a comparison (task, optimizers, steps, runs,
 * tuning), meta-training (task, the LSTM and its recipe), neural art (the
 * art task's images, optimizers, steps) or landscapes (the landscape task's
 * options, optimizers, steps: one run). */
typedef enum {
  L2L_PANEL_COMPARE,
  L2L_PANEL_TRAIN,
  L2L_PANEL_ART,
  L2L_PANEL_LANDSCAPE,
} L2lPanelMode;

/* The sidebar: task and its options (built from the family's option table, so
 * a new task needs no UI code), optimizers with a rate or "tune", learned
 * optimizers, comparison and meta-training settings, as preference rows. It
 * turns what is shown into engine configs and says what is wrong, at the
 * field. Emits "changed" after every edit and "loaded" after settings load. */
GtkWidget  *l2l_experiment_panel_new            (void);
void         l2l_experiment_panel_set_mode      (L2lExperimentPanel *self,
                                                 L2lPanelMode        mode);
L2lPanelMode l2l_experiment_panel_get_mode      (L2lExperimentPanel *self);

/* The experiment shown, checked without making the task (no data is read):
 * @config's task stays NULL and @spec receives the task spec for the worker.
 * What is wrong is marked at its field. @config->weights points into the
 * panel until the next edit. */
gboolean    l2l_experiment_panel_build_compare  (L2lExperimentPanel  *self,
                                                 L2lCompareConfig    *config,
                                                 char               **spec,
                                                 GError             **error);
gboolean    l2l_experiment_panel_build_train    (L2lExperimentPanel  *self,
                                                 L2lTrainConfig      *config,
                                                 char               **spec,
                                                 GError             **error);
/* Adds a learned optimizer to the list (checked); takes a reference. */
void        l2l_experiment_panel_add_learned    (L2lExperimentPanel  *self,
                                                 const char          *label,
                                                 L2lRule             *net);
/* Shows @message under the form (NULL hides it). */
void        l2l_experiment_panel_show_error     (L2lExperimentPanel  *self,
                                                 const char          *message);

/* Shows task family @name and its options. */
void        l2l_experiment_panel_select_task    (L2lExperimentPanel  *self,
                                                 const char          *name);
/* "family:key=value,…" as the task fields say now. */
char       *l2l_experiment_panel_get_task_spec  (L2lExperimentPanel  *self);
/* Chooses a family and its options from a spec ("art:size=128,…"). */
void        l2l_experiment_panel_set_task_spec  (L2lExperimentPanel *self,
                                                 const char         *spec);
/* The value of one option of the chosen family (NULL when it has none), and
 * setting a text or whole-number one (ignored when it has none). */
char       *l2l_experiment_panel_get_task_option (L2lExperimentPanel *self,
                                                 const char         *key);
void        l2l_experiment_panel_set_task_option (L2lExperimentPanel *self,
                                                 const char         *key,
                                                 const char         *value);

/* The message shown under the form, or NULL. */
const char *l2l_experiment_panel_get_error      (L2lExperimentPanel  *self);

/* The last experiment, remembered. @settings may be NULL (no schema). */
void        l2l_experiment_panel_load_settings  (L2lExperimentPanel  *self,
                                                 GSettings           *settings);
void        l2l_experiment_panel_save_settings  (L2lExperimentPanel  *self,
                                                 GSettings           *settings);

/* A numeric field by name ("steps", "runs", "seed", "horizon", "unroll",
 * "batch", "epochs", "meta-lr", "layers", "hidden"), for tests and shortcuts. */
GtkSpinButton *l2l_experiment_panel_get_spin    (L2lExperimentPanel  *self,
                                                 const char          *name);
/* "One LSTM per parameter group" of meta-training. */
GtkCheckButton *l2l_experiment_panel_get_per_group_check (L2lExperimentPanel *self);
GtkCheckButton *l2l_experiment_panel_get_tune_hyper_check (L2lExperimentPanel *self);
/* "meta-lr-schedule", "meta-objective", "output-init", "meta-gradient", "arch" or
 * "keep". */
AdwComboRow    *l2l_experiment_panel_get_recipe_dropdown (L2lExperimentPanel *self,
                                                          const char         *key);
/* The check button of optimizer @name (e.g. "adam"), and its rate entry. */
GtkCheckButton *l2l_experiment_panel_get_optimizer_check (L2lExperimentPanel *self,
                                                          const char         *name);
GtkEntry   *l2l_experiment_panel_get_optimizer_rate      (L2lExperimentPanel *self,
                                                          const char         *name);
/* The check button of learned optimizer @label (e.g. "lstm:quadratic"). */
GtkCheckButton *l2l_experiment_panel_get_learned_check   (L2lExperimentPanel *self,
                                                          const char         *label);

G_END_DECLS
