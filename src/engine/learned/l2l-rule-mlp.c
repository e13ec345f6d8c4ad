/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "l2l-rule-arch.h"

/* The per-coordinate MLP of Metz et al. 2019 ("Understanding and correcting
 * pathologies in the training of learned optimizers", as
 * google/learned_optimization's MLP optimizer has it): no recurrence — the
 * features' running averages are all its memory — layers × hidden ReLU units,
 * and two outputs, a direction d and a log-magnitude m, making the update
 *
 *   g = output_scale · d · exp (MAGNITUDE_SCALE · m)
 *
 * (their λ1 = output_scale, λ2 = 10⁻³). One group's φ, as torch.nn.Linear
 * layers name and shape them:
 *
 *   layers.l.weight [H × in_l]   in_0 = the feature rows, in_l = H after
 *   layers.l.bias   [H]          … for l = 0 … layers − 1, then
 *   out.weight      [2 × H]      row 0 the direction, row 1 the magnitude
 *   out.bias        [2]
 *
 * Every buffer is feature-major, [rows × N], so that a layer over all N
 * coordinates of a segment is one sgemm. */

#define MAGNITUDE_SCALE 1e-3f

typedef struct {
  L2lRuleNetPhi base;            /* first: φ and ∂/∂φ */
  gsize  weight[L2L_MAX_LAYERS + 1];   /* offsets in a group's φ; the last is out's */
  gsize  bias[L2L_MAX_LAYERS + 1];
  float *x;                      /* [K × in × N]: each step's features */
  float *act[L2L_MAX_LAYERS];    /* [K × H × N]: each layer's ReLU output */
  float *out;                    /* [K × 2 × N]: d and m */
  float *dz;                     /* [max (H, in) × N] backward scratch, */
  float *dz_next;                /* both: they swap layer by layer */
  float *dout;                   /* [2 × N] */
  float *ones;                   /* [N]: bias gradients are a matrix-vector product with it */
  float *storage;
} MlpNet;

static inline MlpNet *
mlp_of (const L2lRuleUnroll *unroll)
{
  return unroll->net;
}

static guint
layer_input (const L2lRule *rule,
             guint          layer)
{
  return layer == 0 ? rule->input_size : rule->config.hidden;
}

static void
mlp_add_tensors (L2lRule    *rule,
                 const char *prefix)
{
  const guint H = rule->config.hidden;

  for (guint l = 0; l < rule->config.layers; l++)
    {
      l2l_rule_add_tensor (rule, g_strdup_printf ("%slayers.%u.weight", prefix, l), H,
                           layer_input (rule, l));
      l2l_rule_add_tensor (rule, g_strdup_printf ("%slayers.%u.bias", prefix, l), H, 0);
    }
  l2l_rule_add_tensor (rule, g_strconcat (prefix, "out.weight", NULL), 2, H);
  l2l_rule_add_tensor (rule, g_strconcat (prefix, "out.bias", NULL), 2, 0);
}

/* torch.nn.Linear's default: weight and bias U(−1/√fan_in, 1/√fan_in). */
static void
mlp_init (L2lRule *rule,
          L2lRng  *rng)
{
  for (guint t = 0; t < rule->n_tensors; t++)
    {
      const L2lRuleTensor *tensor = &rule->tensors[t];
      /* a bias takes its weight's fan-in: the tensor before it */
      const guint fan_in = tensor->cols > 0 ? tensor->cols : rule->tensors[t - 1].cols;
      const double bound = 1.0 / sqrt ((double) fan_in);
      const gsize size = (gsize) tensor->rows * MAX (tensor->cols, 1);

      for (gsize i = 0; i < size; i++)
        rule->params[tensor->offset + i] = (float) ((2.0 * l2l_rng_uniform (rng) - 1.0) * bound);
    }
}

static guint64
mlp_unroll_floats (const L2lRuleConfig *config,
                   guint                max_steps)
{
  const guint64 H = config->hidden, in = l2l_feature_set_rows (&config->features);

  return max_steps * (in + config->layers * H + 2) + 2 * MAX (H, in) + 3;
}

