/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "l2l-features.h"

#define ALL_FEATURES \
  "logsign,grad,grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,theta,step"

static const double timescales[] = { 1, 3, 10, 30, 100, 300, 1000 };

static L2lFeatureSet
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  L2lFeatureSet set;

  l2l_feature_set_parse (text, &set, &error);
  g_assert_no_error (error);
  return set;
}

/* Magnitudes across decades, none within a factor e^0.2 of a logsign
 * threshold e^−p of @set, so that a relative step never crosses it. */
static float
random_gradient (L2lRng              *rng,
                 const L2lFeatureSet *set,
                 double               min_exponent)
{
  for (;;)
    {
      double magnitude = pow (10.0, min_exponent + (0.5 - min_exponent) * l2l_rng_uniform (rng));
      float g = (float) (l2l_rng_uniform (rng) < 0.5 ? -magnitude : magnitude);
      gboolean near = FALSE;

      for (guint i = 0; i < set->n_features; i++)
        near |= set->kinds[i] == L2L_FEATURE_LOGSIGN &&
                fabs (log (fabsf (g)) + set->params[i]) < 0.2;
      if (!near)
        return g;
    }
}

/* ---- parsing ---- */

static void
test_round_trip (void)
{
  const struct { const char *text, *canonical; guint rows, state_rows; gboolean theta; } cases[] = {
    { "logsign", "logsign:p=10", 2, 0, FALSE },
    { ALL_FEATURES,
      "logsign:p=10,grad,grad-rms,momentum:0.5,momentum:0.9,momentum:0.99,momentum:0.999,theta,"
      "step", 16, 5, TRUE },
    { "grad", "grad", 1, 0, FALSE },
    { "step,theta,momentum:0.999,logsign:p=3.5", "step,theta,momentum:0.999,logsign:p=3.5",
      11, 2, TRUE },
    { " momentum:1e-3 , grad-rms", "momentum:0.001,grad-rms", 2, 2, FALSE },
    { "grad-rms", "grad-rms", 1, 1, FALSE },
    { "logsign:p=0.1,logsign:p=80,theta", "logsign:p=0.1,logsign:p=80,theta", 5, 0, TRUE },
    { "momentum:0.1,momentum:0.2,momentum:0.3,momentum:0.4,momentum:0.5,momentum:0.6,"
      "momentum:0.7,momentum:0.8,momentum:0.9,momentum:0.99,momentum:0.999,momentum:0.9999,"
      "logsign,grad-rms,theta,step",
      "momentum:0.1,momentum:0.2,momentum:0.3,momentum:0.4,momentum:0.5,momentum:0.6,"
      "momentum:0.7,momentum:0.8,momentum:0.9,momentum:0.99,momentum:0.999,momentum:0.9999,"
      "logsign:p=10,grad-rms,theta,step", 23, 13, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      L2lFeatureSet set = parse (cases[i].text), again;
      g_autofree char *text = l2l_feature_set_to_string (&set);

      g_assert_cmpstr (text, ==, cases[i].canonical);
      again = parse (text);
      g_assert_true (l2l_feature_set_equal (&set, &again));
      g_assert_cmpuint (l2l_feature_set_rows (&set), ==, cases[i].rows);
      g_assert_cmpuint (l2l_feature_set_state_rows (&set), ==, cases[i].state_rows);
      g_assert_cmpint (l2l_feature_set_needs_theta (&set), ==, cases[i].theta);
    }

  {
    L2lFeatureSet a = parse ("momentum:0.9,theta"), b = parse ("momentum:0.99,theta");
    L2lFeatureSet c = parse ("theta,momentum:0.9");

    g_assert_false (l2l_feature_set_equal (&a, &b));
    g_assert_false (l2l_feature_set_equal (&a, &c));
  }
}

static void
test_refused (void)
{
  const struct { const char *text, *item, *detail; } cases[] = {
    { "logsign,bogus", "'bogus'", "grad-rms, momentum:B with 0 < B < 1, theta or step" },
    { "logsign,Theta", "'Theta'", "is not grad, logsign" },
    { "momentum:0.9,momentum:0.9", "'momentum:0.9'", "twice" },
    { "momentum:0.9,theta,momentum:0.90", "'momentum:0.90'", "twice" },
    { "logsign,logsign:p=10", "'logsign:p=10'", "twice" },
    { "step,grad-rms,step", "'step'", "twice" },
    { "momentum:1", "'momentum:1'", "0 < B < 1" },
    { "theta,momentum:0", "'momentum:0'", "0 < B < 1" },
    { "momentum:1.5", "'momentum:1.5'", "0 < B < 1" },
    { "momentum:-0.5", "'momentum:-0.5'", "0 < B < 1" },
    { "momentum", "'momentum'", "momentum:B" },
    { "momentum:", "'momentum:'", "momentum:B" },
    { "momentum:0.9x", "'momentum:0.9x'", "momentum:B" },
    { "logsign:p=0", "'logsign:p=0'", "0 < P ≤ 80" },
    { "logsign:p=-1", "'logsign:p=-1'", "0 < P ≤ 80" },
    { "logsign:p=81", "'logsign:p=81'", "0 < P ≤ 80" },
    { "logsign:p=", "'logsign:p='", "0 < P ≤ 80" },
    { "", "''", "names no feature: give one or more of grad, logsign" },
    { "  ", "'  '", "names no feature" },
    { "theta,,step", "'theta,,step'", "empty name" },
    { "theta,", "'theta,'", "empty name" },
    { "momentum:0.1,momentum:0.2,momentum:0.3,momentum:0.4,momentum:0.5,momentum:0.6,"
      "momentum:0.7,momentum:0.8,momentum:0.9,momentum:0.99,momentum:0.999,momentum:0.9999,"
      "logsign,grad-rms,theta,step,momentum:0.25", "momentum:0.25'", "17 features, more than 16" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      L2lFeatureSet set = parse ("theta"), before = set;

      g_assert_false (l2l_feature_set_parse (cases[i].text, &set, &error));
      g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "features: "));
      g_assert_cmpstr (l2l_error_get_field (error), ==, "features");
      g_assert_nonnull (strstr (error->message, cases[i].item));
      g_assert_nonnull (strstr (error->message, cases[i].detail));
      g_assert_true (l2l_feature_set_equal (&set, &before));
    }
}

