/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-batchnorm.h"
#include "l2l-maxpool.h"
#include "l2l-vector.h"

/* Where image @i's values of channel @c start in [N × C × M]. */
static inline gsize
row_at (const L2lBatchNorm *bn,
        guint               i,
        guint               c)
{
  return ((gsize) i * bn->channels + c) * bn->m;
}

/* Sums over one row of a channel in 32 float lanes, which vectorize into
 * independent chains (two AVX-512 registers, four AVX2), each row's total
 * then added in double: a double chain per value would be four times
 * slower, and a row (one image's plane) is short enough for floats. */
#define LANES 32

G_ALWAYS_INLINE static inline double
row_sum (const float *restrict x,
         gsize                 m)
{
  float lane[LANES] = { 0 };
  double total = 0.0;
  gsize j = 0;

  for (; j + LANES <= m; j += LANES)
    for (guint l = 0; l < LANES; l++)
      lane[l] += x[j + l];
  for (; j < m; j++)
    total += x[j];
  for (guint l = 0; l < LANES; l++)
    total += lane[l];
  return total;
}

/* Σ (x − mean)² over one row. */
G_ALWAYS_INLINE static inline double
row_squares (const float *restrict x,
             gsize                 m,
             float                 mean)
{
  float lane[LANES] = { 0 };
  double total = 0.0;
  gsize j = 0;

  for (; j + LANES <= m; j += LANES)
    for (guint l = 0; l < LANES; l++)
      lane[l] += (x[j + l] - mean) * (x[j + l] - mean);
  for (; j < m; j++)
    total += (double) (x[j] - mean) * (x[j] - mean);
  for (guint l = 0; l < LANES; l++)
    total += lane[l];
  return total;
}

/* Σ a·b over one row. */
G_ALWAYS_INLINE static inline double
row_dot (const float *restrict a,
         const float *restrict b,
         gsize                 m)
{
  float lane[LANES] = { 0 };
  double total = 0.0;
  gsize j = 0;

  for (; j + LANES <= m; j += LANES)
    for (guint l = 0; l < LANES; l++)
      lane[l] += a[j + l] * b[j + l];
  for (; j < m; j++)
    total += (double) a[j] * b[j];
  for (guint l = 0; l < LANES; l++)
    total += lane[l];
  return total;
}

/* One pass's arguments, for the team that shares its channels out. */
typedef struct {
  const L2lBatchNorm     *bn;
  const L2lBatchNormPool *pooling;   /* with a ReLU and pooling after it, else NULL */
  float                  *out;       /* forward: out (the ReLU's, with pooling); backward: din */
  float                  *xhat;      /* forward only */
  float                  *inv_std;   /* forward only */
  float                  *pool;      /* forward with pooling */
  guint32                *argmax;
  float                  *dgamma;    /* backward only */
  float                  *dbeta;
  const float            *in;        /* forward: in; backward: dout, or ∂L/∂pool */
  const float            *xhat_in;   /* backward only */
  const float            *inv_std_in;
  const float            *pooled;    /* backward with pooling: the pooled ReLU output */
  const guint32          *argmax_in;
  const float            *gamma;
  const float            *beta;
} Pass;

static gsize
pooled_size (const L2lBatchNormPool *pooling)
{
  return (gsize) ((pooling->height - pooling->k) / pooling->stride + 1) *
         ((pooling->width - pooling->k) / pooling->stride + 1);
}

