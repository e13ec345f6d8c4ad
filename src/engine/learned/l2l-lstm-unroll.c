/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "l2l-lstm.h"
#include "l2l-lstm-kernels.h"
#include "l2l-lstm-unroll.h"

/* The LSTM's part of an unroll over N coordinates for up to K steps. Per
 * layer l (w = in_l + H + 1), all feature-major:
 *   xh[l]     [(K + 1) × w × N]  slot s = [x_s ; h_{s−1} ; 1]; slot K holds the
 *                                last h, carried into the next unroll; layer
 *                                0's x rows are where the features go
 *   gates[l]  [K × 4H × N]      activations i, f, g, o of each step
 *   c[l]      [(K + 1) × H × N] c_{s−1} in slot s
 *   tanh_c[l] [K × H × N]
 * and for RNNprop its input layer and bounded output:
 *   x         [K × in × N]      each step's features
 *   z         [K × H × N]       the input layer's pre-activations (its ELUs go
 *                               into layer 0's x rows)
 *   raw       [K × N]           the output before tanh */
typedef struct {
  L2lLstmPacked *weights;      /* [n_groups] */
  L2lLstmPacked *grad;         /* [n_groups]: ∂/∂φ accumulated by backward, packed */
  float         *xh[L2L_MAX_LAYERS];
  float         *gates[L2L_MAX_LAYERS];
  float         *c[L2L_MAX_LAYERS];
  float         *tanh_c[L2L_MAX_LAYERS];
  float         *dxh[L2L_MAX_LAYERS];   /* [w × N] backward scratch */
  float         *dc[L2L_MAX_LAYERS];    /* [H × N] */
  float         *dgates;                /* [4H × N] */
  float         *dh;                    /* [H × N] */
  float         *dout;                  /* [N] */
  float         *x;                     /* RNNprop, else NULL */
  float         *z;
  float         *raw;
  float         *dx;                    /* [in × N] */
  float         *in_phi;                /* [n_groups × (H × in + H)]: input.weight, input.bias */
  float         *in_grad;               /* the same shape */
  float         *storage;
} LstmNet;

static inline LstmNet *
lstm_of (const L2lRuleUnroll *unroll)
{
  return unroll->net;
}

static inline guint
width_of (const L2lRuleUnroll *unroll,
          guint                layer)
{
  return l2l_lstm_layer_input (unroll->rule, layer) + unroll->rule->config.hidden + 1;
}

/* Slot @s of layer @l's input block [x ; h ; 1]. */
static inline float *
xh_slot (const L2lRuleUnroll *unroll,
         guint                l,
         guint                s)
{
  return lstm_of (unroll)->xh[l] + (gsize) s * width_of (unroll, l) * unroll->n;
}

/* The h rows of a slot. */
static inline float *
h_rows (const L2lRuleUnroll *unroll,
        guint                l,
        guint                s)
{
  return xh_slot (unroll, l, s) + (gsize) l2l_lstm_layer_input (unroll->rule, l) * unroll->n;
}

static gboolean
config_is_rnnprop (const L2lRuleConfig *config)
{
  return g_str_equal (l2l_rule_arch_get_name (config->arch), "rnnprop");
}

/* RNNprop's input layer: what it keeps per coordinate. */
static guint64
input_layer_floats (const L2lRuleConfig *config,
                    guint                max_steps)
{
  const guint64 H = config->hidden, K = max_steps, in = l2l_feature_set_rows (&config->features);

  return config_is_rnnprop (config) ? K * (in + H + 1) + in : 0;
}

guint64
l2l_lstm_unroll_floats (const L2lRuleConfig *config,
                        guint                max_steps)
{
  const guint64 H = config->hidden, K = max_steps;
  const gboolean rnnprop = config_is_rnnprop (config);
  guint64 per_coordinate = 4 * H + H + 1;    /* backward scratch */

  for (guint l = 0; l < config->layers; l++)
    {
      guint64 w = (l == 0 && !rnnprop ? l2l_feature_set_rows (&config->features) : H) + H + 1;
      per_coordinate += (K + 1) * w + K * 4 * H + (K + 1) * H + K * H + w + H;
    }
  return per_coordinate + input_layer_floats (config, max_steps);
}

