/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-rule.h"

G_BEGIN_DECLS

/* The paper's coordinatewise LSTM (Andrychowicz et al. 2016), the learned
 * rule "lstm", and RNNprop (Lv et al. 2017, "Learning Gradient Descent:
 * Better Generalization and Longer Horizons"), the rule "rnnprop": the same
 * cells behind an input layer of H ELUs, Linear (in, H), and with the update
 * bounded, g = output_scale · tanh (out(h_top)). The LSTM: features x → a stack of LSTM cells → Linear (H, 1), the update
 * g = output_scale · out(h_top). One group's φ maps one-to-one onto
 * torch.nn.LSTMCell (gate order i, f, g, o) and torch.nn.Linear (H, 1):
 *
 *   cells.l.weight_ih [4H × in_l]   in_0 = the feature rows (2 for logsign), in_l = H after
 *   cells.l.weight_hh [4H × H]
 *   cells.l.bias_ih   [4H]
 *   cells.l.bias_hh   [4H]           … for l = 0 … layers − 1, then
 *   out.weight        [1 × H]
 *   out.bias          [1]
 *   input.weight      [H × in]       RNNprop only, its cells' in_0 then H
 *   input.bias        [H]
 *
 * Gradients and the meta-optimizer state mirror this layout. */

/* Indices into a group's tensor table: four per layer, then the output layer. */
enum {
  L2L_LSTM_WEIGHT_IH,
  L2L_LSTM_WEIGHT_HH,
  L2L_LSTM_BIAS_IH,
  L2L_LSTM_BIAS_HH,
  L2L_LSTM_TENSORS_PER_LAYER,
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

/* The paper's preprocessing as the LSTM's shorthand for its features:
 * "logsign:p=10" (Appendix A) or "none" (∇ as it is, the feature "grad").
 * To string: NULL where the features are neither. */
char       *l2l_lstm_preprocess_to_string (const L2lRuleConfig *config);
gboolean    l2l_lstm_preprocess_parse     (const char     *text,
                                           L2lRuleConfig  *config,
                                           GError        **error);

gboolean    l2l_lstm_is_rnnprop           (const L2lRule *net);
guint       l2l_lstm_layer_input          (const L2lRule *net,
                                           guint          layer);
const L2lRuleTensor *l2l_lstm_tensor      (const L2lRule *net,
                                           guint          layer,
                                           guint          which);
/* Tensors of group 0; add g × group_size to an offset for group g's. The
 * output layer's: out.weight and out.bias. */
const L2lRuleTensor *l2l_lstm_out_weight  (const L2lRule *net);
const L2lRuleTensor *l2l_lstm_out_bias    (const L2lRule *net);
/* RNNprop's input.weight, followed by input.bias. */
const L2lRuleTensor *l2l_lstm_input_weight (const L2lRule *net);

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

G_END_DECLS
