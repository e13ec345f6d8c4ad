/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-rule-arch.h"

/* A learned schedule: a small net that reads, once a step for each group of
 * coordinates, the step embedding and the coordinate average of each other
 * feature's magnitude, and sets from them the step size and the mix of the
 * coordinates' own features,
 *
 *   c_r   = x_r (the same in every column) for the step rows r,
 *           mean_i |x_r,i| over the group's coordinates for the others
 *   h     = tanh layers of c,   o = W_out h + b_out   [1 + D]
 *   g_i   = output_scale · exp (o_0) · Σ_k o_k+1 · x_{r_k, i}
 *
 * over the D rows r_k that are not the step's. Few degrees of freedom: a
 * per-step learning rate and a per-step mix of normalised momenta, which the
 * PyTorch prototype of issue 23 found the easiest rule to meta-train with
 * true meta-gradients; the averages let it see how consistent the gradients
 * are. Each group of a function (one tensor set of one optimizee) is
 * averaged on its own. One group's φ, as torch.nn.Linear names and shapes it:
 *
 *   layers.l.weight [H × in_l]   in_0 = the feature rows, in_l = H after
 *   layers.l.bias   [H]          … for l = 0 … layers − 1, then
 *   out.weight      [(1 + D) × H]  row 0 the log step, row k + 1 row r_k's weight
 *   out.bias        [1 + D]
 *
 * It starts as the plain average of its non-step features (out.bias: 0 and
 * −1/D; out.weight a tenth of PyTorch's default), i.e. with the default
 * features an Adam-like step of output_scale, so that meta-training begins
 * from a rule that descends. */

#define OUT_WEIGHT_START 0.1

typedef struct {
  L2lRuleNetPhi base;            /* first: φ and ∂/∂φ */
  gsize   weight[L2L_MAX_LAYERS + 1];   /* offsets in a group's φ; the last is out's */
  gsize   bias[L2L_MAX_LAYERS + 1];
  guint   step_first, n_step;    /* the step embedding's rows */
  guint   n_dir;                 /* D: the other rows, */
  guint  *dir_rows;              /* which they are */
  float  *x;                     /* [K × in × N]: each step's features */
  float  *dx;                    /* [in × N]: ∂L/∂x of the step backward is at */
  float  *ctx;                   /* [K × segments × in]: each segment's c */
  float  *act[L2L_MAX_LAYERS];   /* [K × segments × H] */
  float  *out;                   /* [K × segments × (1 + D)] */
  float  *dout;                  /* [1 + D] backward scratch */
  float  *dz, *dz_next;          /* [max (H, in)] the same; they swap layer by layer */
} ScheduleNet;

static inline ScheduleNet *
schedule_of (const L2lRuleUnroll *unroll)
{
  return unroll->net;
}

static guint
step_rows (const L2lRuleConfig *config)
{
  guint first;

  return l2l_feature_set_find (&config->features, L2L_FEATURE_STEP, &first);
}

static guint
layer_input (const L2lRule *rule,
             guint          layer)
{
  return layer == 0 ? rule->input_size : rule->config.hidden;
}

static gboolean
schedule_validate (const L2lRuleConfig  *config,
                   GError              **error)
{
  if (l2l_feature_set_rows (&config->features) > step_rows (config))
    return TRUE;
  return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                              "the schedule optimizer needs a feature besides step to "
                              "make its update of");
}

static void
schedule_add_tensors (L2lRule    *rule,
                      const char *prefix)
{
  const guint H = rule->config.hidden, D = rule->input_size - step_rows (&rule->config);

  for (guint l = 0; l < rule->config.layers; l++)
    {
      l2l_rule_add_tensor (rule, g_strdup_printf ("%slayers.%u.weight", prefix, l), H,
                           layer_input (rule, l));
      l2l_rule_add_tensor (rule, g_strdup_printf ("%slayers.%u.bias", prefix, l), H, 0);
    }
  l2l_rule_add_tensor (rule, g_strconcat (prefix, "out.weight", NULL), 1 + D, H);
  l2l_rule_add_tensor (rule, g_strconcat (prefix, "out.bias", NULL), 1 + D, 0);
}

