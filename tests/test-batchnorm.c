/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

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

/* Both passes at (in + t·rin, γ + t·vγ, β + t·vβ), the backward's dout
 * + t·rdout, into @out, @din, @dgamma and @dbeta (zeroed first). */
static void
passes_at (Case        *c,
           double       t,
           const float *rin,
           const float *vgamma,
           const float *vbeta,
           const float *rdout,
           float       *out,
           float       *din,
           float       *dgamma,
           float       *dbeta)
{
  const L2lBatchNorm *bn = &c->bn;
  g_autofree float *in = g_new (float, c->size), *dout = g_new (float, c->size);
  g_autofree float *gamma = g_new (float, bn->channels), *beta = g_new (float, bn->channels);

  for (gsize i = 0; i < c->size; i++)
    {
      in[i] = (float) (c->in[i] + t * rin[i]);
      dout[i] = (float) (c->w[i] + t * rdout[i]);
    }
  for (guint ch = 0; ch < bn->channels; ch++)
    {
      gamma[ch] = (float) (c->gamma[ch] + t * vgamma[ch]);
      beta[ch] = (float) (c->beta[ch] + t * vbeta[ch]);
      dgamma[ch] = dbeta[ch] = 0.0f;
    }
  l2l_batchnorm_forward (out, c->xhat, c->inv_std, in, gamma, beta, bn);
  l2l_batchnorm_backward (din, dgamma, dbeta, dout, c->xhat, c->inv_std, gamma, bn);
}

/* The R-operator of both passes (for the cnn's Hessian-vector products)
 * against central differences of them along one direction of input, γ, β
 * and dout together: the normalization is smooth, so they agree closely. */
