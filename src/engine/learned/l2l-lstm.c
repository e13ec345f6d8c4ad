/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-lstm.h"
#include "l2l-options.h"
#include "l2l-refcount.h"
#include "l2l-rng.h"


void
l2l_rule_config_init_defaults (L2lRuleConfig *config)
{
  config->layers = 2;
  config->hidden = 20;
  config->preprocess = L2L_PREPROCESS_LOGSIGN;
  config->preprocess_p = 10.0;
  config->output_scale = 0.1;
  config->groups[0] = '\0';
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

  if (!l2l_check_limit ("layers", config->layers, error) ||
      !l2l_check_limit ("hidden", config->hidden, error) ||
      !l2l_rule_config_set_groups (&groups, config->groups, error))
    return FALSE;
  if (config->preprocess == L2L_PREPROCESS_LOGSIGN &&
      !(config->preprocess_p > 0.0 && config->preprocess_p <= 80.0))
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "preprocess",
                           "p = %g is outside the range (0, 80]", config->preprocess_p);
      return FALSE;
    }
  return l2l_check_limit ("output-scale", config->output_scale, error);
}

char *
l2l_lstm_preprocess_to_string (const L2lRuleConfig *config)
{
  char p[G_ASCII_DTOSTR_BUF_SIZE];

  if (config->preprocess == L2L_PREPROCESS_NONE)
    return g_strdup ("none");
  g_ascii_formatd (p, sizeof p, "%g", config->preprocess_p);
  return g_strdup_printf ("logsign:p=%s", p);
}

gboolean
l2l_lstm_preprocess_parse (const char     *text,
                           L2lRuleConfig  *config,
                           GError        **error)
{
  if (g_str_equal (text, "none"))
    {
      config->preprocess = L2L_PREPROCESS_NONE;
      return TRUE;
    }
  if (g_str_equal (text, "logsign"))
    {
      config->preprocess = L2L_PREPROCESS_LOGSIGN;
      config->preprocess_p = 10.0;
      return TRUE;
    }
  if (g_str_has_prefix (text, "logsign:p=") &&
      l2l_parse_double (text + strlen ("logsign:p="), &config->preprocess_p) &&
      config->preprocess_p > 0.0 && config->preprocess_p <= 80.0)
    {
      config->preprocess = L2L_PREPROCESS_LOGSIGN;
      return TRUE;
    }
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "preprocess",
                       "'%s' is not none, logsign or logsign:p=P with 0 < P ≤ 80", text);
  return FALSE;
}

guint
l2l_lstm_layer_input (const L2lRule *net,
                      guint          layer)
{
  return layer == 0 ? net->input_size : net->config.hidden;
}

static void
add_tensor (L2lRule *net,
            char    *name,
            guint    rows,
            guint    cols)
{
  L2lRuleTensor *tensor = &net->tensors[net->n_tensors++];

  tensor->name = name;
  tensor->offset = net->n_params;
  tensor->rows = rows;
  tensor->cols = cols;
  net->n_params += (gsize) rows * MAX (cols, 1);
}

L2lRule *
l2l_rule_new_zeroed (const L2lRuleConfig *config)
{
  L2lRule *net = g_new0 (L2lRule, 1);
  const guint H = config->hidden;

  g_atomic_ref_count_init (&net->ref_count);
  net->config = *config;
  net->input_size = config->preprocess == L2L_PREPROCESS_LOGSIGN ? 2 : 1;
  if (config->groups[0] != '\0')
    net->group_names = g_strsplit (config->groups, ",", -1);
  net->n_groups = net->group_names ? g_strv_length (net->group_names) : 1;
  net->tensors = g_new0 (L2lRuleTensor,
                         net->n_groups * (config->layers * L2L_LSTM_TENSORS_PER_LAYER + 2));
  for (guint g = 0; g < net->n_groups; g++)
    {
      g_autofree char *prefix = net->group_names ? g_strconcat (net->group_names[g], ".", NULL)
                                                 : g_strdup ("");

      for (guint l = 0; l < config->layers; l++)
        {
          add_tensor (net, g_strdup_printf ("%scells.%u.weight_ih", prefix, l), 4 * H,
                      l2l_lstm_layer_input (net, l));
          add_tensor (net, g_strdup_printf ("%scells.%u.weight_hh", prefix, l), 4 * H, H);
          add_tensor (net, g_strdup_printf ("%scells.%u.bias_ih", prefix, l), 4 * H, 0);
          add_tensor (net, g_strdup_printf ("%scells.%u.bias_hh", prefix, l), 4 * H, 0);
        }
      add_tensor (net, g_strconcat (prefix, "out.weight", NULL), 1, H);
      add_tensor (net, g_strconcat (prefix, "out.bias", NULL), 1, 0);
      if (g == 0)
        net->group_size = net->n_params;
    }
  net->params = g_new0 (float, net->n_params);
  net->train_seconds = NAN;
  return net;
}