static void
schedule_init (L2lRule *rule,
               L2lRng  *rng)
{
  const guint per_group = rule->n_tensors / rule->n_groups;

  for (guint t = 0; t < rule->n_tensors; t++)
    {
      const L2lRuleTensor *tensor = &rule->tensors[t];
      const guint fan_in = tensor->cols > 0 ? tensor->cols : rule->tensors[t - 1].cols;
      const gboolean out_weight = t % per_group == per_group - 2;
      const gboolean out_bias = t % per_group == per_group - 1;
      const double bound = (out_weight ? OUT_WEIGHT_START : 1.0) / sqrt ((double) fan_in);
      const gsize size = (gsize) tensor->rows * MAX (tensor->cols, 1);
      float *p = rule->params + tensor->offset;

      for (gsize i = 0; i < size; i++)
        p[i] = out_bias ? (i == 0 ? 0.0f : -1.0f / (float) (size - 1))
                        : (float) ((2.0 * l2l_rng_uniform (rng) - 1.0) * bound);
    }
}

/* The per-segment buffers, a few dozen floats a step, are left out. */
static guint64
schedule_unroll_floats (const L2lRuleConfig *config,
                        guint                max_steps)
{
  return ((guint64) max_steps + 1) * l2l_feature_set_rows (&config->features);
}

static void
schedule_unroll_init (L2lRuleUnroll *unroll)
{
  const L2lRule *rule = unroll->rule;
  ScheduleNet *net = g_new0 (ScheduleNet, 1);
  const guint L = rule->config.layers, H = rule->config.hidden, in = rule->input_size;
  const gsize n = unroll->n, K = unroll->max_steps, per_step = K * unroll->n_segments;
  guint k = 0;

  unroll->net = net;
  l2l_rule_net_phi_init (&net->base, unroll);
  for (guint l = 0; l <= L; l++)
    {
      net->weight[l] = rule->tensors[2 * l].offset;
      net->bias[l] = rule->tensors[2 * l + 1].offset;
    }
  net->n_step = l2l_feature_set_find (&rule->config.features, L2L_FEATURE_STEP,
                                      &net->step_first);
  net->n_dir = in - net->n_step;
  net->dir_rows = g_new (guint, net->n_dir);
  for (guint r = 0; r < in; r++)
    if (r < net->step_first || r >= net->step_first + net->n_step)
      net->dir_rows[k++] = r;
  net->x = g_new0 (float, K * in * n);
  net->dx = g_new0 (float, (gsize) in * n);
  net->ctx = g_new0 (float, per_step * in);
  for (guint l = 0; l < L; l++)
    net->act[l] = g_new0 (float, per_step * H);
  net->out = g_new0 (float, per_step * (1 + net->n_dir));
  net->dout = g_new0 (float, 1 + net->n_dir);
  net->dz = g_new0 (float, MAX (H, in));
  net->dz_next = g_new0 (float, MAX (H, in));
}

static void
schedule_unroll_clear (L2lRuleUnroll *unroll)
{
  ScheduleNet *net = schedule_of (unroll);

  l2l_rule_net_phi_clear (&net->base);
  g_free (net->dir_rows);
  g_free (net->x);
  g_free (net->dx);
  g_free (net->ctx);
  for (guint l = 0; l < unroll->rule->config.layers; l++)
    g_free (net->act[l]);
  g_free (net->out);
  g_free (net->dout);
  g_free (net->dz);
  g_free (net->dz_next);
  g_free (net);
}

static float *
schedule_input (L2lRuleUnroll *unroll,
                guint          s)
{
  return schedule_of (unroll)->x + (gsize) s * unroll->rule->input_size * unroll->n;
}

/* Where segment @j's buffers of step @s start, in units of their width. */
static inline gsize
slot (const L2lRuleUnroll *unroll,
      guint                s,
      guint                j)
{
  return (gsize) s * unroll->n_segments + j;
}

