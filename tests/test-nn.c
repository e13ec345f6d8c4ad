/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

#define ROWS 7
#define N_IN 13
#define N_OUT 5

static void
fill_normal (float  *values,
             gsize   n,
             guint64 seed)
{
  L2lRng rng;

  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    values[i] = (float) l2l_rng_normal (&rng);
}

/* The sgemm kernels against their plain loops, accumulation included. */
static void
test_linear_matches_reference (void)
{
  float in[ROWS * N_IN], weight[N_OUT * N_IN], bias[N_OUT], dout[ROWS * N_OUT];
  float out[ROWS * N_OUT], out_ref[ROWS * N_OUT];
  float din[ROWS * N_IN], din_ref[ROWS * N_IN];
  float dweight[N_OUT * N_IN], dweight_ref[N_OUT * N_IN], dbias[N_OUT], dbias_ref[N_OUT];

  fill_normal (in, G_N_ELEMENTS (in), 1);
  fill_normal (weight, G_N_ELEMENTS (weight), 2);
  fill_normal (bias, G_N_ELEMENTS (bias), 3);
  fill_normal (dout, G_N_ELEMENTS (dout), 4);
  /* Start from the same non-zero gradients: backward must add to them. */
  fill_normal (dweight, G_N_ELEMENTS (dweight), 5);
  fill_normal (dbias, G_N_ELEMENTS (dbias), 6);
  memcpy (dweight_ref, dweight, sizeof dweight);
  memcpy (dbias_ref, dbias, sizeof dbias);

  l2l_linear_forward (out, in, weight, bias, ROWS, N_IN, N_OUT);
  l2l_linear_forward_ref (out_ref, in, weight, bias, ROWS, N_IN, N_OUT);
  l2l_linear_backward (din, dweight, dbias, dout, in, weight, ROWS, N_IN, N_OUT);
  l2l_linear_backward_ref (din_ref, dweight_ref, dbias_ref, dout, in, weight, ROWS, N_IN, N_OUT);

  g_assert_cmpfloat (test_util_max_rel_diff (out, out_ref, G_N_ELEMENTS (out)), <, 1e-5);
  g_assert_cmpfloat (test_util_max_rel_diff (din, din_ref, G_N_ELEMENTS (din)), <, 1e-5);
  g_assert_cmpfloat (test_util_max_rel_diff (dweight, dweight_ref, G_N_ELEMENTS (dweight)), <,
                     1e-5);
  g_assert_cmpfloat (test_util_max_rel_diff (dbias, dbias_ref, G_N_ELEMENTS (dbias)), <, 1e-5);
}

/* Loss of the chain linear → activation → linear → softmax cross-entropy, in
 * the layout the MLP task uses; @grad_in receives ∂loss/∂in when not NULL. */
static double
chain_loss (const float               *in,
            const float               *w1,
            const float               *b1,
            const float               *w2,
            const float               *b2,
            const guint8              *labels,
            L2lActivationForwardFunc  *act_forward,
            L2lActivationBackwardFunc *act_backward,
            float                     *grad_in,
            float                     *grad_w1)
{
  float hidden[ROWS * N_OUT], logits[ROWS * 3], dlogits[ROWS * 3], dhidden[ROWS * N_OUT];
  float dw2[3 * N_OUT] = { 0 }, db2[3] = { 0 }, db1[N_OUT] = { 0 };
  double loss;

  l2l_linear_forward (hidden, in, w1, b1, ROWS, N_IN, N_OUT);
  act_forward (hidden, hidden, G_N_ELEMENTS (hidden));
  l2l_linear_forward (logits, hidden, w2, b2, ROWS, N_OUT, 3);
  loss = l2l_softmax_xent (grad_in ? dlogits : NULL, logits, labels, ROWS, 3);
  if (grad_in == NULL)
    return loss;
  l2l_linear_backward (dhidden, dw2, db2, dlogits, hidden, w2, ROWS, N_OUT, 3);
  act_backward (dhidden, hidden, dhidden, G_N_ELEMENTS (hidden));
  memset (grad_w1, 0, N_OUT * N_IN * sizeof (float));
  l2l_linear_backward (grad_in, grad_w1, db1, dhidden, in, w1, ROWS, N_IN, N_OUT);
  return loss;
}

