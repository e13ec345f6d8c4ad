/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* G [C × C] = F Fᵀ / (C · M) for features F [C × M]: style transfer's Gram
 * matrix. The fast kernel and its plain twin share one signature. */
typedef void L2lGramForwardFunc (float       *gram,
                                 const float *features,
                                 guint        channels,
                                 gsize        m);
L2lGramForwardFunc l2l_gram_forward;
L2lGramForwardFunc l2l_gram_forward_ref;

/* dF [C × M] = (dG + dGᵀ) F / (C · M), written. The fast kernel overwrites
 * @dgram with dG + dGᵀ; the reference only reads it. */
void l2l_gram_backward     (float       *dfeatures,
                            float       *dgram,
                            const float *features,
                            guint        channels,
                            gsize        m);
void l2l_gram_backward_ref (float       *dfeatures,
                            const float *dgram,
                            const float *features,
                            guint        channels,
                            gsize        m);

G_END_DECLS