/* ---- the reference ---- */

/* One coordinate's features over @steps steps from step @t0, in double from the
 * definitions alone: @state [state_rows] is carried in place, @x receives
 * [steps × rows]. */
static void
reference_coordinate (const L2lFeatureSet *set,
                      guint64              t0,
                      guint                steps,
                      const double        *grad,
                      const double        *theta,
                      double              *state,
                      double              *x)
{
  const guint rows = l2l_feature_set_rows (set);
  const gboolean has_rms = l2l_feature_set_state_rows (set) > 0;

  for (guint s = 0; s < steps; s++)
    {
      const double t = (double) (t0 + s), g = grad[s];
      double *out = x + s * rows, rms = 0.0;
      guint row = 0, momentum = 1;

      if (has_rms)
        {
          state[0] = 0.999 * state[0] + (1 - 0.999) * g * g;
          rms = sqrt (state[0] / (1 - pow (0.999, t))) + 1e-8;
        }
      for (guint i = 0; i < set->n_features; i++)
        {
          const double param = set->params[i];

          switch (set->kinds[i])
            {
            case L2L_FEATURE_LOGSIGN:
              out[row] = fabs (g) >= exp (-param) ? log (fabs (g)) / param : -1.0;
              out[row + 1] = fabs (g) >= exp (-param) ? (g > 0 ? 1.0 : -1.0) : exp (param) * g;
              row += 2;
              break;
            case L2L_FEATURE_GRAD:
              out[row++] = g;
              break;
            case L2L_FEATURE_GRAD_RMS:
              out[row++] = g / rms;
              break;
            case L2L_FEATURE_MOMENTUM:
              state[momentum] = param * state[momentum] + (1 - param) * g;
              out[row++] = state[momentum] / (1 - pow (param, t)) / rms;
              momentum++;
              break;
            case L2L_FEATURE_THETA:
              out[row++] = theta[s];
              break;
            case L2L_FEATURE_STEP:
              for (guint k = 0; k < G_N_ELEMENTS (timescales); k++)
                out[row++] = tanh (t / timescales[k] - 1.0);
              break;
            }
        }
      g_assert_cmpuint (row, ==, rows);
    }
}

/* A run of @steps steps from step @t0 over N coordinates, in float, and
 * L = Σ c ⊙ x over its features. */
typedef struct {
  L2lFeatureSet set;
  guint         rows;
  guint         state_rows;
  guint64       t0;
  guint         steps;
  gsize         n;
  float        *grads;     /* [steps × N] */
  float        *thetas;    /* [steps × N] */
  float        *states;    /* [(steps + 1) × state_rows × N]: state_0 first */
  float        *weights;   /* c [steps × rows × N] */
} Run;

