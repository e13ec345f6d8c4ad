/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-features.h"
#include "l2l-options.h"

#define RMS_DECAY 0.999
#define RMS_EPS 1e-8f
#define LOGSIGN_MAX_P 80.0
#define LOGSIGN_DEFAULT_P 10.0

static const double step_timescales[] = { 1, 3, 10, 30, 100, 300, 1000 };

#define VALID_NAMES \
  "grad, logsign, logsign:p=P with 0 < P ≤ 80, grad-rms, momentum:B with 0 < B < 1, theta or step"

static guint
kind_rows (L2lFeatureKind kind)
{
  switch (kind)
    {
    case L2L_FEATURE_LOGSIGN:
      return 2;
    case L2L_FEATURE_STEP:
      return G_N_ELEMENTS (step_timescales);
    case L2L_FEATURE_GRAD:
    case L2L_FEATURE_GRAD_RMS:
    case L2L_FEATURE_MOMENTUM:
    case L2L_FEATURE_THETA:
      return 1;
    }
  g_return_val_if_reached (0);
}

static gboolean
parse_item (const char     *item,
            L2lFeatureKind *kind,
            double         *param)
{
  *param = 0.0;
  if (g_str_equal (item, "logsign"))
    {
      *kind = L2L_FEATURE_LOGSIGN;
      *param = LOGSIGN_DEFAULT_P;
      return TRUE;
    }
  if (g_str_has_prefix (item, "logsign:p="))
    {
      *kind = L2L_FEATURE_LOGSIGN;
      return l2l_parse_double (item + strlen ("logsign:p="), param) &&
             *param > 0.0 && *param <= LOGSIGN_MAX_P;
    }
  if (g_str_has_prefix (item, "momentum:"))
    {
      *kind = L2L_FEATURE_MOMENTUM;
      return l2l_parse_double (item + strlen ("momentum:"), param) &&
             *param > 0.0 && *param < 1.0;
    }
  if (g_str_equal (item, "grad"))
    *kind = L2L_FEATURE_GRAD;
  else if (g_str_equal (item, "grad-rms"))
    *kind = L2L_FEATURE_GRAD_RMS;
  else if (g_str_equal (item, "theta"))
    *kind = L2L_FEATURE_THETA;
  else if (g_str_equal (item, "step"))
    *kind = L2L_FEATURE_STEP;
  else
    return FALSE;
  return TRUE;
}

gboolean
l2l_feature_set_parse (const char     *text,
                       L2lFeatureSet  *set,
                       GError        **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  guint n = g_strv_length (items);
  L2lFeatureSet parsed = { 0 };

  if (n == 0 || (n == 1 && *g_strstrip (items[0]) == '\0'))
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                                "'%s' names no feature: give one or more of " VALID_NAMES,
                                text);
  if (n > L2L_FEATURES_MAX)
    return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                                "'%s' has %u features, more than %d", text, n,
                                L2L_FEATURES_MAX);
  for (guint i = 0; i < n; i++)
    {
      const char *item = g_strstrip (items[i]);
      L2lFeatureKind kind;
      double param;

      if (*item == '\0')
        return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                                    "'%s' has an empty name between commas", text);
      if (!parse_item (item, &kind, &param))
        return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "features",
                                    "'%s' is not " VALID_NAMES, item);
      for (guint j = 0; j < i; j++)
        if (parsed.kinds[j] == kind && parsed.params[j] == param)
          return l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL,
                                      "features", "'%s' is in the list twice", item);
      parsed.kinds[i] = kind;
      parsed.params[i] = param;
      parsed.n_features = i + 1;
    }
  *set = parsed;
  return TRUE;
}

