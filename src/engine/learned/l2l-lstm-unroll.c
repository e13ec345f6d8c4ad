/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <string.h>

#include "l2l-lstm-kernels.h"
#include "l2l-lstm-unroll.h"

static inline guint
width_of (const L2lRuleUnroll *unroll,
          guint                layer)
{
  return l2l_lstm_layer_input (unroll->net, layer) + unroll->net->config.hidden + 1;
}

/* Slot @s of layer @l's input block [x ; h ; 1]. */
static inline float *
xh_slot (const L2lRuleUnroll *unroll,
         guint                l,
         guint                s)
{
  return unroll->xh[l] + (gsize) s * width_of (unroll, l) * unroll->n;
}

/* The h rows of a slot. */
static inline float *
h_rows (const L2lRuleUnroll *unroll,
        guint                l,
        guint                s)
{
  return xh_slot (unroll, l, s) + (gsize) l2l_lstm_layer_input (unroll->net, l) * unroll->n;
}

guint64
l2l_rule_unroll_bytes (const L2lRuleConfig *config,
                       guint64              n,
                       guint                max_steps)
{
  const guint64 H = config->hidden, K = max_steps;
  guint64 per_coordinate = 4 * H + H + 1;    /* backward scratch */

  for (guint l = 0; l < config->layers; l++)
    {
      guint64 w = (l == 0 ? (config->preprocess == L2L_PREPROCESS_LOGSIGN ? 2 : 1) : H) + H + 1;
      per_coordinate += (K + 1) * w + K * 4 * H + (K + 1) * H + K * H + w + H;
    }
  return per_coordinate * n * sizeof (float);
}

L2lRuleUnroll *
l2l_rule_unroll_new (const L2lRule        *net,
                     gsize                 n,
                     guint                 max_steps,
                     const L2lRuleSegment *segments,
                     guint                 n_segments)
{
  L2lRuleUnroll *unroll = g_new0 (L2lRuleUnroll, 1);
  const guint L = net->config.layers, H = net->config.hidden, K = max_steps;
  gsize total = 0, offset = 0, widest = 0, covered = 0;

  unroll->net = net;
  unroll->n = n;
  unroll->max_steps = max_steps;
  unroll->weights = g_new (L2lLstmPacked, net->n_groups);
  unroll->grad = g_new (L2lLstmPacked, net->n_groups);
  for (guint g = 0; g < net->n_groups; g++)
    {
      l2l_lstm_packed_init (&unroll->weights[g], net);
      l2l_lstm_packed_init (&unroll->grad[g], net);
    }
  if (segments == NULL)
    {
      static const L2lRuleSegment all = { 0, 0, 0 };
      g_assert (net->n_groups == 1);
      unroll->segments = g_memdup2 (&all, sizeof all);
      unroll->segments[0].count = n;
      unroll->n_segments = 1;
    }
  else
    {
      unroll->segments = g_memdup2 (segments, n_segments * sizeof *segments);
      unroll->n_segments = n_segments;
    }
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      g_assert (unroll->segments[i].start == covered);
      g_assert (unroll->segments[i].group < net->n_groups);
      covered += unroll->segments[i].count;
    }
  g_assert (covered == n);

  for (guint l = 0; l < L; l++)
    {
      gsize w = width_of (unroll, l);
      widest = MAX (widest, w);
      total += (K + 1) * w * n + (gsize) K * 4 * H * n + (K + 1) * (gsize) H * n
               + (gsize) K * H * n + w * n + (gsize) H * n;
    }
  total += 4 * (gsize) H * n + (gsize) H * n + n;
  unroll->storage = g_new0 (float, total);

#define CARVE(size) (offset += (size), unroll->storage + offset - (size))
  for (guint l = 0; l < L; l++)
    {
      gsize w = width_of (unroll, l);
      unroll->xh[l] = CARVE ((K + 1) * w * n);
      unroll->gates[l] = CARVE ((gsize) K * 4 * H * n);
      unroll->c[l] = CARVE ((K + 1) * (gsize) H * n);
      unroll->tanh_c[l] = CARVE ((gsize) K * H * n);
      unroll->dxh[l] = CARVE (w * n);
      unroll->dc[l] = CARVE ((gsize) H * n);
    }
  unroll->dgates = CARVE (4 * (gsize) H * n);
  unroll->dh = CARVE ((gsize) H * n);
  unroll->dout = CARVE (n);
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
  l2l_rule_unroll_sync (unroll);
  return unroll;
}