static Run *
run_new (const char *features,
         guint64     t0,
         guint       steps,
         gsize       n,
         double      min_exponent,
         guint64     seed)
{
  Run *run = g_new0 (Run, 1);
  gsize state_size;
  L2lRng rng;

  run->set = parse (features);
  run->rows = l2l_feature_set_rows (&run->set);
  run->state_rows = l2l_feature_set_state_rows (&run->set);
  run->t0 = t0;
  run->steps = steps;
  run->n = n;
  state_size = (gsize) run->state_rows * n;
  run->grads = g_new (float, steps * n);
  run->thetas = g_new (float, steps * n);
  run->states = g_new0 (float, (steps + 1) * state_size);
  run->weights = g_new (float, steps * run->rows * n);
  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < steps * n; i++)
    {
      run->grads[i] = random_gradient (&rng, &run->set, min_exponent);
      run->thetas[i] = (float) l2l_rng_normal (&rng);
    }
  for (gsize i = 0; i < steps * run->rows * n; i++)
    run->weights[i] = (float) l2l_rng_normal (&rng);
  /* a run met mid-way: v > 0 on the gradients' scale, momenta of either sign */
  if (t0 > 1)
    for (gsize i = 0; i < state_size; i++)
      {
        double scale = pow (10.0, -3.0 * l2l_rng_uniform (&rng));
        run->states[i] = (float) (i < n ? scale * scale : 0.3 * scale * l2l_rng_normal (&rng));
      }
  return run;
}

static void
run_free (Run *run)
{
  g_free (run->grads);
  g_free (run->thetas);
  g_free (run->states);
  g_free (run->weights);
  g_free (run);
}

static float *
run_state (const Run *run,
           guint      s)
{
  return run->states + (gsize) s * run->state_rows * run->n;
}

/* Fills run->states; @x [steps × rows × N]. */
static void
run_forward (Run   *run,
             float *x)
{
  const gsize n = run->n;

  for (guint s = 0; s < run->steps; s++)
    l2l_features_forward (&run->set, run->t0 + s, run->grads + s * n, run->thetas + s * n,
                          run_state (run, s), run_state (run, s + 1),
                          x + (gsize) s * run->rows * n, n, n);
}

/* Backpropagation through time: ∂L/∂∇_s and ∂L/∂θ_s [steps × N], ∂L/∂state_0. */
static void
run_backward (const Run *run,
              float     *dgrads,
              float     *dthetas,
              float     *dstate)
{
  const gsize n = run->n;

  memset (dstate, 0, (gsize) run->state_rows * n * sizeof (float));
  for (guint s = run->steps; s-- > 0;)
    l2l_features_backward (&run->set, run->t0 + s, run->grads + s * n, run_state (run, s),
                           run->weights + (gsize) s * run->rows * n, n, dstate,
                           dgrads + s * n, dthetas + s * n, dstate, n);
}

/* L restricted to coordinate @r, in double, at the given inputs of that
 * coordinate: grad and theta [steps], state_0 [state_rows]. */
static double
reference_objective (const Run    *run,
                     gsize         r,
                     const double *grad,
                     const double *theta,
                     const double *state0)
{
  g_autofree double *x = g_new (double, run->steps * run->rows);
  double state[2 * L2L_FEATURES_MAX], total = 0.0;

  memcpy (state, state0, run->state_rows * sizeof (double));
  reference_coordinate (&run->set, run->t0, run->steps, grad, theta, state, x);
  for (guint s = 0; s < run->steps; s++)
    for (guint row = 0; row < run->rows; row++)
      total += run->weights[((gsize) s * run->rows + row) * run->n + r] * x[s * run->rows + row];
  return total;
}

/* ---- forward ---- */