L2L_VECTOR_CLONES static void
forward_channel (guint    c,
                 gpointer user_data)
{
  const Pass *p = user_data;
  const L2lBatchNorm *bn = p->bn;
  const double count = (double) bn->n * bn->m;
  double sum = 0.0, squares = 0.0, mean;
  float istd;

  for (guint i = 0; i < bn->n; i++)
    sum += row_sum (p->in + row_at (bn, i, c), bn->m);
  mean = sum / count;
  /* two passes: the variance of values far from zero stays exact */
  for (guint i = 0; i < bn->n; i++)
    squares += row_squares (p->in + row_at (bn, i, c), bn->m, (float) mean);
  istd = (float) (1.0 / sqrt (squares / count + bn->eps));
  p->inv_std[c] = istd;
  for (guint i = 0; i < bn->n; i++)
    {
      const gsize base = row_at (bn, i, c);
      const float *restrict x = p->in + base;
      float *restrict h = p->xhat + base, *restrict y = p->out + base;
      const float mu = (float) mean, g = p->gamma[c], b = p->beta[c];

      if (p->pooling == NULL)
        {
          for (gsize j = 0; j < bn->m; j++)
            {
              h[j] = (x[j] - mu) * istd;
              y[j] = g * h[j] + b;
            }
          continue;
        }
      /* the ReLU, then the plane pooled while it is still in cache */
      for (gsize j = 0; j < bn->m; j++)
        {
          h[j] = (x[j] - mu) * istd;
          y[j] = g * h[j] + b > 0.0f ? g * h[j] + b : 0.0f;
        }
      {
        const L2lBatchNormPool *pooling = p->pooling;
        const gsize at = ((gsize) i * bn->channels + c) * pooled_size (pooling);

        l2l_maxpool_forward (p->pool + at, p->argmax + at, y, 1, pooling->height, pooling->width,
                             pooling->k, pooling->stride);
      }
    }
}

void
l2l_batchnorm_forward (float              *out,
                       float              *xhat,
                       float              *inv_std,
                       const float        *in,
                       const float        *gamma,
                       const float        *beta,
                       const L2lBatchNorm *bn)
{
  Pass pass = { .bn = bn, .out = out, .xhat = xhat, .inv_std = inv_std, .in = in,
                .gamma = gamma, .beta = beta };

  l2l_parallel_run (bn->parallel, bn->channels, forward_channel, &pass);
}

/* @v where @keep, else +0: with a mask rather than a branch, which the
 * random places of the windows' maxima would mispredict half the time. */
G_ALWAYS_INLINE static inline float
keep_if (float    v,
         gboolean keep)
{
  guint32 bits;

  memcpy (&bits, &v, sizeof bits);
  bits &= -(guint32) (keep != 0);
  memcpy (&v, &bits, sizeof v);
  return v;
}

/* The backward pass from ∂L/∂pool: dout of the batch norm is the pooled
 * gradient routed to each window's maximum where the ReLU passed it (where
 * the pooled output, the ReLU's output there, is positive), so its sums
 * read only those places, and din is the batch norm's formula with that
 * sparse dout added at them. */
L2L_VECTOR_CLONES static void
backward_pooled_channel (guint    c,
                         gpointer user_data)
{
  const Pass *p = user_data;
  const L2lBatchNorm *bn = p->bn;
  const gsize pooled = pooled_size (p->pooling);
  const double count = (double) bn->n * bn->m;
  double sum = 0.0, dot = 0.0;
  float scale, mean_dout, mean_dot;

  for (guint i = 0; i < bn->n; i++)
    {
      const gsize base = row_at (bn, i, c), at = ((gsize) i * bn->channels + c) * pooled;
      const guint32 *restrict am = p->argmax_in + at;
      const float *restrict dpool = p->in + at;
      const float *restrict pooled_act = p->pooled + at, *restrict h = p->xhat_in + base;
      float lane_sum[LANES] = { 0 }, lane_dot[LANES] = { 0 };
      gsize q = 0;

      /* in lanes and without branches, as row_sum: a plane's maxima */
      for (; q + LANES <= pooled; q += LANES)
        for (guint l = 0; l < LANES; l++)
          {
            const float d = keep_if (dpool[q + l], pooled_act[q + l] > 0.0f);

            lane_sum[l] += d;
            lane_dot[l] += d * h[am[q + l]];
          }
      for (; q < pooled; q++)
        {
          const float d = keep_if (dpool[q], pooled_act[q] > 0.0f);

          sum += d;
          dot += (double) d * h[am[q]];
        }
      for (guint l = 0; l < LANES; l++)
        {
          sum += lane_sum[l];
          dot += lane_dot[l];
        }
    }
  p->dbeta[c] += (float) sum;
  p->dgamma[c] += (float) dot;
  scale = p->gamma[c] * p->inv_std_in[c];
  mean_dout = (float) (sum / count);
  mean_dot = (float) (dot / count);
  for (guint i = 0; i < bn->n; i++)
    {
      const gsize base = row_at (bn, i, c), at = ((gsize) i * bn->channels + c) * pooled;
      const float *restrict h = p->xhat_in + base;
      float *restrict dx = p->out + base;

      for (gsize j = 0; j < bn->m; j++)
        dx[j] = scale * (-mean_dout - h[j] * mean_dot);
      for (gsize q = 0; q < pooled; q++)
        {
          const guint32 j = p->argmax_in[at + q];

          dx[j] += keep_if (scale * p->in[at + q], p->pooled[at + q] > 0.0f);
        }
    }
}