static void
mlp_unroll_init (L2lRuleUnroll *unroll)
{
  const L2lRule *rule = unroll->rule;
  MlpNet *mlp = g_new0 (MlpNet, 1);
  const guint L = rule->config.layers, H = rule->config.hidden, in = rule->input_size;
  const gsize n = unroll->n, K = unroll->max_steps;
  gsize offset = 0;

  unroll->net = mlp;
  l2l_rule_net_phi_init (&mlp->base, unroll);
  /* group 0's tensors come in the order mlp_add_tensors adds them */
  for (guint l = 0; l <= L; l++)
    {
      mlp->weight[l] = rule->tensors[2 * l].offset;
      mlp->bias[l] = rule->tensors[2 * l + 1].offset;
    }
  mlp->storage = g_new0 (float, mlp_unroll_floats (&rule->config, K) * n);
#define CARVE(size) (offset += (size), mlp->storage + offset - (size))
  mlp->x = CARVE (K * in * n);
  for (guint l = 0; l < L; l++)
    mlp->act[l] = CARVE (K * H * n);
  mlp->out = CARVE (K * 2 * n);
  mlp->dz = CARVE ((gsize) MAX (H, in) * n);
  mlp->dz_next = CARVE ((gsize) MAX (H, in) * n);
  mlp->dout = CARVE (2 * n);
  mlp->ones = CARVE (n);
#undef CARVE
  for (gsize r = 0; r < n; r++)
    mlp->ones[r] = 1.0f;
  g_assert (offset == mlp_unroll_floats (&rule->config, K) * n);
}

static void
mlp_unroll_clear (L2lRuleUnroll *unroll)
{
  MlpNet *mlp = mlp_of (unroll);

  l2l_rule_net_phi_clear (&mlp->base);
  g_free (mlp->storage);
  g_free (mlp);
}

static float *
mlp_input (L2lRuleUnroll *unroll,
           guint          s)
{
  return mlp_of (unroll)->x + (gsize) s * unroll->rule->input_size * unroll->n;
}

/* out [rows × N] = W [rows × cols] · in [cols × N] + b, over each segment
 * with its group's weights: the bias first, then sgemm adds onto it (which
 * saves sgemm clearing the output). */
static void
linear_forward (const L2lRuleUnroll *unroll,
                const float         *phi,
                gsize                weight,
                gsize                bias,
                guint                rows,
                guint                cols,
                const float         *in,
                float               *out)
{
  const gsize n = unroll->n, group_size = unroll->rule->group_size;

  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      const float *w = phi + seg->group * group_size + weight;
      const float *b = phi + seg->group * group_size + bias;

      for (guint j = 0; j < rows; j++)
        {
          float *restrict row = out + (gsize) j * n + seg->start;
          const float bj = b[j];

          for (gsize r = 0; r < seg->count; r++)
            row[r] = bj;
        }
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, (int) seg->count, cols,
                   1.0f, w, cols, in + seg->start, (int) n, 1.0f, out + seg->start, (int) n);
    }
}

static void
mlp_forward (L2lRuleUnroll *unroll,
             guint          s,
             float         *update)
{
  const L2lRule *rule = unroll->rule;
  MlpNet *mlp = mlp_of (unroll);
  const guint L = rule->config.layers, H = rule->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) rule->config.output_scale;
  const float *in = mlp_input (unroll, s);
  float *out = mlp->out + (gsize) s * 2 * n;

  for (guint l = 0; l < L; l++)
    {
      float *restrict act = mlp->act[l] + (gsize) s * hn;

      linear_forward (unroll, mlp->base.phi, mlp->weight[l], mlp->bias[l], H,
                      layer_input (rule, l), in, act);
      for (gsize r = 0; r < hn; r++)
        act[r] = act[r] > 0.0f ? act[r] : 0.0f;
      in = act;
    }
  linear_forward (unroll, mlp->base.phi, mlp->weight[L], mlp->bias[L], 2, H, in, out);
  {
    const float *restrict d = out, *restrict m = out + n;

    for (gsize r = 0; r < n; r++)
      update[r] = scale * d[r] * expf (MAGNITUDE_SCALE * m[r]);
  }
}

/* From dz [rows × N] (∂L/∂ the layer's output, pre-activation) at input in
 * [cols × N]: ∂/∂W += dz · inᵀ, ∂/∂b += Σ dz, and with @din, ∂/∂in = Wᵀ dz. */