static void
test_forward (void)
{
  Run *run = run_new (ALL_FEATURES, 1, 6, 37, -7.0, 5);
  const gsize n = run->n;
  g_autofree float *x = g_new (float, run->steps * run->rows * n);
  g_autofree double *expected = g_new (double, run->steps * run->rows);
  double worst = 0.0, worst_state = 0.0;
  guint second_branch = 0;

  run_forward (run, x);
  for (gsize r = 0; r < n; r++)
    {
      double grad[6], theta[6], state[L2L_FEATURES_MAX + 1] = { 0 };

      for (guint s = 0; s < run->steps; s++)
        {
          grad[s] = run->grads[s * n + r];
          theta[s] = run->thetas[s * n + r];
          second_branch += fabs (grad[s]) < exp (-10.0);
        }
      reference_coordinate (&run->set, 1, run->steps, grad, theta, state, expected);
      for (guint s = 0; s < run->steps; s++)
        for (guint row = 0; row < run->rows; row++)
          {
            double got = x[((gsize) s * run->rows + row) * n + r];
            double want = expected[s * run->rows + row];

            worst = MAX (worst, fabs (got - want) / MAX (1e-2, fabs (want)));
          }
      for (guint k = 0; k < run->state_rows; k++)
        {
          double got = run_state (run, run->steps)[k * n + r];

          worst_state = MAX (worst_state, fabs (got - state[k]) / MAX (1e-12, fabs (state[k])));
        }
    }
  g_test_message ("worst relative error: features %.3g, state %.3g; %u gradients below e^-p",
                  worst, worst_state, second_branch);
  g_assert_cmpuint (second_branch, >, 10);
  g_assert_cmpfloat (worst, <, 1e-5);
  g_assert_cmpfloat (worst_state, <, 1e-5);
  run_free (run);
}

/* The paper's preprocessing in float, one coordinate at a time, as the LSTM
 * optimizer computed it before it became a feature: the logsign rows must
 * stay these bits, forward and backward, so that every trained LSTM keeps its
 * trajectories. */
static void
logsign_reference (float  g,
                   float  dlog,
                   float  dsign,
                   float  p,
                   float *x,
                   float *dgrad)
{
  const float threshold = expf (-p), exp_p = expf (p), inv_p = 1.0f / p;

  if (fabsf (g) >= threshold)
    {
      x[0] = logf (fabsf (g)) * inv_p;
      x[1] = g > 0.0f ? 1.0f : -1.0f;
      *dgrad = dlog / (p * g);
    }
  else
    {
      x[0] = -1.0f;
      x[1] = exp_p * g;
      *dgrad = exp_p * dsign;
    }
}

static void
test_logsign_bits (void)
{
  const gsize n = 600, ldx = n + 3;
  const double ps[] = { 10.0, 3.0 };

  for (guint i = 0; i < G_N_ELEMENTS (ps); i++)
    {
      g_autofree char *text = g_strdup_printf ("theta,logsign:p=%g", ps[i]);
      L2lFeatureSet set = parse (text);
      g_autofree float *grad = g_new (float, n), *theta = g_new0 (float, n);
      g_autofree float *x = g_new (float, 3 * ldx), *dx = g_new (float, 3 * ldx);
      g_autofree float *dgrad = g_new (float, n), *dtheta = g_new (float, n);
      const float threshold = expf (-(float) ps[i]);
      L2lRng rng;

      l2l_rng_init (&rng, 17 + i);
      for (gsize r = 0; r < n; r++)
        grad[r] = (float) (l2l_rng_normal (&rng) * pow (10.0, -8.0 * l2l_rng_uniform (&rng)));
      /* the threshold itself and its neighbours, and zero */
      grad[0] = threshold;
      grad[1] = nextafterf (threshold, 0.0f);
      grad[2] = -threshold;
      grad[3] = 0.0f;
      for (gsize k = 0; k < 3 * ldx; k++)
        dx[k] = (float) l2l_rng_normal (&rng);

      l2l_features_forward (&set, 1, grad, theta, NULL, NULL, x, ldx, n);
      l2l_features_backward (&set, 1, grad, NULL, dx, ldx, NULL, dgrad, dtheta, NULL, n);
      for (gsize r = 0; r < n; r++)
        {
          float expected[2], dexpected;

          logsign_reference (grad[r], dx[ldx + r], dx[2 * ldx + r], (float) ps[i], expected,
                             &dexpected);
          g_assert_cmpfloat (x[ldx + r], ==, expected[0]);
          g_assert_cmpfloat (x[2 * ldx + r], ==, expected[1]);
          g_assert_cmpfloat (dgrad[r], ==, dexpected);
        }
      g_assert_cmpmem (dtheta, n * sizeof (float), dx, n * sizeof (float));
    }
}

