/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-rule-unroll.h"

G_BEGIN_DECLS

/* The LSTM's part of an unroll: the methods of l2l_rule_arch_lstm that run
 * it (l2l-rule-arch.h says what each does). */
guint64      l2l_lstm_unroll_floats         (const L2lRuleConfig *config,
                                             guint                max_steps);
void         l2l_lstm_unroll_init           (L2lRuleUnroll *unroll);
void         l2l_lstm_unroll_clear          (L2lRuleUnroll *unroll);
void         l2l_lstm_unroll_sync           (L2lRuleUnroll *unroll);
void         l2l_lstm_unroll_zero_grad      (L2lRuleUnroll *unroll);
void         l2l_lstm_unroll_add_grad       (const L2lRuleUnroll *unroll,
                                             float               *dphi);
void         l2l_lstm_unroll_reset_state    (L2lRuleUnroll *unroll);
void         l2l_lstm_unroll_carry          (L2lRuleUnroll *unroll,
                                             guint          steps);
float       *l2l_lstm_unroll_input          (L2lRuleUnroll *unroll,
                                             guint          s);
void         l2l_lstm_unroll_forward        (L2lRuleUnroll *unroll,
                                             guint          s,
                                             float         *update);
void         l2l_lstm_unroll_backward_begin (L2lRuleUnroll *unroll);
const float *l2l_lstm_unroll_backward_step  (L2lRuleUnroll *unroll,
                                             guint          s,
                                             const float   *dupdate,
                                             gboolean       want_dx);

G_END_DECLS