/* y [rows] = W [rows × cols] · v [cols] + b, in double. */
static void
dense (const float *w,
       const float *b,
       guint        rows,
       guint        cols,
       const float *v,
       float       *y)
{
  for (guint r = 0; r < rows; r++)
    {
      double sum = b[r];

      for (guint c = 0; c < cols; c++)
        sum += (double) w[(gsize) r * cols + c] * v[c];
      y[r] = (float) sum;
    }
}

static void
schedule_forward (L2lRuleUnroll *unroll,
                  guint          s,
                  float         *update)
{
  const L2lRule *rule = unroll->rule;
  ScheduleNet *net = schedule_of (unroll);
  const guint L = rule->config.layers, H = rule->config.hidden, in = rule->input_size;
  const guint D = net->n_dir;
  const gsize n = unroll->n;
  const float *x = schedule_input (unroll, s);

  for (guint j = 0; j < unroll->n_segments; j++)
    {
      const L2lRuleSegment *seg = &unroll->segments[j];
      const float *phi = net->base.phi + seg->group * rule->group_size;
      float *ctx = net->ctx + slot (unroll, s, j) * in;
      float *out = net->out + slot (unroll, s, j) * (1 + D);
      const float *v = ctx;
      float step;

      for (guint r = 0; r < in; r++)
        {
          const float *restrict row = x + (gsize) r * n + seg->start;
          double sum = 0.0;

          if (r >= net->step_first && r < net->step_first + net->n_step)
            {
              ctx[r] = row[0];
              continue;
            }
          for (gsize i = 0; i < seg->count; i++)
            sum += fabsf (row[i]);
          ctx[r] = (float) (sum / (double) MAX (seg->count, 1));
        }
      for (guint l = 0; l < L; l++)
        {
          float *act = net->act[l] + slot (unroll, s, j) * H;

          dense (phi + net->weight[l], phi + net->bias[l], H, layer_input (rule, l), v, act);
          for (guint h = 0; h < H; h++)
            act[h] = tanhf (act[h]);
          v = act;
        }
      dense (phi + net->weight[L], phi + net->bias[L], 1 + D, H, v, out);

      step = (float) rule->config.output_scale * expf (out[0]);
      memset (update + seg->start, 0, seg->count * sizeof (float));
      for (guint k = 0; k < D; k++)
        {
          const float *restrict row = x + (gsize) net->dir_rows[k] * n + seg->start;
          float *restrict u = update + seg->start;
          const float coef = step * out[1 + k];

          for (gsize i = 0; i < seg->count; i++)
            u[i] += coef * row[i];
        }
    }
}

/* Back through one dense layer: ∂W += dy · vᵀ, ∂b += dy, and with @dv,
 * ∂v = Wᵀ dy. */
static void
dense_backward (const float *w,
                float       *dw,
                float       *db,
                guint        rows,
                guint        cols,
                const float *v,
                const float *dy,
                float       *dv)
{
  for (guint r = 0; r < rows; r++)
    {
      for (guint c = 0; c < cols; c++)
        dw[(gsize) r * cols + c] += dy[r] * v[c];
      db[r] += dy[r];
    }
  if (dv == NULL)
    return;
  for (guint c = 0; c < cols; c++)
    {
      double sum = 0.0;

      for (guint r = 0; r < rows; r++)
        sum += (double) w[(gsize) r * cols + c] * dy[r];
      dv[c] = (float) sum;
    }
}

