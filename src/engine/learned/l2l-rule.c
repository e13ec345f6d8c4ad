/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-refcount.h"
#include "l2l-rule-arch.h"

static const L2lRuleArch *const archs[] = {
  &l2l_rule_arch_lstm,
  &l2l_rule_arch_rnnprop,
  &l2l_rule_arch_mlp,
  &l2l_rule_arch_schedule,
  NULL,
};

/* The same, by name (/engine/rule/archs checks that they agree). */
const char *const l2l_rule_arch_names[] = {
  "lstm",
  "rnnprop",
  "mlp",
  "schedule",
  NULL,
};

const L2lRuleArch *const *
l2l_rule_archs (void)
{
  return archs;
}

const L2lRuleArch *
l2l_rule_arch_lookup (const char *name)
{
  for (guint i = 0; archs[i] != NULL; i++)
    if (g_strcmp0 (archs[i]->name, name) == 0)
      return archs[i];
  return NULL;
}

const char *
l2l_rule_arch_get_name (const L2lRuleArch *arch)
{
  return arch->name;
}

const char *
l2l_rule_arch_get_title (const L2lRuleArch *arch)
{
  return arch->title;
}

const char *
l2l_rule_arch_get_description (const L2lRuleArch *arch)
{
  return arch->description;
}

char *
l2l_rule_archs_to_string (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; archs[i] != NULL; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", archs[i]->name);
  return g_string_free (text, FALSE);
}

static void
default_features (const L2lRuleArch *arch,
                  L2lFeatureSet     *features)
{
  gboolean parsed = l2l_feature_set_parse (arch->default_features, features, NULL);

  g_assert (parsed);
}

void
l2l_rule_config_init_defaults (L2lRuleConfig *config)
{
  config->arch = &l2l_rule_arch_lstm;
  config->layers = 2;
  config->hidden = 20;
  default_features (config->arch, &config->features);
  config->output_scale = config->arch->default_output_scale;
  config->groups[0] = '\0';
}

void
l2l_rule_config_set_logsign_p (L2lRuleConfig *config,
                               double         p)
{
  for (guint i = 0; i < config->features.n_features; i++)
    if (config->features.kinds[i] == L2L_FEATURE_LOGSIGN)
      config->features.params[i] = p;
}

void
l2l_rule_config_set_arch (L2lRuleConfig     *config,
                          const L2lRuleArch *arch)
{
  double p = NAN;

  for (guint i = 0; i < config->features.n_features; i++)
    if (config->features.kinds[i] == L2L_FEATURE_LOGSIGN)
      p = config->features.params[i];
  config->arch = arch;
  default_features (arch, &config->features);
  if (arch != &l2l_rule_arch_lstm)
    config->output_scale = arch->default_output_scale;
  if (!isnan (p))
    l2l_rule_config_set_logsign_p (config, p);
}

gboolean
l2l_rule_config_set_groups (L2lRuleConfig  *config,
                            const char     *groups,
                            GError        **error)
{
  g_auto(GStrv) names = NULL;
  guint n;

  if (groups == NULL || *groups == '\0')
    {
      config->groups[0] = '\0';
      return TRUE;
    }
  names = g_strsplit (groups, ",", -1);
  n = g_strv_length (names);
  if (strlen (groups) >= L2L_RULE_GROUPS_SIZE || n > L2L_RULE_MAX_GROUPS)
    goto bad;
  for (guint g = 0; g < n; g++)
    {
      if (*names[g] == '\0')
        goto bad;
      for (const char *c = names[g]; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
          goto bad;
      for (guint h = 0; h < g; h++)
        if (g_str_equal (names[g], names[h]))
          goto bad;
    }
  g_strlcpy (config->groups, groups, sizeof config->groups);
  return TRUE;

bad:
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "groups",
                       "'%s' is not up to %d distinct names of letters, digits, '_' or '-', "
                       "separated by commas", groups, L2L_RULE_MAX_GROUPS);
  return FALSE;
}