void
l2l_lstm_unroll_init (L2lRuleUnroll *unroll)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = g_new0 (LstmNet, 1);
  const guint L = net->config.layers, H = net->config.hidden, K = unroll->max_steps;
  const gsize n = unroll->n;
  gsize total = 0, offset = 0;

  unroll->net = lstm;
  lstm->weights = g_new (L2lLstmPacked, net->n_groups);
  lstm->grad = g_new (L2lLstmPacked, net->n_groups);
  for (guint g = 0; g < net->n_groups; g++)
    {
      l2l_lstm_packed_init (&lstm->weights[g], net);
      l2l_lstm_packed_init (&lstm->grad[g], net);
    }

  for (guint l = 0; l < L; l++)
    {
      gsize w = width_of (unroll, l);
      total += (K + 1) * w * n + (gsize) K * 4 * H * n + (K + 1) * (gsize) H * n
               + (gsize) K * H * n + w * n + (gsize) H * n;
    }
  total += 4 * (gsize) H * n + (gsize) H * n + n;
  total += input_layer_floats (&net->config, K) * n;
  lstm->storage = g_new0 (float, total);

#define CARVE(size) (offset += (size), lstm->storage + offset - (size))
  for (guint l = 0; l < L; l++)
    {
      gsize w = width_of (unroll, l);
      lstm->xh[l] = CARVE ((K + 1) * w * n);
      lstm->gates[l] = CARVE ((gsize) K * 4 * H * n);
      lstm->c[l] = CARVE ((K + 1) * (gsize) H * n);
      lstm->tanh_c[l] = CARVE ((gsize) K * H * n);
      lstm->dxh[l] = CARVE (w * n);
      lstm->dc[l] = CARVE ((gsize) H * n);
    }
  lstm->dgates = CARVE (4 * (gsize) H * n);
  lstm->dh = CARVE ((gsize) H * n);
  lstm->dout = CARVE (n);
  if (l2l_lstm_is_rnnprop (net))
    {
      const gsize in = net->input_size, group = (gsize) H * in + H;

      lstm->x = CARVE (K * in * n);
      lstm->z = CARVE ((gsize) K * H * n);
      lstm->raw = CARVE ((gsize) K * n);
      lstm->dx = CARVE (in * n);
      lstm->in_phi = g_new0 (float, net->n_groups * group);
      lstm->in_grad = g_new0 (float, net->n_groups * group);
    }
#undef CARVE
  g_assert (offset == total);

  /* The constant 1 row that carries the biases through the sgemm. */
  for (guint l = 0; l < L; l++)
    for (guint s = 0; s <= K; s++)
      {
        float *ones = xh_slot (unroll, l, s) + (width_of (unroll, l) - 1) * n;
        for (gsize r = 0; r < n; r++)
          ones[r] = 1.0f;
      }
}

void
l2l_lstm_unroll_clear (L2lRuleUnroll *unroll)
{
  LstmNet *lstm = lstm_of (unroll);

  for (guint g = 0; g < unroll->rule->n_groups; g++)
    {
      l2l_lstm_packed_clear (&lstm->weights[g]);
      l2l_lstm_packed_clear (&lstm->grad[g]);
    }
  g_free (lstm->weights);
  g_free (lstm->grad);
  g_free (lstm->in_phi);
  g_free (lstm->in_grad);
  g_free (lstm->storage);
  g_free (lstm);
}

/* Floats of one group's input layer, weight then bias, as φ holds them. */
static gsize
input_layer_size (const L2lRule *net)
{
  return (gsize) net->config.hidden * net->input_size + net->config.hidden;
}