static const float *
schedule_backward_step (L2lRuleUnroll *unroll,
                        guint          s,
                        const float   *dupdate,
                        gboolean       want_dx)
{
  const L2lRule *rule = unroll->rule;
  ScheduleNet *net = schedule_of (unroll);
  const guint L = rule->config.layers, H = rule->config.hidden, in = rule->input_size;
  const guint D = net->n_dir;
  const gsize n = unroll->n;
  const float *x = schedule_input (unroll, s);

  for (guint j = 0; j < unroll->n_segments; j++)
    {
      const L2lRuleSegment *seg = &unroll->segments[j];
      const gsize g = seg->group * rule->group_size;
      const float *phi = net->base.phi + g;
      float *dphi = net->base.dphi + g;
      const float *ctx = net->ctx + slot (unroll, s, j) * in;
      const float *out = net->out + slot (unroll, s, j) * (1 + D);
      const float step = (float) rule->config.output_scale * expf (out[0]);
      const float *restrict du = dupdate + seg->start;
      float *dout = net->dout, *dz = net->dz, *dz_next = net->dz_next;
      double dlog_step = 0.0;

      /* g = step · Σ_k w_k x_k: ∂/∂w_k = step · Σ_i du_i x_k,i, and
       * ∂/∂o_0 = Σ_i du_i g_i = Σ_k w_k ∂/∂w_k */
      for (guint k = 0; k < D; k++)
        {
          const float *restrict row = x + (gsize) net->dir_rows[k] * n + seg->start;
          double sum = 0.0;

          for (gsize i = 0; i < seg->count; i++)
            sum += (double) du[i] * row[i];
          dout[1 + k] = (float) (step * sum);
          dlog_step += (double) out[1 + k] * dout[1 + k];
        }
      dout[0] = (float) dlog_step;
      dense_backward (phi + net->weight[L], dphi + net->weight[L], dphi + net->bias[L], 1 + D,
                      H, net->act[L - 1] + slot (unroll, s, j) * H, dout, dz);
      for (guint l = L; l-- > 0;)
        {
          const float *act = net->act[l] + slot (unroll, s, j) * H;
          const float *v = l == 0 ? ctx : net->act[l - 1] + slot (unroll, s, j) * H;
          float *swap;

          for (guint h = 0; h < H; h++)
            dz[h] *= 1.0f - act[h] * act[h];
          dense_backward (phi + net->weight[l], dphi + net->weight[l], dphi + net->bias[l], H,
                          layer_input (rule, l), v, dz, l > 0 || want_dx ? dz_next : NULL);
          swap = dz, dz = dz_next, dz_next = swap;
        }
      if (!want_dx)
        continue;

      /* dz now holds ∂L/∂c: through the mix, and through the averages of |x| */
      for (guint r = net->step_first; r < net->step_first + net->n_step; r++)
        memset (net->dx + (gsize) r * n + seg->start, 0, seg->count * sizeof (float));
      for (guint k = 0; k < D; k++)
        {
          const guint r = net->dir_rows[k];
          const float *restrict row = x + (gsize) r * n + seg->start;
          float *restrict drow = net->dx + (gsize) r * n + seg->start;
          const float coef = step * out[1 + k];
          const float dmean = dz[r] / (float) MAX (seg->count, 1);

          for (gsize i = 0; i < seg->count; i++)
            drow[i] = coef * du[i] + (row[i] > 0.0f ? dmean : row[i] < 0.0f ? -dmean : 0.0f);
        }
    }
  return want_dx ? net->dx : NULL;
}

static const char *const schedule_output_tensors[] = { "out.weight", "out.bias", NULL };

const L2lRuleArch l2l_rule_arch_schedule = {
  .name = "schedule",
  .title = "schedule",
  .description = "A learned schedule (issue 23's prototype, after the step-size and momentum "
                 "schedules of Metz et al. 2020): the step embedding and each feature's mean "
                 "magnitude over a group → tanh layers → one step size and one mix of the "
                 "features a step",
  .default_features = "grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,step",
  /* the default features are normalised, so this is the first step's size: a
   * tuned Adam's on the cnn, a third of it on MNIST */
  .default_output_scale = 0.01,
  .output_tensors = schedule_output_tensors,
  .validate = schedule_validate,
  .add_tensors = schedule_add_tensors,
  .init = schedule_init,
  .unroll_floats = schedule_unroll_floats,
  .unroll_init = schedule_unroll_init,
  .unroll_clear = schedule_unroll_clear,
  .sync = l2l_rule_net_phi_sync,
  .zero_grad = l2l_rule_net_phi_zero_grad,
  .add_grad = l2l_rule_net_phi_add_grad,
  .reset_state = l2l_rule_net_no_state,
  .carry = l2l_rule_net_no_carry,
  .input = schedule_input,
  .forward = schedule_forward,
  .backward_begin = l2l_rule_net_no_state,
  .backward_step = schedule_backward_step,
};
