/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-probe.h"
#include "l2l-rule.h"

void
l2l_probe_config_init (L2lProbeConfig *config)
{
  config->min_magnitude = 1e-6;
  config->max_magnitude = 1e2;
  config->n_magnitudes = 33;
  config->steps = 20;
}

/* Gradients are fed as floats: magnitudes outside a float's normal range
 * would not be the g reported. */
gboolean
l2l_probe_config_check (const L2lProbeConfig *config,
                        GError              **error)
{
  if (!(config->min_magnitude >= FLT_MIN && config->min_magnitude <= FLT_MAX))
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "min",
                                "%g is not a magnitude a float holds (%g to %g)",
                                config->min_magnitude, FLT_MIN, FLT_MAX);
  if (!(config->max_magnitude > config->min_magnitude && config->max_magnitude <= FLT_MAX))
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "max",
                                "%g is not above the smallest magnitude %g and at most %g",
                                config->max_magnitude, config->min_magnitude, FLT_MAX);
  if (config->n_magnitudes < 2 || config->n_magnitudes > 1000)
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "points",
                                "%u magnitudes of each sign: give 2 to 1000",
                                config->n_magnitudes);
  if (config->steps < 1 || config->steps > 100000)
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "steps",
                                "%u steps: the probe takes 1 to 100000", config->steps);
  return TRUE;
}

static gboolean
check_optimizer (const L2lOptimizerSpec *spec,
                 GError                **error)
{
  if (spec->tune)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: the probe has no function to tune a rate on; give it a learning rate",
                   spec->label);
      return FALSE;
    }
  if (spec->net != NULL && spec->net->n_groups > 1)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s has one net per parameter group; the probe feeds gradients of no "
                   "task's groups", spec->label);
      return FALSE;
    }
  return TRUE;
}

gboolean
l2l_probe_check_optimizers (const L2lOptimizerSpec *optimizers,
                            guint                   n_optimizers,
                            GError                **error)
{
  for (guint o = 0; o < n_optimizers; o++)
    if (!check_optimizer (&optimizers[o], error))
      return FALSE;
  return TRUE;
}

L2lProbeResult *
l2l_probe_run (const L2lOptimizerSpec *optimizers,
               guint                   n_optimizers,
               const L2lProbeConfig   *config,
               GCancellable           *cancellable,
               GError                **error)
{
  g_autoptr(L2lProbeResult) result = g_new0 (L2lProbeResult, 1);
  guint m = config->n_magnitudes, n;
  g_autofree float *grad = NULL, *theta = NULL, *before = NULL;

  if (!l2l_probe_config_check (config, error) ||
      !l2l_probe_check_optimizers (optimizers, n_optimizers, error))
    return NULL;

  n = result->n_gradients = 2 * m;
  result->steps = config->steps;
  result->gradients = g_new (double, n);
  for (guint i = 0; i < m; i++)
    {
      double magnitude = config->min_magnitude *
                         pow (config->max_magnitude / config->min_magnitude, (double) i / (m - 1));

      /* the g fed, as the float it is fed as */
      result->gradients[m + i] = (float) magnitude;
      result->gradients[m - 1 - i] = -(float) magnitude;
    }
  grad = g_new (float, n);
  theta = g_new (float, n);
  before = g_new (float, n);
  for (guint i = 0; i < n; i++)
    grad[i] = (float) result->gradients[i];

  result->entries = g_new0 (L2lProbeEntry, n_optimizers);
  for (guint o = 0; o < n_optimizers; o++)
    {
      const L2lOptimizerSpec *spec = &optimizers[o];
      L2lProbeEntry *entry = &result->entries[result->n_entries++];
      g_autoptr(L2lOptimizer) optimizer = l2l_optimizer_spec_create (spec, spec->lr, NULL, n);

      entry->label = g_strdup (spec->label);
      entry->first = g_new (double, n);
      entry->later = g_new (double, n);
      for (guint i = 0; i < n; i++)
        theta[i] = 0.0f;
      for (guint t = 1; t <= config->steps; t++)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          memcpy (before, theta, n * sizeof *theta);
          l2l_optimizer_step (optimizer, theta, grad);
          for (guint i = 0; i < n; i++)
            {
              double update = (double) theta[i] - before[i];

              if (t == 1)
                entry->first[i] = update;
              if (t == config->steps)
                entry->later[i] = update;
            }
        }
    }
  return g_steal_pointer (&result);
}

void
l2l_probe_result_free (L2lProbeResult *result)
{
  for (guint o = 0; o < result->n_entries; o++)
    {
      g_free (result->entries[o].label);
      g_free (result->entries[o].first);
      g_free (result->entries[o].later);
    }
  g_free (result->entries);
  g_free (result->gradients);
  g_free (result);
}