void
l2l_lstm_unroll_sync (L2lRuleUnroll *unroll)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);

  for (guint g = 0; g < net->n_groups; g++)
    {
      l2l_lstm_packed_update (&lstm->weights[g], net, g);
      if (lstm->in_phi != NULL)
        memcpy (lstm->in_phi + g * input_layer_size (net),
                net->params + g * net->group_size + l2l_lstm_input_weight (net)->offset,
                input_layer_size (net) * sizeof (float));
    }
}

void
l2l_lstm_unroll_zero_grad (L2lRuleUnroll *unroll)
{
  LstmNet *lstm = lstm_of (unroll);

  for (guint g = 0; g < unroll->rule->n_groups; g++)
    l2l_lstm_packed_zero (&lstm->grad[g]);
  if (lstm->in_grad != NULL)
    memset (lstm->in_grad, 0,
            unroll->rule->n_groups * input_layer_size (unroll->rule) * sizeof (float));
}

void
l2l_lstm_unroll_add_grad (const L2lRuleUnroll *unroll,
                          float               *dphi)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);

  for (guint g = 0; g < net->n_groups; g++)
    {
      l2l_lstm_packed_add_to_params (&lstm->grad[g], net, g, dphi);
      if (lstm->in_grad != NULL)
        {
          const float *restrict from = lstm->in_grad + g * input_layer_size (net);
          float *restrict to = dphi + g * net->group_size + l2l_lstm_input_weight (net)->offset;

          for (gsize i = 0; i < input_layer_size (net); i++)
            to[i] += from[i];
        }
    }
}

void
l2l_lstm_unroll_reset_state (L2lRuleUnroll *unroll)
{
  const gsize hn = (gsize) unroll->rule->config.hidden * unroll->n;

  for (guint l = 0; l < unroll->rule->config.layers; l++)
    {
      memset (h_rows (unroll, l, 0), 0, hn * sizeof (float));
      memset (lstm_of (unroll)->c[l], 0, hn * sizeof (float));
    }
}

void
l2l_lstm_unroll_carry (L2lRuleUnroll *unroll,
                       guint          steps)
{
  const gsize hn = (gsize) unroll->rule->config.hidden * unroll->n;
  LstmNet *lstm = lstm_of (unroll);

  for (guint l = 0; l < unroll->rule->config.layers; l++)
    {
      memcpy (h_rows (unroll, l, 0), h_rows (unroll, l, steps), hn * sizeof (float));
      memcpy (lstm->c[l], lstm->c[l] + steps * hn, hn * sizeof (float));
    }
}

float *
l2l_lstm_unroll_input (L2lRuleUnroll *unroll,
                       guint          s)
{
  LstmNet *lstm = lstm_of (unroll);

  return lstm->x != NULL ? lstm->x + (gsize) s * unroll->rule->input_size * unroll->n
                         : xh_slot (unroll, 0, s);
}

/* RNNprop: layer 0's x rows = ELU (W_in x + b_in), each segment with its
 * group's input layer. */
static void
input_layer_forward (L2lRuleUnroll *unroll,
                     guint          s)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);
  const guint H = net->config.hidden, in = net->input_size;
  const gsize n = unroll->n, hn = (gsize) H * n;
  float *restrict z = lstm->z + (gsize) s * hn, *restrict out = xh_slot (unroll, 0, s);

  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      const float *w = lstm->in_phi + seg->group * input_layer_size (net);
      const float *b = w + (gsize) H * in;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, H, (int) seg->count, in, 1.0f, w,
                   in, lstm->x + (gsize) s * in * n + seg->start, (int) n, 0.0f, z + seg->start,
                   (int) n);
      for (guint j = 0; j < H; j++)
        for (gsize r = 0; r < seg->count; r++)
          z[(gsize) j * n + seg->start + r] += b[j];
    }
  for (gsize r = 0; r < hn; r++)
    out[r] = z[r] > 0.0f ? z[r] : expf (z[r]) - 1.0f;
}