gboolean
l2l_rule_config_validate (const L2lRuleConfig  *config,
                          GError              **error)
{
  L2lRuleConfig groups = *config;

  if (config->arch == NULL)
    {
      g_autofree char *names = l2l_rule_archs_to_string ();
      return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "arch",
                                  "no architecture: give one of %s", names);
    }
  if (!l2l_check_limit ("layers", config->layers, error) ||
      !l2l_check_limit ("hidden", config->hidden, error) ||
      !l2l_rule_config_set_groups (&groups, config->groups, error) ||
      !l2l_check_limit ("output-scale", config->output_scale, error))
    return FALSE;
  if (config->features.n_features == 0)
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                                "the %s optimizer needs at least one input feature",
                                config->arch->name);
  return config->arch->validate == NULL || config->arch->validate (config, error);
}

void
l2l_rule_add_tensor (L2lRule *rule,
                     char    *name,
                     guint    rows,
                     guint    cols)
{
  L2lRuleTensor *tensor;

  rule->tensors = g_renew (L2lRuleTensor, rule->tensors, rule->n_tensors + 1);
  tensor = &rule->tensors[rule->n_tensors++];
  tensor->name = name;
  tensor->offset = rule->n_params;
  tensor->rows = rows;
  tensor->cols = cols;
  rule->n_params += (gsize) rows * MAX (cols, 1);
}

L2lRule *
l2l_rule_new_zeroed (const L2lRuleConfig *config)
{
  L2lRule *rule = g_new0 (L2lRule, 1);

  g_atomic_ref_count_init (&rule->ref_count);
  rule->config = *config;
  rule->input_size = l2l_feature_set_rows (&config->features);
  if (config->groups[0] != '\0')
    rule->group_names = g_strsplit (config->groups, ",", -1);
  rule->n_groups = rule->group_names ? g_strv_length (rule->group_names) : 1;
  for (guint g = 0; g < rule->n_groups; g++)
    {
      g_autofree char *prefix = rule->group_names ? g_strconcat (rule->group_names[g], ".", NULL)
                                                  : g_strdup ("");

      config->arch->add_tensors (rule, prefix);
      if (g == 0)
        rule->group_size = rule->n_params;
    }
  rule->params = g_new0 (float, rule->n_params);
  rule->train_seconds = NAN;
  return rule;
}

L2lRule *
l2l_rule_new (const L2lRuleConfig *config,
              guint64              seed)
{
  L2lRule *rule = l2l_rule_new_zeroed (config);
  L2lRng rng;

  l2l_rng_init (&rng, seed);
  config->arch->init (rule, &rng);
  return rule;
}

L2lRule *
l2l_rule_copy (const L2lRule *rule)
{
  L2lRule *copy = l2l_rule_new_zeroed (&rule->config);

  memcpy (copy->params, rule->params, rule->n_params * sizeof (float));
  copy->train_seconds = rule->train_seconds;
  copy->train_functions = rule->train_functions;
  return copy;
}

static void
rule_free (L2lRule *rule)
{
  for (guint i = 0; i < rule->n_tensors; i++)
    g_free (rule->tensors[i].name);
  g_free (rule->tensors);
  g_strfreev (rule->group_names);
  g_free (rule->params);
  g_free (rule);
}

L2L_DEFINE_REF_COUNTING (L2lRule, l2l_rule_ref, l2l_rule_unref, rule_free)

void
l2l_rule_zero_output (L2lRule *rule)
{
  const guint per_group = rule->n_tensors / rule->n_groups;

  for (guint i = 0; i < per_group; i++)
    {
      const L2lRuleTensor *tensor = &rule->tensors[i];
      const char *name = tensor->name + (rule->group_names ? strlen (rule->group_names[0]) + 1 : 0);

      if (!g_strv_contains (rule->config.arch->output_tensors, name))
        continue;
      for (guint g = 0; g < rule->n_groups; g++)
        memset (rule->params + g * rule->group_size + tensor->offset, 0,
                (gsize) tensor->rows * MAX (tensor->cols, 1) * sizeof (float));
    }
}