char *
l2l_feature_set_to_string (const L2lFeatureSet *set)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < set->n_features; i++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append_c (text, ',');
      switch (set->kinds[i])
        {
        case L2L_FEATURE_LOGSIGN:
          g_string_append_printf (text, "logsign:p=%s",
                                  l2l_format_double (number, set->params[i]));
          break;
        case L2L_FEATURE_GRAD_RMS:
          g_string_append (text, "grad-rms");
          break;
        case L2L_FEATURE_MOMENTUM:
          g_string_append_printf (text, "momentum:%s",
                                  l2l_format_double (number, set->params[i]));
          break;
        case L2L_FEATURE_GRAD:
          g_string_append (text, "grad");
          break;
        case L2L_FEATURE_THETA:
          g_string_append (text, "theta");
          break;
        case L2L_FEATURE_STEP:
          g_string_append (text, "step");
          break;
        }
    }
  return g_string_free (text, FALSE);
}

gboolean
l2l_feature_set_equal (const L2lFeatureSet *a,
                       const L2lFeatureSet *b)
{
  if (a->n_features != b->n_features)
    return FALSE;
  for (guint i = 0; i < a->n_features; i++)
    if (a->kinds[i] != b->kinds[i] || a->params[i] != b->params[i])
      return FALSE;
  return TRUE;
}

guint
l2l_feature_set_rows (const L2lFeatureSet *set)
{
  guint rows = 0;

  for (guint i = 0; i < set->n_features; i++)
    rows += kind_rows (set->kinds[i]);
  return rows;
}

guint
l2l_feature_set_state_rows (const L2lFeatureSet *set)
{
  guint momenta = 0;
  gboolean rms = FALSE;

  for (guint i = 0; i < set->n_features; i++)
    {
      momenta += set->kinds[i] == L2L_FEATURE_MOMENTUM;
      rms |= set->kinds[i] == L2L_FEATURE_MOMENTUM || set->kinds[i] == L2L_FEATURE_GRAD_RMS;
    }
  return (rms ? 1 : 0) + momenta;
}

gboolean
l2l_feature_set_needs_theta (const L2lFeatureSet *set)
{
  for (guint i = 0; i < set->n_features; i++)
    if (set->kinds[i] == L2L_FEATURE_THETA)
      return TRUE;
  return FALSE;
}

guint
l2l_feature_set_find (const L2lFeatureSet *set,
                       L2lFeatureKind       kind,
                       guint               *first_row)
{
  guint row = 0;

  for (guint i = 0; i < set->n_features; i++)
    {
      if (set->kinds[i] == kind)
        {
          *first_row = row;
          return kind_rows (kind);
        }
      row += kind_rows (set->kinds[i]);
    }
  *first_row = 0;
  return 0;
}

/* An exponential average a_t = decay·a_t−1 + gain·u_t and the factor
 * 1/(1 − decay^t) that removes its bias towards the zero start. Computed in
 * double from β itself, so that a β whose float rounds to 1 still gives a
 * finite correction. */
typedef struct {
  float decay;
  float gain;
  float correction;
} Average;

static Average
average_at (double   beta,
            guint64  t)
{
  return (Average) {
    .decay = (float) beta,
    .gain = (float) (1.0 - beta),
    .correction = (float) (1.0 / (1.0 - pow (beta, (double) t))),
  };
}

/* √v̂ + ε; forward and backward evaluate the same expression, to the bit. */
G_ALWAYS_INLINE static inline float
rms_denominator (float v,
                 float correction)
{
  return sqrtf (v * correction) + RMS_EPS;
}

/* ∂(√(v·c) + ε)/∂v, 0 where v·c is 0. */
G_ALWAYS_INLINE static inline float
rms_denominator_slope (float v,
                       float correction)
{
  float root = sqrtf (v * correction);

  return root > 0.0f ? correction / (2.0f * root) : 0.0f;
}

/* Appendix A of the paper: (log|∇|/p, sign ∇) where |∇| ≥ e^−p, else
 * (−1, e^p ∇), in float as the LSTM optimizer has always computed it. */
