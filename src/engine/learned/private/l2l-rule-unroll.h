/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rule.h"
#include "l2l-task.h"

G_BEGIN_DECLS

/* Columns [start, start + count) of the N coordinates, served by group
 * @group's net. */
typedef struct {
  gsize start;
  gsize count;
  guint group;
} L2lRuleSegment;

/* A learned rule run over N coordinates for up to K steps, keeping what the
 * backward pass needs: the features of every step and their state, and the
 * net's own buffers (its architecture's). Buffers are sized once, here; no
 * step allocates. A run of K = 1 with a carry after each step is the learned
 * optimizer at inference time, so training and comparisons share one forward
 * code. */
typedef struct _L2lRuleUnroll L2lRuleUnroll;

struct _L2lRuleUnroll {
  const L2lRule  *rule;
  L2lRuleSegment *segments;
  guint           n_segments;
  gsize           n;
  guint           max_steps;
  guint64         steps_before;   /* steps run before slot 0 since the reset */
  guint           state_rows;     /* of the features' state */
  float          *state;          /* [(K + 1) × state_rows × N]: slot s before step s */
  float          *dstate;         /* [state_rows × N] backward carry */
  float          *dgrad;          /* [N] scratch: ∂L/∂∇ nobody asked for */
  gpointer        net;            /* the architecture's part */
};

/* The segments of @functions consecutive copies of @task's θ for @rule (which
 * l2l_rule_check_task accepted): one per function and group. Free with
 * g_free. */
L2lRuleSegment *l2l_rule_segments_for_task (const L2lRule *rule,
                                            const L2lTask *task,
                                            guint          functions,
                                            guint         *n_segments);

/* Bytes an unroll of @max_steps over @n coordinates takes, to refuse what
 * cannot fit before trying. */
guint64        l2l_rule_unroll_bytes       (const L2lRuleConfig *config,
                                            guint64              n,
                                            guint                max_steps);

/* @segments (copied) say which group's net serves which coordinates and
 * cover [0, n) in order; NULL: one segment of group 0, for an ungrouped rule. */
L2lRuleUnroll *l2l_rule_unroll_new         (const L2lRule        *rule,
                                            gsize                 n,
                                            guint                 max_steps,
                                            const L2lRuleSegment *segments,
                                            guint                 n_segments);
void           l2l_rule_unroll_free        (L2lRuleUnroll *unroll);

/* Re-reads φ from the rule (after it changed). */
void           l2l_rule_unroll_sync        (L2lRuleUnroll *unroll);
/* Zeroes the ∂/∂φ the backward pass accumulates, and adds it onto @dphi in
 * φ's layout. */
void           l2l_rule_unroll_zero_grad   (L2lRuleUnroll *unroll);
void           l2l_rule_unroll_add_grad    (const L2lRuleUnroll *unroll,
                                            float               *dphi);
/* A fresh optimizee: every state zero, the step count back to 0. */
void           l2l_rule_unroll_reset_state (L2lRuleUnroll *unroll);
/* Moves the state after step @steps − 1 into slot 0, to go on in a new unroll. */
void           l2l_rule_unroll_carry       (L2lRuleUnroll *unroll,
                                            guint          steps);

/* Step @s of the unroll: ∇ [N] and θ [N] (NULL where θ is not a feature) in,
 * the update [N] out. */
void           l2l_rule_unroll_forward     (L2lRuleUnroll *unroll,
                                            guint          s,
                                            const float   *grad,
                                            const float   *theta,
                                            float         *update);

/* The backward pass through the steps run since the last carry, one step at
 * a time from the last down to 0, adding ∂L/∂φ: begin, then for each step
 * ∂L/∂update_s (@dupdate [N]) in. No gradient enters from beyond the unroll
 * (truncated BPTT). @dinput [N], where not NULL, receives ∂L/∂∇_s through
 * the features and their state (second derivatives kept: the caller then
 * passes it for every step); NULL treats ∇ as a constant, as the paper does.
 * @dtheta [N], where not NULL and θ is a feature, receives ∂L/∂θ_s through
 * it. @grad is the step's input. */
void           l2l_rule_unroll_backward_begin (L2lRuleUnroll *unroll);
void           l2l_rule_unroll_backward_step  (L2lRuleUnroll *unroll,
                                               guint          s,
                                               const float   *dupdate,
                                               const float   *grad,
                                               float         *dinput,
                                               float         *dtheta);

/* All of it for @steps steps at once (@dupdate, @grads, @dinput
 * [steps × N]; @dinput may be NULL). */
void           l2l_rule_unroll_backward    (L2lRuleUnroll *unroll,
                                            guint          steps,
                                            const float   *dupdate,
                                            const float   *grads,
                                            float         *dinput);

G_END_DECLS
