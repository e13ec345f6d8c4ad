/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-image.h"

/* Separable resampling with a triangle filter, widened by the scale when
 * shrinking so that every source pixel counts (an area-like average without
 * aliasing); when enlarging it is bilinear interpolation. Taps past the
 * crop's edge are left out and the rest weighted up. */
typedef struct {
  guint  first;      /* first source index */
  guint  count;
  float *weights;    /* [count], summing to 1 */
} Taps;

static Taps *
taps_new (guint side,
          guint size)
{
  const double scale = (double) side / size;
  const double support = MAX (1.0, scale);
  Taps *taps = g_new0 (Taps, size);

  for (guint o = 0; o < size; o++)
    {
      const double center = (o + 0.5) * scale - 0.5;
      const int lo = MAX (0, (int) floor (center - support) + 1);
      const int hi = MIN ((int) side - 1, (int) ceil (center + support) - 1);
      double total = 0.0;

      taps[o].first = (guint) lo;
      taps[o].count = (guint) (hi - lo + 1);
      taps[o].weights = g_new (float, taps[o].count);
      for (int i = lo; i <= hi; i++)
        total += 1.0 - fabs (i - center) / support;
      for (int i = lo; i <= hi; i++)
        taps[o].weights[i - lo] = (float) ((1.0 - fabs (i - center) / support) / total);
    }
  return taps;
}

static void
taps_free (Taps  *taps,
           guint  size)
{
  for (guint o = 0; o < size; o++)
    g_free (taps[o].weights);
  g_free (taps);
}

void
l2l_image_crop_resize (const L2lImage *image,
                       guint           x,
                       guint           y,
                       guint           side,
                       guint           size,
                       float          *out)
{
  const gsize plane = (gsize) image->width * image->height;
  g_autofree float *rows = NULL;
  Taps *taps;

  g_return_if_fail (side > 0 && x + side <= image->width && y + side <= image->height);

  if (side == size)
    {
      for (guint c = 0; c < 3; c++)
        for (guint r = 0; r < size; r++)
          memcpy (out + ((gsize) c * size + r) * size,
                  image->pixels + c * plane + (gsize) (y + r) * image->width + x,
                  size * sizeof (float));
      return;
    }

  /* Across first ([3 × side × size]), then down. */
  taps = taps_new (side, size);
  rows = g_new (float, (gsize) 3 * side * size);
  for (guint c = 0; c < 3; c++)
    for (guint r = 0; r < side; r++)
      {
        const float *src = image->pixels + c * plane + (gsize) (y + r) * image->width + x;
        float *dst = rows + ((gsize) c * side + r) * size;

        for (guint o = 0; o < size; o++)
          {
            float sum = 0.0f;
            for (guint k = 0; k < taps[o].count; k++)
              sum += taps[o].weights[k] * src[taps[o].first + k];
            dst[o] = sum;
          }
      }
  for (guint c = 0; c < 3; c++)
    for (guint o = 0; o < size; o++)
      {
        float *dst = out + ((gsize) c * size + o) * size;

        memset (dst, 0, size * sizeof (float));
        for (guint k = 0; k < taps[o].count; k++)
          {
            const float w = taps[o].weights[k];
            const float *src = rows + ((gsize) c * side + taps[o].first + k) * size;
            for (guint i = 0; i < size; i++)
              dst[i] += w * src[i];
          }
      }
  taps_free (taps, size);
}

void
l2l_image_center_square (const L2lImage *image,
                         guint           size,
                         float          *out)
{
  const guint side = MIN (image->width, image->height);

  l2l_image_crop_resize (image, (image->width - side) / 2, (image->height - side) / 2, side,
                         size, out);
}
