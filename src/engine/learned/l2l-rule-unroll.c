/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-rule-arch.h"
#include "l2l-rule-unroll.h"

/* What every architecture shares: the segments, the features of each step
 * and their state, the step count; the net itself is the architecture's. */

static inline const L2lRuleArch *
arch_of (const L2lRuleUnroll *unroll)
{
  return unroll->rule->config.arch;
}

/* The features' state before step @s. */
static inline float *
state_slot (const L2lRuleUnroll *unroll,
            guint                s)
{
  return unroll->state_rows > 0 ? unroll->state + (gsize) s * unroll->state_rows * unroll->n
                                : NULL;
}

guint64
l2l_rule_unroll_bytes (const L2lRuleConfig *config,
                       guint64              n,
                       guint                max_steps)
{
  const guint64 state_rows = l2l_feature_set_state_rows (&config->features);
  guint64 floats = config->arch->unroll_floats (config, max_steps)
                   + (max_steps + 2) * state_rows + 1;

  return floats * n * sizeof (float);
}

L2lRuleUnroll *
l2l_rule_unroll_new (const L2lRule        *rule,
                     gsize                 n,
                     guint                 max_steps,
                     const L2lRuleSegment *segments,
                     guint                 n_segments)
{
  L2lRuleUnroll *unroll = g_new0 (L2lRuleUnroll, 1);
  gsize covered = 0;

  unroll->rule = rule;
  unroll->n = n;
  unroll->max_steps = max_steps;
  if (segments == NULL)
    {
      g_assert (rule->n_groups == 1);
      unroll->segments = g_new (L2lRuleSegment, 1);
      unroll->segments[0] = (L2lRuleSegment) { 0, n, 0 };
      unroll->n_segments = 1;
    }
  else
    {
      unroll->segments = g_memdup2 (segments, n_segments * sizeof *segments);
      unroll->n_segments = n_segments;
    }
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      g_assert (unroll->segments[i].start == covered);
      g_assert (unroll->segments[i].group < rule->n_groups);
      covered += unroll->segments[i].count;
    }
  g_assert (covered == n);

  unroll->state_rows = l2l_feature_set_state_rows (&rule->config.features);
  unroll->state = g_new0 (float, (gsize) (max_steps + 1) * unroll->state_rows * n);
  unroll->dstate = g_new0 (float, (gsize) unroll->state_rows * n);
  unroll->dgrad = g_new0 (float, n);
  arch_of (unroll)->unroll_init (unroll);
  l2l_rule_unroll_sync (unroll);
  return unroll;
}

void
l2l_rule_unroll_free (L2lRuleUnroll *unroll)
{
  if (unroll == NULL)
    return;
  arch_of (unroll)->unroll_clear (unroll);
  g_free (unroll->segments);
  g_free (unroll->state);
  g_free (unroll->dstate);
  g_free (unroll->dgrad);
  g_free (unroll);
}

void
l2l_rule_unroll_sync (L2lRuleUnroll *unroll)
{
  arch_of (unroll)->sync (unroll);
}

void
l2l_rule_unroll_zero_grad (L2lRuleUnroll *unroll)
{
  arch_of (unroll)->zero_grad (unroll);
}

void
l2l_rule_unroll_add_grad (const L2lRuleUnroll *unroll,
                          float               *dphi)
{
  arch_of (unroll)->add_grad (unroll, dphi);
}

void
l2l_rule_unroll_reset_state (L2lRuleUnroll *unroll)
{
  unroll->steps_before = 0;
  if (unroll->state_rows > 0)
    memset (unroll->state, 0, (gsize) unroll->state_rows * unroll->n * sizeof (float));
  arch_of (unroll)->reset_state (unroll);
}

void
l2l_rule_unroll_carry (L2lRuleUnroll *unroll,
                       guint          steps)
{
  if (steps == 0)
    return;
  g_assert (steps <= unroll->max_steps);
  unroll->steps_before += steps;
  if (unroll->state_rows > 0)
    memcpy (state_slot (unroll, 0), state_slot (unroll, steps),
            (gsize) unroll->state_rows * unroll->n * sizeof (float));
  arch_of (unroll)->carry (unroll, steps);
}

void
l2l_rule_unroll_forward (L2lRuleUnroll *unroll,
                         guint          s,
                         const float   *grad,
                         const float   *theta,
                         float         *update)
{
  const L2lRuleArch *arch = arch_of (unroll);

  g_assert (s < unroll->max_steps);
  l2l_features_forward (&unroll->rule->config.features, unroll->steps_before + s + 1, grad, theta,
                        state_slot (unroll, s), state_slot (unroll, s + 1),
                        arch->input (unroll, s), unroll->n, unroll->n);
  arch->forward (unroll, s, update);
}

void
l2l_rule_unroll_backward_begin (L2lRuleUnroll *unroll)
{
  if (unroll->state_rows > 0)
    memset (unroll->dstate, 0, (gsize) unroll->state_rows * unroll->n * sizeof (float));
  arch_of (unroll)->backward_begin (unroll);
}

void
l2l_rule_unroll_backward_step (L2lRuleUnroll *unroll,
                               guint          s,
                               const float   *dupdate,
                               const float   *grad,
                               float         *dinput,
                               float         *dtheta)
{
  const L2lFeatureSet *features = &unroll->rule->config.features;
  const gboolean want_theta = dtheta != NULL && l2l_feature_set_needs_theta (features);
  const float *dx;

  g_assert (s < unroll->max_steps);
  dx = arch_of (unroll)->backward_step (unroll, s, dupdate, dinput != NULL || want_theta);
  if (dx == NULL)
    return;
  /* Without @dinput the features' state is a constant too: their ∂L/∂∇
   * lands in scratch, and only θ's row matters. */
  l2l_features_backward (features, unroll->steps_before + s + 1, grad, state_slot (unroll, s),
                         dx, unroll->n, unroll->dstate,
                         dinput != NULL ? dinput : unroll->dgrad, want_theta ? dtheta : NULL,
                         unroll->dstate, unroll->n);
}

void
l2l_rule_unroll_backward (L2lRuleUnroll *unroll,
                          guint          steps,
                          const float   *dupdate,
                          const float   *grads,
                          float         *dinput)
{
  const gsize n = unroll->n;

  g_assert (steps <= unroll->max_steps);
  l2l_rule_unroll_backward_begin (unroll);
  for (guint s = steps; s-- > 0;)
    l2l_rule_unroll_backward_step (unroll, s, dupdate + (gsize) s * n, grads + (gsize) s * n,
                                   dinput != NULL ? dinput + (gsize) s * n : NULL, NULL);
}
