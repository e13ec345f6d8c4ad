/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-options.h"

G_BEGIN_DECLS

/* The coordinatewise LSTM optimizer network m(∇, h; φ) (ARCHITECTURE §1, §3):
 * every coordinate of θ is one row of a batch, all rows share φ.
 *
 * φ lives in one float buffer, laid out tensor after tensor exactly as PyTorch
 * names and shapes them, so that a checkpoint maps one-to-one onto
 * torch.nn.LSTMCell (gate order i, f, g, o) and torch.nn.Linear (H, 1):
 *
 *   cells.l.weight_ih [4H × in_l]   in_0 = 2 (logsign) or 1 (none), in_l = H after
 *   cells.l.weight_hh [4H × H]
 *   cells.l.bias_ih   [4H]
 *   cells.l.bias_hh   [4H]           … for l = 0 … layers − 1, then
 *   out.weight        [1 × H]
 *   out.bias          [1]
 *
 * The update is g = output_scale · out(h_top). Gradients and the meta-optimizer
 * state mirror this layout. */

typedef enum {
  L2L_PREPROCESS_NONE,      /* input ∇ as is */
  L2L_PREPROCESS_LOGSIGN,   /* Appendix A: (log|∇|/p, sign ∇) or (−1, e^p ∇) */
} L2lPreprocessKind;

#define L2L_RULE_MAX_GROUPS 8
#define L2L_RULE_GROUPS_SIZE 128

/* @groups is "" for one LSTM serving every coordinate, or the names of a
 * task's parameter groups, "conv,fc", for one LSTM each (the paper's Figure 7):
 * φ then holds one block per group, each laid out as below, its tensors named
 * "conv.cells.0.weight_ih" … "fc.out.bias". All groups share the shape. */
typedef struct {
  guint             layers;        /* 2 */
  guint             hidden;        /* 20 */
  L2lPreprocessKind preprocess;    /* logsign */
  double            preprocess_p;  /* 10 */
  double            output_scale;  /* 0.1 */
  char              groups[L2L_RULE_GROUPS_SIZE];
} L2lRuleConfig;

/* Indices into the tensor table: four per layer, then the output layer. */
enum {
  L2L_LSTM_WEIGHT_IH,
  L2L_LSTM_WEIGHT_HH,
  L2L_LSTM_BIAS_IH,
  L2L_LSTM_BIAS_HH,
  L2L_LSTM_TENSORS_PER_LAYER,
};

typedef struct {
  char  *name;     /* "cells.0.weight_ih" */
  gsize  offset;   /* in floats, into φ */
  guint  rows;
  guint  cols;     /* 0 for a 1-D tensor of @rows */
} L2lRuleTensor;

typedef struct _L2lLstm L2lRule;

struct _L2lLstm {
  gatomicrefcount  ref_count;
  L2lRuleConfig    config;
  guint            input_size;
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

/* φ rearranged for fast steps: per layer one matrix [4H × (in + H + 1)] =
 * [W_ih | W_hh | b_ih + b_hh], applied to a block [x ; h_prev ; 1] so that a
 * layer, bias included, is one sgemm; and the output row [w_out | b_out] of
 * H + 1. The same shape holds gradients, which l2l_lstm_packed_add_to_params
 * spreads back onto φ's layout. */
typedef struct {
  float *wcat[L2L_MAX_LAYERS];
  float *out;                        /* [H + 1] */
  float *storage;
  gsize  size;
} L2lLstmPacked;

void        l2l_rule_config_init_defaults (L2lRuleConfig *config);
gboolean    l2l_rule_config_validate      (const L2lRuleConfig *config,
                                           GError             **error);
/* "logsign:p=10" or "none". */
char       *l2l_lstm_preprocess_to_string (const L2lRuleConfig *config);
gboolean    l2l_lstm_preprocess_parse     (const char     *text,
                                           L2lRuleConfig  *config,
                                           GError        **error);
/* Checks and sets config->groups from "conv,fc" ("" or NULL: one LSTM). */
gboolean    l2l_rule_config_set_groups    (L2lRuleConfig  *config,
                                           const char     *groups,
                                           GError        **error);

/* Fresh φ with torch's default initialisation, U(−1/√H, 1/√H) for the cells
 * and U(−1/√H, 1/√H) for Linear(H, 1), drawn from @seed. */
L2lRule    *l2l_rule_new                  (const L2lRuleConfig *config,
                                           guint64              seed);
/* Same shape, φ zero: for loading and for gradient buffers' tensor tables. */
L2lRule    *l2l_rule_new_zeroed           (const L2lRuleConfig *config);
L2lRule    *l2l_rule_copy                 (const L2lRule *net);
L2lRule    *l2l_rule_ref                  (L2lRule *net);
void        l2l_rule_unref                (L2lRule *net);

guint       l2l_lstm_layer_input          (const L2lRule *net,
                                           guint          layer);
const L2lRuleTensor *l2l_lstm_tensor      (const L2lRule *net,
                                           guint          layer,
                                           guint          which);
/* Tensors of group 0; add g × group_size to an offset for group g's. The
 * output layer's: out.weight and out.bias. */
const L2lRuleTensor *l2l_lstm_out_weight  (const L2lRule *net);
const L2lRuleTensor *l2l_lstm_out_bias    (const L2lRule *net);

void        l2l_lstm_packed_init          (L2lLstmPacked *packed,
                                           const L2lRule *net);
/* Refreshes @packed from group @group of the net's current φ (after a
 * meta-optimizer step). */
void        l2l_lstm_packed_update        (L2lLstmPacked *packed,
                                           const L2lRule *net,
                                           guint          group);
void        l2l_lstm_packed_clear         (L2lLstmPacked *packed);
void        l2l_lstm_packed_zero          (L2lLstmPacked *packed);
/* dφ of group @group += the packed gradient @packed (bias gradients go to
 * both b_ih and b_hh). */
void        l2l_lstm_packed_add_to_params (const L2lLstmPacked *packed,
                                           const L2lRule       *net,
                                           guint                group,
                                           float               *dphi);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lRule, l2l_rule_unref)

G_END_DECLS
