/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

#define L2L_TYPE_TASK_FORM (l2l_task_form_get_type ())
G_DECLARE_FINAL_TYPE (L2lTaskForm, l2l_task_form, L2L, TASK_FORM, AdwPreferencesGroup)

/* The sidebar's Task group: the family (by a human name, its description
 * in the tooltip) and one row per option of the family, built from the family's
 * option table, so that a new task needs no UI code.
 *
 * Signals:
 *   family-changed ()  another family was chosen (by the user or in code)
 *   changed ()         an option was edited */
L2lTaskForm         *l2l_task_form_new           (void);
const L2lTaskFamily *l2l_task_form_get_family    (L2lTaskForm        *self);
void                 l2l_task_form_select_family (L2lTaskForm        *self,
                                                  const char         *name);
/* The family fixed (its row hidden), and options not shown (NULL-terminated). */
void                 l2l_task_form_set_fixed     (L2lTaskForm        *self,
                                                  gboolean            fixed,
                                                  const char *const  *hidden_keys);
/* "family:key=value,…" as the rows say now. */
char                *l2l_task_form_get_spec      (L2lTaskForm        *self);
/* Chooses the family and options of @spec; options it does not give take
 * their defaults. FALSE when the spec does not parse (nothing set then). */
gboolean             l2l_task_form_set_spec      (L2lTaskForm        *self,
                                                  const char         *spec);
/* The spec, checked for syntax only (making the task is the worker's job):
 * NULL with @error, and the bad field marked, when it is wrong. */
char                *l2l_task_form_check         (L2lTaskForm        *self,
                                                  GError            **error);
/* One option's value (NULL when the family has none), and setting a text or
 * whole-number one. */
char                *l2l_task_form_get_option    (L2lTaskForm        *self,
                                                  const char         *key);
void                 l2l_task_form_set_option    (L2lTaskForm        *self,
                                                  const char         *key,
                                                  const char         *value);

G_END_DECLS