static void
linear_backward (const L2lRuleUnroll *unroll,
                 gsize                weight,
                 gsize                bias,
                 guint                rows,
                 guint                cols,
                 const float         *in,
                 const float         *dz,
                 float               *din)
{
  MlpNet *mlp = mlp_of (unroll);
  const gsize n = unroll->n, group_size = unroll->rule->group_size;

  for (guint i = 0; i < unroll->n_segments; i++)
    {
      const L2lRuleSegment *seg = &unroll->segments[i];
      float *dw = mlp->base.dphi + seg->group * group_size + weight;
      float *db = mlp->base.dphi + seg->group * group_size + bias;
      const float *w = mlp->base.phi + seg->group * group_size + weight;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, (int) seg->count, 1.0f,
                   dz + seg->start, (int) n, in + seg->start, (int) n, 1.0f, dw, cols);
      /* db += dz · 1 */
      cblas_sgemv (CblasRowMajor, CblasNoTrans, rows, (int) seg->count, 1.0f, dz + seg->start,
                   (int) n, mlp->ones, 1, 1.0f, db, 1);
      if (din != NULL)
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, cols, (int) seg->count, rows,
                     1.0f, w, cols, dz + seg->start, (int) n, 0.0f, din + seg->start, (int) n);
    }
}

static const float *
mlp_backward_step (L2lRuleUnroll *unroll,
                   guint          s,
                   const float   *dupdate,
                   gboolean       want_dx)
{
  const L2lRule *rule = unroll->rule;
  MlpNet *mlp = mlp_of (unroll);
  const guint L = rule->config.layers, H = rule->config.hidden;
  const gsize n = unroll->n, hn = (gsize) H * n;
  const float scale = (float) rule->config.output_scale;
  const float *out = mlp->out + (gsize) s * 2 * n;
  float *dz = mlp->dz, *dz_next = mlp->dz_next;

  /* g = scale · d · e^{λm}: ∂g/∂d = scale · e^{λm}, ∂g/∂m = λ · g */
  {
    const float *restrict d = out, *restrict m = out + n, *restrict dg = dupdate;
    float *restrict dd = mlp->dout, *restrict dm = mlp->dout + n;

    for (gsize r = 0; r < n; r++)
      {
        const float e = scale * expf (MAGNITUDE_SCALE * m[r]);

        dd[r] = dg[r] * e;
        dm[r] = dg[r] * MAGNITUDE_SCALE * e * d[r];
      }
  }
  linear_backward (unroll, mlp->weight[L], mlp->bias[L], 2, H,
                   mlp->act[L - 1] + (gsize) s * hn, mlp->dout, dz);
  for (guint l = L; l-- > 0;)
    {
      const float *restrict act = mlp->act[l] + (gsize) s * hn;
      const gboolean first = l == 0;
      const float *in = first ? mlp_input (unroll, s) : mlp->act[l - 1] + (gsize) s * hn;
      float *swap;

      /* through the ReLU: its output is > 0 exactly where it passed */
      for (gsize r = 0; r < hn; r++)
        dz[r] = act[r] > 0.0f ? dz[r] : 0.0f;
      linear_backward (unroll, mlp->weight[l], mlp->bias[l], H, layer_input (rule, l), in, dz,
                       !first || want_dx ? dz_next : NULL);
      swap = dz, dz = dz_next, dz_next = swap;
    }
  /* after the last swap the input's gradient is in dz */
  return want_dx ? dz : NULL;
}

static const char *const mlp_output_tensors[] = { "out.weight", "out.bias", NULL };

const L2lRuleArch l2l_rule_arch_mlp = {
  .name = "mlp",
  .title = "MLP",
  .description = "A per-coordinate MLP without recurrence (Metz et al. 2019): normalised "
                 "momenta at several timescales and a step embedding → ReLU layers → a "
                 "direction times the exponential of a magnitude",
  .default_features = "grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,step",
  /* its inputs are normalised, so one scale suits every task: steps of a few
   * hundredths at first, as a tuned Adam's on MNIST */
  .default_output_scale = 0.1,
  .output_tensors = mlp_output_tensors,
  .add_tensors = mlp_add_tensors,
  .init = mlp_init,
  .unroll_floats = mlp_unroll_floats,
  .unroll_init = mlp_unroll_init,
  .unroll_clear = mlp_unroll_clear,
  .sync = l2l_rule_net_phi_sync,
  .zero_grad = l2l_rule_net_phi_zero_grad,
  .add_grad = l2l_rule_net_phi_add_grad,
  .reset_state = l2l_rule_net_no_state,
  .carry = l2l_rule_net_no_carry,
  .input = mlp_input,
  .forward = mlp_forward,
  .backward_begin = l2l_rule_net_no_state,
  .backward_step = mlp_backward_step,
};