void
l2l_batchnorm_relu_pool_forward (float                  *pool,
                                 guint32                *argmax,
                                 float                  *act,
                                 float                  *xhat,
                                 float                  *inv_std,
                                 const float            *in,
                                 const float            *gamma,
                                 const float            *beta,
                                 const L2lBatchNorm     *bn,
                                 const L2lBatchNormPool *pooling)
{
  Pass pass = { .bn = bn, .pooling = pooling, .out = act, .xhat = xhat, .inv_std = inv_std,
                .pool = pool, .argmax = argmax, .in = in, .gamma = gamma, .beta = beta };

  g_return_if_fail ((gsize) pooling->height * pooling->width == bn->m);
  l2l_parallel_run (bn->parallel, bn->channels, forward_channel, &pass);
}

void
l2l_batchnorm_relu_pool_backward (float                  *din,
                                  float                  *dgamma,
                                  float                  *dbeta,
                                  const float            *dpool,
                                  const guint32          *argmax,
                                  const float            *pool,
                                  const float            *xhat,
                                  const float            *inv_std,
                                  const float            *gamma,
                                  const L2lBatchNorm     *bn,
                                  const L2lBatchNormPool *pooling)
{
  Pass pass = { .bn = bn, .pooling = pooling, .out = din, .dgamma = dgamma, .dbeta = dbeta,
                .in = dpool, .xhat_in = xhat, .inv_std_in = inv_std, .pooled = pool,
                .argmax_in = argmax, .gamma = gamma };

  g_return_if_fail ((gsize) pooling->height * pooling->width == bn->m);
  l2l_parallel_run (bn->parallel, bn->channels, backward_pooled_channel, &pass);
}

L2L_VECTOR_CLONES static void
backward_channel (guint    c,
                  gpointer user_data)
{
  const Pass *p = user_data;
  const L2lBatchNorm *bn = p->bn;
  const double count = (double) bn->n * bn->m;
  double sum = 0.0, dot = 0.0;
  float scale, mean_dout, mean_dot;

  for (guint i = 0; i < bn->n; i++)
    {
      const gsize base = row_at (bn, i, c);

      sum += row_sum (p->in + base, bn->m);
      dot += row_dot (p->in + base, p->xhat_in + base, bn->m);
    }
  p->dbeta[c] += (float) sum;
  p->dgamma[c] += (float) dot;
  scale = p->gamma[c] * p->inv_std_in[c];
  mean_dout = (float) (sum / count);
  mean_dot = (float) (dot / count);
  for (guint i = 0; i < bn->n; i++)
    {
      const gsize base = row_at (bn, i, c);
      const float *restrict dy = p->in + base, *restrict h = p->xhat_in + base;
      float *restrict dx = p->out + base;

      for (gsize j = 0; j < bn->m; j++)
        dx[j] = scale * (dy[j] - mean_dout - h[j] * mean_dot);
    }
}

