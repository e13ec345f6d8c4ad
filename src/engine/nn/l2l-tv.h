/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Total variation of an image [C × H × W]: the mean of its squared vertical
 * differences plus the mean of its squared horizontal ones. Backward adds
 * @scale · ∂tv/∂x into @dimage. */
double l2l_tv_forward  (const float *image,
                        guint        channels,
                        guint        height,
                        guint        width);
void   l2l_tv_backward (float       *dimage,
                        double       scale,
                        const float *image,
                        guint        channels,
                        guint        height,
                        guint        width);

G_END_DECLS