static void
test_step_embedding (void)
{
  const guint64 steps[] = { 1, 2, 3, 10, 77, 1000, 123456 };
  const gsize n = 5;
  L2lFeatureSet set = parse ("step");
  float grad[5] = { 1, -2, 3, 0, 1e-9f }, x[7 * 5];

  g_assert_cmpuint (l2l_feature_set_rows (&set), ==, G_N_ELEMENTS (timescales));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      l2l_features_forward (&set, steps[i], grad, NULL, NULL, NULL, x, n, n);
      for (guint k = 0; k < G_N_ELEMENTS (timescales); k++)
        for (gsize r = 0; r < n; r++)
          g_assert_cmpfloat (x[k * n + r], ==,
                             (float) tanh ((double) steps[i] / timescales[k] - 1.0));
    }
  g_assert_cmpfloat (fabsf (x[0] - 1.0f), <, 1e-6);
}

/* A state kept in place and a wider stride change no bit, forward or
 * backward; rows beyond N in the wider block are left alone; a list without θ
 * zeroes ∂L/∂θ or skips it. */
static void
test_stride_and_in_place (void)
{
  Run *run = run_new (ALL_FEATURES, 1, 4, 37, -7.0, 9);
  const gsize n = run->n, ldx = n + 5, S = (gsize) run->state_rows * n;
  const gsize x_size = (gsize) run->steps * run->rows * n;
  g_autofree float *x = g_new (float, x_size), *wide = g_new (float, run->rows * ldx);
  g_autofree float *state = g_new0 (float, S);
  g_autofree float *dgrads = g_new (float, run->steps * n), *dthetas = g_new (float, run->steps * n);
  g_autofree float *dstate = g_new (float, S), *dnext = g_new (float, S), *dprev = g_new (float, S);
  g_autofree float *dx = g_new (float, run->rows * ldx);
  float dgrad[37], dtheta[37];

  run_forward (run, x);
  for (guint s = 0; s < run->steps; s++)
    {
      for (gsize k = 0; k < run->rows * ldx; k++)
        wide[k] = 1234.5f;
      l2l_features_forward (&run->set, run->t0 + s, run->grads + s * n, run->thetas + s * n,
                            state, state, wide, ldx, n);
      for (guint row = 0; row < run->rows; row++)
        {
          g_assert_cmpmem (wide + row * ldx, n * sizeof (float),
                           x + ((gsize) s * run->rows + row) * n, n * sizeof (float));
          for (gsize k = n; k < ldx; k++)
            g_assert_cmpfloat (wide[row * ldx + k], ==, 1234.5f);
        }
      g_assert_cmpmem (state, S * sizeof (float), run_state (run, s + 1), S * sizeof (float));
    }

  /* in place at stride N (run_backward) against distinct buffers at stride ldx */
  run_backward (run, dgrads, dthetas, dstate);
  memset (dnext, 0, S * sizeof (float));
  for (guint s = run->steps; s-- > 0;)
    {
      for (gsize k = 0; k < run->rows * ldx; k++)
        dx[k] = NAN;
      for (guint row = 0; row < run->rows; row++)
        memcpy (dx + row * ldx, run->weights + ((gsize) s * run->rows + row) * n,
                n * sizeof (float));
      l2l_features_backward (&run->set, run->t0 + s, run->grads + s * n, run_state (run, s),
                             dx, ldx, dnext, dgrad, dtheta, dprev, n);
      g_assert_cmpmem (dgrad, sizeof dgrad, dgrads + s * n, n * sizeof (float));
      g_assert_cmpmem (dtheta, sizeof dtheta, dthetas + s * n, n * sizeof (float));
      memcpy (dnext, dprev, S * sizeof (float));
    }
  g_assert_cmpmem (dprev, S * sizeof (float), dstate, S * sizeof (float));

  {
    L2lFeatureSet set = parse ("grad-rms");
    float v0[37] = { 0 }, v1[37], dv[37] = { 0 }, out[37];

    l2l_features_forward (&set, 1, run->grads, NULL, v0, v1, out, n, n);
    for (gsize r = 0; r < n; r++)
      dtheta[r] = 7.0f;
    l2l_features_backward (&set, 1, run->grads, v0, out, n, dv, dgrad, dtheta, dv, n);
    for (gsize r = 0; r < n; r++)
      g_assert_cmpfloat (dtheta[r], ==, 0.0f);
    l2l_features_backward (&set, 1, run->grads, v0, out, n, dv, dgrad, NULL, dv, n);
  }
  run_free (run);
}

/* ---- backward ---- */

typedef struct {
  const char *features;
  guint64     t0;
} BackwardCase;

static double
relative_error (double numeric,
                double analytic)
{
  return fabs (numeric - analytic) / MAX (fabs (numeric), 1e-2 * fabs (analytic) + 1e-3);
}

/* Central differences of the double reference against the float backward,
 * through a few steps of state. */