void
l2l_batchnorm_backward (float              *din,
                        float              *dgamma,
                        float              *dbeta,
                        const float        *dout,
                        const float        *xhat,
                        const float        *inv_std,
                        const float        *gamma,
                        const L2lBatchNorm *bn)
{
  Pass pass = { .bn = bn, .out = din, .dgamma = dgamma, .dbeta = dbeta, .in = dout,
                .xhat_in = xhat, .inv_std_in = inv_std, .gamma = gamma };

  l2l_parallel_run (bn->parallel, bn->channels, backward_channel, &pass);
}

void
l2l_batchnorm_forward_rop (float              *rout,
                           float              *rxhat,
                           float              *rinv_std,
                           const float        *rin,
                           const float        *xhat,
                           const float        *inv_std,
                           const float        *gamma,
                           const float        *vgamma,
                           const float        *vbeta,
                           const L2lBatchNorm *bn)
{
  const double count = (double) bn->n * bn->m;

  for (guint c = 0; c < bn->channels; c++)
    {
      double sum = 0.0, dot = 0.0;
      float s = inv_std[c], mean_r, mean_dot;

      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);

          sum += row_sum (rin + base, bn->m);
          dot += row_dot (rin + base, xhat + base, bn->m);
        }
      mean_r = (float) (sum / count);
      mean_dot = (float) (dot / count);
      /* R(1/σ) = −(1/σ)² mean(x̂ R(x)) */
      rinv_std[c] = -s * s * mean_dot;
      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);
          const float *restrict rx = rin + base, *restrict h = xhat + base;
          float *restrict rh = rxhat + base, *restrict ry = rout + base;
          const float g = gamma[c], vg = vgamma[c], vb = vbeta[c];

          for (gsize j = 0; j < bn->m; j++)
            {
              rh[j] = s * (rx[j] - mean_r - h[j] * mean_dot);
              ry[j] = g * rh[j] + vg * h[j] + vb;
            }
        }
    }
}

void
l2l_batchnorm_backward_rop (float              *rdin,
                            float              *rdgamma,
                            float              *rdbeta,
                            const float        *dout,
                            const float        *rdout,
                            const float        *xhat,
                            const float        *rxhat,
                            const float        *inv_std,
                            const float        *rinv_std,
                            const float        *gamma,
                            const float        *vgamma,
                            const L2lBatchNorm *bn)
{
  const double count = (double) bn->n * bn->m;

  for (guint c = 0; c < bn->channels; c++)
    {
      double sum = 0.0, dot = 0.0, rsum = 0.0, rdot = 0.0;
      float scale, rscale, mean_dout, mean_dot, mean_rdout, mean_rdot;

      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);

          sum += row_sum (dout + base, bn->m);
          dot += row_dot (dout + base, xhat + base, bn->m);
          rsum += row_sum (rdout + base, bn->m);
          rdot += row_dot (rdout + base, xhat + base, bn->m)
                  + row_dot (dout + base, rxhat + base, bn->m);
        }
      rdbeta[c] += (float) rsum;
      rdgamma[c] += (float) rdot;
      /* din = a (dout − mean dout − x̂ mean(dout x̂)), a = γ/σ */
      scale = gamma[c] * inv_std[c];
      rscale = vgamma[c] * inv_std[c] + gamma[c] * rinv_std[c];
      mean_dout = (float) (sum / count);
      mean_dot = (float) (dot / count);
      mean_rdout = (float) (rsum / count);
      mean_rdot = (float) (rdot / count);
      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);
          const float *restrict dy = dout + base, *restrict rdy = rdout + base;
          const float *restrict h = xhat + base, *restrict rh = rxhat + base;
          float *restrict rdx = rdin + base;

          for (gsize j = 0; j < bn->m; j++)
            rdx[j] = rscale * (dy[j] - mean_dout - h[j] * mean_dot)
                     + scale * (rdy[j] - mean_rdout - rh[j] * mean_dot - h[j] * mean_rdot);
        }
    }
}
