/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "l2l-lstm-kernels.h"
#include "l2l-rule-unroll.h"

/* A plain reference, in double, written from the PyTorch layout alone:
 * LSTMCell (i, f, g, o) stacked, then Linear(H, 1), times the output scale.
 * @phi is φ in the net's layout; @grads [K × N] are the inputs of each step. */
static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

static void
reference_forward (const L2lRule *net,
                   const double  *phi,
                   const float   *grads,
                   guint          K,
                   gsize          N,
                   double        *updates)
{
  const guint L = net->config.layers, H = net->config.hidden;
  const gboolean none = net->config.features.kinds[0] == L2L_FEATURE_GRAD;
  const double p = net->config.features.params[0];
  g_autofree double *h = g_new0 (double, L * H), *c = g_new0 (double, L * H);
  g_autofree double *z = g_new (double, 4 * H), *x = g_new (double, MAX (H, 2));

  for (gsize r = 0; r < N; r++)
    {
      memset (h, 0, L * H * sizeof (double));
      memset (c, 0, L * H * sizeof (double));
      for (guint s = 0; s < K; s++)
        {
          double g = grads[(gsize) s * N + r], out;
          guint in = net->input_size;

          if (none)
            x[0] = g;
          else if (fabs (g) >= exp (-p))
            {
              x[0] = log (fabs (g)) / p;
              x[1] = g > 0 ? 1.0 : -1.0;
            }
          else
            {
              x[0] = -1.0;
              x[1] = exp (p) * g;
            }

          for (guint l = 0; l < L; l++)
            {
              const double *w_ih = phi + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_IH)->offset;
              const double *w_hh = phi + l2l_lstm_tensor (net, l, L2L_LSTM_WEIGHT_HH)->offset;
              const double *b_ih = phi + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_IH)->offset;
              const double *b_hh = phi + l2l_lstm_tensor (net, l, L2L_LSTM_BIAS_HH)->offset;
              double *hl = h + l * H, *cl = c + l * H;

              for (guint k = 0; k < 4 * H; k++)
                {
                  z[k] = b_ih[k] + b_hh[k];
                  for (guint m = 0; m < in; m++)
                    z[k] += w_ih[k * in + m] * x[m];
                  for (guint m = 0; m < H; m++)
                    z[k] += w_hh[k * H + m] * hl[m];
                }
              for (guint j = 0; j < H; j++)
                {
                  double i = sigmoid (z[j]), f = sigmoid (z[H + j]);
                  double gg = tanh (z[2 * H + j]), o = sigmoid (z[3 * H + j]);
                  cl[j] = f * cl[j] + i * gg;
                  hl[j] = o * tanh (cl[j]);
                }
              memcpy (x, hl, H * sizeof (double));
              in = H;
            }
          out = phi[l2l_lstm_out_bias (net)->offset];
          for (guint j = 0; j < H; j++)
            out += phi[l2l_lstm_out_weight (net)->offset + j] * h[(L - 1) * H + j];
          updates[(gsize) s * N + r] = net->config.output_scale * out;
        }
    }
}

typedef struct {
  L2lRule *net;
  guint    K;
  gsize    N;
  float   *grads;     /* [K × N] inputs */
  float   *weights;   /* [K × N] J = Σ weights · updates */
} Case;

static Case *
case_new (const char *preprocess,
          guint       layers,
          guint       hidden)
{
  Case *test = g_new0 (Case, 1);
  L2lRuleConfig config;
  L2lRng rng;

  l2l_rule_config_init_defaults (&config);
  g_assert_true (l2l_lstm_preprocess_parse (preprocess, &config, NULL));
  config.layers = layers;
  config.hidden = hidden;
  config.output_scale = 0.5;
  test->net = l2l_rule_new (&config, 11);
  test->K = 5;
  test->N = 9;
  test->grads = g_new (float, test->K * test->N);
  test->weights = g_new (float, test->K * test->N);
  l2l_rng_init (&rng, 3);
  for (gsize i = 0; i < test->K * test->N; i++)
    {
      /* magnitudes across decades, some below e^-p to hit both branches */
      test->grads[i] = (float) (l2l_rng_normal (&rng) * pow (10.0, -6.0 * l2l_rng_uniform (&rng)));
      test->weights[i] = (float) l2l_rng_normal (&rng);
    }
  /* bias away from 0 so that the fast kernels meet every regime */
  for (gsize i = 0; i < test->net->n_params; i++)
    test->net->params[i] *= 3.0f;
  return test;
}

static void
case_free (Case *test)
{
  l2l_rule_unref (test->net);
  g_free (test->grads);
  g_free (test->weights);
  g_free (test);
}

