/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-lstm-kernels.h"
#include "l2l-vector.h"

/* e^x as 2^k·e^r, |r| ≤ ln2/2, with a degree-6 Taylor polynomial: relative
 * error about 2e-7, and written so that the compiler can vectorize it
 * (libm's expf is a call, which stops vectorization). */
G_ALWAYS_INLINE static inline float
fast_expf (float x)
{
  float k, r, p;
  gint32 bits;
  float scale;

  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  k = (x * 1.44269504f + 12582912.0f) - 12582912.0f;   /* round to nearest */
  r = x - k * 0.693145752f;
  r = r - k * 1.42860677e-6f;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  bits = ((gint32) k + 127) << 23;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

G_ALWAYS_INLINE static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + fast_expf (-x));
}

G_ALWAYS_INLINE static inline float
tanhf_fast (float x)
{
  return 1.0f - 2.0f / (1.0f + fast_expf (2.0f * x));
}

float
l2l_lstm_sigmoid (float x)
{
  return sigmoidf (x);
}

float
l2l_lstm_tanh (float x)
{
  return tanhf_fast (x);
}

/* One hidden unit's row of the cell, along the N coordinates. */
G_ALWAYS_INLINE static inline void
cell_forward_row (float       *restrict gi,
                  float       *restrict gf,
                  float       *restrict gg,
                  float       *restrict go,
                  const float *restrict cp,
                  float       *restrict cell,
                  float       *restrict tanh_cell,
                  float       *restrict h,
                  gsize                 n)
{
  for (gsize r = 0; r < n; r++)
    {
      float i = sigmoidf (gi[r]), f = sigmoidf (gf[r]);
      float g = tanhf_fast (gg[r]), o = sigmoidf (go[r]);
      float c = f * cp[r] + i * g;
      float t = tanhf_fast (c);

      gi[r] = i;
      gf[r] = f;
      gg[r] = g;
      go[r] = o;
      cell[r] = c;
      tanh_cell[r] = t;
      h[r] = o * t;
    }
}

L2L_VECTOR_CLONES void
l2l_lstm_cell_forward (float       *gates,
                       const float *c_prev,
                       float       *c,
                       float       *tanh_c,
                       float       *h,
                       gsize        n,
                       guint        hidden)
{
  for (guint j = 0; j < hidden; j++)
    cell_forward_row (gates + (gsize) j * n, gates + (gsize) (hidden + j) * n,
                      gates + (gsize) (2 * hidden + j) * n,
                      gates + (gsize) (3 * hidden + j) * n,
                      c_prev + (gsize) j * n, c + (gsize) j * n, tanh_c + (gsize) j * n,
                      h + (gsize) j * n, n);
}

G_ALWAYS_INLINE static inline void
cell_backward_row (float       *restrict di,
                   float       *restrict df,
                   float       *restrict dg,
                   float       *restrict d_o,
                   float       *restrict dc,
                   const float *restrict dh,
                   const float *restrict gi,
                   const float *restrict gf,
                   const float *restrict gg,
                   const float *restrict go,
                   const float *restrict cp,
                   const float *restrict tanh_cell,
                   gsize                 n)
{
  for (gsize r = 0; r < n; r++)
    {
      float i = gi[r], f = gf[r], g = gg[r], o = go[r], t = tanh_cell[r];
      float dcell = dc[r] + dh[r] * o * (1.0f - t * t);

      d_o[r] = dh[r] * t * o * (1.0f - o);
      di[r] = dcell * g * i * (1.0f - i);
      df[r] = dcell * cp[r] * f * (1.0f - f);
      dg[r] = dcell * i * (1.0f - g * g);
      dc[r] = dcell * f;
    }
}

L2L_VECTOR_CLONES void
l2l_lstm_cell_backward (float       *dgates,
                        float       *dc,
                        const float *dh,
                        const float *gates,
                        const float *c_prev,
                        const float *tanh_c,
                        gsize        n,
                        guint        hidden)
{
  for (guint j = 0; j < hidden; j++)
    cell_backward_row (dgates + (gsize) j * n, dgates + (gsize) (hidden + j) * n,
                       dgates + (gsize) (2 * hidden + j) * n,
                       dgates + (gsize) (3 * hidden + j) * n,
                       dc + (gsize) j * n, dh + (gsize) j * n,
                       gates + (gsize) j * n, gates + (gsize) (hidden + j) * n,
                       gates + (gsize) (2 * hidden + j) * n,
                       gates + (gsize) (3 * hidden + j) * n,
                       c_prev + (gsize) j * n, tanh_c + (gsize) j * n, n);
}
