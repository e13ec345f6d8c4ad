/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-parallel.h"

G_BEGIN_DECLS

/* 2-D convolution, with the contract of l2l-nn.h: outputs first, a
 * backward pass writes the gradient of its input and adds into those of its
 * parameters, and every fast kernel has a plain _ref twin. Images are planar
 * and batched: [N × C × H × W]. Kernels are square (k × k), zero padding
 * @pad on every side, output sizes (H + 2·pad − k) / stride + 1, floored. */

typedef struct {
  guint n;        /* images */
  guint c_in;
  guint height;
  guint width;
  guint c_out;
  guint k;
  guint stride;
  guint pad;
} L2lConv2d;

guint  l2l_conv2d_out_height (const L2lConv2d *conv);
guint  l2l_conv2d_out_width  (const L2lConv2d *conv);
/* Floats of the scratch buffer the fast kernels need: the columns and
 * outputs of a chunk of up to 8 images, or the direct kernels' weights and
 * work space (l2l-conv2d-direct.h). */
gsize  l2l_conv2d_col_size   (const L2lConv2d *conv);

/* out [N × c_out × H' × W'] = weight [c_out × c_in × k × k] ⊛ in + bias [c_out]
 * (torch.nn.Conv2d; @bias may be NULL, as before batch normalization):
 * the direct kernels where they fit, else im2col into @col and one sgemm a
 * chunk of images. @parallel (may be NULL) shares the direct kernels' chunks
 * of images out; the result does not depend on its thread count. */
void   l2l_conv2d_forward      (float            *out,
                                float            *col,
                                const float      *in,
                                const float      *weight,
                                const float      *bias,
                                const L2lConv2d  *conv,
                                L2lParallel      *parallel);
/* din (unless NULL) written; dweight, dbias (unless NULL) added to. */
void   l2l_conv2d_backward     (float            *din,
                                float            *dweight,
                                float            *dbias,
                                float            *col,
                                const float      *dout,
                                const float      *in,
                                const float      *weight,
                                const L2lConv2d  *conv,
                                L2lParallel      *parallel);
void   l2l_conv2d_forward_ref  (float            *out,
                                const float      *in,
                                const float      *weight,
                                const float      *bias,
                                const L2lConv2d  *conv);
void   l2l_conv2d_backward_ref (float            *din,
                                float            *dweight,
                                float            *dbias,
                                const float      *dout,
                                const float      *in,
                                const float      *weight,
                                const L2lConv2d  *conv);

G_END_DECLS
