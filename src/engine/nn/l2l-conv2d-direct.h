/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "l2l-conv2d.h"

G_BEGIN_DECLS

/* Direct convolution for l2l-conv2d.c: stride 1, no columns and no sgemm.
 * Each block of 16 output channels of a few output pixels is held in vector
 * registers while the taps stream past, so the image is read from L1 rather
 * than expanded 9 or 25 times; the weight gradient likewise holds a few rows
 * of taps for 16 channels. Kernels for AVX-512 and for AVX2 with FMA, picked
 * at run time; elsewhere the columns-and-sgemm path runs. The caller cuts
 * the work into items fixed by the shape (bands of rows of chunks of
 * images), each with its own weight gradient, so results do not depend on
 * how the items are shared out. */

typedef enum {
  L2L_CONV_ISA_NONE,
  L2L_CONV_ISA_AVX2,
  L2L_CONV_ISA_AVX512,
} L2lConvIsa;

/* The vector ISA the direct kernels use: the best the CPU has, unless a
 * test chose a lower one with l2l_conv2d_direct_set_isa, which returns
 * FALSE (and changes nothing) when the CPU lacks @isa. The choice changes
 * l2l_conv2d_col_size: size scratch after making it. */
L2lConvIsa l2l_conv2d_direct_isa     (void);
gboolean   l2l_conv2d_direct_set_isa (L2lConvIsa isa);

/* Whether the direct kernels take this convolution's forward pass, and its
 * backward pass with (@with_din) or without the input's gradient. */
gboolean   l2l_conv2d_direct_fits    (const L2lConv2d *conv,
                                      gboolean         backward,
                                      gboolean         with_din);
/* Floats of the laid-out weights (one pass's layout, shared by all
 * images), and of the work space one run of images needs when each image's
 * rows are cut into @bands bands. */
gsize      l2l_conv2d_direct_weights_size (const L2lConv2d *conv);
gsize      l2l_conv2d_direct_work_size    (const L2lConv2d *conv,
                                           guint            bands);

/* Lays the weights out: for the forward pass, or for the backward pass's
 * input gradient (the weight gradient needs none); a team (may be NULL)
 * shares the channels out. */
void       l2l_conv2d_direct_prepare      (float           *weights,
                                           const float     *weight,
                                           const L2lConv2d *conv,
                                           gboolean         backward,
                                           L2lParallel     *parallel);
/* Images [first, last) of the batch, band @band of @bands of their rows
 * (the output's rows; the input gradient's, for din), with the arguments of
 * l2l-conv2d.h. */
void       l2l_conv2d_direct_forward      (float           *out,
                                           float           *work,
                                           const float     *in,
                                           const float     *weights,
                                           const float     *bias,
                                           const L2lConv2d *conv,
                                           guint            first,
                                           guint            last,
                                           guint            band,
                                           guint            bands);
/* din's band (unless NULL) written; the weight gradient of the images'
 * band (unless @dwt is NULL) added, as [c_in·k·k × c_out], into @dwt. */
void       l2l_conv2d_direct_backward     (float           *din,
                                           float           *dwt,
                                           float           *work,
                                           const float     *dout,
                                           const float     *in,
                                           const float     *weights,
                                           const L2lConv2d *conv,
                                           guint            first,
                                           guint            last,
                                           guint            band,
                                           guint            bands);

G_END_DECLS