static void
logsign_forward (float       *x,
                 gsize        ldx,
                 const float *grad,
                 gsize        n,
                 double       p_value)
{
  const float p = (float) p_value;
  const float threshold = expf (-p), exp_p = expf (p), inv_p = 1.0f / p;
  float *restrict log_row = x, *restrict sign_row = x + ldx;

  for (gsize r = 0; r < n; r++)
    {
      float g = grad[r], magnitude = fabsf (g);

      if (magnitude >= threshold)
        {
          log_row[r] = logf (magnitude) * inv_p;
          sign_row[r] = g > 0.0f ? 1.0f : -1.0f;
        }
      else
        {
          log_row[r] = -1.0f;
          sign_row[r] = exp_p * g;
        }
    }
}

/* Adds ∂L/∂∇ through the logsign rows @dx to @dgrad: d(log|g|/p)/dg =
 * 1/(p·g); sign and −1 are flat; d(e^p·g)/dg = e^p. */
static void
logsign_backward (float       *dgrad,
                  const float *dx,
                  gsize        ldx,
                  const float *grad,
                  gsize        n,
                  double       p_value)
{
  const float p = (float) p_value;
  const float threshold = expf (-p), exp_p = expf (p);

  for (gsize r = 0; r < n; r++)
    dgrad[r] += fabsf (grad[r]) >= threshold ? dx[r] / (p * grad[r]) : exp_p * dx[ldx + r];
}

void
l2l_features_forward (const L2lFeatureSet *set,
                      guint64              t,
                      const float         *grad,
                      const float         *theta,
                      const float         *state_prev,
                      float               *state_next,
                      float               *x,
                      gsize                ldx,
                      gsize                n)
{
  const Average rms = average_at (RMS_DECAY, t);
  const float *v_prev = state_prev;
  float *v = state_next;
  guint state_row = 1;
  gsize row = 0;

  g_return_if_fail (t >= 1 && ldx >= n);

  if (l2l_feature_set_state_rows (set) > 0)
    for (gsize r = 0; r < n; r++)
      v[r] = rms.decay * v_prev[r] + rms.gain * grad[r] * grad[r];

  for (guint i = 0; i < set->n_features; i++)
    {
      float *out = x + row * ldx;

      switch (set->kinds[i])
        {
        case L2L_FEATURE_LOGSIGN:
          logsign_forward (out, ldx, grad, n, set->params[i]);
          break;
        case L2L_FEATURE_GRAD_RMS:
          for (gsize r = 0; r < n; r++)
            out[r] = grad[r] / rms_denominator (v[r], rms.correction);
          break;
        case L2L_FEATURE_MOMENTUM:
          {
            const Average average = average_at (set->params[i], t);
            const float *m_prev = state_prev + state_row * n;
            float *m = state_next + state_row * n;

            for (gsize r = 0; r < n; r++)
              {
                float mr = average.decay * m_prev[r] + average.gain * grad[r];

                m[r] = mr;
                out[r] = mr * average.correction / rms_denominator (v[r], rms.correction);
              }
            state_row++;
          }
          break;
        case L2L_FEATURE_GRAD:
          memcpy (out, grad, n * sizeof (float));
          break;
        case L2L_FEATURE_THETA:
          memcpy (out, theta, n * sizeof (float));
          break;
        case L2L_FEATURE_STEP:
          for (guint k = 0; k < G_N_ELEMENTS (step_timescales); k++)
            {
              float value = (float) tanh ((double) t / step_timescales[k] - 1.0);

              for (gsize r = 0; r < n; r++)
                out[k * ldx + r] = value;
            }
          break;
        }
      row += kind_rows (set->kinds[i]);
    }
}

/* One momentum's part of the backward pass; its own function so that the
 * buffers can be declared apart and the loop vectorizes. @dm holds ∂L/∂m_t
 * from the next step and leaves with ∂L/∂m_t−1; @dv gathers ∂L/∂v_t. */
