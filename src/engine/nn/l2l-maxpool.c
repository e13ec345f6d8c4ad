/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-maxpool.h"

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
