/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Text that users type: task specs and their options, loss-weight schemes
 * and lists, preprocessing. Quadratic tasks are made too (they read no data). */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lLossWeights) weights = NULL;
  L2lRuleConfig rule;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  if (l2l_task_spec_check (text, &error) && g_str_has_prefix (text, "quadratic"))
    {
      g_autoptr(L2lTask) task = l2l_task_new_from_spec (text, NULL);
      g_assert_nonnull (task);
    }
  g_clear_error (&error);
  weights = l2l_loss_weights_new (text, 1 + size % 7, &error);
  g_assert_true ((weights == NULL) == (error != NULL));
  g_clear_error (&error);
  l2l_rule_config_init_defaults (&rule);
  g_assert_true (l2l_lstm_preprocess_parse (text, &rule, &error) == (error == NULL));
  return 0;
}
