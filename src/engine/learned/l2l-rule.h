/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-features.h"
#include "l2l-options.h"

G_BEGIN_DECLS

/* A learned optimizer's update rule θ ← θ + m(x, state; φ) (ARCHITECTURE §1,
 * §3), applied coordinatewise: every coordinate of θ is one column of a
 * batch, x its input features (l2l-features.h), all columns sharing φ. The
 * architectures (L2lRuleArch: the paper's LSTM and its successors) differ in
 * the net m and its per-coordinate state; everything else — φ in one float
 * buffer laid out tensor after tensor exactly as PyTorch names and shapes
 * them, one block of φ per parameter group, checkpoints, meta-training,
 * comparisons — is the same for all of them.
 *
 * @groups is "" for one net serving every coordinate, or the names of a
 * task's parameter groups, "conv,fc", for one net each (the paper's Figure 7):
 * φ then holds one block per group, each laid out as the architecture says,
 * its tensors named "conv.cells.0.weight_ih" … "fc.out.bias". All groups
 * share the shape. */

#define L2L_RULE_MAX_GROUPS 8
#define L2L_RULE_GROUPS_SIZE 128

typedef struct _L2lRuleArch L2lRuleArch;

typedef struct {
  const L2lRuleArch *arch;          /* l2l_rule_arch_lookup ("lstm") */
  guint              layers;        /* 2 */
  guint              hidden;        /* 20 */
  L2lFeatureSet      features;      /* the architecture's own ("logsign:p=10") */
  double             output_scale;  /* 0.1 */
  char               groups[L2L_RULE_GROUPS_SIZE];
} L2lRuleConfig;

typedef struct {
  char  *name;     /* "cells.0.weight_ih" */
  gsize  offset;   /* in floats, into φ */
  guint  rows;
  guint  cols;     /* 0 for a 1-D tensor of @rows */
} L2lRuleTensor;

typedef struct _L2lRule L2lRule;

struct _L2lRule {
  gatomicrefcount  ref_count;
  L2lRuleConfig    config;
  guint            input_size;   /* feature rows: the width of x */
  guint            n_groups;     /* 1 where config.groups is "" */
  char           **group_names;  /* NULL where config.groups is "" */
  gsize            group_size;   /* floats of one group's φ; group g starts at g × group_size */
  gsize            n_params;
  float           *params;       /* φ [n_params] */
  guint            n_tensors;
  L2lRuleTensor   *tensors;
  /* What making φ cost, where known (a checkpoint's metadata): wall time
   * and functions meta-trained on; NaN and 0 otherwise. */
  double           train_seconds;
  guint64          train_functions;
};

/* The architectures, in the order front ends list them; NULL-terminated;
 * and their names, in the same order. */
const L2lRuleArch *const *l2l_rule_archs        (void);
extern const char *const  l2l_rule_arch_names[];
const L2lRuleArch *l2l_rule_arch_lookup         (const char        *name);
const char        *l2l_rule_arch_get_name       (const L2lRuleArch *arch);
/* "LSTM": what messages call one net of it. */
const char        *l2l_rule_arch_get_title      (const L2lRuleArch *arch);
/* One line: what the net is, and its source. */
const char        *l2l_rule_arch_get_description (const L2lRuleArch *arch);
/* "lstm, …": for messages and help. */
char              *l2l_rule_archs_to_string     (void);

/* The paper's LSTM with its defaults. */
void        l2l_rule_config_init_defaults (L2lRuleConfig *config);
/* Switches to @arch with its default features, keeping a logsign p that is
 * set (a family's) where the new features have logsign too. The paper's LSTM
 * keeps the output scale (a family's); the others, on normalised inputs,
 * take their own. */
void        l2l_rule_config_set_arch      (L2lRuleConfig     *config,
                                           const L2lRuleArch *arch);
/* p of every logsign feature (a task family's scaling). */
void        l2l_rule_config_set_logsign_p (L2lRuleConfig *config,
                                           double         p);
gboolean    l2l_rule_config_validate      (const L2lRuleConfig *config,
                                           GError             **error);
/* Checks and sets config->groups from "conv,fc" ("" or NULL: one net). */
gboolean    l2l_rule_config_set_groups    (L2lRuleConfig  *config,
                                           const char     *groups,
                                           GError        **error);

/* Fresh φ with the architecture's PyTorch default initialisation, drawn
 * from @seed. */
L2lRule    *l2l_rule_new                  (const L2lRuleConfig *config,
                                           guint64              seed);
/* Same shape, φ zero: for loading and for gradient buffers' tensor tables. */
L2lRule    *l2l_rule_new_zeroed           (const L2lRuleConfig *config);
L2lRule    *l2l_rule_copy                 (const L2lRule *rule);
L2lRule    *l2l_rule_ref                  (L2lRule *rule);
void        l2l_rule_unref                (L2lRule *rule);

/* The optimizer that does nothing: every group's output layer at zero. */
void        l2l_rule_zero_output          (L2lRule *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lRule, l2l_rule_unref)

G_END_DECLS
