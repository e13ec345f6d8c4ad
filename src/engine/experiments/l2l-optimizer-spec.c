/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-rule-optimizer.h"
#include "l2l-optimizer-spec.h"

void
l2l_optimizer_spec_init (L2lOptimizerSpec       *spec,
                         const L2lOptimizerInfo *info)
{
  memset (spec, 0, sizeof *spec);
  spec->label = g_strdup (info->name);
  spec->info = info;
  spec->lr = info->default_lr;
  l2l_hyper_init_defaults (&spec->hyper, info);
  spec->tune = FALSE;
}

void
l2l_optimizer_spec_init_learned (L2lOptimizerSpec *spec,
                                 const char       *label,
                                 L2lRule          *net)
{
  memset (spec, 0, sizeof *spec);
  spec->label = g_strdup (label);
  spec->net = l2l_rule_ref (net);
}

void
l2l_optimizer_spec_clear (L2lOptimizerSpec *spec)
{
  g_clear_pointer (&spec->label, g_free);
  g_clear_pointer (&spec->net, l2l_rule_unref);
}

L2lOptimizer *
l2l_optimizer_spec_create (const L2lOptimizerSpec *spec,
                           double                  lr,
                           const L2lTask          *task,
                           gsize                   n)
{
  if (spec->net != NULL)
    return l2l_rule_optimizer_new (spec->net, task, n);
  return spec->info->create (n, lr, &spec->hyper);
}
