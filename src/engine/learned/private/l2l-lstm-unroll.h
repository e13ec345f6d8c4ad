/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-lstm.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* Columns [start, start + count) of the N coordinates, served by group
 * @group's LSTM. */
typedef struct {
  gsize start;
  gsize count;
  guint group;
} L2lRuleSegment;

/* The LSTM run over N coordinates for up to K steps, keeping what the backward
 * pass needs. Buffers are sized once, here; no step allocates.
 *
 * Per layer l (w = in_l + H + 1), all feature-major:
 *   xh[l]     [(K + 1) × w × N]  slot s = [x_s ; h_{s−1} ; 1]; slot K holds the
 *                                last h, carried into the next unroll
 *   gates[l]  [K × 4H × N]      activations i, f, g, o of each step
 *   c[l]      [(K + 1) × H × N] c_{s−1} in slot s
 *   tanh_c[l] [K × H × N]
 * A run of K = 1 with carry after each step is the learned optimizer at
 * inference time, so training and comparisons share one forward code. */
typedef struct {
  const L2lRule  *net;
  L2lLstmPacked  *weights;      /* [n_groups] */
  L2lLstmPacked  *grad;         /* [n_groups]: ∂/∂φ accumulated by backward, packed */
  L2lRuleSegment *segments;
  guint           n_segments;
  gsize           n;
  guint          max_steps;
  float         *xh[L2L_MAX_LAYERS];
  float         *gates[L2L_MAX_LAYERS];
  float         *c[L2L_MAX_LAYERS];
  float         *tanh_c[L2L_MAX_LAYERS];
  float         *dxh[L2L_MAX_LAYERS];   /* [w × N] backward scratch */
  float         *dc[L2L_MAX_LAYERS];    /* [H × N] */
  float         *dgates;                     /* [4H × N] */
  float         *dh;                         /* [H × N] */
  float         *dout;                       /* [N] */
  float         *storage;
} L2lRuleUnroll;

/* The segments of @functions consecutive copies of @task's θ for @net (which
 * l2l_rule_check_task accepted): one for a net of one LSTM, else one per group
 * and function. Free with g_free. */
L2lRuleSegment *l2l_rule_segments_for_task (const L2lRule *net,
                                            const L2lTask *task,
                                            guint          functions,
                                            guint         *n_segments);

/* Bytes an unroll of @max_steps over @n coordinates takes, to refuse what
 * cannot fit before trying. */
guint64        l2l_rule_unroll_bytes       (const L2lRuleConfig *config,
                                            guint64              n,
                                            guint                max_steps);

/* @segments (copied) say which group's LSTM serves which coordinates and
 * cover [0, n) in order; NULL: one segment of group 0, for an ungrouped net. */
L2lRuleUnroll *l2l_rule_unroll_new         (const L2lRule        *net,
                                            gsize                 n,
                                            guint                 max_steps,
                                            const L2lRuleSegment *segments,
                                            guint                 n_segments);
void           l2l_rule_unroll_free        (L2lRuleUnroll *unroll);

/* Re-reads φ from the net (after it changed). */
void           l2l_rule_unroll_sync        (L2lRuleUnroll *unroll);
/* Zeroes the packed ∂/∂φ, and adds it onto @dphi in φ's layout. */
void           l2l_rule_unroll_zero_grad   (L2lRuleUnroll *unroll);
void           l2l_rule_unroll_add_grad    (const L2lRuleUnroll *unroll,
                                            float               *dphi);
/* h = c = 0 for every coordinate: a fresh optimizee. */
void           l2l_rule_unroll_reset_state (L2lRuleUnroll *unroll);
/* Moves the state after step @steps − 1 into slot 0, to go on in a new unroll. */
void           l2l_rule_unroll_carry       (L2lRuleUnroll *unroll,
                                            guint          steps);

/* Step @s of the unroll: ∇ [N] in, the update g = scale·out [N] out. */
void           l2l_rule_unroll_forward     (L2lRuleUnroll *unroll,
                                            guint          s,
                                            const float   *grad,
                                            float         *update);

/* Backpropagates ∂L/∂g_s for s < @steps (@dupdate [steps × N]) through the
 * steps run since the last carry, adding ∂L/∂φ to unroll->grad. No gradient
 * enters from beyond the unroll (truncated BPTT). Meta-training passes
 * @dinput = NULL: ∇ enters as a constant (second derivatives dropped, as in the
 * paper). Otherwise @dinput [steps × N] receives ∂L/∂∇_s, the derivative of
 * the network itself with respect to its input; @grads [steps × N] are the
 * inputs the forward steps saw, needed to differentiate the preprocessing. */
void           l2l_rule_unroll_backward    (L2lRuleUnroll *unroll,
                                            guint          steps,
                                            const float   *dupdate,
                                            const float   *grads,
                                            float         *dinput);

/* The same one step at a time, for a caller whose ∂L/∂g_s depends on
 * ∂L/∂∇ of the steps after s (second-order meta-gradients): begin, then
 * each step from the last run down to 0, with @dupdate, @grad and @dinput
 * that step's rows [N]. */
void           l2l_rule_unroll_backward_begin (L2lRuleUnroll *unroll);
void           l2l_rule_unroll_backward_step  (L2lRuleUnroll *unroll,
                                               guint          s,
                                               const float   *dupdate,
                                               const float   *grad,
                                               float         *dinput);

G_END_DECLS
