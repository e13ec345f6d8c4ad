/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-batchnorm.h"

/* Where image @i's values of channel @c start in [N × C × M]. */
static inline gsize
row_at (const L2lBatchNorm *bn,
        guint               i,
        guint               c)
{
  return ((gsize) i * bn->channels + c) * bn->m;
}

/* Sums over one row of a channel in eight float lanes, which vectorize, each
 * row's total then added in double: a double chain per value would be four
 * times slower, and a row (one image's plane) is short enough for floats. */
#define LANES 8

static double
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
static double
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
static double
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

void
l2l_batchnorm_forward (float              *out,
                       float              *xhat,
                       float              *inv_std,
                       const float        *in,
                       const float        *gamma,
                       const float        *beta,
                       const L2lBatchNorm *bn)
{
  const double count = (double) bn->n * bn->m;

  for (guint c = 0; c < bn->channels; c++)
    {
      double sum = 0.0, squares = 0.0, mean;
      float istd;

      for (guint i = 0; i < bn->n; i++)
        sum += row_sum (in + row_at (bn, i, c), bn->m);
      mean = sum / count;
      /* two passes: the variance of values far from zero stays exact */
      for (guint i = 0; i < bn->n; i++)
        squares += row_squares (in + row_at (bn, i, c), bn->m, (float) mean);
      istd = (float) (1.0 / sqrt (squares / count + bn->eps));
      inv_std[c] = istd;
      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);
          const float *restrict x = in + base;
          float *restrict h = xhat + base, *restrict y = out + base;
          const float mu = (float) mean, g = gamma[c], b = beta[c];

          for (gsize j = 0; j < bn->m; j++)
            {
              h[j] = (x[j] - mu) * istd;
              y[j] = g * h[j] + b;
            }
        }
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
  const double count = (double) bn->n * bn->m;

  for (guint c = 0; c < bn->channels; c++)
    {
      double sum = 0.0, dot = 0.0;
      float scale, mean_dout, mean_dot;

      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);

          sum += row_sum (dout + base, bn->m);
          dot += row_dot (dout + base, xhat + base, bn->m);
        }
      dbeta[c] += (float) sum;
      dgamma[c] += (float) dot;
      scale = gamma[c] * inv_std[c];
      mean_dout = (float) (sum / count);
      mean_dot = (float) (dot / count);
      for (guint i = 0; i < bn->n; i++)
        {
          const gsize base = row_at (bn, i, c);
          const float *restrict dy = dout + base, *restrict h = xhat + base;
          float *restrict dx = din + base;

          for (gsize j = 0; j < bn->m; j++)
            dx[j] = scale * (dy[j] - mean_dout - h[j] * mean_dot);
        }
    }
}
