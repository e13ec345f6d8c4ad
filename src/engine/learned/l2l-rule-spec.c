/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-checkpoint.h"
#include "l2l-error.h"
#include "l2l-pretrained.h"
#include "l2l-rule-arch.h"
#include "l2l-rule-spec.h"

const L2lRuleArch *
l2l_rule_spec_arch (const char  *spec,
                    const char **rest)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *name = colon != NULL ? g_strndup (spec, colon - spec) : NULL;
  const L2lRuleArch *arch = name != NULL ? l2l_rule_arch_lookup (name) : NULL;

  if (arch != NULL && rest != NULL)
    *rest = colon + 1;
  return arch;
}

char *
l2l_rule_spec_resolve (const char  *spec,
                       GError     **error)
{
  const char *rest = NULL;
  const L2lRuleArch *arch = l2l_rule_spec_arch (spec, &rest);
  g_auto(GStrv) names = NULL;
  g_autofree char *name = NULL;
  GString *known;

  g_return_val_if_fail (arch != NULL, NULL);
  if (g_file_test (rest, G_FILE_TEST_EXISTS))
    return g_strdup (rest);
  name = arch == &l2l_rule_arch_lstm ? g_strdup (rest) : g_strconcat (rest, ".", arch->name, NULL);
  names = l2l_pretrained_list ();
  if (g_strv_contains ((const char *const *) names, name))
    return l2l_pretrained_resolve (name, error);
  known = g_string_new (NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *shipped = l2l_rule_spec_of_pretrained (names[i]);
      g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", shipped);
    }
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
               "%s: no such file, and no pretrained %s optimizer of that name (pretrained: %s)",
               spec, arch->name, known->str);
  g_string_free (known, TRUE);
  return NULL;
}

L2lRule *
l2l_rule_spec_load (const char  *spec,
                    GError     **error)
{
  const L2lRuleArch *arch = l2l_rule_spec_arch (spec, NULL);
  g_autofree char *path = l2l_rule_spec_resolve (spec, error);
  g_autoptr(L2lRule) rule = path != NULL ? l2l_checkpoint_load (path, error) : NULL;

  if (rule != NULL && rule->config.arch != arch)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: the file holds a learned optimizer of architecture %s, not %s: name it "
                   "%s:…", spec, rule->config.arch->name, arch->name, rule->config.arch->name);
      return NULL;
    }
  return g_steal_pointer (&rule);
}

char *
l2l_rule_spec_of_pretrained (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot != NULL && l2l_rule_arch_lookup (dot + 1) != NULL)
    return g_strdup_printf ("%s:%.*s", dot + 1, (int) (dot - name), name);
  return g_strconcat ("lstm:", name, NULL);
}

char *
l2l_rule_spec_label (const L2lRule *rule,
                     const char    *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".safetensors"))
    base[strlen (base) - strlen (".safetensors")] = '\0';
  if (l2l_pretrained_is_builtin (path))
    return l2l_rule_spec_of_pretrained (base);
  return g_strconcat (rule->config.arch->name, ":", base, NULL);
}