static double
reference_objective (const Case   *test,
                     const double *phi,
                     const float  *grads)
{
  g_autofree double *updates = g_new (double, test->K * test->N);
  double total = 0.0;

  reference_forward (test->net, phi, grads, test->K, test->N, updates);
  for (gsize i = 0; i < test->K * test->N; i++)
    total += test->weights[i] * updates[i];
  return total;
}

static void
run_fast (const Case    *test,
          L2lRuleUnroll *unroll,
          float         *updates)
{
  l2l_rule_unroll_reset_state (unroll);
  for (guint s = 0; s < test->K; s++)
    l2l_rule_unroll_forward (unroll, s, test->grads + s * test->N, NULL, updates + s * test->N);
}

static void
test_layout (void)
{
  L2lRuleConfig config;
  g_autoptr(L2lRule) net = NULL;
  const struct { const char *name; guint rows, cols; } expected[] = {
    { "cells.0.weight_ih", 80, 2 }, { "cells.0.weight_hh", 80, 20 },
    { "cells.0.bias_ih", 80, 0 }, { "cells.0.bias_hh", 80, 0 },
    { "cells.1.weight_ih", 80, 20 }, { "cells.1.weight_hh", 80, 20 },
    { "cells.1.bias_ih", 80, 0 }, { "cells.1.bias_hh", 80, 0 },
    { "out.weight", 1, 20 }, { "out.bias", 1, 0 },
  };
  gsize offset = 0;

  l2l_rule_config_init_defaults (&config);
  net = l2l_rule_new (&config, 0);
  g_assert_cmpuint (net->n_tensors, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < net->n_tensors; i++)
    {
      g_assert_cmpstr (net->tensors[i].name, ==, expected[i].name);
      g_assert_cmpuint (net->tensors[i].rows, ==, expected[i].rows);
      g_assert_cmpuint (net->tensors[i].cols, ==, expected[i].cols);
      g_assert_cmpuint (net->tensors[i].offset, ==, offset);
      offset += expected[i].rows * MAX (expected[i].cols, 1);
    }
  g_assert_cmpuint (net->n_params, ==, offset);
  g_assert_cmpuint (net->n_params, ==, 5301);
  /* torch's init: every value within ±1/√H */
  for (gsize i = 0; i < net->n_params; i++)
    g_assert_cmpfloat (fabsf (net->params[i]), <=, 1.0f / sqrtf (20.0f));
}

static void
test_fast_nonlinearities (void)
{
  double worst_sigmoid = 0.0, worst_tanh = 0.0;

  for (float x = -100.0f; x <= 100.0f; x += 0.001953125f)
    {
      worst_sigmoid = MAX (worst_sigmoid, fabs (l2l_lstm_sigmoid (x) - 1.0 / (1.0 + exp (-(double) x))));
      worst_tanh = MAX (worst_tanh, fabs (l2l_lstm_tanh (x) - tanh ((double) x)));
    }
  g_test_message ("worst absolute error: sigmoid %.3g, tanh %.3g", worst_sigmoid, worst_tanh);
  g_assert_cmpfloat (worst_sigmoid, <, 2e-7);
  g_assert_cmpfloat (worst_tanh, <, 4e-7);
  g_assert_cmpfloat (l2l_lstm_sigmoid (-1000.0f), >=, 0.0f);
  g_assert_cmpfloat (l2l_lstm_tanh (1000.0f), ==, 1.0f);
  g_assert_cmpfloat (l2l_lstm_tanh (-1000.0f), ==, -1.0f);
}

static void
test_forward (gconstpointer data)
{
  Case *test = case_new (data, 2, 6);
  L2lRuleUnroll *unroll = l2l_rule_unroll_new (test->net, test->N, test->K, NULL, 0);
  g_autofree double *phi = g_new (double, test->net->n_params);
  g_autofree double *expected = g_new (double, test->K * test->N);
  g_autofree float *updates = g_new (float, test->K * test->N);
  double worst = 0.0;

  for (gsize i = 0; i < test->net->n_params; i++)
    phi[i] = test->net->params[i];
  reference_forward (test->net, phi, test->grads, test->K, test->N, expected);
  run_fast (test, unroll, updates);
  for (gsize i = 0; i < test->K * test->N; i++)
    worst = MAX (worst, fabs (updates[i] - expected[i]) / MAX (1e-3, fabs (expected[i])));
  g_test_message ("worst relative forward error %.3g", worst);
  g_assert_cmpfloat (worst, <, 1e-5);
  l2l_rule_unroll_free (unroll);
  case_free (test);
}