static void
momentum_backward (float       *restrict dgrad,
                   float       *restrict dm,
                   float       *restrict dv,
                   const float *restrict dout,
                   const float *restrict grad,
                   const float *restrict v_prev,
                   const float *restrict m_prev,
                   Average               rms,
                   Average               average,
                   gsize                 n)
{
  /* x = m·c/d: ∂x/∂m = c/d, ∂x/∂d = −x/d; m = β m_prev + (1 − β) ∇ */
  for (gsize r = 0; r < n; r++)
    {
      float v = rms.decay * v_prev[r] + rms.gain * grad[r] * grad[r];
      float d = rms_denominator (v, rms.correction);
      float m = average.decay * m_prev[r] + average.gain * grad[r];
      float out = m * average.correction / d;
      float dm_total = dm[r] + dout[r] * average.correction / d;

      dgrad[r] += average.gain * dm_total;
      dm[r] = average.decay * dm_total;
      dv[r] += dout[r] * (-out / d) * rms_denominator_slope (v, rms.correction);
    }
}

/* ∂L/∂state_next is first carried into @dstate_prev, which may therefore be
 * the same buffer; row 0 then gathers ∂L/∂v_t from every feature divided by
 * √v̂_t before it becomes ∂L/∂v_t−1. */
void
l2l_features_backward (const L2lFeatureSet *set,
                       guint64              t,
                       const float         *grad,
                       const float         *state_prev,
                       const float         *dx,
                       gsize                ldx,
                       const float         *dstate_next,
                       float               *dgrad,
                       float               *dtheta,
                       float               *dstate_prev,
                       gsize                n)
{
  const Average rms = average_at (RMS_DECAY, t);
  const guint state_rows = l2l_feature_set_state_rows (set);
  const float *v_prev = state_prev;
  float *dv = dstate_prev;
  guint state_row = 1;
  gsize row = 0;

  g_return_if_fail (t >= 1 && ldx >= n);

  memset (dgrad, 0, n * sizeof (float));
  if (dtheta != NULL && !l2l_feature_set_needs_theta (set))
    memset (dtheta, 0, n * sizeof (float));
  if (state_rows > 0 && dstate_prev != dstate_next)
    memcpy (dstate_prev, dstate_next, state_rows * n * sizeof (float));

  for (guint i = 0; i < set->n_features; i++)
    {
      const float *dout = dx + row * ldx;

      switch (set->kinds[i])
        {
        case L2L_FEATURE_LOGSIGN:
          logsign_backward (dgrad, dout, ldx, grad, n, set->params[i]);
          break;
        case L2L_FEATURE_GRAD_RMS:
          /* x = ∇/d: ∂x/∂∇ = 1/d, ∂x/∂d = −x/d */
          for (gsize r = 0; r < n; r++)
            {
              float v = rms.decay * v_prev[r] + rms.gain * grad[r] * grad[r];
              float d = rms_denominator (v, rms.correction);
              float out = grad[r] / d;

              dgrad[r] += dout[r] / d;
              dv[r] += dout[r] * (-out / d) * rms_denominator_slope (v, rms.correction);
            }
          break;
        case L2L_FEATURE_MOMENTUM:
          momentum_backward (dgrad, dstate_prev + state_row * n, dv, dout, grad, v_prev,
                             state_prev + state_row * n, rms, average_at (set->params[i], t), n);
          state_row++;
          break;
        case L2L_FEATURE_GRAD:
          for (gsize r = 0; r < n; r++)
            dgrad[r] += dout[r];
          break;
        case L2L_FEATURE_THETA:
          memcpy (dtheta, dout, n * sizeof (float));
          break;
        case L2L_FEATURE_STEP:
          break;
        }
      row += kind_rows (set->kinds[i]);
    }

  /* v = β₂ v_prev + (1 − β₂) ∇² */
  if (state_rows > 0)
    for (gsize r = 0; r < n; r++)
      {
        dgrad[r] += dv[r] * 2.0f * rms.gain * grad[r];
        dv[r] *= rms.decay;
      }
}
