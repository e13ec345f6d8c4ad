/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-maxpool.h"
#include "l2l-vector.h"

/* The cnn family's 2 × 2 windows of stride 2, without branches: the same
 * maxima and argmax (the first, on ties) as the general loop. */
L2L_VECTOR_CLONES static void
pool_2x2 (float       *restrict out,
          guint32     *restrict argmax,
          const float *restrict plane,
          guint                 height,
          guint                 width)
{
  const guint oh = height / 2, ow = width / 2;

  for (guint y = 0; y < oh; y++)
    {
      const float *r0 = plane + (gsize) 2 * y * width, *r1 = r0 + width;
      float *o = out + (gsize) y * ow;
      guint32 *a = argmax + (gsize) y * ow;
      const guint32 top = 2 * y * width, bottom = top + width;

      for (guint x = 0; x < ow; x++)
        {
          const float b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1];
          float best = r0[2 * x];
          guint32 at = top + 2 * x;

          /* masks, not branches: the maxima's places are random */
          at ^= (at ^ (top + 2 * x + 1)) & -(guint32) (b > best);
          best = b > best ? b : best;
          at ^= (at ^ (bottom + 2 * x)) & -(guint32) (c > best);
          best = c > best ? c : best;
          at ^= (at ^ (bottom + 2 * x + 1)) & -(guint32) (d > best);
          best = d > best ? d : best;
          o[x] = best;
          a[x] = at;
        }
    }
}

void
l2l_maxpool_forward (float       *out,
                     guint32     *argmax,
                     const float *in,
                     guint        planes,
                     guint        height,
                     guint        width,
                     guint        k,
                     guint        stride)
{
  const guint oh = (height - k) / stride + 1, ow = (width - k) / stride + 1;

  if (k == 2 && stride == 2)
    {
      for (guint p = 0; p < planes; p++)
        pool_2x2 (out + (gsize) p * oh * ow, argmax + (gsize) p * oh * ow,
                  in + (gsize) p * height * width, height, width);
      return;
    }
  for (guint p = 0; p < planes; p++)
    {
      const float *plane = in + (gsize) p * height * width;

      for (guint y = 0; y < oh; y++)
        for (guint x = 0; x < ow; x++)
          {
            guint32 best = y * stride * width + x * stride;

            for (guint ky = 0; ky < k; ky++)
              for (guint kx = 0; kx < k; kx++)
                {
                  guint32 at = (y * stride + ky) * width + x * stride + kx;
                  if (plane[at] > plane[best])
                    best = at;
                }
            out[((gsize) p * oh + y) * ow + x] = plane[best];
            argmax[((gsize) p * oh + y) * ow + x] = best;
          }
    }
}

void
l2l_maxpool_backward (float         *din,
                      const float   *dout,
                      const guint32 *argmax,
                      guint          planes,
                      guint          height,
                      guint          width,
                      guint          k,
                      guint          stride)
{
  const gsize outputs = (gsize) ((height - k) / stride + 1) * ((width - k) / stride + 1);

  memset (din, 0, (gsize) planes * height * width * sizeof (float));
  for (guint p = 0; p < planes; p++)
    for (gsize i = 0; i < outputs; i++)
      din[(gsize) p * height * width + argmax[p * outputs + i]] += dout[p * outputs + i];
}

void
l2l_maxpool_forward_rop (float         *rout,
                         const float   *rin,
                         const guint32 *argmax,
                         guint          planes,
                         guint          height,
                         guint          width,
                         guint          k,
                         guint          stride)
{
  const gsize outputs = (gsize) ((height - k) / stride + 1) * ((width - k) / stride + 1);

  for (guint p = 0; p < planes; p++)
    for (gsize i = 0; i < outputs; i++)
      rout[p * outputs + i] = rin[(gsize) p * height * width + argmax[p * outputs + i]];
}