static void
test_rop (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const L2lBatchNorm *bn = &shapes[s];
      const double h = 1e-3;
      Case c;
      gsize size;
      L2lRng rng;
      g_autofree float *rin = NULL, *rdout = NULL, *vgamma = NULL, *vbeta = NULL;
      g_autofree float *rout = NULL, *rxhat = NULL, *rinv_std = NULL, *rdin = NULL;
      g_autofree float *rdgamma = NULL, *rdbeta = NULL;
      float *out[2], *din[2], *dgamma[2], *dbeta[2];
      double worst = 0.0;

      case_init (&c, bn, 41 + s);
      size = c.size;
      rin = g_new (float, size), rdout = g_new (float, size);
      vgamma = g_new (float, bn->channels), vbeta = g_new (float, bn->channels);
      rout = g_new (float, size), rxhat = g_new (float, size), rdin = g_new (float, size);
      rinv_std = g_new (float, bn->channels);
      rdgamma = g_new0 (float, bn->channels), rdbeta = g_new0 (float, bn->channels);
      l2l_rng_init (&rng, 5 + s);
      for (gsize i = 0; i < size; i++)
        {
          rin[i] = (float) l2l_rng_normal (&rng);
          rdout[i] = (float) l2l_rng_normal (&rng);
        }
      for (guint ch = 0; ch < bn->channels; ch++)
        {
          vgamma[ch] = (float) l2l_rng_normal (&rng);
          vbeta[ch] = (float) l2l_rng_normal (&rng);
        }
      for (guint k = 0; k < 2; k++)
        {
          out[k] = g_new (float, size), din[k] = g_new (float, size);
          dgamma[k] = g_new (float, bn->channels), dbeta[k] = g_new (float, bn->channels);
          passes_at (&c, k == 0 ? h : -h, rin, vgamma, vbeta, rdout, out[k], din[k], dgamma[k],
                     dbeta[k]);
        }
      /* at t = 0: the forward's x̂ and 1/σ for the R passes */
      case_loss (&c);
      l2l_batchnorm_forward_rop (rout, rxhat, rinv_std, rin, c.xhat, c.inv_std, c.gamma, vgamma,
                                 vbeta, bn);
      l2l_batchnorm_backward_rop (rdin, rdgamma, rdbeta, c.w, rdout, c.xhat, rxhat, c.inv_std,
                                  rinv_std, c.gamma, vgamma, bn);
      for (gsize i = 0; i < size; i++)
        {
          worst = MAX (worst, fabs ((out[0][i] - out[1][i]) / (2 * h) - rout[i]));
          worst = MAX (worst, fabs ((din[0][i] - din[1][i]) / (2 * h) - rdin[i]));
        }
      for (guint ch = 0; ch < bn->channels; ch++)
        {
          worst = MAX (worst, fabs ((dgamma[0][ch] - dgamma[1][ch]) / (2 * h) - rdgamma[ch]));
          worst = MAX (worst, fabs ((dbeta[0][ch] - dbeta[1][ch]) / (2 * h) - rdbeta[ch]));
        }
      g_test_message ("shape %u: worst absolute error %.3g", s, worst);
      g_assert_cmpfloat (worst, <, 5e-3);
      for (guint k = 0; k < 2; k++)
        {
          g_free (out[k]), g_free (din[k]), g_free (dgamma[k]), g_free (dbeta[k]);
        }
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

/* Batch norm, ReLU and max-pooling in one pass against the three one after
 * another: the forward pass to the bit, the backward pass to rounding (its
 * sums run over the windows' maxima only); 2 × 2 windows of stride 2 on
 * planes of odd width, and overlapping 3 × 3 windows of stride 2; with a
 * team of two sharing the channels out. */
static void
test_relu_pool (void)
{
  const struct { L2lBatchNorm bn; L2lBatchNormPool pooling; } cases[] = {
    { { .n = 3, .channels = 4, .m = 6 * 5, .eps = 1e-5 }, { 6, 5, 2, 2 } },
    { { .n = 2, .channels = 3, .m = 7 * 7, .eps = 1e-5 }, { 7, 7, 3, 2 } },
  };
  g_autoptr(L2lParallel) team = l2l_parallel_new (2);

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      const L2lBatchNormPool *pl = &cases[t].pooling;
      L2lBatchNorm fused_bn = cases[t].bn;
      const guint planes = cases[t].bn.n * cases[t].bn.channels;
      const gsize pooled = (gsize) planes * ((pl->height - pl->k) / pl->stride + 1) *
                           ((pl->width - pl->k) / pl->stride + 1);
      Case c;
      g_autofree float *pool = NULL, *pool2 = NULL, *act2 = NULL, *xhat2 = NULL, *inv2 = NULL;
      g_autofree float *dpool = NULL, *dact = NULL, *din = NULL, *din2 = NULL;
      g_autofree float *dg = NULL, *db = NULL, *dg2 = NULL, *db2 = NULL;
      g_autofree guint32 *argmax = NULL, *argmax2 = NULL;
      L2lRng rng;

      case_init (&c, &cases[t].bn, 40 + t);
      fused_bn.parallel = team;
      pool = g_new (float, pooled);
      pool2 = g_new (float, pooled);
      argmax = g_new (guint32, pooled);
      argmax2 = g_new (guint32, pooled);
      act2 = g_new (float, c.size);
      xhat2 = g_new (float, c.size);
      inv2 = g_new (float, c.bn.channels);
      dpool = g_new (float, pooled);
      dact = g_new (float, c.size);
      din = g_new (float, c.size);
      din2 = g_new (float, c.size);
      dg = g_new0 (float, c.bn.channels);
      db = g_new0 (float, c.bn.channels);
      dg2 = g_new0 (float, c.bn.channels);
      db2 = g_new0 (float, c.bn.channels);
      l2l_rng_init (&rng, 50 + t);
      for (gsize i = 0; i < pooled; i++)
        dpool[i] = (float) l2l_rng_normal (&rng);

      l2l_batchnorm_forward (c.out, c.xhat, c.inv_std, c.in, c.gamma, c.beta, &c.bn);
      l2l_relu_forward (c.out, c.out, c.size);
      l2l_maxpool_forward (pool, argmax, c.out, planes, pl->height, pl->width, pl->k,
                           pl->stride);
      l2l_batchnorm_relu_pool_forward (pool2, argmax2, act2, xhat2, inv2, c.in, c.gamma, c.beta,
                                       &fused_bn, pl);
      g_assert_cmpmem (act2, c.size * sizeof (float), c.out, c.size * sizeof (float));
      g_assert_cmpmem (xhat2, c.size * sizeof (float), c.xhat, c.size * sizeof (float));
      g_assert_cmpmem (inv2, c.bn.channels * sizeof (float), c.inv_std,
                       c.bn.channels * sizeof (float));
      g_assert_cmpmem (pool2, pooled * sizeof (float), pool, pooled * sizeof (float));
      g_assert_cmpmem (argmax2, pooled * sizeof (guint32), argmax, pooled * sizeof (guint32));

      l2l_maxpool_backward (dact, dpool, argmax, planes, pl->height, pl->width, pl->k,
                            pl->stride);
      l2l_relu_backward (dact, c.out, dact, c.size);
      l2l_batchnorm_backward (din, dg, db, dact, c.xhat, c.inv_std, c.gamma, &c.bn);
      l2l_batchnorm_relu_pool_backward (din2, dg2, db2, dpool, argmax, pool, c.xhat, c.inv_std,
                                        c.gamma, &fused_bn, pl);
      g_assert_cmpfloat (test_util_max_rel_diff (din2, din, c.size), <, 1e-5);
      /* a channel's sums may cancel: rounding, relative to 1, can pass 1e-5 */
      g_assert_cmpfloat (test_util_max_rel_diff (dg2, dg, c.bn.channels), <, 1e-4);
      g_assert_cmpfloat (test_util_max_rel_diff (db2, db, c.bn.channels), <, 1e-4);
      case_clear (&c);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/batchnorm/forward", test_forward);
  g_test_add_func ("/engine/batchnorm/backward", test_backward);
  g_test_add_func ("/engine/batchnorm/constant-channel", test_constant_channel);
  g_test_add_func ("/engine/batchnorm/rop", test_rop);
  g_test_add_func ("/engine/batchnorm/relu-pool", test_relu_pool);
  return g_test_run ();
}