/* Central differences of the double reference against the float backward. */
static void
test_backward (gconstpointer data)
{
  Case *test = case_new (data, 2, 4);
  L2lRuleUnroll *unroll = l2l_rule_unroll_new (test->net, test->N, test->K, NULL, 0);
  const gsize P = test->net->n_params, KN = test->K * test->N;
  g_autofree double *phi = g_new (double, P);
  g_autofree float *dphi = g_new0 (float, P);
  g_autofree float *dinput = g_new0 (float, KN);
  g_autofree float *updates = g_new (float, KN);
  g_autofree float *grads = g_memdup2 (test->grads, KN * sizeof (float));

  for (gsize i = 0; i < P; i++)
    phi[i] = test->net->params[i];
  run_fast (test, unroll, updates);
  l2l_rule_unroll_zero_grad (unroll);
  l2l_rule_unroll_backward (unroll, test->K, test->weights, test->grads, dinput);
  l2l_rule_unroll_add_grad (unroll, dphi);

  for (guint t = 0; t < test->net->n_tensors; t++)
    {
      const L2lRuleTensor *tensor = &test->net->tensors[t];
      gsize size = (gsize) tensor->rows * MAX (tensor->cols, 1);
      double worst = 0.0;

      for (gsize k = 0; k < size; k++)
        {
          gsize i = tensor->offset + k;
          double saved = phi[i], h = 1e-5, plus, minus, numeric;

          phi[i] = saved + h;
          plus = reference_objective (test, phi, test->grads);
          phi[i] = saved - h;
          minus = reference_objective (test, phi, test->grads);
          phi[i] = saved;
          numeric = (plus - minus) / (2 * h);
          worst = MAX (worst, fabs (numeric - dphi[i]) / MAX (1e-2, fabs (numeric)));
        }
      g_test_message ("%s: worst relative error %.3g", tensor->name, worst);
      g_assert_cmpfloat (worst, <, 2e-3);
    }

  {
    double worst = 0.0;
    for (gsize i = 0; i < KN; i++)
      {
        /* a relative step keeps g on its side of 0 and of the e^-p threshold */
        float saved = grads[i];
        double h = fabs (saved) * 1e-3, plus, minus, numeric;

        if (fabsf (fabsf (saved) - expf (-10.0f)) < 2 * h)
          continue;
        grads[i] = (float) (saved + h);
        h = grads[i] - saved;   /* the step the float actually took */
        plus = reference_objective (test, phi, grads);
        grads[i] = (float) (saved - h);
        minus = reference_objective (test, phi, grads);
        grads[i] = saved;
        numeric = (plus - minus) / (2 * h);
        worst = MAX (worst, fabs (numeric - dinput[i]) / MAX (1e-2 * fabs (dinput[i]) + 1e-3, fabs (numeric)));
      }
    g_test_message ("input: worst relative error %.3g", worst);
    g_assert_cmpfloat (worst, <, 5e-3);
  }

  l2l_rule_unroll_free (unroll);
  case_free (test);
}

/* Two unrolls joined by a carry compute what one long unroll does, to the bit;
 * and an unroll of one step (the optimizer at inference) does too. */
static void
test_carry (void)
{
  Case *test = case_new ("logsign", 2, 6);
  L2lRuleUnroll *whole = l2l_rule_unroll_new (test->net, test->N, test->K, NULL, 0);
  L2lRuleUnroll *parts = l2l_rule_unroll_new (test->net, test->N, 3, NULL, 0);
  L2lRuleUnroll *single = l2l_rule_unroll_new (test->net, test->N, 1, NULL, 0);
  const gsize N = test->N, KN = test->K * test->N;
  g_autofree float *a = g_new (float, KN), *b = g_new (float, KN), *c = g_new (float, KN);

  run_fast (test, whole, a);
  l2l_rule_unroll_reset_state (parts);
  l2l_rule_unroll_reset_state (single);
  for (guint s = 0; s < test->K; s++)
    {
      if (s == 3)
        l2l_rule_unroll_carry (parts, 3);
      l2l_rule_unroll_forward (parts, s % 3, test->grads + s * N, NULL, b + s * N);
      l2l_rule_unroll_forward (single, 0, test->grads + s * N, NULL, c + s * N);
      l2l_rule_unroll_carry (single, 1);
    }
  g_assert_cmpmem (a, KN * sizeof (float), b, KN * sizeof (float));
  g_assert_cmpmem (a, KN * sizeof (float), c, KN * sizeof (float));
  l2l_rule_unroll_free (whole);
  l2l_rule_unroll_free (parts);
  l2l_rule_unroll_free (single);
  case_free (test);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/lstm/layout", test_layout);
  g_test_add_func ("/engine/lstm/fast-nonlinearities", test_fast_nonlinearities);
  g_test_add_data_func ("/engine/lstm/forward/logsign",
                        "logsign", test_forward);
  g_test_add_data_func ("/engine/lstm/forward/none",
                        "none", test_forward);
  g_test_add_data_func ("/engine/lstm/backward/logsign",
                        "logsign", test_backward);
  g_test_add_data_func ("/engine/lstm/backward/none",
                        "none", test_backward);
  g_test_add_func ("/engine/lstm/carry", test_carry);
  return g_test_run ();
}
