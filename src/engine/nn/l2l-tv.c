/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-tv.h"

double
l2l_tv_forward (const float *image,
                guint        channels,
                guint        height,
                guint        width)
{
  double vertical = 0.0, horizontal = 0.0;

  for (guint c = 0; c < channels; c++)
    {
      const float *plane = image + (gsize) c * height * width;
      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          {
            if (y + 1 < height)
              {
                double d = (double) plane[(y + 1) * width + x] - plane[y * width + x];
                vertical += d * d;
              }
            if (x + 1 < width)
              {
                double d = (double) plane[y * width + x + 1] - plane[y * width + x];
                horizontal += d * d;
              }
          }
    }
  return vertical / ((double) channels * (height - 1) * width) +
         horizontal / ((double) channels * height * (width - 1));
}

void
l2l_tv_backward (float       *dimage,
                 double       scale,
                 const float *image,
                 guint        channels,
                 guint        height,
                 guint        width)
{
  const double cv = 2.0 * scale / ((double) channels * (height - 1) * width);
  const double ch = 2.0 * scale / ((double) channels * height * (width - 1));

  for (guint c = 0; c < channels; c++)
    {
      const float *plane = image + (gsize) c * height * width;
      float *dplane = dimage + (gsize) c * height * width;

      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          {
            const gsize at = (gsize) y * width + x;
            double g = 0.0;

            if (y + 1 < height)
              g -= cv * ((double) plane[at + width] - plane[at]);
            if (y > 0)
              g += cv * ((double) plane[at] - plane[at - width]);
            if (x + 1 < width)
              g -= ch * ((double) plane[at + 1] - plane[at]);
            if (x > 0)
              g += ch * ((double) plane[at] - plane[at - 1]);
            dplane[at] += (float) g;
          }
    }
}