void
l2l_rule_unroll_free (L2lRuleUnroll *unroll)
{
  if (unroll == NULL)
    return;
  for (guint g = 0; g < unroll->net->n_groups; g++)
    {
      l2l_lstm_packed_clear (&unroll->weights[g]);
      l2l_lstm_packed_clear (&unroll->grad[g]);
    }
  g_free (unroll->weights);
  g_free (unroll->grad);
  g_free (unroll->segments);
  g_free (unroll->storage);
  g_free (unroll);
}

void
l2l_rule_unroll_sync (L2lRuleUnroll *unroll)
{
  for (guint g = 0; g < unroll->net->n_groups; g++)
    l2l_lstm_packed_update (&unroll->weights[g], unroll->net, g);
}

void
l2l_rule_unroll_zero_grad (L2lRuleUnroll *unroll)
{
  for (guint g = 0; g < unroll->net->n_groups; g++)
    l2l_lstm_packed_zero (&unroll->grad[g]);
}

void
l2l_rule_unroll_add_grad (const L2lRuleUnroll *unroll,
                          float               *dphi)
{
  for (guint g = 0; g < unroll->net->n_groups; g++)
    l2l_lstm_packed_add_to_params (&unroll->grad[g], unroll->net, g, dphi);
}

void
l2l_rule_unroll_reset_state (L2lRuleUnroll *unroll)
{
  const gsize hn = (gsize) unroll->net->config.hidden * unroll->n;

  for (guint l = 0; l < unroll->net->config.layers; l++)
    {
      memset (h_rows (unroll, l, 0), 0, hn * sizeof (float));
      memset (unroll->c[l], 0, hn * sizeof (float));
    }
}

void
l2l_rule_unroll_carry (L2lRuleUnroll *unroll,
                       guint          steps)
{
  const gsize hn = (gsize) unroll->net->config.hidden * unroll->n;

  if (steps == 0)
    return;
  for (guint l = 0; l < unroll->net->config.layers; l++)
    {
      memcpy (h_rows (unroll, l, 0), h_rows (unroll, l, steps), hn * sizeof (float));
      memcpy (unroll->c[l], unroll->c[l] + steps * hn, hn * sizeof (float));
    }
}

void
l2l_rule_unroll_forward (L2lRuleUnroll *unroll,
                         guint          s,
                         const float   *grad,
                         float         *update)
{
  const L2lRule *net = unroll->net;
  const guint L = net->config.layers, H = net->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) net->config.output_scale;

  g_assert (s < unroll->max_steps);
  l2l_lstm_preprocess (xh_slot (unroll, 0, s), grad, n, &net->config);

  for (guint l = 0; l < L; l++)
    {
      const guint w = width_of (unroll, l);
      float *gates = unroll->gates[l] + (gsize) s * 4 * hn;
      float *h = h_rows (unroll, l, s + 1);

      /* gates [4H × N] = [W_ih | W_hh | b] [4H × w] · [x ; h_prev ; 1] [w × N],
       * each segment's columns with its group's weights */
      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 4 * H, (int) seg->count, w,
                       1.0f, unroll->weights[seg->group].wcat[l], w,
                       xh_slot (unroll, l, s) + seg->start, (int) n, 0.0f,
                       gates + seg->start, (int) n);
        }
      l2l_lstm_cell_forward (gates, unroll->c[l] + s * hn, unroll->c[l] + (s + 1) * hn,
                             unroll->tanh_c[l] + s * hn, h, n, H);
      if (l + 1 < L)
        memcpy (xh_slot (unroll, l + 1, s), h, hn * sizeof (float));
    }

  /* g = scale · [w_out | b_out] · [h_top ; 1] */
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      cblas_sgemv (CblasRowMajor, CblasTrans, H + 1, (int) seg->count, scale,
                   h_rows (unroll, L - 1, s + 1) + seg->start, (int) n,
                   unroll->weights[seg->group].out, 1, 0.0f, update + seg->start, 1);
    }
}

void
l2l_rule_unroll_backward_begin (L2lRuleUnroll *unroll)
{
  const gsize hn = (gsize) unroll->net->config.hidden * unroll->n;

  for (guint l = 0; l < unroll->net->config.layers; l++)
    {
      memset (unroll->dxh[l], 0, (gsize) width_of (unroll, l) * unroll->n * sizeof (float));
      memset (unroll->dc[l], 0, hn * sizeof (float));
    }
}

