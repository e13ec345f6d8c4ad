/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-rule-arch.h"

/* The methods of a net without state of its own whose buffers begin with an
 * L2lRuleNetPhi: the MLP's and the schedule's. */

static inline gsize
phi_size (const L2lRuleUnroll *unroll)
{
  return unroll->rule->n_groups * unroll->rule->group_size;
}

void
l2l_rule_net_phi_init (L2lRuleNetPhi       *net,
                       const L2lRuleUnroll *unroll)
{
  net->phi = g_new0 (float, phi_size (unroll));
  net->dphi = g_new0 (float, phi_size (unroll));
}

void
l2l_rule_net_phi_clear (L2lRuleNetPhi *net)
{
  g_free (net->phi);
  g_free (net->dphi);
}

void
l2l_rule_net_phi_sync (L2lRuleUnroll *unroll)
{
  L2lRuleNetPhi *net = unroll->net;

  memcpy (net->phi, unroll->rule->params, phi_size (unroll) * sizeof (float));
}

void
l2l_rule_net_phi_zero_grad (L2lRuleUnroll *unroll)
{
  L2lRuleNetPhi *net = unroll->net;

  memset (net->dphi, 0, phi_size (unroll) * sizeof (float));
}

void
l2l_rule_net_phi_add_grad (const L2lRuleUnroll *unroll,
                           float               *dphi)
{
  const L2lRuleNetPhi *net = unroll->net;
  const float *restrict from = net->dphi;
  const gsize size = phi_size (unroll);

  for (gsize i = 0; i < size; i++)
    dphi[i] += from[i];
}

void
l2l_rule_net_no_state (L2lRuleUnroll *unroll)
{
}

void
l2l_rule_net_no_carry (L2lRuleUnroll *unroll,
                       guint          steps)
{
}
