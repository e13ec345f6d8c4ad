/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "l2l-engine.h"

G_BEGIN_DECLS

#define L2L_TYPE_OPTIMIZER_LIST (l2l_optimizer_list_get_type ())
G_DECLARE_FINAL_TYPE (L2lOptimizerList, l2l_optimizer_list, L2L, OPTIMIZER_LIST,
                      AdwPreferencesGroup)

/* The sidebar's Optimizers group: each hand-written optimizer with its
 * learning rate or "tune", then the learned ones (the shipped ones, checked
 * for the family they learned on, then those trained or loaded).
 *
 * Signals:
 *   changed ()  a check box or rate was edited, or an optimizer added */
L2lOptimizerList *l2l_optimizer_list_new            (void);
/* Adds a learned optimizer (checked); takes a reference. */
void              l2l_optimizer_list_add_learned    (L2lOptimizerList   *self,
                                                     const char         *label,
                                                     L2lRule            *net);
/* Checks the shipped optimizers that learned on @family, and only those. */
void              l2l_optimizer_list_suit_family    (L2lOptimizerList    *self,
                                                     const L2lTaskFamily *family);
/* The family's own rates, where it has some (art: tuning images is slow). */
void              l2l_optimizer_list_use_family_rates (L2lOptimizerList    *self,
                                                       const L2lTaskFamily *family);
/* The chosen hand-written optimizers as "sgd=tune,adam=0.1", and back. */
char             *l2l_optimizer_list_to_string      (L2lOptimizerList   *self);
void              l2l_optimizer_list_from_string    (L2lOptimizerList   *self,
                                                     const char         *text);
/* Appends the checked optimizers to @config->optimizers (room for
 * l2l_optimizer_list_count): FALSE, the rate marked, when one is not a number
 * or "tune". */
gboolean          l2l_optimizer_list_fill           (L2lOptimizerList   *self,
                                                     L2lCompareConfig   *config,
                                                     GError            **error);
guint             l2l_optimizer_list_count          (L2lOptimizerList   *self);
GtkCheckButton   *l2l_optimizer_list_get_check      (L2lOptimizerList   *self,
                                                     const char         *name);
GtkEntry         *l2l_optimizer_list_get_rate       (L2lOptimizerList   *self,
                                                     const char         *name);
GtkCheckButton   *l2l_optimizer_list_get_learned_check (L2lOptimizerList *self,
                                                        const char       *label);

G_END_DECLS
