/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-error.h"
#include "l2l-rule-arch.h"
#include "l2l-rule-optimizer.h"
#include "l2l-rule-unroll.h"

typedef struct {
  L2lOptimizer   base;
  L2lRule       *net;
  L2lRuleUnroll *unroll;    /* one step long, carried after every step */
  float         *update;    /* [n] */
} RuleOptimizer;

static void
rule_optimizer_reset (L2lOptimizer *optimizer)
{
  RuleOptimizer *self = (RuleOptimizer *) optimizer;

  l2l_rule_unroll_reset_state (self->unroll);
}

static void
rule_optimizer_step (L2lOptimizer *optimizer,
                     float        *theta,
                     const float  *grad)
{
  RuleOptimizer *self = (RuleOptimizer *) optimizer;
  float *restrict t = theta;
  const float *restrict u = self->update;

  l2l_rule_unroll_forward (self->unroll, 0, grad, theta, self->update);
  l2l_rule_unroll_carry (self->unroll, 1);
  for (gsize i = 0; i < self->base.n; i++)
    t[i] += u[i];
}

static void
rule_optimizer_free (L2lOptimizer *optimizer)
{
  RuleOptimizer *self = (RuleOptimizer *) optimizer;

  l2l_rule_unroll_free (self->unroll);
  l2l_rule_unref (self->net);
  g_free (self->update);
  g_free (self);
}

static const L2lOptimizerClass rule_optimizer_class = {
  .reset = rule_optimizer_reset,
  .step = rule_optimizer_step,
  .free = rule_optimizer_free,
};

gboolean
l2l_rule_check_task (const L2lRule *net,
                     const L2lTask *task,
                     const char    *what,
                     GError       **error)
{
  g_autofree char *task_groups = l2l_task_groups_to_string (task);

  if (net->n_groups == 1 || g_str_equal (net->config.groups, task_groups))
    return TRUE;
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
               "%s has one %s per parameter group (%s) but task %s has the groups %s: a "
               "per-group optimizer serves only tasks with its groups", what,
               net->config.arch->title, net->config.groups, l2l_task_get_spec (task), task_groups);
  return FALSE;
}

L2lRuleSegment *
l2l_rule_segments_for_task (const L2lRule *net,
                            const L2lTask *task,
                            guint          functions,
                            guint         *n_segments)
{
  const gsize P = l2l_task_get_n_params (task);
  guint n_groups;
  const L2lTaskGroup *groups = l2l_task_get_groups (task, &n_groups);
  L2lRuleSegment *segments;

  /* one segment a function even with one group: an architecture may read a
   * segment as a whole (the schedule's averages) */
  if (net->n_groups == 1)
    {
      segments = g_new (L2lRuleSegment, functions);
      for (guint f = 0; f < functions; f++)
        segments[f] = (L2lRuleSegment) { f * P, P, 0 };
      *n_segments = functions;
      return segments;
    }
  g_assert (n_groups == net->n_groups);
  segments = g_new (L2lRuleSegment, (gsize) functions * n_groups);
  for (guint f = 0; f < functions; f++)
    for (guint g = 0; g < n_groups; g++)
      segments[f * n_groups + g] = (L2lRuleSegment) { f * P + groups[g].start, groups[g].count, g };
  *n_segments = functions * n_groups;
  return segments;
}

L2lOptimizer *
l2l_rule_optimizer_new (L2lRule       *net,
                        const L2lTask *task,
                        gsize          n)
{
  RuleOptimizer *self = g_new0 (RuleOptimizer, 1);
  g_autofree L2lRuleSegment *segments = NULL;
  guint n_segments = 0;

  if (task != NULL)
    {
      g_assert (n % l2l_task_get_n_params (task) == 0);
      segments = l2l_rule_segments_for_task (net, task, n / l2l_task_get_n_params (task),
                                             &n_segments);
    }
  self->base.klass = &rule_optimizer_class;
  self->base.n = n;
  self->net = l2l_rule_ref (net);
  self->unroll = l2l_rule_unroll_new (net, n, 1, segments, n_segments);
  self->update = g_new0 (float, n);
  l2l_rule_unroll_reset_state (self->unroll);
  return &self->base;
}
