/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-lstm.h"
#include "l2l-lstm-unroll.h"
#include "l2l-rule-arch.h"
#include "l2l-options.h"
#include "l2l-rng.h"


char *
l2l_lstm_preprocess_to_string (const L2lRuleConfig *config)
{
  const L2lFeatureSet *features = &config->features;
  char p[G_ASCII_DTOSTR_BUF_SIZE];

  if (features->n_features != 1)
    return NULL;
  if (features->kinds[0] == L2L_FEATURE_GRAD)
    return g_strdup ("none");
  if (features->kinds[0] != L2L_FEATURE_LOGSIGN)
    return NULL;
  g_ascii_formatd (p, sizeof p, "%g", features->params[0]);
  return g_strdup_printf ("logsign:p=%s", p);
}

gboolean
l2l_lstm_preprocess_parse (const char     *text,
                           L2lRuleConfig  *config,
                           GError        **error)
{
  double p = 10.0;

  if (g_str_equal (text, "none"))
    return l2l_feature_set_parse ("grad", &config->features, error);
  if (g_str_equal (text, "logsign") ||
      (g_str_has_prefix (text, "logsign:p=") &&
       l2l_parse_double (text + strlen ("logsign:p="), &p) && p > 0.0 && p <= 80.0))
    {
      gboolean parsed = l2l_feature_set_parse ("logsign", &config->features, NULL);

      g_assert (parsed);
      config->features.params[0] = p;
      return TRUE;
    }
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "preprocess",
                       "'%s' is not none, logsign or logsign:p=P with 0 < P ≤ 80", text);
  return FALSE;
}

gboolean
l2l_lstm_is_rnnprop (const L2lRule *net)
{
  return net->config.arch == &l2l_rule_arch_rnnprop;
}

guint
l2l_lstm_layer_input (const L2lRule *net,
                      guint          layer)
{
  /* RNNprop's cells see its input layer's H units */
  return layer == 0 && !l2l_lstm_is_rnnprop (net) ? net->input_size : net->config.hidden;
}

static void
lstm_add_tensors (L2lRule    *net,
                  const char *prefix)
{
  const guint H = net->config.hidden;

  for (guint l = 0; l < net->config.layers; l++)
    {
      l2l_rule_add_tensor (net, g_strdup_printf ("%scells.%u.weight_ih", prefix, l), 4 * H,
                           l2l_lstm_layer_input (net, l));
      l2l_rule_add_tensor (net, g_strdup_printf ("%scells.%u.weight_hh", prefix, l), 4 * H, H);
      l2l_rule_add_tensor (net, g_strdup_printf ("%scells.%u.bias_ih", prefix, l), 4 * H, 0);
      l2l_rule_add_tensor (net, g_strdup_printf ("%scells.%u.bias_hh", prefix, l), 4 * H, 0);
    }
  l2l_rule_add_tensor (net, g_strconcat (prefix, "out.weight", NULL), 1, H);
  l2l_rule_add_tensor (net, g_strconcat (prefix, "out.bias", NULL), 1, 0);
  /* after the LSTM's own, so that its tensors keep their places */
  if (l2l_lstm_is_rnnprop (net))
    {
      l2l_rule_add_tensor (net, g_strconcat (prefix, "input.weight", NULL), H, net->input_size);
      l2l_rule_add_tensor (net, g_strconcat (prefix, "input.bias", NULL), H, 0);
    }
}

/* LSTMCell and Linear(H, 1) both draw U(−1/√H, 1/√H), H being the fan-in of
 * the linear layer too: one loop over all of φ. */
static void
lstm_init (L2lRule *net,
           L2lRng  *rng)
{
  const double bound = 1.0 / sqrt ((double) net->config.hidden);

  for (gsize i = 0; i < net->n_params; i++)
    net->params[i] = (float) ((2.0 * l2l_rng_uniform (rng) - 1.0) * bound);
}

/* RNNprop's input layer is a Linear (in, H): its bound is 1/√in. */
static void
rnnprop_init (L2lRule *net,
              L2lRng  *rng)
{
  const double bound = 1.0 / sqrt ((double) net->input_size);

  lstm_init (net, rng);
  for (guint g = 0; g < net->n_groups; g++)
    {
      const L2lRuleTensor *weight = l2l_lstm_input_weight (net);
      float *phi = net->params + g * net->group_size;

      for (gsize i = 0; i < (gsize) weight->rows * (weight->cols + 1); i++)
        phi[weight->offset + i] = (float) ((2.0 * l2l_rng_uniform (rng) - 1.0) * bound);
    }
}

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

const L2lRuleTensor *
l2l_lstm_input_weight (const L2lRule *net)
{
  return &net->tensors[net->config.layers * L2L_LSTM_TENSORS_PER_LAYER + 2];
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

static const char *const lstm_output_tensors[] = { "out.weight", "out.bias", NULL };

/* The methods both cell architectures share: RNNprop's input layer and
 * bounded output are branches of the same unroll. */
#define LSTM_METHODS \
  .output_tensors = lstm_output_tensors, \
  .add_tensors = lstm_add_tensors, \
  .unroll_floats = l2l_lstm_unroll_floats, \
  .unroll_init = l2l_lstm_unroll_init, \
  .unroll_clear = l2l_lstm_unroll_clear, \
  .sync = l2l_lstm_unroll_sync, \
  .zero_grad = l2l_lstm_unroll_zero_grad, \
  .add_grad = l2l_lstm_unroll_add_grad, \
  .reset_state = l2l_lstm_unroll_reset_state, \
  .carry = l2l_lstm_unroll_carry, \
  .input = l2l_lstm_unroll_input, \
  .forward = l2l_lstm_unroll_forward, \
  .backward_begin = l2l_lstm_unroll_backward_begin, \
  .backward_step = l2l_lstm_unroll_backward_step

const L2lRuleArch l2l_rule_arch_lstm = {
  .name = "lstm",
  .title = "LSTM",
  .description = "The paper's coordinatewise LSTM (Andrychowicz et al. 2016): features → "
                 "layers × hidden LSTM cells → a linear output",
  .default_features = "logsign:p=10",
  .default_output_scale = 0.1,
  .init = lstm_init,
  LSTM_METHODS,
};

const L2lRuleArch l2l_rule_arch_rnnprop = {
  .name = "rnnprop",
  .title = "RNNprop",
  .description = "RNNprop (Lv et al. 2017): the gradient and its momentum over their RMS → a "
                 "linear layer of ELUs → layers × hidden LSTM cells → a tanh-bounded output",
  .default_features = "grad-rms,momentum:0.9",
  .default_output_scale = 0.1,
  .init = rnnprop_init,
  LSTM_METHODS,
};
