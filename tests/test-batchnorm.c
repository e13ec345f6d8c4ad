/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"

/* Batch normalization with minibatch statistics: the forward pass against
 * its definition, the backward pass against central differences of
 * L = Σ w ⊙ out with respect to the input, gamma and beta, after a
 * convolution ([N × C × H·W]) and after a fully connected layer ([N × C]). */

static const L2lBatchNorm shapes[] = {
  { .n = 3, .channels = 2, .m = 5, .eps = 1e-5 },
  { .n = 4, .channels = 3, .m = 1, .eps = 1e-5 },
  { .n = 2, .channels = 1, .m = 9, .eps = 1e-5 },
};

typedef struct {
  L2lBatchNorm bn;
  gsize        size;
  float       *in, *gamma, *beta, *w, *out, *xhat, *inv_std;
} Case;

static void
case_init (Case               *self,
           const L2lBatchNorm *bn,
           guint64             seed)
{
  L2lRng rng;

  self->bn = *bn;
  self->size = (gsize) bn->n * bn->channels * bn->m;
  self->in = g_new (float, self->size);
  self->w = g_new (float, self->size);
  self->out = g_new (float, self->size);
  self->xhat = g_new (float, self->size);
  self->gamma = g_new (float, bn->channels);
  self->beta = g_new (float, bn->channels);
  self->inv_std = g_new (float, bn->channels);
  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < self->size; i++)
    {
      /* an offset and a spread per position, so that centring matters */
      self->in[i] = (float) (3.0 + 2.0 * l2l_rng_normal (&rng));
      self->w[i] = (float) l2l_rng_normal (&rng);
    }
  for (guint c = 0; c < bn->channels; c++)
    {
      self->gamma[c] = (float) (0.5 + l2l_rng_uniform (&rng));
      self->beta[c] = (float) l2l_rng_normal (&rng);
    }
}

static void
case_clear (Case *self)
{
  g_free (self->in);
  g_free (self->w);
  g_free (self->out);
  g_free (self->xhat);
  g_free (self->gamma);
  g_free (self->beta);
  g_free (self->inv_std);
}

static double
case_loss (Case *self)
{
  double loss = 0.0;

  l2l_batchnorm_forward (self->out, self->xhat, self->inv_std, self->in, self->gamma,
                         self->beta, &self->bn);
  for (gsize i = 0; i < self->size; i++)
    loss += (double) self->w[i] * self->out[i];
  return loss;
}

/* Each channel's outputs have mean β and biased variance γ² σ²/(σ² + ε). */
static void
test_forward (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      Case c;
      const L2lBatchNorm *bn = &shapes[s];

      case_init (&c, bn, 11 + s);
      case_loss (&c);
      for (guint ch = 0; ch < bn->channels; ch++)
        {
          double mean = 0.0, var = 0.0, in_mean = 0.0, in_var = 0.0;
          const double count = (double) bn->n * bn->m;

          for (guint i = 0; i < bn->n; i++)
            for (gsize j = 0; j < bn->m; j++)
              {
                gsize k = ((gsize) i * bn->channels + ch) * bn->m + j;
                mean += c.out[k] / count;
                in_mean += c.in[k] / count;
              }
          for (guint i = 0; i < bn->n; i++)
            for (gsize j = 0; j < bn->m; j++)
              {
                gsize k = ((gsize) i * bn->channels + ch) * bn->m + j;
                var += (c.out[k] - mean) * (c.out[k] - mean) / count;
                in_var += (c.in[k] - in_mean) * (c.in[k] - in_mean) / count;
              }
          g_assert_cmpfloat (fabs (mean - c.beta[ch]), <, 1e-5);
          g_assert_cmpfloat (fabs (var - (double) c.gamma[ch] * c.gamma[ch] * in_var /
                                   (in_var + bn->eps)), <, 1e-4);
          g_assert_cmpfloat (fabs (c.inv_std[ch] - 1.0 / sqrt (in_var + bn->eps)), <, 1e-5);
        }
      case_clear (&c);
    }
}

static double
numeric (Case   *c,
         float  *value,
         double  h)
{
  const float saved = *value;
  double plus, minus;

  *value = (float) (saved + h);
  plus = case_loss (c);
  *value = (float) (saved - h);
  minus = case_loss (c);
  *value = saved;
  return (plus - minus) / (2 * h);
}

static void
test_backward (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      Case c;
      const L2lBatchNorm *bn = &shapes[s];
      g_autofree float *din = NULL, *dgamma = NULL, *dbeta = NULL;
      double worst = 0.0;

      case_init (&c, bn, 23 + s);
      din = g_new (float, c.size);
      dgamma = g_new0 (float, bn->channels);
      dbeta = g_new0 (float, bn->channels);
      /* the contract: gradients of parameters are added to */
      dgamma[0] = 1.0f;
      dbeta[0] = -1.0f;
      case_loss (&c);
      l2l_batchnorm_backward (din, dgamma, dbeta, c.w, c.xhat, c.inv_std, c.gamma, bn);
      dgamma[0] -= 1.0f;
      dbeta[0] += 1.0f;

      for (gsize i = 0; i < c.size; i++)
        worst = MAX (worst, fabs (numeric (&c, &c.in[i], 1e-2) - din[i]));
      for (guint ch = 0; ch < bn->channels; ch++)
        {
          worst = MAX (worst, fabs (numeric (&c, &c.gamma[ch], 1e-2) - dgamma[ch]));
          worst = MAX (worst, fabs (numeric (&c, &c.beta[ch], 1e-2) - dbeta[ch]));
        }
      g_test_message ("shape %u: worst absolute error %.3g", s, worst);
      g_assert_cmpfloat (worst, <, 2e-3);
      case_clear (&c);
    }
}

/* A constant channel normalises to 0, not to NaN: ε keeps 1/σ finite. */
static void
test_constant_channel (void)
{
  Case c;

  case_init (&c, &shapes[0], 5);
  for (gsize i = 0; i < c.size; i++)
    c.in[i] = 4.0f;
  case_loss (&c);
  for (gsize i = 0; i < c.size; i++)
    {
      guint ch = (guint) ((i / c.bn.m) % c.bn.channels);
      g_assert_cmpfloat (c.out[i], ==, c.beta[ch]);
    }
  case_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/batchnorm/forward", test_forward);
  g_test_add_func ("/engine/batchnorm/backward", test_backward);
  g_test_add_func ("/engine/batchnorm/constant-channel", test_constant_channel);
  return g_test_run ();
}