L2lRule *
l2l_rule_new (const L2lRuleConfig *config,
              guint64              seed)
{
  L2lRule *net = l2l_rule_new_zeroed (config);
  const double bound = 1.0 / sqrt ((double) config->hidden);
  L2lRng rng;

  /* LSTMCell and Linear(H, 1) both draw U(−1/√H, 1/√H), H being the fan-in of
   * the linear layer too: one loop over all of φ. */
  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < net->n_params; i++)
    net->params[i] = (float) ((2.0 * l2l_rng_uniform (&rng) - 1.0) * bound);
  return net;
}

L2lRule *
l2l_rule_copy (const L2lRule *net)
{
  L2lRule *copy = l2l_rule_new_zeroed (&net->config);

  memcpy (copy->params, net->params, net->n_params * sizeof (float));
  copy->train_seconds = net->train_seconds;
  copy->train_functions = net->train_functions;
  return copy;
}

static void
lstm_free (L2lRule *net)
{
  for (guint i = 0; i < net->n_tensors; i++)
    g_free (net->tensors[i].name);
  g_free (net->tensors);
  g_strfreev (net->group_names);
  g_free (net->params);
  g_free (net);
}

L2L_DEFINE_REF_COUNTING (L2lRule, l2l_rule_ref, l2l_rule_unref, lstm_free)

const L2lRuleTensor *
l2l_lstm_tensor (const L2lRule *net,
                 guint          layer,
                 guint          which)
{
  return &net->tensors[layer * L2L_LSTM_TENSORS_PER_LAYER + which];
}

const L2lRuleTensor *
l2l_lstm_out_weight (const L2lRule *net)
{
  return &net->tensors[net->config.layers * L2L_LSTM_TENSORS_PER_LAYER];
}

const L2lRuleTensor *
l2l_lstm_out_bias (const L2lRule *net)
{
  return &net->tensors[net->config.layers * L2L_LSTM_TENSORS_PER_LAYER + 1];
}

void
l2l_lstm_packed_init (L2lLstmPacked *packed,
                      const L2lRule *net)
{
  const guint H = net->config.hidden;
  gsize offset = 0;

  memset (packed, 0, sizeof *packed);
  packed->size = H + 1;
  for (guint l = 0; l < net->config.layers; l++)
    packed->size += (gsize) 4 * H * (l2l_lstm_layer_input (net, l) + H + 1);
  packed->storage = g_new0 (float, packed->size);
  for (guint l = 0; l < net->config.layers; l++)
    {
      packed->wcat[l] = packed->storage + offset;
      offset += (gsize) 4 * H * (l2l_lstm_layer_input (net, l) + H + 1);
    }
  packed->out = packed->storage + offset;
}

void
l2l_lstm_packed_update (L2lLstmPacked *packed,
                        const L2lRule *net,
                        guint          group)
{
  const guint H = net->config.hidden;
  const float *params = net->params + group * net->group_size;

  for (guint l = 0; l < net->config.layers; l++)
    {
      const guint in = l2l_lstm_layer_input (net, l), width = in + H + 1;
      const float *w_ih = params + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_IH)->offset;
      const float *w_hh = params + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_HH)->offset;
      const float *b_ih = params + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_IH)->offset;
      const float *b_hh = params + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_HH)->offset;

      for (guint j = 0; j < 4 * H; j++)
        {
          float *row = packed->wcat[l] + (gsize) j * width;
          memcpy (row, w_ih + (gsize) j * in, in * sizeof (float));
          memcpy (row + in, w_hh + (gsize) j * H, H * sizeof (float));
          row[in + H] = b_ih[j] + b_hh[j];
        }
    }
  memcpy (packed->out, params + l2l_lstm_out_weight (net)->offset, H * sizeof (float));
  packed->out[H] = params[l2l_lstm_out_bias (net)->offset];
}

void
l2l_lstm_packed_zero (L2lLstmPacked *packed)
{
  memset (packed->storage, 0, packed->size * sizeof (float));
}

void
l2l_lstm_packed_add_to_params (const L2lLstmPacked *packed,
                               const L2lRule       *net,
                               guint                group,
                               float               *dphi_all)
{
  const guint H = net->config.hidden;
  float *dphi = dphi_all + group * net->group_size;
  float *d_out_w = dphi + l2l_lstm_out_weight (net)->offset;

  for (guint l = 0; l < net->config.layers; l++)
    {
      const guint in = l2l_lstm_layer_input (net, l), width = in + H + 1;
      float *dw_ih = dphi + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_IH)->offset;
      float *dw_hh = dphi + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_HH)->offset;
      float *db_ih = dphi + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_IH)->offset;
      float *db_hh = dphi + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_HH)->offset;

      for (guint j = 0; j < 4 * H; j++)
        {
          const float *row = packed->wcat[l] + (gsize) j * width;
          for (guint k = 0; k < in; k++)
            dw_ih[(gsize) j * in + k] += row[k];
          for (guint k = 0; k < H; k++)
            dw_hh[(gsize) j * H + k] += row[in + k];
          db_ih[j] += row[in + H];
          db_hh[j] += row[in + H];
        }
    }
  for (guint k = 0; k < H; k++)
    d_out_w[k] += packed->out[k];
  dphi[l2l_lstm_out_bias (net)->offset] += packed->out[H];
}

void
l2l_lstm_packed_clear (L2lLstmPacked *packed)
{
  g_clear_pointer (&packed->storage, g_free);
  packed->size = 0;
}
