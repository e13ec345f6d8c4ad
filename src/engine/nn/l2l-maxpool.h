/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Max-pooling of @planes planes of H × W, window k, stride s (no padding,
 * floor): out [planes × H' × W'], and in @argmax the index in its plane of
 * each output's maximum (the first, on ties), which backward routes dout to;
 * backward writes din [planes × H × W]. */
void l2l_maxpool_forward  (float         *out,
                           guint32       *argmax,
                           const float   *in,
                           guint          planes,
                           guint          height,
                           guint          width,
                           guint          k,
                           guint          stride);
void l2l_maxpool_backward (float         *din,
                           const float   *dout,
                           const guint32 *argmax,
                           guint          planes,
                           guint          height,
                           guint          width,
                           guint          k,
                           guint          stride);

/* The forward pass's directional derivative along @rin (the R-operator):
 * each output takes the derivative at its window's maximum, by @argmax.
 * Backward's is l2l_maxpool_backward itself, which is linear in dout. */
void l2l_maxpool_forward_rop (float         *rout,
                              const float   *rin,
                              const guint32 *argmax,
                              guint          planes,
                              guint          height,
                              guint          width,
                              guint          k,
                              guint          stride);

G_END_DECLS
