/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Images in and out for neural art (ARCHITECTURE §4): PNG, JPEG and whatever
 * else GdkPixbuf reads, as planar float RGB in [0, 1]; styled images out as
 * 8-bit RGB PNG. */

#define L2L_IMAGE_MIN_SIDE 16
#define L2L_IMAGE_MAX_PIXELS (64u << 20)

typedef struct {
  guint  width;
  guint  height;
  float *pixels;    /* [3 × height × width], R plane, G plane, B plane */
} L2lImage;

/* Grayscale is spread to RGB and alpha dropped. A missing, unreadable,
 * corrupt or non-image file, or one whose shorter side is under
 * L2L_IMAGE_MIN_SIDE pixels, is refused with the file named. */
L2lImage *l2l_image_load     (const char  *path,
                              GError     **error);
void      l2l_image_free     (L2lImage    *image);

/* @pixels [3 × height × width] as interleaved 8-bit RGB rows of @stride
 * bytes, each value clamped to [0, 1] and rounded (NaN as 0): what PNGs and
 * previews show. */
void      l2l_image_to_rgb8  (const float *pixels,
                              guint        width,
                              guint        height,
                              guint8      *rgb,
                              gsize        stride);

/* Writes @pixels [3 × height × width] as an 8-bit RGB PNG, each value
 * clamped to [0, 1] and rounded, through the engine's atomic writer. */
gboolean  l2l_image_save_png (const float *pixels,
                              guint        width,
                              guint        height,
                              const char  *path,
                              GError     **error);

/* @content | @result | @style, each [3 × size × size], side by side in one
 * PNG 3·size wide (the paper's Figure 9), written as l2l_image_save_png does. */
gboolean  l2l_image_save_triple_png (const float *content,
                                     const float *result,
                                     const float *style,
                                     guint        size,
                                     const char  *path,
                                     GError     **error);

/* The square of side @side at column @x, row @y of @image (inside it),
 * resampled to @size × @size into @out [3 × size × size]; a square already
 * @size wide is copied as is. */
void      l2l_image_crop_resize (const L2lImage *image,
                                 guint           x,
                                 guint           y,
                                 guint           side,
                                 guint           size,
                                 float          *out);

/* The largest centred square of @image, at @size × @size. */
void      l2l_image_center_square (const L2lImage *image,
                                   guint           size,
                                   float          *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lImage, l2l_image_free)

G_END_DECLS
