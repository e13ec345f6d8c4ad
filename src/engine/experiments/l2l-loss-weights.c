/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-error.h"
#include "l2l-loss-weights.h"
#include "l2l-options.h"

static gboolean
fill_list (L2lLossWeights  *weights,
           const char      *spec,
           GError         **error)
{
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);
  guint n = g_strv_length (items);

  if (n != weights->steps)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "weights",
                           "a list needs one number per step, %u, but has %u",
                           weights->steps, n);
      return FALSE;
    }
  for (guint t = 0; t < n; t++)
    if (!l2l_parse_double (g_strstrip (items[t]), &weights->values[t]) ||
        weights->values[t] < 0.0)
      {
        l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "weights",
                             "entry %u, '%s', is not a number ≥ 0", t + 1, items[t]);
        return FALSE;
      }
  return TRUE;
}

L2lLossWeights *
l2l_loss_weights_new (const char  *spec,
                      guint        steps,
                      GError     **error)
{
  g_autoptr(L2lLossWeights) weights = g_new0 (L2lLossWeights, 1);
  const guint T = steps;
  double gamma;

  g_return_val_if_fail (steps > 0, NULL);
  weights->steps = steps;
  weights->values = g_new0 (double, steps);
  weights->spec = g_strdup (spec);

  if (g_str_equal (spec, "uniform"))
    for (guint t = 1; t <= T; t++)
      weights->values[t - 1] = 1.0;
  else if (g_str_equal (spec, "linear"))
    for (guint t = 1; t <= T; t++)
      weights->values[t - 1] = t;
  else if (g_str_equal (spec, "final"))
    weights->values[T - 1] = 1.0;
  else if (g_str_has_prefix (spec, "exp:"))
    {
      if (!l2l_parse_double (spec + 4, &gamma) || gamma <= 0.0)
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "weights",
                               "'%s' needs a γ above 0, e.g. exp:0.95", spec);
          return NULL;
        }
      for (guint t = 1; t <= T; t++)
        weights->values[t - 1] = pow (gamma, (double) (T - t));
    }
  else if (g_ascii_isdigit (spec[0]) || spec[0] == '.')
    {
      if (!fill_list (weights, spec, error))
        return NULL;
    }
  else
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "weights",
                           "'%s' is not uniform, linear, exp:γ, final or a list of %u "
                           "numbers", spec, T);
      return NULL;
    }

  for (guint t = 0; t < T; t++)
    weights->sum += weights->values[t];
  if (!(weights->sum > 0.0) || !isfinite (weights->sum))
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "weights",
                           "'%s' must give finite weights that are not all 0", spec);
      return NULL;
    }
  return g_steal_pointer (&weights);
}

void
l2l_loss_weights_free (L2lLossWeights *weights)
{
  if (weights == NULL)
    return;
  g_free (weights->spec);
  g_free (weights->values);
  g_free (weights);
}