void
l2l_rule_unroll_backward_step (L2lRuleUnroll *unroll,
                               guint          s,
                               const float   *dupdate,
                               const float   *grad,
                               float         *dinput)
{
  const L2lRule *net = unroll->net;
  const guint L = net->config.layers, H = net->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) net->config.output_scale;
  const float *h_top = h_rows (unroll, L - 1, s + 1);

  g_assert (s < unroll->max_steps);
  for (gsize r = 0; r < n; r++)
    unroll->dout[r] = scale * dupdate[r];
  /* [dw_out | db_out] += [h_top ; 1] · dout */
  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      cblas_sgemv (CblasRowMajor, CblasNoTrans, H + 1, (int) seg->count, 1.0f,
                   h_top + seg->start, (int) n, unroll->dout + seg->start, 1, 1.0f,
                   unroll->grad[seg->group].out, 1);
    }

  for (guint l = L; l-- > 0;)
    {
      const guint in = l2l_lstm_layer_input (net, l), w = in + H + 1;
      const float *carry = unroll->dxh[l] + (gsize) in * n;   /* ∂/∂h from step s + 1 */

      /* dh = carry + (top ? w_out ⊗ dout : ∂/∂x of the layer above) */
      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          const float *out_w = unroll->weights[seg->group].out;

          for (guint j = 0; j < H; j++)
            {
              float *restrict dh = unroll->dh + (gsize) j * n + seg->start;
              const float *restrict from_next = carry + (gsize) j * n + seg->start;
              const float *restrict dout = unroll->dout + seg->start;

              if (l == L - 1)
                for (gsize r = 0; r < seg->count; r++)
                  dh[r] = from_next[r] + out_w[j] * dout[r];
              else
                {
                  const float *restrict from_above =
                    unroll->dxh[l + 1] + (gsize) j * n + seg->start;
                  for (gsize r = 0; r < seg->count; r++)
                    dh[r] = from_next[r] + from_above[r];
                }
            }
        }

      l2l_lstm_cell_backward (unroll->dgates, unroll->dc[l], unroll->dh,
                              unroll->gates[l] + (gsize) s * 4 * hn, unroll->c[l] + s * hn,
                              unroll->tanh_c[l] + s * hn, n, H);

      for (guint i = 0; i < unroll->n_segments; i++)
        {
          const L2lRuleSegment *seg = &unroll->segments[i];
          const float *wcat = unroll->weights[seg->group].wcat[l];
          const int count = (int) seg->count;

          /* d[W_ih | W_hh | b] += dgates [4H × N] · [x ; h_prev ; 1]ᵀ */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 4 * H, w, count,
                       1.0f, unroll->dgates + seg->start, (int) n,
                       xh_slot (unroll, l, s) + seg->start, (int) n,
                       1.0f, unroll->grad[seg->group].wcat[l], w);

          /* ∂/∂[x ; h_prev] = [W_ih | W_hh]ᵀ · dgates; layer 0's ∂/∂x only
           * when asked for (with first-order meta-gradients ∇ is a constant,
           * not a function of φ). */
          if (l > 0 || dinput != NULL)
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, in + H, count, 4 * H,
                         1.0f, wcat, w, unroll->dgates + seg->start, (int) n,
                         0.0f, unroll->dxh[l] + seg->start, (int) n);
          else
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, H, count, 4 * H,
                         1.0f, wcat + in, w, unroll->dgates + seg->start, (int) n,
                         0.0f, unroll->dxh[l] + (gsize) in * n + seg->start, (int) n);
        }
    }
  if (dinput != NULL)
    l2l_lstm_preprocess_backward (dinput, unroll->dxh[0], grad, n, &net->config);
}

void
l2l_rule_unroll_backward (L2lRuleUnroll *unroll,
                          guint          steps,
                          const float   *dupdate,
                          const float   *grads,
                          float         *dinput)
{
  const gsize n = unroll->n;

  g_assert (steps <= unroll->max_steps);
  l2l_rule_unroll_backward_begin (unroll);
  for (guint s = steps; s-- > 0;)
    l2l_rule_unroll_backward_step (unroll, s, dupdate + (gsize) s * n,
                                   grads != NULL ? grads + (gsize) s * n : NULL,
                                   dinput != NULL ? dinput + (gsize) s * n : NULL);
}
