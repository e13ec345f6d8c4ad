/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rng.h"
#include "l2l-rule.h"
#include "l2l-rule-unroll.h"

G_BEGIN_DECLS

/* An architecture of learned rule: the net m that maps each coordinate's
 * features x_s [input_size] and its own state to an update, over N
 * coordinates at once. The shared unroll (l2l-rule-unroll.c) computes the
 * features, keeps their history and calls these; no code outside learned/
 * knows which architecture it runs. */
struct _L2lRuleArch {
  const char *name;              /* "lstm" */
  const char *title;             /* "LSTM": what messages call one net */
  const char *description;       /* what it is, and its source */
  const char *default_features;  /* "logsign:p=10" */
  double      default_output_scale;
  /* The output layer's tensors, whose zero makes the update zero. */
  const char *const *output_tensors;
  /* Checks beyond the shared ranges of layers, hidden and output scale; may be NULL. */
  gboolean  (*validate)       (const L2lRuleConfig *config,
                               GError             **error);
  /* One group's tensors, each name behind @prefix, by l2l_rule_add_tensor. */
  void      (*add_tensors)    (L2lRule    *rule,
                               const char *prefix);
  /* PyTorch's default initialisation of the whole of φ. */
  void      (*init)           (L2lRule *rule,
                               L2lRng  *rng);
  /* Floats per coordinate the net keeps for an unroll of @max_steps steps. */
  guint64   (*unroll_floats)  (const L2lRuleConfig *config,
                               guint                max_steps);

  /* The net's part of an unroll: its buffers in unroll->net, sized once. */
  void      (*unroll_init)    (L2lRuleUnroll *unroll);
  void      (*unroll_clear)   (L2lRuleUnroll *unroll);
  /* Re-reads φ; zeroes the net's ∂/∂φ; adds it onto @dphi in φ's layout. */
  void      (*sync)           (L2lRuleUnroll *unroll);
  void      (*zero_grad)      (L2lRuleUnroll *unroll);
  void      (*add_grad)       (const L2lRuleUnroll *unroll,
                               float               *dphi);
  /* The net's own state: zero for a fresh optimizee; moved from after step
   * @steps − 1 into slot 0 to go on in a new unroll. */
  void      (*reset_state)    (L2lRuleUnroll *unroll);
  void      (*carry)          (L2lRuleUnroll *unroll,
                               guint          steps);
  /* Where step @s's features go: [input_size × N], row stride N. */
  float    *(*input)          (L2lRuleUnroll *unroll,
                               guint          s);
  /* Step @s from its features to the update [N]. */
  void      (*forward)        (L2lRuleUnroll *unroll,
                               guint          s,
                               float         *update);
  void      (*backward_begin) (L2lRuleUnroll *unroll);
  /* ∂L/∂update_s [N] back through step @s (called from the last step run
   * down to 0), adding ∂L/∂φ; with @want_dx, returns ∂L/∂x_s
   * [input_size × N], row stride N, valid until the next call, else NULL. */
  const float *(*backward_step) (L2lRuleUnroll *unroll,
                                 guint          s,
                                 const float   *dupdate,
                                 gboolean       want_dx);
};

/* For add_tensors: appends a tensor of [@rows × @cols] (@cols 0: 1-D),
 * taking @name. */
void  l2l_rule_add_tensor (L2lRule *rule,
                           char    *name,
                           guint    rows,
                           guint    cols);

/* What a net that keeps its own copy of φ puts first in its buffers
 * (unroll->net), to take the methods below. */
typedef struct {
  float *phi;    /* [n_groups × group_size]: φ as read at the last sync */
  float *dphi;   /* the same shape: ∂/∂φ accumulated by backward */
} L2lRuleNetPhi;

void  l2l_rule_net_phi_init      (L2lRuleNetPhi       *net,
                                  const L2lRuleUnroll *unroll);
void  l2l_rule_net_phi_clear     (L2lRuleNetPhi       *net);
/* sync, zero_grad and add_grad */
void  l2l_rule_net_phi_sync      (L2lRuleUnroll       *unroll);
void  l2l_rule_net_phi_zero_grad (L2lRuleUnroll       *unroll);
void  l2l_rule_net_phi_add_grad  (const L2lRuleUnroll *unroll,
                                  float               *dphi);
/* reset_state, backward_begin and carry of a net whose only memory is what
 * its features keep */
void  l2l_rule_net_no_state      (L2lRuleUnroll       *unroll);
void  l2l_rule_net_no_carry      (L2lRuleUnroll       *unroll,
                                  guint                steps);

extern const L2lRuleArch l2l_rule_arch_lstm;
extern const L2lRuleArch l2l_rule_arch_mlp;
extern const L2lRuleArch l2l_rule_arch_rnnprop;
extern const L2lRuleArch l2l_rule_arch_schedule;

G_END_DECLS
