/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-error.h"
#include "l2l-optimizer.h"
#include "l2l-options.h"

static const L2lOptimizerInfo *const infos[] = {
  &l2l_optimizer_sgd,
  &l2l_optimizer_rmsprop,
  &l2l_optimizer_adam,
  &l2l_optimizer_nag,
  NULL,
};

const L2lOptimizerInfo *const *
l2l_optimizer_infos (void)
{
  return infos;
}

const L2lOptimizerInfo *
l2l_optimizer_info_lookup (const char *name)
{
  for (guint i = 0; infos[i] != NULL; i++)
    if (g_str_equal (infos[i]->name, name))
      return infos[i];
  return NULL;
}

void
l2l_hyper_init_defaults (L2lHyper               *hyper,
                         const L2lOptimizerInfo *info)
{
  hyper->momentum = info == &l2l_optimizer_nag ? 0.9 : 0.0;
  hyper->beta1 = 0.9;
  hyper->beta2 = 0.999;
  hyper->alpha = 0.99;
}

guint
l2l_hyper_list (const L2lOptimizerInfo *info,
                const L2lHyper         *hyper,
                const char            **names,
                double                 *values)
{
  if (info == &l2l_optimizer_adam)
    {
      names[0] = "beta1", values[0] = hyper->beta1;
      names[1] = "beta2", values[1] = hyper->beta2;
      return 2;
    }
  if (info == &l2l_optimizer_rmsprop)
    {
      names[0] = "alpha", values[0] = hyper->alpha;
      return 1;
    }
  if (info == &l2l_optimizer_sgd || info == &l2l_optimizer_nag)
    {
      names[0] = "momentum", values[0] = hyper->momentum;
      return 1;
    }
  return 0;
}

gboolean
l2l_hyper_set (const L2lOptimizerInfo *info,
               L2lHyper               *hyper,
               const char             *name,
               double                  value,
               GError                **error)
{
  const char *names[L2L_HYPER_MAX];
  double values[L2L_HYPER_MAX];
  guint n = l2l_hyper_list (info, hyper, names, values);
  double *field = g_str_equal (name, "momentum") ? &hyper->momentum
                : g_str_equal (name, "beta1") ? &hyper->beta1
                : g_str_equal (name, "beta2") ? &hyper->beta2
                : g_str_equal (name, "alpha") ? &hyper->alpha : NULL;
  gboolean known = FALSE;

  for (guint k = 0; k < n; k++)
    known |= g_str_equal (names[k], name);
  if (!known || field == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) (const char *[]) {
                                            n > 0 ? names[0] : NULL, n > 1 ? names[1] : NULL,
                                            NULL });
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s has no hyper-parameter '%s' (it has %s)", info->name, name, list);
      return FALSE;
    }
  if (!l2l_check_limit (name, value, error))
    return FALSE;
  *field = value;
  return TRUE;
}

void
l2l_optimizer_reset (L2lOptimizer *optimizer)
{
  optimizer->klass->reset (optimizer);
}

void
l2l_optimizer_step (L2lOptimizer *optimizer,
                    float        *theta,
                    const float  *grad)
{
  optimizer->klass->step (optimizer, theta, grad);
}

void
l2l_optimizer_free (L2lOptimizer *optimizer)
{
  if (optimizer != NULL)
    optimizer->klass->free (optimizer);
}
