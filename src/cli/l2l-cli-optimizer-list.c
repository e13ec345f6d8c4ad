/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <string.h>

#include "l2l-cli-optimizer-list.h"

char *
l2l_cli_hand_written_names (const char *separator)
{
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();
  GString *names = g_string_new (NULL);

  for (guint i = 0; infos[i] != NULL; i++)
    g_string_append_printf (names, "%s%s", i ? separator : "", infos[i]->name);
  return g_string_free (names, FALSE);
}

char *
l2l_cli_default_rates (const L2lTaskFamily *family)
{
  const L2lOptimizerInfo *const *infos = l2l_optimizer_infos ();
  GString *rates = g_string_new (NULL);

  for (guint i = 0; infos[i] != NULL; i++)
    g_string_append_printf (rates, "%s%s %g", i ? ", " : "", infos[i]->name,
                            l2l_task_family_default_lr (family, infos[i]->name,
                                                        infos[i]->default_lr));
  return g_string_free (rates, FALSE);
}

static gboolean
add_optimizer (L2lCompareConfig     *config,
               const L2lTaskFamily  *family,
               const char           *name,
               GError              **error)
{
  L2lOptimizerSpec *spec = &config->optimizers[config->n_optimizers];
  g_autofree char *label = NULL;

  if (l2l_rule_spec_arch (name, NULL) != NULL)
    {
      g_autofree char *path = l2l_rule_spec_resolve (name, error);
      g_autoptr(L2lRule) net = path ? l2l_rule_spec_load (name, error) : NULL;

      if (net == NULL)
        return FALSE;
      label = l2l_rule_spec_label (net, path);
      l2l_optimizer_spec_init_learned (spec, label, net);
    }
  else
    {
      const L2lOptimizerInfo *info = l2l_optimizer_info_lookup (name);

      if (info == NULL)
        {
          g_autofree char *known = l2l_cli_hand_written_names (", ");
          g_autofree char *archs = l2l_rule_archs_to_string ();
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--optimizers: unknown optimizer '%s' (known: %s, and learned ones as "
                       "ARCH:FILE or ARCH:NAME of a pretrained one, ARCH one of %s)", name,
                       known, archs);
          return FALSE;
        }
      l2l_optimizer_spec_init (spec, info);
      spec->lr = l2l_task_family_default_lr (family, info->name, spec->lr);
    }
  for (guint j = 0; j < config->n_optimizers; j++)
    if (g_str_equal (config->optimizers[j].label, spec->label))
      {
        g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                     "--optimizers: '%s' is listed twice", spec->label);
        l2l_optimizer_spec_clear (spec);
        return FALSE;
      }
  config->n_optimizers++;
  return TRUE;
}

gboolean
l2l_cli_optimizers_parse (const char           *text,
                  const L2lTaskFamily  *family,
                  L2lCompareConfig     *config,
                  GError              **error)
{
  g_autofree char *all = l2l_cli_hand_written_names (",");
  g_auto(GStrv) names = g_strsplit (text ? text : all, ",", -1);
  guint n = g_strv_length (names);

  if (n == 0)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--optimizers: the list is empty");
      return FALSE;
    }
  config->optimizers = g_new0 (L2lOptimizerSpec, n);
  for (guint i = 0; i < n; i++)
    if (!add_optimizer (config, family, g_strstrip (names[i]), error))
      return FALSE;
  return TRUE;
}

gboolean
l2l_cli_learning_rates_parse (const char        *text,
                      gboolean           tune_rest,
                      L2lCompareConfig  *config,
                      GError           **error)
{
  g_auto(GStrv) items = NULL;
  g_autofree gboolean *given = g_new0 (gboolean, config->n_optimizers);

  items = g_strsplit (text ? text : "", ",", -1);
  for (guint i = 0; text != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (items[i], "=", 2);
      L2lOptimizerSpec *spec = NULL;
      guint index = 0;
      double lr;

      if (pair[0] == NULL || pair[1] == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: '%s' is not of the form optimizer=rate", items[i]);
          return FALSE;
        }
      g_strstrip (pair[0]);
      g_strstrip (pair[1]);
      for (; index < config->n_optimizers; index++)
        if (g_str_equal (config->optimizers[index].label, pair[0]))
          {
            spec = &config->optimizers[index];
            break;
          }
      if (spec == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: '%s' is not among the chosen optimizers", pair[0]);
          return FALSE;
        }
      if (given[index])
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: %s is given twice", pair[0]);
          return FALSE;
        }
      given[index] = TRUE;
      if (spec->net != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: %s is a learned optimizer and has no learning rate", pair[0]);
          return FALSE;
        }
      if (g_str_equal (pair[1], "tune"))
        {
          spec->tune = TRUE;
          continue;
        }
      /* its range is the engine's to check, with the rest of the config */
      if (!l2l_parse_double (pair[1], &lr))
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: %s: '%s' is not a learning rate (a number, or 'tune')",
                       pair[0], pair[1]);
          return FALSE;
        }
      spec->lr = lr;
    }
  for (guint i = 0; i < config->n_optimizers; i++)
    if (tune_rest && !given[i] && config->optimizers[i].net == NULL)
      config->optimizers[i].tune = TRUE;
  return TRUE;
}

gboolean
l2l_cli_hyper_parse (const char        *text,
             L2lCompareConfig  *config,
             GError           **error)
{
  g_auto(GStrv) items = g_strsplit (text ? text : "", ",", -1);

  for (guint i = 0; text != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (items[i], "=", 2);
      const char *dot = strchr (pair[0], '.');
      g_autofree char *name = dot ? g_strndup (pair[0], dot - pair[0]) : NULL;
      L2lOptimizerSpec *spec = NULL;
      double value;

      if (pair[1] == NULL || dot == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: '%s' is not of the form optimizer.name=value", items[i]);
          return FALSE;
        }
      for (guint k = 0; k < config->n_optimizers; k++)
        if (g_str_equal (config->optimizers[k].label, name))
          spec = &config->optimizers[k];
      if (spec == NULL || spec->net != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       spec ? "--hyper: %s is a learned optimizer and has no hyper-parameters"
                            : "--hyper: '%s' is not among the chosen optimizers", name);
          return FALSE;
        }
      if (spec->tune && config->tune.hyper_budget > 0)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: %s is searched by --tune-hyper; give it a rate with --lr to "
                       "fix its hyper-parameters", name);
          return FALSE;
        }
      if (!l2l_parse_double (pair[1], &value))
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: %s: '%s' is not a number", pair[0], pair[1]);
          return FALSE;
        }
      if (!l2l_hyper_set (spec->info, &spec->hyper, dot + 1, value, error))
        {
          g_prefix_error (error, "--hyper: ");
          return FALSE;
        }
    }
  return TRUE;
}