/* Central differences (in double over float evaluations) for the input and W1. */
static void
check_chain (L2lActivationForwardFunc  *act_forward,
             L2lActivationBackwardFunc *act_backward)
{
  float in[ROWS * N_IN], w1[N_OUT * N_IN], b1[N_OUT], w2[3 * N_OUT], b2[3];
  float grad_in[ROWS * N_IN], grad_w1[N_OUT * N_IN];
  const guint8 labels[ROWS] = { 0, 1, 2, 1, 0, 2, 2 };
  const float h = 1e-2f;
  double worst = 0.0;
  guint kinks = 0;

  fill_normal (in, G_N_ELEMENTS (in), 11);
  fill_normal (w1, G_N_ELEMENTS (w1), 12);
  fill_normal (b1, G_N_ELEMENTS (b1), 13);
  fill_normal (w2, G_N_ELEMENTS (w2), 14);
  fill_normal (b2, G_N_ELEMENTS (b2), 15);
  chain_loss (in, w1, b1, w2, b2, labels, act_forward, act_backward, grad_in, grad_w1);

  for (guint which = 0; which < 2; which++)
    {
      float *x = which == 0 ? in : w1, *analytic = which == 0 ? grad_in : grad_w1;
      gsize n = which == 0 ? G_N_ELEMENTS (in) : G_N_ELEMENTS (w1);

      for (gsize i = 0; i < n; i++)
        {
          float saved = x[i];
          double up, down, numeric, err;

          x[i] = saved + h;
          up = chain_loss (in, w1, b1, w2, b2, labels, act_forward, act_backward, NULL, NULL);
          x[i] = saved - h;
          down = chain_loss (in, w1, b1, w2, b2, labels, act_forward, act_backward, NULL, NULL);
          x[i] = saved;
          numeric = (up - down) / (2.0 * h);
          err = fabs (numeric - analytic[i]) / MAX (1e-2, fabs (numeric));
          /* ReLU's kink inside the difference interval is not an error of the kernel. */
          if (err > 2e-2 && act_forward == l2l_relu_forward)
            {
              kinks++;
              continue;
            }
          worst = MAX (worst, err);
        }
    }
  g_test_message ("worst relative error %.2e, %u probes at a ReLU kink", worst, kinks);
  g_assert_cmpfloat (worst, <, 2e-2);
  g_assert_cmpuint (kinks, <, 6);
}

static void
test_sigmoid_chain_gradient (void)
{
  check_chain (l2l_sigmoid_forward, l2l_sigmoid_backward);
}

static void
test_relu_chain_gradient (void)
{
  check_chain (l2l_relu_forward, l2l_relu_backward);
}

/* Uniform logits give ln(classes), and a confident right answer almost 0. */
static void
test_softmax_xent_values (void)
{
  const float uniform[2 * 4] = { 0 }, confident[4] = { 30, 0, 0, 0 };
  const guint8 labels[2] = { 3, 1 }, first[1] = { 0 };
  float d[2 * 4];

  g_assert_cmpfloat_with_epsilon (l2l_softmax_xent (d, uniform, labels, 2, 4), log (4.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (d[3], (0.25 - 1.0) / 2, 1e-7);
  g_assert_cmpfloat_with_epsilon (d[0], 0.25 / 2, 1e-7);
  g_assert_cmpfloat (l2l_softmax_xent (NULL, confident, first, 1, 4), <, 1e-12);
}

/* The R-operator of the cross-entropy's logit gradient against central
 * differences of that gradient along the direction, in double around float. */
static void
test_softmax_xent_rop (void)
{
  enum { XENT_ROWS = 3, XENT_CLASSES = 5, XENT_N = XENT_ROWS * XENT_CLASSES };
  const guint8 labels[XENT_ROWS] = { 4, 0, 2 };
  float logits[XENT_N], direction[XENT_N], rop[XENT_N], plus[XENT_N], minus[XENT_N];
  float shifted[XENT_N];
  const float h = 1e-2f;
  double worst = 0.0;
  L2lRng rng;

  l2l_rng_init (&rng, 2);
  for (guint i = 0; i < XENT_N; i++)
    {
      logits[i] = (float) (2.0 * l2l_rng_normal (&rng));
      direction[i] = (float) l2l_rng_normal (&rng);
    }
  l2l_softmax_xent_rop (rop, logits, direction, XENT_ROWS, XENT_CLASSES);
  for (guint i = 0; i < XENT_N; i++)
    shifted[i] = logits[i] + h * direction[i];
  l2l_softmax_xent (plus, shifted, labels, XENT_ROWS, XENT_CLASSES);
  for (guint i = 0; i < XENT_N; i++)
    shifted[i] = logits[i] - h * direction[i];
  l2l_softmax_xent (minus, shifted, labels, XENT_ROWS, XENT_CLASSES);
  for (guint i = 0; i < XENT_N; i++)
    worst = MAX (worst, fabs (rop[i] - ((double) plus[i] - minus[i]) / (2 * h)));
  g_test_message ("worst absolute error %.2g", worst);
  g_assert_cmpfloat (worst, <, 1e-4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/linear-matches-reference", test_linear_matches_reference);
  g_test_add_func ("/engine/nn/sigmoid-chain-gradient", test_sigmoid_chain_gradient);
  g_test_add_func ("/engine/nn/relu-chain-gradient", test_relu_chain_gradient);
  g_test_add_func ("/engine/nn/softmax-xent-values", test_softmax_xent_values);
  g_test_add_func ("/engine/nn/softmax-xent-rop", test_softmax_xent_rop);
  return g_test_run ();
}