/* Back through it from ∂L/∂ its ELUs (layer 0's ∂/∂x rows); with @want_dx,
 * ∂L/∂ the features into lstm->dx. */
static void
input_layer_backward (L2lRuleUnroll *unroll,
                      guint          s,
                      gboolean       want_dx)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);
  const guint H = net->config.hidden, in = net->input_size;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float *restrict z = lstm->z + (gsize) s * hn;
  const float *x = lstm->x + (gsize) s * in * n;
  float *restrict dz = lstm->dxh[0];   /* ∂/∂ the ELUs, made ∂/∂z in place */

  for (gsize r = 0; r < hn; r++)
    dz[r] *= z[r] > 0.0f ? 1.0f : expf (z[r]);
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      const float *w = lstm->in_phi + seg->group * input_layer_size (net);
      float *dw = lstm->in_grad + seg->group * input_layer_size (net);
      float *db = dw + (gsize) H * in;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, H, in, (int) seg->count, 1.0f,
                   dz + seg->start, (int) n, x + seg->start, (int) n, 1.0f, dw, in);
      for (guint j = 0; j < H; j++)
        {
          float sum = 0.0f;

          for (gsize r = 0; r < seg->count; r++)
            sum += dz[(gsize) j * n + seg->start + r];
          db[j] += sum;
        }
      if (want_dx)
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, in, (int) seg->count, H, 1.0f, w,
                     in, dz + seg->start, (int) n, 0.0f, lstm->dx + seg->start, (int) n);
    }
}

void
l2l_lstm_unroll_forward (L2lRuleUnroll *unroll,
                         guint          s,
                         float         *update)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);
  const guint L = net->config.layers, H = net->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) net->config.output_scale;

  if (lstm->x != NULL)
    input_layer_forward (unroll, s);
  for (guint l = 0; l < L; l++)
    {
      const guint w = width_of (unroll, l);
      float *gates = lstm->gates[l] + (gsize) s * 4 * hn;
      float *h = h_rows (unroll, l, s + 1);

      /* gates [4H × N] = [W_ih | W_hh | b] [4H × w] · [x ; h_prev ; 1] [w × N],
       * each segment's columns with its group's weights */
      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 4 * H, (int) seg->count, w,
                       1.0f, lstm->weights[seg->group].wcat[l], w,
                       xh_slot (unroll, l, s) + seg->start, (int) n, 0.0f,
                       gates + seg->start, (int) n);
        }
      l2l_lstm_cell_forward (gates, lstm->c[l] + s * hn, lstm->c[l] + (s + 1) * hn,
                             lstm->tanh_c[l] + s * hn, h, n, H);
      if (l + 1 < L)
        memcpy (xh_slot (unroll, l + 1, s), h, hn * sizeof (float));
    }

  /* g = scale · [w_out | b_out] · [h_top ; 1]; RNNprop's scale · tanh of it */
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      cblas_sgemv (CblasRowMajor, CblasTrans, H + 1, (int) seg->count,
                   lstm->raw != NULL ? 1.0f : scale, h_rows (unroll, L - 1, s + 1) + seg->start,
                   (int) n, lstm->weights[seg->group].out, 1, 0.0f,
                   (lstm->raw != NULL ? lstm->raw + (gsize) s * n : update) + seg->start, 1);
    }
  if (lstm->raw != NULL)
    {
      const float *restrict raw = lstm->raw + (gsize) s * n;

      for (gsize r = 0; r < n; r++)
        update[r] = scale * tanhf (raw[r]);
    }
}

void
l2l_lstm_unroll_backward_begin (L2lRuleUnroll *unroll)
{
  const gsize hn = (gsize) unroll->rule->config.hidden * unroll->n;
  LstmNet *lstm = lstm_of (unroll);

  for (guint l = 0; l < unroll->rule->config.layers; l++)
    {
      memset (lstm->dxh[l], 0, (gsize) width_of (unroll, l) * unroll->n * sizeof (float));
      memset (lstm->dc[l], 0, hn * sizeof (float));
    }
}