static void
test_backward (gconstpointer data)
{
  const BackwardCase *test = data;
  Run *run = run_new (test->features, test->t0, 4, 37, -6.0, 23);
  const gsize n = run->n, K = run->steps, S = run->state_rows;
  g_autofree float *x = g_new (float, K * run->rows * n);
  g_autofree float *dgrads = g_new (float, K * n), *dthetas = g_new (float, K * n);
  g_autofree float *dstate = g_new (float, S * n + 1);
  double worst_grad = 0.0, worst_theta = 0.0, worst_state = 0.0;

  run_forward (run, x);
  run_backward (run, dgrads, dthetas, dstate);

  for (gsize r = 0; r < n; r++)
    {
      double grad[4], theta[4], state0[L2L_FEATURES_MAX + 1];

      for (guint s = 0; s < K; s++)
        {
          grad[s] = run->grads[s * n + r];
          theta[s] = run->thetas[s * n + r];
        }
      for (guint k = 0; k < S; k++)
        state0[k] = run->states[k * n + r];

      for (guint s = 0; s < K; s++)
        {
          /* relative steps keep ∇ on its side of 0 and of e^−p */
          double saved = grad[s], h = 1e-4 * fabs (saved), plus, minus;

          grad[s] = saved + h;
          plus = reference_objective (run, r, grad, theta, state0);
          grad[s] = saved - h;
          minus = reference_objective (run, r, grad, theta, state0);
          grad[s] = saved;
          worst_grad = MAX (worst_grad, relative_error ((plus - minus) / (2 * h), dgrads[s * n + r]));

          saved = theta[s];
          h = 1e-4 * MAX (1.0, fabs (saved));
          theta[s] = saved + h;
          plus = reference_objective (run, r, grad, theta, state0);
          theta[s] = saved - h;
          minus = reference_objective (run, r, grad, theta, state0);
          theta[s] = saved;
          worst_theta = MAX (worst_theta, relative_error ((plus - minus) / (2 * h), dthetas[s * n + r]));
        }
      for (guint k = 0; k < S; k++)
        {
          /* a zero v_0 may step only as far as v_1 stays positive */
          double least = k == 0 ? 1e-3 * grad[0] * grad[0] : 1e-4;
          double saved = state0[k], h = 1e-4 * MAX (fabs (saved), least), plus, minus;

          state0[k] = saved + h;
          plus = reference_objective (run, r, grad, theta, state0);
          state0[k] = saved - h;
          minus = reference_objective (run, r, grad, theta, state0);
          state0[k] = saved;
          worst_state = MAX (worst_state, relative_error ((plus - minus) / (2 * h), dstate[k * n + r]));
        }
    }
  g_test_message ("%s from t = %" G_GUINT64_FORMAT ": worst relative error dL/dgrad %.3g, dL/dtheta %.3g, "
                  "dL/dstate_0 %.3g", test->features, test->t0, worst_grad, worst_theta, worst_state);
  g_assert_cmpfloat (worst_grad, <, 5e-4);
  g_assert_cmpfloat (worst_theta, <, 5e-4);
  g_assert_cmpfloat (worst_state, <, 5e-4);
  run_free (run);
}

int
main (int   argc,
      char *argv[])
{
  static const BackwardCase backward_cases[] = {
    { "logsign", 3 },
    { "logsign:p=2", 3 },
    { "grad", 3 },
    { "grad-rms", 3 },
    { "momentum:0.9", 3 },
    { "momentum:0.999", 3 },
    { "theta", 3 },
    { "step", 3 },
    { ALL_FEATURES, 3 },
    { ALL_FEATURES, 1 },
  };
  static const char *const backward_names[] = {
    "logsign", "logsign-p2", "grad", "grad-rms", "momentum-0.9", "momentum-0.999", "theta", "step",
    "all", "all-from-start",
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/features/round-trip", test_round_trip);
  g_test_add_func ("/engine/features/refused", test_refused);
  g_test_add_func ("/engine/features/forward", test_forward);
  g_test_add_func ("/engine/features/logsign-bits", test_logsign_bits);
  g_test_add_func ("/engine/features/step-embedding", test_step_embedding);
  g_test_add_func ("/engine/features/stride-and-in-place", test_stride_and_in_place);
  for (guint i = 0; i < G_N_ELEMENTS (backward_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/features/backward/%s", backward_names[i]);

      g_test_add_data_func (path, &backward_cases[i], test_backward);
    }
  return g_test_run ();
}