const float *
l2l_lstm_unroll_backward_step (L2lRuleUnroll *unroll,
                               guint          s,
                               const float   *dupdate,
                               gboolean       want_dx)
{
  const L2lRule *net = unroll->rule;
  LstmNet *lstm = lstm_of (unroll);
  const guint L = net->config.layers, H = net->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) net->config.output_scale;
  const float *h_top = h_rows (unroll, L - 1, s + 1);

  if (lstm->raw != NULL)
    for (gsize r = 0; r < n; r++)
      {
        const float t = tanhf (lstm->raw[(gsize) s * n + r]);

        lstm->dout[r] = scale * (1.0f - t * t) * dupdate[r];
      }
  else
    for (gsize r = 0; r < n; r++)
      lstm->dout[r] = scale * dupdate[r];
  /* [dw_out | db_out] += [h_top ; 1] · dout */
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      cblas_sgemv (CblasRowMajor, CblasNoTrans, H + 1, (int) seg->count, 1.0f,
                   h_top + seg->start, (int) n, lstm->dout + seg->start, 1, 1.0f,
                   lstm->grad[seg->group].out, 1);
    }

  for (guint l = L; l-- > 0;)
    {
      const guint in = l2l_lstm_layer_input (net, l), w = in + H + 1;
      const float *carry = lstm->dxh[l] + (gsize) in * n;   /* ∂/∂h from step s + 1 */

      /* dh = carry + (top ? w_out ⊗ dout : ∂/∂x of the layer above) */
      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          const float *out_w = lstm->weights[seg->group].out;

          for (guint j = 0; j < H; j++)
            {
              float *restrict dh = lstm->dh + (gsize) j * n + seg->start;
              const float *restrict from_next = carry + (gsize) j * n + seg->start;
              const float *restrict dout = lstm->dout + seg->start;

              if (l == L - 1)
                for (gsize r = 0; r < seg->count; r++)
                  dh[r] = from_next[r] + out_w[j] * dout[r];
              else
                {
                  const float *restrict from_above =
                    lstm->dxh[l + 1] + (gsize) j * n + seg->start;
                  for (gsize r = 0; r < seg->count; r++)
                    dh[r] = from_next[r] + from_above[r];
                }
            }
        }

      l2l_lstm_cell_backward (lstm->dgates, lstm->dc[l], lstm->dh,
                              lstm->gates[l] + (gsize) s * 4 * hn, lstm->c[l] + s * hn,
                              lstm->tanh_c[l] + s * hn, n, H);

      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          const float *wcat = lstm->weights[seg->group].wcat[l];
          const int count = (int) seg->count;

          /* d[W_ih | W_hh | b] += dgates [4H × N] · [x ; h_prev ; 1]ᵀ */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 4 * H, w, count,
                       1.0f, lstm->dgates + seg->start, (int) n,
                       xh_slot (unroll, l, s) + seg->start, (int) n,
                       1.0f, lstm->grad[seg->group].wcat[l], w);

          /* ∂/∂[x ; h_prev] = [W_ih | W_hh]ᵀ · dgates; layer 0's ∂/∂x only
           * when asked for (with first-order meta-gradients the features are
           * constants, not functions of φ). */
          if (l > 0 || want_dx || lstm->x != NULL)
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, in + H, count, 4 * H,
                         1.0f, wcat, w, lstm->dgates + seg->start, (int) n,
                         0.0f, lstm->dxh[l] + seg->start, (int) n);
          else
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, H, count, 4 * H,
                         1.0f, wcat + in, w, lstm->dgates + seg->start, (int) n,
                         0.0f, lstm->dxh[l] + (gsize) in * n + seg->start, (int) n);
        }
    }
  if (lstm->x != NULL)
    {
      input_layer_backward (unroll, s, want_dx);
      return want_dx ? lstm->dx : NULL;
    }
  return want_dx ? lstm->dxh[0] : NULL;
}
